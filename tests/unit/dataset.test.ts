/**
 * The embedded dataset in static/data/ (built if missing or stale) against the counts table in
 * data/README.md, the published figures it is calibrated to, and its own internal consistency.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISTRICT_CODES } from '../../src/lib/data/districts';
import type { DatasetIndex, Manifest, TableName } from '../../src/lib/data/schema';
import { TABLES } from '../../src/lib/data/schema';
import { DEFAULT_OUT_DIR, generateAll, isGeneratedDataCurrent } from '../../scripts/generate/index';
import { type NodeDb, openNodeDb, readParquet } from '../../scripts/lib/node-db';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DATA = DEFAULT_OUT_DIR;
const COLUMNS = [
  'streets',
  'communities',
  'compounds',
  'buildings',
  'households',
  'grids',
  'stations',
  'incidents'
] as const;
type CountColumn = (typeof COLUMNS)[number];
let db: NodeDb;

/** All districts of one table: read_parquet('static/data/* /<table>.parquet'). */
function all(table: TableName): string {
  return readParquet(join(DATA, '*', `${table}.parquet`));
}

/** The `## Counts` table of data/README.md: adcode → column → integer. */
function readmeCounts(): Map<string, Record<CountColumn, number>> {
  const text = readFileSync(join(ROOT, 'data', 'README.md'), 'utf8');
  const section = text.split(/^## Counts\s*$/m)[1];
  if (!section) throw new Error('data/README.md has no "## Counts" section');
  const lines = section
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('|'));
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split('|')
      .map((c) => c.trim());
  const header = cells(lines[0]);
  expect(header).toEqual(['district', ...COLUMNS]);
  const out = new Map<string, Record<CountColumn, number>>();
  for (const l of lines.slice(2)) {
    const c = cells(l);
    const row = {} as Record<CountColumn, number>;
    COLUMNS.forEach((k, i) => {
      expect(c[i + 1], `${c[0]} ${k}`).toMatch(/^\d+$/);
      row[k] = Number(c[i + 1]);
    });
    out.set(c[0], row);
  }
  return out;
}

/** data/published-figures.csv → district → key → value. */
function published(): Map<string, Map<string, number>> {
  const lines = readFileSync(join(ROOT, 'data', 'published-figures.csv'), 'utf8')
    .trim()
    .split('\n');
  const out = new Map<string, Map<string, number>>();
  for (const line of lines.slice(1)) {
    // district,key,... value is the 4th field; the third may be quoted.
    const m = line.match(/^(\d{6}),([a-z0-9_]+),("(?:[^"]|"")*"|[^,]*),(\d+),/);
    if (!m) throw new Error(`bad line in published-figures.csv: ${line}`);
    const d = out.get(m[1]) ?? new Map<string, number>();
    d.set(m[2], Number(m[4]));
    out.set(m[1], d);
  }
  return out;
}

beforeAll(async () => {
  if (!(await isGeneratedDataCurrent())) await generateAll({ log: (m) => console.log(`[data] ${m}`) });
  db = await openNodeDb();
}, 600_000);

afterAll(() => db?.close());

describe('the embedded dataset', () => {
  it('is current and complete', async () => {
    expect(await isGeneratedDataCurrent()).toBe(true);
    const index = JSON.parse(readFileSync(join(DATA, 'index.json'), 'utf8')) as DatasetIndex;
    expect(index.synthetic).toBe(true);
    expect(index.districts.map((d) => d.code)).toEqual([...DISTRICT_CODES]);
  });

  it('matches the counts table of data/README.md, table by table', async () => {
    const expected = readmeCounts();
    expect([...expected.keys()]).toEqual([...DISTRICT_CODES]);
    for (const table of TABLES) {
      const rows = await db.all<{ district: string; n: number }>(
        `SELECT district, count(*) AS n FROM ${all(table)} GROUP BY district ORDER BY district`
      );
      expect(rows.map((r) => r.district)).toEqual([...DISTRICT_CODES]);
      for (const r of rows) expect(r.n, `${r.district} ${table}`).toBe(expected.get(r.district)![table]);
    }
    const hh = await db.all<{ district: string; h: number }>(
      `SELECT district, sum(households) AS h FROM ${all('buildings')} GROUP BY district ORDER BY district`
    );
    for (const r of hh) expect(r.h, `${r.district} households`).toBe(expected.get(r.district)!.households);
  });

  it('agrees with the manifests and the index', async () => {
    const index = JSON.parse(readFileSync(join(DATA, 'index.json'), 'utf8')) as DatasetIndex;
    for (const d of index.districts) {
      const m = JSON.parse(readFileSync(join(DATA, d.code, 'manifest.json'), 'utf8')) as Manifest;
      expect(m.households).toBe(d.households);
      expect(m.counts.grids).toBe(d.grids);
      expect(m.counts.incidents).toBe(d.incidents);
      expect(m.counts.stations).toBe(d.stations);
      expect(m.counts.communities).toBe(d.communities);
      expect(m.bbox).toEqual(d.bbox);
    }
  });

  it('has household totals near the assumptions where they are synthetic', async () => {
    const rows = await db.all<{ district: string; h: number }>(
      `SELECT district, sum(households) AS h FROM ${all('communities')} GROUP BY district ORDER BY district`
    );
    // Daoli's households are estimated from OSM footprints (tests/unit/osm-daoli.test.ts), not aimed at.
    const aim: Record<string, number> = { '370881': 107_000, '371602': 230_000 };
    for (const r of rows)
      if (aim[r.district]) expect(Math.abs(r.h - aim[r.district]) / aim[r.district], r.district).toBeLessThan(0.03);
  });

  it("states per table what is real: Daoli's geography from OSM, the rest synthetic", () => {
    for (const code of DISTRICT_CODES) {
      const m = JSON.parse(readFileSync(join(DATA, code, 'manifest.json'), 'utf8')) as Manifest;
      const synthetic = TABLES.filter((t) => m.tables[t].synthetic);
      expect(synthetic, code).toEqual(code === '230102' ? ['communities', 'stations', 'incidents'] : [...TABLES]);
      expect(m.synthetic).toBe(true);
    }
  });

  it('holds about a million incidents, all at existing grids', async () => {
    const n = await db.scalar<number>(`SELECT count(*) FROM ${all('incidents')}`);
    expect(n).toBeGreaterThan(950_000);
    expect(n).toBeLessThan(1_050_000);
    const ids = await db.scalar<number>(`SELECT count(DISTINCT id) FROM ${all('incidents')}`);
    expect(ids).toBe(n);
    const lost = await db.scalar<number>(
      `SELECT count(*) FROM ${all('incidents')} i ANTI JOIN ${all('grids')} g ON i.grid = g.code AND i.district = g.district`
    );
    expect(lost).toBe(0);
    const wrongCommunity = await db.scalar<number>(
      `SELECT count(*) FROM ${all('incidents')} i JOIN ${all('grids')} g ON i.grid = g.code WHERE i.community != g.community`
    );
    expect(wrongCommunity).toBe(0);
  });

  it('gives every grid the households of its buildings', async () => {
    const bad = await db.scalar<number>(`SELECT count(*) FROM ${all('grids')} g
      FULL JOIN (SELECT grid, sum(households) AS h, count(*) AS n FROM ${all('buildings')} GROUP BY grid) b ON g.code = b.grid
      WHERE g.households IS DISTINCT FROM b.h OR g.buildings IS DISTINCT FROM b.n`);
    expect(bad).toBe(0);
    // The baseline partition keeps (nearly) every grid of the synthetic districts within 300–500
    // households; Daoli's real buildings are lumpier (tests/unit/osm-daoli.test.ts says where).
    const outOfBounds = await db.scalar<number>(
      `SELECT count(*) FROM ${all('grids')} WHERE households NOT BETWEEN 300 AND 500 AND district != '230102'`
    );
    const grids = await db.scalar<number>(`SELECT count(*) FROM ${all('grids')} WHERE district != '230102'`);
    expect(outOfBounds / grids).toBeLessThan(0.02);
  });

  it('reproduces the published figures it is calibrated to', async () => {
    const pub = published();
    const scalar = (sql: string) => db.scalar<number>(sql);
    const dl = join(DATA, '230102');
    const qf = join(DATA, '370881');
    const bc = join(DATA, '371602');
    expect(await scalar(`SELECT count(*) FROM ${readParquet(join(dl, 'communities.parquet'))}`)).toBe(
      pub.get('230102')!.get('communities')
    );
    expect(
      await scalar(`SELECT count(*) FROM ${readParquet(join(dl, 'stations.parquet'))} WHERE kind = 'warm_heart'`)
    ).toBe(pub.get('230102')!.get('warm_heart_stations'));
    expect(
      await scalar(`SELECT count(*) FROM ${readParquet(join(qf, 'stations.parquet'))} WHERE kind = 'red_sail'`)
    ).toBe(pub.get('370881')!.get('red_sail_stations'));
    expect(await scalar(`SELECT count(*) FROM ${readParquet(join(bc, 'compounds.parquet'))}`)).toBe(
      pub.get('371602')!.get('compounds')
    );
    expect(
      await scalar(`SELECT count(*) FROM ${readParquet(join(bc, 'stations.parquet'))} WHERE kind = 'compound_station'`)
    ).toBe(pub.get('371602')!.get('compound_stations'));
    // One compound station per compound at most.
    expect(
      await scalar(
        `SELECT count(*) - count(DISTINCT name) FROM ${readParquet(join(bc, 'stations.parquet'))} WHERE kind = 'compound_station'`
      )
    ).toBe(0);
    expect(await scalar(`SELECT count(*) FROM ${readParquet(join(qf, 'incidents.parquet'))}`)).toBe(
      pub.get('370881')!.get('incidents_since_2022')
    );
  });

  it('closes about 98.3 % of the incidents older than 30 days', async () => {
    const rate = await db.scalar<number>(
      `SELECT avg(CASE WHEN status = 'closed' THEN 1 ELSE 0 END) FROM ${all('incidents')} WHERE reported_at < TIMESTAMP '2025-12-01 16:00:00'`
    );
    expect(rate).toBeGreaterThan(0.978);
    expect(rate).toBeLessThan(0.988);
  });

  it('keeps every file under 50 MB', () => {
    const walk = (d: string): string[] =>
      readdirSync(d).flatMap((f) => (statSync(join(d, f)).isDirectory() ? walk(join(d, f)) : [join(d, f)]));
    const files = walk(DATA);
    expect(files.length).toBeGreaterThan(3 * 16);
    for (const f of files) expect(statSync(f).size, f).toBeLessThan(50 * 1024 * 1024);
  });
});
