/**
 * The synthetic dataset generator on one district (Qufu, the smallest) at a small incident
 * scale, written twice into temporary folders: same seed → same bytes; geometry nested
 * correctly; household totals consistent across tables.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatasetIndex, Manifest } from '../../src/lib/data/schema';
import { MAP_LAYERS, STATION_KINDS, TABLES } from '../../src/lib/data/schema';
import { PLANS } from '../../scripts/generate/config';
import { GENERATOR_VERSION, generateAll, isGeneratedDataCurrent } from '../../scripts/generate/index';
import { type NodeDb, openNodeDb, readParquet } from '../../scripts/lib/node-db';

const CODE = '370881';
const SCALE = 0.02;
let dirA = '';
let dirB = '';
let db: NodeDb;

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

function layer<G extends Polygon | MultiPolygon | Point>(name: string): FeatureCollection<G> {
  return JSON.parse(readFileSync(join(dirA, CODE, 'map', `${name}.geojson`), 'utf8')) as FeatureCollection<G>;
}

function table(name: string): string {
  return readParquet(join(dirA, CODE, `${name}.parquet`));
}

beforeAll(async () => {
  dirA = mkdtempSync(join(tmpdir(), 'gridatlas-gen-a-'));
  dirB = mkdtempSync(join(tmpdir(), 'gridatlas-gen-b-'));
  await generateAll({ log: () => {}, districts: [CODE], outDir: dirA, scale: SCALE });
  await generateAll({ log: () => {}, districts: [CODE], outDir: dirB, scale: SCALE });
  db = await openNodeDb();
}, 180_000);

afterAll(() => {
  db?.close();
  for (const d of [dirA, dirB]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('generateAll on one district', () => {
  it('writes every table, map layer, the manifest and the index', () => {
    const list = files(dirA);
    for (const t of TABLES) expect(list).toContain(join(CODE, `${t}.parquet`));
    for (const l of MAP_LAYERS) expect(list).toContain(join(CODE, 'map', `${l}.geojson`));
    expect(list).toContain(join(CODE, 'manifest.json'));
    expect(list).toContain('index.json');
    // A synthetic district has no water (its map says the geography is schematic), and the index lists no optional layer.
    expect(list).not.toContain(join(CODE, 'map', 'water.geojson'));
    expect(
      (JSON.parse(readFileSync(join(dirA, 'index.json'), 'utf8')) as DatasetIndex).districts[0].optionalLayers
    ).toBeUndefined();
    // Nothing left over from the temporary folders.
    expect(list.filter((f) => f.includes('.tmp-') || f.includes('.old-'))).toEqual([]);
  });

  it('is byte-identical across runs with the same seed', () => {
    const a = files(dirA);
    expect(files(dirB)).toEqual(a);
    for (const f of a) expect(readFileSync(join(dirB, f)).equals(readFileSync(join(dirA, f))), f).toBe(true);
  });

  it('writes a manifest and an index that match the tables', async () => {
    const m = JSON.parse(readFileSync(join(dirA, CODE, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.district).toBe(CODE);
    expect(m.synthetic).toBe(true);
    expect(m.generatedAt).toBe('2026-01-01T00:00:00Z');
    expect(m.generator).toContain(GENERATOR_VERSION);
    expect(m.generator).toContain(`scale=${SCALE}`);
    for (const t of TABLES) expect(await db.scalar(`SELECT count(*) FROM ${table(t)}`), t).toBe(m.counts[t]);
    // Provenance per table: every generated row accepted, every table flagged synthetic.
    for (const t of TABLES)
      expect(m.tables[t], t).toMatchObject({
        read: m.counts[t],
        accepted: m.counts[t],
        refused: 0,
        synthetic: true,
        crs: null
      });
    expect(m.households).toBe(await db.scalar(`SELECT sum(households) FROM ${table('buildings')}`));
    expect(m.counts.incidents).toBe(Math.round(PLANS[CODE].incidents * SCALE));
    const [w, s, e, n] = m.bbox;
    expect(w).toBeLessThan(e);
    expect(s).toBeLessThan(n);
    expect(w).toBeGreaterThan(116.5);
    expect(e).toBeLessThan(117.5);
    const index = JSON.parse(readFileSync(join(dirA, 'index.json'), 'utf8')) as DatasetIndex;
    expect(index.generatorVersion).toBe(GENERATOR_VERSION);
    expect(index.districts.map((d) => d.code)).toEqual([CODE]);
    expect(index.districts[0].households).toBe(m.households);
    expect(index.districts[0].grids).toBe(m.counts.grids);
    expect(index.districts[0].syntheticTables).toEqual(TABLES.filter((t) => m.tables[t].synthetic));
  });

  it('does not count a partial or scaled dataset as current', async () => {
    expect(await isGeneratedDataCurrent(dirA)).toBe(false);
    expect(await isGeneratedDataCurrent(join(dirA, 'missing'))).toBe(false);
  });

  it('uses the real NBS names and codes of streets and communities', async () => {
    const streets = await db.all<{ code: string; name: string; kind: string }>(
      `SELECT * FROM ${table('streets')} ORDER BY code`
    );
    expect(streets.map((s) => s.name)).toEqual(['鲁城街道', '书院街道', '时庄街道', '小雪街道', '陵城镇']);
    expect(streets.map((s) => s.kind)).toEqual(['subdistrict', 'subdistrict', 'subdistrict', 'subdistrict', 'town']);
    const communities = await db.all<{ code: string; name: string; street: string }>(
      `SELECT * FROM ${table('communities')}`
    );
    expect(communities).toHaveLength(44);
    for (const c of communities) {
      expect(c.code).toMatch(/^370881\d{6}$/);
      expect(c.code.startsWith(c.street)).toBe(true);
    }
    expect(communities.map((c) => c.name)).toContain('曲阜师范大学社区');
  });

  it('puts every building inside its compound and its community', () => {
    const communities = new Map(
      layer<Polygon | MultiPolygon>('communities').features.map((f) => [f.properties!.code as string, f])
    );
    const compounds = new Map(layer<Polygon>('compounds').features.map((f) => [f.properties!.id as string, f]));
    const buildings = layer<Polygon>('buildings').features;
    expect(buildings.length).toBeGreaterThan(500);
    let outside = 0;
    for (const b of buildings) {
      const c = communities.get(b.properties!.community as string)!;
      const k = compounds.get(b.properties!.compound as string)!;
      expect(k.properties!.community).toBe(b.properties!.community);
      for (const p of b.geometry.coordinates[0] as Position[]) {
        if (!turf.booleanPointInPolygon(p, c)) outside++;
        if (!turf.booleanPointInPolygon(p, k)) outside++;
      }
    }
    expect(outside).toBe(0);
  });

  it('makes grids that tile each community and hold their buildings', () => {
    const communities = layer<Polygon | MultiPolygon>('communities').features;
    const grids = layer<Polygon | MultiPolygon>('grids').features;
    const byCommunity = new Map<string, Feature<Polygon | MultiPolygon>[]>();
    for (const g of grids) {
      const l = byCommunity.get(g.properties!.community as string) ?? [];
      l.push(g);
      byCommunity.set(g.properties!.community as string, l);
    }
    for (const c of communities) {
      const gs = byCommunity.get(c.properties!.code as string) ?? [];
      expect(gs.length).toBeGreaterThan(0);
      const sum = gs.reduce((s, g) => s + turf.area(g), 0);
      expect(Math.abs(sum - turf.area(c)) / turf.area(c), c.properties!.code as string).toBeLessThan(2e-3);
    }
    const gridByCode = new Map(grids.map((g) => [g.properties!.code as string, g]));
    let misplaced = 0;
    for (const b of layer<Polygon>('buildings').features) {
      const g = gridByCode.get(b.properties!.grid as string)!;
      if (!turf.booleanPointInPolygon(turf.centroid(b), g)) misplaced++;
    }
    expect(misplaced).toBe(0);
  });

  it('keeps household totals consistent across tables', async () => {
    const sums = await db.all<Record<string, number>>(`SELECT
      (SELECT sum(households) FROM ${table('buildings')}) AS buildings,
      (SELECT sum(households) FROM ${table('compounds')}) AS compounds,
      (SELECT sum(households) FROM ${table('communities')}) AS communities,
      (SELECT sum(households) FROM ${table('grids')}) AS grids`);
    const s = sums[0];
    expect(s.buildings).toBeGreaterThan(100_000);
    expect(s.compounds).toBe(s.buildings);
    expect(s.communities).toBe(s.buildings);
    expect(s.grids).toBe(s.buildings);
    const mismatched = await db.scalar(`SELECT count(*) FROM ${table('grids')} g
      FULL JOIN (SELECT grid, sum(households) AS h, count(*) AS n FROM ${table('buildings')} GROUP BY grid) b ON g.code = b.grid
      WHERE g.households IS DISTINCT FROM b.h OR g.buildings IS DISTINCT FROM b.n`);
    expect(mismatched).toBe(0);
    const badBuildings = await db.scalar(`SELECT count(*) FROM ${table('buildings')}
      WHERE households != floors * units * per_floor OR per_floor NOT BETWEEN 2 AND 4 OR units NOT BETWEEN 1 AND 6 OR floors NOT BETWEEN 6 AND 33`);
    expect(badBuildings).toBe(0);
    const badGrids = await db.scalar(`SELECT count(*) FROM ${table('grids')}
      WHERE code != community || lpad(CAST(seq AS VARCHAR), 3, '0') OR polsby_popper <= 0 OR polsby_popper > 1`);
    expect(badGrids).toBe(0);
  });

  it('writes stations as planned, inside their communities', async () => {
    const kinds = await db.all<{ kind: string; n: number }>(
      `SELECT kind, count(*) AS n FROM ${table('stations')} GROUP BY kind ORDER BY kind`
    );
    const byKind = Object.fromEntries(kinds.map((k) => [k.kind, k.n]));
    expect(byKind).toEqual({ party_centre: 44, red_sail: 83, compound_station: 16 });
    for (const k of Object.keys(byKind)) expect(STATION_KINDS).toContain(k);
    const communities = new Map(
      layer<Polygon | MultiPolygon>('communities').features.map((f) => [f.properties!.code as string, f])
    );
    const stations = await db.all<{
      community: string;
      lon: number;
      lat: number;
      services: string[];
      opens: string;
      closes: string;
    }>(`SELECT community, lon, lat, services, opens, closes FROM ${table('stations')}`);
    for (const s of stations) {
      expect(turf.booleanPointInPolygon([s.lon, s.lat], communities.get(s.community)!)).toBe(true);
      expect(s.services.length).toBeGreaterThan(2);
      expect(s.opens).toMatch(/^\d\d:\d\d$/);
      expect(s.closes).toMatch(/^\d\d:\d\d$/);
    }
    const points = layer<Point>('stations').features;
    expect(points).toHaveLength(stations.length);
    expect(typeof points[0].properties!.services).toBe('string');
  });

  it('writes incidents at real grids, in 2024–2025, with consistent status', async () => {
    const r = (
      await db.all<Record<string, number>>(`SELECT
      count(*) AS n,
      count(DISTINCT id) AS ids,
      count(*) FILTER (WHERE grid NOT IN (SELECT code FROM ${table('grids')})) AS lost,
      count(*) FILTER (WHERE reported_at < TIMESTAMP '2023-12-31 16:00:00' OR reported_at >= TIMESTAMP '2025-12-31 16:00:00') AS out_of_period,
      count(*) FILTER (WHERE (status = 'closed') != (closed_at IS NOT NULL)) AS bad_status,
      count(*) FILTER (WHERE closed_at < reported_at) AS closed_before
      FROM ${table('incidents')}`)
    )[0];
    expect(r.n).toBe(Math.round(350_000 * SCALE));
    expect(r.ids).toBe(r.n);
    expect(r.lost).toBe(0);
    expect(r.out_of_period).toBe(0);
    expect(r.bad_status).toBe(0);
    expect(r.closed_before).toBe(0);
  });

  it('leaves the previous data in place when a run fails', async () => {
    const before = readFileSync(join(dirA, CODE, 'buildings.parquet'));
    await expect(
      generateAll({
        districts: [CODE],
        outDir: dirA,
        scale: SCALE,
        log: (m) => {
          if (m.includes('building the model')) throw new Error('boom');
        }
      })
    ).rejects.toThrow('boom');
    expect(readFileSync(join(dirA, CODE, 'buildings.parquet')).equals(before)).toBe(true);
    expect(readdirSync(dirA).filter((f) => f.startsWith('.'))).toEqual([]);
    expect(existsSync(join(dirA, 'index.json'))).toBe(true);
  });

  it("a second run into its own folder replaces only the files its index lists: a user's notes and an import stay", async () => {
    writeFileSync(join(dirA, 'notes.txt'), 'my notes\n');
    mkdirSync(join(dirA, 'imports', 'osm-230102'), { recursive: true });
    writeFileSync(join(dirA, 'imports', 'osm-230102', 'manifest.json'), '{"kind":"import"}\n');
    writeFileSync(join(dirA, CODE, 'map', 'mine.geojson'), '{}');
    await generateAll({ log: () => {}, districts: [CODE], outDir: dirA, scale: SCALE });
    expect(readFileSync(join(dirA, 'notes.txt'), 'utf8')).toBe('my notes\n');
    expect(readFileSync(join(dirA, 'imports', 'osm-230102', 'manifest.json'), 'utf8')).toBe('{"kind":"import"}\n');
    expect(readFileSync(join(dirA, CODE, 'map', 'mine.geojson'), 'utf8')).toBe('{}');
    for (const f of files(dirB)) expect(readFileSync(join(dirA, f)).equals(readFileSync(join(dirB, f))), f).toBe(true);
    expect(readdirSync(dirname(dirA)).filter((f) => f.startsWith(`.${basename(dirA)}.tmp-`))).toEqual([]);
  });

  it('refuses a folder it did not write, before any work', async () => {
    const log: string[] = [];
    await expect(
      generateAll({ log: (m) => log.push(m), districts: [CODE], outDir: join(dirA, 'imports'), scale: SCALE })
    ).rejects.toThrow(/npm run data: refused to write .*imports: the folder holds files this tool did not write/);
    expect(log).toEqual([]);
  });
});
