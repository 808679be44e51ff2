/**
 * `npm run data -- --package <folder> --district <adcode>` end to end, in a child process
 * (node --import tsx scripts/data.ts, as package.json runs it): exit codes 0 and 2, nothing
 * written on 2, and the counts of its JSON line checked against the written Parquet read back in
 * Node DuckDB. The demo dataset under static/data (the tests' global setup) gives the absent tables.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PackageManifest } from '../../scripts/import/package';
import { openNodeDb, readParquet, sqlString, type NodeDb } from '../../scripts/lib/node-db';
import { TABLES } from '../../src/lib/data/schema';
import { GEO_BUILDINGS, GEO_GRIDS, GEO_INCIDENTS, PACKAGE_FIXTURES, REPO } from '../fixtures/package/helpers';

const tmp = mkdtempSync(join(tmpdir(), 'gridatlas-package-cli-'));
let db: NodeDb;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(() => {
  db?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/data.ts', ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 120_000
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface Line {
  district: string;
  tables: Record<string, { read: number; accepted: number; refused: number; synthetic: boolean }>;
  errors: { file: string; row: number | null; field: string; reason: string }[];
  unknown: Record<string, { value: string; count: number }[]>;
  out: string;
}

describe('a folder with a GBK station register and an incident workbook', () => {
  const out = join(tmp, 'daoli');
  let r: ReturnType<typeof run>;
  let line: Line;
  beforeAll(() => {
    r = run(['--package', join(PACKAGE_FIXTURES, 'cli-ok'), '--district', '230102', '--out', out]);
    if (r.status !== 0) console.error(r.stderr);
    line = JSON.parse(r.stdout.trim()) as Line;
  }, 120_000); // a CLI run is ~5-10 s, several times that on a loaded 2-core machine

  it('exits 0 and prints one JSON line on stdout, progress on stderr', () => {
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/Stations\.csv: 12 rows read \(100 %\)/);
    expect(line).toMatchObject({ district: '230102', out, warnings: [] });
    expect(line.tables.stations).toEqual({ read: 12, accepted: 8, refused: 4, synthetic: false });
    expect(line.tables.incidents).toEqual({ read: 7, accepted: 5, refused: 2, synthetic: false });
    // The tables not given come from the demo with its own flags (Daoli's OSM geography is real).
    const demo = JSON.parse(readFileSync('static/data/230102/manifest.json', 'utf8')) as PackageManifest;
    for (const t of ['streets', 'communities', 'compounds', 'buildings', 'grids'])
      expect(line.tables[t].synthetic, t).toBe(demo.tables[t as 'grids'].synthetic);
    expect(line.errors).toHaveLength(6);
    expect(line.errors[0]).toEqual({
      file: 'Stations.csv',
      row: 10,
      field: 'lon',
      reason:
        'no coordinates (longitude or latitude empty): GridAtlas does not look up addresses, which would need an online geocoding service'
    });
    expect(line.errors.at(-1)).toMatchObject({ file: 'INCIDENTS.XLSX', row: 10, field: 'reported_at' });
    expect(line.unknown).toEqual({
      stations: [{ value: '便民服务点', count: 2 }],
      incidents: [{ value: '疫情防控', count: 1 }]
    });
  });

  it('the Parquet read back in DuckDB holds what the line counts', async () => {
    const n = async (t: string) =>
      Number(await db.scalar(`SELECT count(*) FROM ${readParquet(join(out, `${t}.parquet`))}`));
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackageManifest;
    for (const t of TABLES)
      expect(await n(t), t).toBe(t === 'stations' || t === 'incidents' ? line.tables[t].accepted : m.counts[t]);
    const stations = readParquet(join(out, 'stations.parquet'));
    expect(await db.all(`SELECT kind, count(*)::INTEGER AS n FROM ${stations} GROUP BY kind ORDER BY kind`)).toEqual([
      { kind: 'compound_station', n: 1 },
      { kind: 'other', n: 3 },
      { kind: 'outdoor_worker', n: 1 },
      { kind: 'party_centre', n: 1 },
      { kind: 'warm_heart', n: 2 }
    ]);
    expect(
      await db.all(`SELECT name, services, opens, closes, phone FROM ${stations} WHERE name = '安静街暖心驿站'`)
    ).toEqual([
      {
        name: '安静街暖心驿站',
        services: ['rest', 'water', 'charging', 'microwave'],
        opens: '08:00',
        closes: '20:00',
        phone: '0451-84612345'
      }
    ]);
    const incidents = readParquet(join(out, 'incidents.parquet'));
    const rows = await db.all(
      `SELECT ref, category, status, strftime(reported_at + INTERVAL 8 HOUR, '%Y-%m-%d %H:%M') AS reported, grid LIKE '230102%' AS in_grid FROM ${incidents} ORDER BY id`
    );
    expect(rows).toEqual([
      { ref: 'WG-2025-0001', category: 'dispute', status: 'closed', reported: '2025-03-01 08:30', in_grid: true },
      {
        ref: 'WG-2025-0002',
        category: 'sanitation',
        status: 'dispatched',
        reported: '2025-03-03 14:05',
        in_grid: true
      },
      { ref: 'WG-2025-0003', category: 'safety', status: 'open', reported: '2025-03-04 09:00', in_grid: true },
      { ref: 'WG-2025-0004', category: 'property', status: 'closed', reported: '2025-03-05 16:20', in_grid: true },
      { ref: 'WG-2025-0005', category: 'other', status: 'open', reported: '2025-03-06 11:00', in_grid: true }
    ]);
    // The schema's columns first, in the schema's order (the app reads them by name).
    const cols = (await db.all<{ column_name: string }>(`DESCRIBE SELECT * FROM ${incidents}`)).map(
      (c) => c.column_name
    );
    expect(cols).toEqual([
      'id',
      'district',
      'street',
      'community',
      'grid',
      'category',
      'status',
      'reported_at',
      'closed_at',
      'lon',
      'lat',
      'ref'
    ]);
    // Each table's footer says whether it is synthetic: the district's own files are not, the generator's tables are.
    const kv = async (t: string) =>
      Object.fromEntries(
        (
          await db.all<{ k: string; v: string }>(
            `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${sqlString(join(out, `${t}.parquet`))})`
          )
        ).map((r) => [r.k, r.v])
      );
    expect(await kv('stations')).toMatchObject({ 'gridatlas.synthetic': 'none', 'gridatlas.synthetic_tables': '' });
    expect(await kv('incidents')).toMatchObject({ 'gridatlas.synthetic': 'none' });
    expect(await kv('buildings')).toMatchObject({ 'gridatlas.synthetic': 'none', 'gridatlas.synthetic_tables': '' });
    expect(await kv('communities')).toMatchObject({ 'gridatlas.synthetic_tables': 'communities' });
  });

  it('writes the layout of static/data/<adcode>/ with a manifest that says per table where it came from', () => {
    expect(readdirSync(out).sort()).toEqual(
      [...TABLES.map((t) => `${t}.parquet`), 'manifest.json', 'map', 'rider'].sort()
    );
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackageManifest;
    expect(m).toMatchObject({
      kind: 'package',
      district: '230102',
      synthetic: true,
      counts: { stations: 8, incidents: 5 }
    });
    expect(m.tables.stations).toMatchObject({ synthetic: false, crs: 'wgs84', read: 12, accepted: 8, refused: 4 });
    expect(m.tables.stations.source).toMatch(/^Stations\.csv \(CSV, gb18030\)/);
    expect(m.tables.incidents.source).toMatch(/^INCIDENTS\.XLSX \(Excel, sheet "事件台账"\)/);
    // Daoli's demo buildings are OpenStreetMap's: the package keeps them real.
    expect(m.tables.buildings.synthetic).toBe(false);
    expect(m.tables.communities.synthetic).toBe(true);
    for (const f of m.files) expect(existsSync(join(out, f)), f).toBe(true);
    const rider = JSON.parse(readFileSync(join(out, 'rider/stations.json'), 'utf8')) as {
      synthetic: boolean;
      stations: { name: string }[];
    };
    expect(rider.stations).toHaveLength(8);
    // A real register: the rider page keeps its navigation links.
    expect(rider.synthetic).toBe(false);
    const layer = JSON.parse(readFileSync(join(out, 'map/stations.geojson'), 'utf8')) as { features: unknown[] };
    expect(layer.features).toHaveLength(8);
  });

  it('a second run replaces its own earlier package', { timeout: 120_000 }, () => {
    const again = run(['--package', join(PACKAGE_FIXTURES, 'cli-ok'), '--district', '230102', '--out', out]);
    expect(again.status).toBe(0);
    expect(readdirSync(tmp).filter((f) => f.startsWith('.'))).toEqual([]); // no temporary folder left
  });
});

describe("a folder with the district's own grids, communities and buildings in GCJ-02", () => {
  const out = join(tmp, 'geo');
  let r: ReturnType<typeof run>;
  let line: Line;
  const pq = (t: string) => readParquet(join(out, `${t}.parquet`));
  beforeAll(() => {
    r = run(['--package', join(PACKAGE_FIXTURES, 'cli-geo'), '--district', '230102', '--crs', 'gcj02', '--out', out]);
    if (r.status !== 0) console.error(r.stderr);
    line = JSON.parse(r.stdout.trim()) as Line;
  }, 120_000);

  it('reads every geometry file, refusing bad features by feature, field and reason', () => {
    expect(r.status).toBe(0);
    expect(line.tables.grids).toEqual({ read: 6, accepted: 4, refused: 2, synthetic: false });
    expect(line.tables.communities).toEqual({ read: 2, accepted: 1, refused: 1, synthetic: false });
    expect(line.tables.buildings).toEqual({ read: 8, accepted: 5, refused: 3, synthetic: false });
    expect(line.tables.incidents).toEqual({ read: 3, accepted: 3, refused: 0, synthetic: false });
    // Not given: the demo's, with the demo's flags.
    expect(line.tables.stations.synthetic).toBe(true);
    const byFile = (f: string) => line.errors.filter((e) => e.file === f).map((e) => [e.row, e.field]);
    expect(byFile('grids.geojson')).toEqual([
      [4, 'code'],
      [5, 'code']
    ]);
    expect(byFile('communities.geojson')).toEqual([[1, 'name']]);
    expect(byFile('buildings.geojson').sort()).toEqual([
      [5, 'households'],
      [6, 'geometry'],
      [7, 'geometry']
    ]);
    expect(line.errors.find((e) => e.row === 5 && e.file === 'grids.geojson')!.reason).toBe(
      'code 370881001001001 is not in 道里区 (codes there start with 230102)'
    );
  });

  it('places buildings and incidents in the given grids and sums households (hand-counted)', async () => {
    const grids = await db.all(`SELECT code, community, seq, households, buildings FROM ${pq('grids')} ORDER BY code`);
    // 002 states its own 450 households; the others sum their buildings (004's one estimated at 16).
    expect(grids).toEqual(
      GEO_GRIDS.map((g, i) => ({
        code: g.code,
        community: '230102013001',
        seq: i + 1,
        households:
          g.stated ??
          GEO_BUILDINGS.filter((b) => b.grid === g.code).reduce((s: number, b) => s + (b.households ?? 16), 0),
        buildings: GEO_BUILDINGS.filter((b) => b.grid === g.code).length
      }))
    );
    expect(
      await db.all(`SELECT id, grid, community, households, estimated FROM ${pq('buildings')} ORDER BY id`)
    ).toEqual(
      GEO_BUILDINGS.map((b) => ({
        id: b.id,
        grid: b.grid,
        community: '230102013001',
        households: b.households ?? 16,
        estimated: b.households === null
      }))
    );
    expect(await db.all(`SELECT ref, grid, street FROM ${pq('incidents')} ORDER BY ref`)).toEqual(
      GEO_INCIDENTS.map((i) => ({
        ref: i.id,
        grid: GEO_BUILDINGS.find((b) => b.id === i.building)!.grid,
        street: '230102013'
      }))
    );
    expect(await db.all(`SELECT code, name, street, households, buildings FROM ${pq('communities')}`)).toEqual([
      { code: '230102013001', name: '示例社区', street: '230102013', households: 60 + 80 + 120 + 90 + 16, buildings: 5 }
    ]);
    // A 300 m square: Polsby–Popper π/4 whatever the projection error.
    const pp = await db.all<{ p: number }>(`SELECT polsby_popper AS p FROM ${pq('grids')}`);
    for (const { p } of pp) expect(p).toBeCloseTo(Math.PI / 4, 2);
  });

  it('the manifest and the map layers say the same', () => {
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackageManifest;
    expect(m.tables.grids).toMatchObject({ synthetic: false, crs: 'gcj02', read: 6, accepted: 4, refused: 2 });
    expect(m.tables.grids.source).toBe("grids.geojson, the district's own grid (网格) boundaries");
    expect(m.tables.buildings.note).toMatch(
      /^366 households, of 1 buildings estimated from footprint and floors; 1 outside the district refused/
    );
    expect(m.counts).toMatchObject({ grids: 4, communities: 1, buildings: 5, incidents: 3 });
    const layer = (l: string) =>
      JSON.parse(readFileSync(join(out, 'map', `${l}.geojson`), 'utf8')) as {
        features: { properties: Record<string, unknown> }[];
      };
    expect(layer('grids').features.map((f) => [f.properties.code, f.properties.households])).toEqual(
      GEO_GRIDS.map((g) => [g.code, g.stated ?? expect.any(Number)])
    );
    expect(layer('buildings').features).toHaveLength(5);
    expect(layer('communities').features.map((f) => f.properties.name)).toEqual(['示例社区']);
  });
});

describe('exit 2, nothing written', () => {
  const cases: [folder: string, expected: RegExp][] = [
    ['cli-bad-column', /incidents\.csv: field lat: no lat column \(the header needs one of: 纬度/],
    ['cli-bad-xlsx', /stations\.xlsx: not a readable Excel workbook \(\.xlsx\): /],
    ['cli-bad-grids', /grids\.geojson: field code: no feature has a code property: each area needs its 15-digit code/]
  ];
  for (const [folder, expected] of cases)
    it(folder, { timeout: 120_000 }, () => {
      const out = join(tmp, `bad-${folder}`);
      const r = run(['--package', join(PACKAGE_FIXTURES, folder), '--district', '230102', '--out', out]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/nothing was written/);
      expect(r.stderr).toMatch(expected);
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(tmp).filter((f) => f.includes(`bad-${folder}`))).toEqual([]);
    });

  it('--help prints the usage and exits 0; an unknown flag exits 2', { timeout: 120_000 }, () => {
    const help = run(['--package', join(PACKAGE_FIXTURES, 'cli-ok'), '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/grids\.geojson +网格 polygons with a 15-digit code/);
    const bad = run(['--package', join(PACKAGE_FIXTURES, 'cli-ok'), '--district', '230102', '--colour', 'red']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown argument "--colour"/);
  });

  it('bad arguments and a folder that is not the tool’s own', { timeout: 120_000 }, () => {
    const r = run(['--package', join(PACKAGE_FIXTURES, 'cli-ok'), '--district', '110101']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown district "110101"/);
    const refused = run([
      '--package',
      join(PACKAGE_FIXTURES, 'cli-ok'),
      '--district',
      '230102',
      '--out',
      PACKAGE_FIXTURES
    ]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/refused to write .*holds files this tool did not write/);
  });
});
