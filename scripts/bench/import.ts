/**
 * `npm run bench -- import [--json] [--rows N]`: the data package import of a big incident log.
 * Writes a deterministic 12345-style incident CSV (1,000,000 rows, ≈ 150 MB: 大类/小类, China-time
 * dates, WGS-84 points a few metres from the demo's Daoli buildings, 1 % moved outside the district
 * and 1 % without coordinates) into a temporary folder, then runs `npm run data -- --package` on it in a child
 * process (scripts/bench/import-run.ts) and reports wall time, rows per second and the child's
 * peak memory (max RSS). Target: under 60 s and 2 GB on the 2-core machine. Needs the demo
 * dataset (npm run data).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** [大类, 小类]: most map to a category, a few are unknown (→ other, reported). */
const KINDS: [string, string][] = [
  ['城乡建设', '邻里纠纷'],
  ['矛盾纠纷', '家庭纠纷'],
  ['环境保护', '垃圾清运'],
  ['市容环境', '乱堆乱放'],
  ['物业服务', '电梯故障'],
  ['物业服务', '楼道灯不亮'],
  ['公共安全', '飞线充电'],
  ['公共安全', '消防通道堵塞'],
  ['社会治安', '群租房'],
  ['民生服务', '低保救助'],
  ['供热服务', '暖气不热'],
  ['城市管理', '占道经营'],
  ['其他', '咨询']
];
const STATUSES = ['已办结', '已办结', '已办结', '已办结', '处置中', '待处理'];
const ROADS = [
  '安静街',
  '新阳路',
  '尚志大街',
  '经纬街',
  '中央大街',
  '友谊路',
  '兆麟街',
  '上海街',
  '西十二道街',
  '抚顺街'
];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Writes `rows` incident rows (plus the header) to `file`, in 1 MB chunks; returns the byte size. */
export function writeIncidentCsv(file: string, rows: number, seed = 20260101): number {
  const rnd = lcg(seed);
  const sites = (
    JSON.parse(readFileSync(join(REPO, 'static/data/230102/map/buildings.geojson'), 'utf8')) as {
      features: { geometry: { coordinates: number[][][] } }[];
    }
  ).features.map((f) => f.geometry.coordinates[0][0]);
  const fd = openSync(file, 'w');
  const enc = new TextEncoder();
  let chunk = '工单编号,来电时间,大类,小类,办理状态,办结时间,经度,纬度,事发地址\r\n';
  const t0 = Date.UTC(2024, 0, 1) - 8 * 3_600_000;
  const span = 731 * 86_400_000;
  try {
    for (let i = 0; i < rows; i++) {
      const reported = t0 + Math.floor((rnd() * span) / 60_000) * 60_000;
      const d = new Date(reported + 8 * 3_600_000);
      const when = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;
      const [main, sub] = KINDS[Math.floor(rnd() * KINDS.length)];
      const status = STATUSES[Math.floor(rnd() * STATUSES.length)];
      let closed = '';
      if (status === '已办结') {
        const c = new Date(reported + 8 * 3_600_000 + Math.floor(rnd() * 5 * 86_400_000));
        closed = `${c.getUTCFullYear()}/${c.getUTCMonth() + 1}/${c.getUTCDate()} ${c.getUTCHours()}:${pad(c.getUTCMinutes())}:00`;
      }
      // At a building (its footprint's first corner, ± 10 m); 1 % far east, 1 % without coordinates.
      const [bx, by] = sites[Math.floor(rnd() * sites.length)];
      const u = rnd();
      let lon = (bx + (rnd() - 0.5) * 2.6e-4).toFixed(6);
      let lat = (by + (rnd() - 0.5) * 1.8e-4).toFixed(6);
      if (u < 0.01) [lon, lat] = ['', ''];
      else if (u < 0.02) lon = (Number(lon) + 0.5).toFixed(6);
      const address = `道里区${ROADS[i % ROADS.length]}${1 + (i % 397)}号${1 + (i % 13)}单元`;
      chunk += `12345-${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}-${pad(i, 7)},${when},${main},${sub},${status},${closed},${lon},${lat},${address}\r\n`;
      if (chunk.length > 1 << 19) {
        writeSync(fd, enc.encode(chunk));
        chunk = '';
      }
    }
    writeSync(fd, enc.encode(chunk));
  } finally {
    closeSync(fd);
  }
  return statSync(file).size;
}

export async function benchImport(argv: string[]): Promise<unknown> {
  const k = argv.indexOf('--rows');
  const rows = k >= 0 ? Number(argv[k + 1]) : 1_000_000;
  const dir = mkdtempSync(join(tmpdir(), 'gridatlas-bench-import-'));
  try {
    const folder = join(dir, 'package');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    const tGen = performance.now();
    const bytes = writeIncidentCsv(join(folder, 'incidents.csv'), rows);
    const genS = (performance.now() - tGen) / 1000;
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/bench/import-run.ts',
        '--package',
        folder,
        '--district',
        '230102',
        '--out',
        join(dir, 'out')
      ],
      {
        cwd: REPO,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024
      }
    );
    const wallS = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`import exited ${r.status}: ${r.stderr.slice(-2000)}`);
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      tables: { incidents: { read: number; accepted: number; refused: number } };
    };
    const usage = JSON.parse(/BENCH (\{.*\})/.exec(r.stderr)![1]) as {
      maxRssMb: number;
      cpuS: number;
      readS: number;
      writeS: number;
    };
    const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
    return {
      rows,
      fileMb: round(bytes / 1024 / 1024),
      generateS: round(genS),
      wallS: round(wallS),
      rowsPerS: Math.round(rows / wallS),
      peakRssMb: usage.maxRssMb,
      // Wall time on a shared 2-core machine depends on the load; CPU time does not.
      cpuS: usage.cpuS,
      loadAverage: (await import('node:os')).loadavg()[0],
      phases: { readS: usage.readS, writeS: usage.writeS },
      incidents: line.tables.incidents,
      target: { wallS: 60, peakRssMb: 2048 },
      cpus: (await import('node:os')).availableParallelism()
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
