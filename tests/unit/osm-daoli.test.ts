/**
 * Daoli's default dataset from the OpenStreetMap extract (scripts/generate/osm-daoli.ts), built
 * twice into temporary folders: same bytes both times; its buildings are the extract's own
 * residential ways and relations, inside Daoli; the 18 OSM streets carry real NBS codes; grids
 * hold 300–500 households and are in one piece except where the engine cannot make them so; the
 * manifest says per table what is OSM, approximate or synthetic.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISTRICTS } from '../../src/lib/data/districts';
import type { DatasetIndex, Manifest } from '../../src/lib/data/schema';
import { insideDistrict, prepareDistrict } from '../../src/lib/data/import/district';
import { generateAll } from '../../scripts/generate/index';
import { loadDivisions } from '../../scripts/generate/divisions';
import { DAOLI_OSM_FILE, OSM_ATTRIBUTION, OSM_LICENCE } from '../../scripts/generate/osm-daoli';
import { decodePbf } from '../../scripts/import/pbf-decode';
import { loadOutline } from '../../scripts/import/osm';
import { type NodeDb, openNodeDb, readParquet } from '../../scripts/lib/node-db';

const CODE = '230102';
const TOWNS = ['230102101', '230102102', '230102103', '230102104'];
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

const layer = <G extends Polygon | MultiPolygon>(name: string) =>
  JSON.parse(readFileSync(join(dirA, CODE, 'map', `${name}.geojson`), 'utf8')) as FeatureCollection<G>;
const table = (name: string) => readParquet(join(dirA, CODE, `${name}.parquet`));
const manifest = () => JSON.parse(readFileSync(join(dirA, CODE, 'manifest.json'), 'utf8')) as Manifest;

beforeAll(async () => {
  dirA = mkdtempSync(join(tmpdir(), 'gridatlas-osm-a-'));
  dirB = mkdtempSync(join(tmpdir(), 'gridatlas-osm-b-'));
  // Few incidents: the geography is full size either way.
  await generateAll({ log: () => {}, districts: [CODE], outDir: dirA, scale: 0.01 });
  await generateAll({ log: () => {}, districts: [CODE], outDir: dirB, scale: 0.01 });
  db = await openNodeDb();
}, 600_000);

afterAll(() => {
  db?.close();
  for (const d of [dirA, dirB]) if (d) rmSync(d, { recursive: true, force: true });
});

describe("Daoli's default from OpenStreetMap", () => {
  it('is byte-identical across runs', () => {
    const a = files(dirA);
    expect(a).toEqual(files(dirB));
    for (const f of a) expect(readFileSync(join(dirA, f)).equals(readFileSync(join(dirB, f))), f).toBe(true);
  });

  it("has the extract's residential buildings (OSM ids), inside Daoli, households estimated", async () => {
    const rows = await db.all<{
      id: string;
      street: string;
      households: number;
      estimated: boolean;
      lon: number;
      lat: number;
    }>(
      `SELECT b.id, c.street, b.households, b.estimated, b.lon, b.lat FROM ${table('buildings')} b JOIN ${table('communities')} c ON b.community = c.code`
    );
    const urban = rows.filter((r) => !TOWNS.includes(r.street));
    const towns = rows.filter((r) => TOWNS.includes(r.street));
    expect(urban.length).toBeGreaterThan(3500);
    expect(towns.length).toBeGreaterThan(0);
    for (const r of urban) expect(r.id).toMatch(/^osm-(way|relation)-\d+$/);
    for (const r of towns) expect(r.id).not.toMatch(/^osm-/);
    // Every one is a building=* way or relation of the committed extract.
    const decoded = decodePbf(new Uint8Array(readFileSync(DAOLI_OSM_FILE)), 'extract');
    if (!decoded.ok) throw new Error('extract does not decode');
    const buildingIds = new Set(
      (decoded.value as { type: string; id: number; tags?: Record<string, string> }[])
        .filter((e) => (e.type === 'way' || e.type === 'relation') && e.tags?.building && e.tags.building !== 'no')
        .map((e) => `osm-${e.type}-${e.id}`)
    );
    expect(urban.filter((r) => !buildingIds.has(r.id))).toEqual([]);
    const daoli = prepareDistrict(CODE, '道里区', loadOutline(CODE));
    expect(urban.filter((r) => !insideDistrict(daoli, [r.lon, r.lat])).map((r) => r.id)).toEqual([]);
    expect(urban.every((r) => r.estimated && r.households >= 1)).toBe(true);
    expect(towns.every((r) => !r.estimated)).toBe(true);
  });

  it('has the 18 OSM street boundaries under their real NBS codes and names, 群力 approximated, the towns generated', async () => {
    const nbs = loadDivisions([CODE]).get(CODE)!;
    const streets = layer<Polygon | MultiPolygon>('streets').features;
    const osm = streets.filter((f) => f.properties!.osm);
    expect(osm).toHaveLength(18);
    for (const f of osm) {
      const s = nbs.find((x) => x.code === f.properties!.code);
      expect(s, f.properties!.code).toBeDefined();
      expect(f.properties!.name).toBe(s!.name);
      expect(f.properties!.osm).toMatch(/^osm-relation-\d+$/);
    }
    const rest = streets.filter((f) => !f.properties!.osm).map((f) => f.properties!.code);
    expect(rest).toEqual(['230102019', ...TOWNS]);
    const rows = await db.all<{ code: string; name: string }>(
      `SELECT code, name FROM ${table('streets')} ORDER BY code`
    );
    expect(rows.map((r) => `${r.code} ${r.name}`)).toEqual(nbs.map((s) => `${s.code} ${s.name}`));
    // Communities: every NBS residents' committee, in the street NBS puts it in.
    const communities = await db.all<{ code: string; street: string }>(
      `SELECT code, street FROM ${table('communities')} ORDER BY code`
    );
    expect(communities.map((c) => `${c.street}/${c.code}`)).toEqual(
      nbs.flatMap((s) => s.communities.map((c) => `${s.code}/${c.code}`))
    );
  });

  it('makes grids of 300–500 households in one piece, except where one building or a small community forbids it', async () => {
    const grids = layer<Polygon | MultiPolygon>('grids').features;
    const urban = grids.filter((g) => !TOWNS.some((t) => String(g.properties!.code).startsWith(t)));
    const stats = await db.all<{ code: string; households: number; biggest: number; community: number; k: number }>(`
      SELECT g.code, g.households, max(b.households) AS biggest, any_value(c.households) AS community,
        (SELECT count(*) FROM ${table('grids')} x WHERE x.community = g.community) AS k
      FROM ${table('grids')} g JOIN ${table('buildings')} b ON b.grid = g.code JOIN ${table('communities')} c ON c.code = g.community
      GROUP BY g.code, g.households, g.community`);
    const byCode = new Map(stats.map((s) => [s.code, s]));
    const out = urban.filter((g) => {
      const h = g.properties!.households as number;
      return h < 300 || h > 500;
    });
    // Forced: a building of more than 500 households, or a community too small for two grids.
    const forced = out.filter((g) => {
      const s = byCode.get(g.properties!.code as string)!;
      return s.biggest > 500 || s.community < 600 || s.k === 1;
    });
    expect((out.length - forced.length) / urban.length).toBeLessThan(0.04);
    expect(out.length / urban.length).toBeLessThan(0.08);
    const pieces = (g: Feature<Polygon | MultiPolygon>) =>
      g.geometry.type === 'Polygon' ? 1 : g.geometry.coordinates.length;
    expect(urban.every((g) => pieces(g) >= 1)).toBe(true);
    expect(urban.filter((g) => pieces(g) > 1).length / urban.length).toBeLessThan(0.06);
    console.log(
      `Daoli OSM grids: ${urban.length}; out of 300–500: ${out.length} (${forced.length} forced by a >500-household building or a small community); in several pieces: ${urban.filter((g) => pieces(g) > 1).length}`
    );
  });

  it('states per table what is OSM, approximate or synthetic, and credits OSM in the index', () => {
    const m = manifest();
    for (const t of ['buildings', 'compounds', 'streets'] as const) {
      expect(m.tables[t].synthetic, t).toBe(false);
      expect(m.tables[t].licence, t).toBe(OSM_LICENCE);
      expect(m.tables[t].crs, t).toBe('wgs84');
      expect(m.tables[t].read - m.tables[t].accepted, t).toBe(m.tables[t].refused);
      // The towns' rows are generated, and the note says so.
      expect(m.tables[t].note, t).toMatch(/towns outside the extract .* are generated/);
    }
    expect(m.tables.buildings.note).toMatch(/^households estimated from footprint and levels/);
    expect(m.tables.communities.synthetic).toBe(true);
    expect(m.tables.communities.note).toMatch(/APPROXIMATE/);
    expect(m.tables.grids.synthetic).toBe(false);
    expect(m.tables.grids.source).toMatch(/grid engine/);
    expect(m.tables.stations.synthetic).toBe(true);
    expect(m.tables.incidents.synthetic).toBe(true);
    expect(m.synthetic).toBe(true);
    expect(m.sources.join('\n')).toContain('© OpenStreetMap contributors, ODbL 1.0');
    expect(m.counts.buildings - m.tables.buildings.accepted).toBeGreaterThan(0);
    const index = JSON.parse(readFileSync(join(dirA, 'index.json'), 'utf8')) as DatasetIndex;
    const d = index.districts.find((x) => x.code === CODE)!;
    expect(d.attribution).toBe(OSM_ATTRIBUTION);
    expect(d.syntheticTables).toEqual(['communities', 'stations', 'incidents']);
    expect(DISTRICTS.find((x) => x.code === CODE)!.nameEn).toBe('Daoli');
  });

  it("has a water layer from OSM: the Songhua's area and its named line, small, listed in the index", () => {
    const index = JSON.parse(readFileSync(join(dirA, 'index.json'), 'utf8')) as DatasetIndex;
    expect(index.districts.find((x) => x.code === CODE)!.optionalLayers).toEqual(['water']);
    const file = join(dirA, CODE, 'map', 'water.geojson');
    expect(statSync(file).size).toBeLessThan(100_000);
    const water = JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection<
      Polygon | MultiPolygon | LineString | MultiLineString,
      { kind: string; name?: string; osm: string }
    >;
    const songhua = water.features.filter((f) => f.properties.kind === 'river' && f.properties.name === '松花江');
    expect(songhua.length).toBeGreaterThan(0);
    // The river runs along Daoli's north, about 45.77–45.80° N, through the whole width of the old town.
    const lons = songhua.flatMap((f) =>
      (f.geometry.type === 'LineString' ? f.geometry.coordinates : (f.geometry.coordinates as number[][][]).flat()).map(
        (p) => p[0]
      )
    );
    expect(Math.max(...lons) - Math.min(...lons)).toBeGreaterThan(0.1);
    const areas = water.features.filter((f) => f.properties.kind === 'water');
    expect(areas.length).toBeGreaterThan(10);
    expect(areas.every((f) => f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon')).toBe(true);
    expect(water.features.every((f) => /^(way|relation)\/\d+$/.test(f.properties.osm))).toBe(true);
  });

  it('puts the roads layer on OSM ways and stations near real buildings', async () => {
    const roads = JSON.parse(readFileSync(join(dirA, CODE, 'map', 'roads.geojson'), 'utf8')) as FeatureCollection;
    const osmRoads = roads.features.filter((f) => String(f.properties?.id ?? '').startsWith('osm-way-'));
    expect(osmRoads.length).toBeGreaterThan(1500);
    // Community centres and compound stations at real compounds' gates or buildings: within 300 m
    // of a building of their community. Rest stations beside a real road: within 15 m of one.
    const far = await db.all<{ id: string }>(`
      SELECT s.id FROM ${table('stations')} s WHERE s.kind IN ('party_centre', 'compound_station') AND NOT EXISTS (
        SELECT 1 FROM ${table('buildings')} b
        WHERE b.community = s.community AND abs(b.lat - s.lat) * 111000 < 300 AND abs(b.lon - s.lon) * 78000 < 300)`);
    expect(far).toEqual([]);
    const roadside = await db.all<{ id: string; lon: number; lat: number; community: string }>(
      `SELECT s.id, s.lon, s.lat, s.community FROM ${table('stations')} s WHERE s.kind = 'warm_heart'`
    );
    expect(roadside.length).toBe(80);
    const KX = 78_000;
    const KY = 111_000;
    const segs = roads.features.flatMap((f) => {
      const g = f.geometry as LineString | MultiLineString;
      const lines = g.type === 'LineString' ? [g.coordinates] : g.coordinates;
      return lines.flatMap((l) => l.slice(1).map((p, i) => [l[i], p] as const));
    });
    const dist = (lon: number, lat: number) => {
      let best = Infinity;
      for (const [a, b] of segs) {
        const ax = (a[0] - lon) * KX;
        const ay = (a[1] - lat) * KY;
        const dx = (b[0] - a[0]) * KX;
        const dy = (b[1] - a[1]) * KY;
        const l2 = dx * dx + dy * dy;
        const t = l2 > 0 ? Math.max(0, Math.min(1, -(ax * dx + ay * dy) / l2)) : 0;
        best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
      }
      return best;
    };
    const offRoad = roadside.filter((s) => !TOWNS.some((t) => s.community.startsWith(t)) && dist(s.lon, s.lat) > 15);
    expect(offRoad.map((s) => s.id)).toEqual([]);
  });
});
