/**
 * The real OSM extract of central Harbin (../shared/data/osm-harbin-daoli, ODbL) imported for
 * Daoli 230102, from the raw .osm.pbf and from the clipped GeoJSON. Skipped, with a warning
 * naming the path, when the shared data is absent.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FeatureCollection } from 'geojson';
import { importOsmCli } from '../../scripts/import/osm';
import { openNodeDb, readParquet } from '../../scripts/lib/node-db';
import { growBox, inBox } from '../../src/lib/data/import/district';
import { daoliArea, shared } from '../fixtures/import/helpers';

const pbf = shared('osm-harbin-daoli/harbin_center_osm_2024-04-09.osm.pbf');
const gj = shared('osm-harbin-daoli/daoli_buildings.geojson');
const roads = shared('osm-harbin-daoli/daoli_roads.geojson');
const areas = shared('osm-harbin-daoli/daoli_residential_areas.geojson');

const tmp = mkdtempSync(join(tmpdir(), 'gridatlas-import-real-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Row {
  id: string;
  households: number;
  estimated: boolean;
  lon: number;
  lat: number;
  footprint: string;
  community: string | null;
  grid: string | null;
  district: string;
}

async function rows(dir: string): Promise<Row[]> {
  const db = await openNodeDb();
  try {
    return await db.all<Row & Record<string, unknown>>(`SELECT * FROM ${readParquet(join(dir, 'buildings.parquet'))}`);
  } finally {
    db.close();
  }
}

const readJson = <T>(p: string) => JSON.parse(readFileSync(p, 'utf8')) as T;

describe.skipIf(!pbf.exists)('real import: harbin_center_osm_2024-04-09.osm.pbf → Daoli', () => {
  const out = join(tmp, 'pbf');
  let code = -1;
  let seconds = 0;
  let data: Row[] = [];

  it('exits 0', async () => {
    const t = performance.now();
    code = await importOsmCli(['--osm', pbf.path, '--district', '230102', '--out', out]);
    seconds = (performance.now() - t) / 1000;
    expect(code).toBe(0);
    data = await rows(out);
  });

  it('≥ 4,000 buildings, every one with households > 0', () => {
    expect(data.length).toBeGreaterThanOrEqual(4000);
    expect(data.every((r) => Number.isInteger(r.households) && r.households > 0)).toBe(true);
    const hh = data.reduce((s, r) => s + r.households, 0);
    const est = data.filter((r) => r.estimated).length;
    console.log(
      `[import-real] pbf: ${data.length} buildings, ${hh} households, ${((100 * est) / data.length).toFixed(1)} % estimated, ${seconds.toFixed(1)} s`
    );
  });

  it('no centroid outside the district box (outline tolerance 0.1 km), no footprint beyond its 2 km margin', () => {
    const d = daoliArea();
    expect(data.filter((r) => !inBox([r.lon, r.lat], growBox(d.bbox, 0.1)))).toEqual([]);
    const far = data.filter((r) => {
      const g = JSON.parse(r.footprint) as { coordinates: unknown };
      const pts = (g.coordinates as unknown[]).flat(3) as number[];
      for (let i = 0; i < pts.length; i += 2) if (!inBox([pts[i], pts[i + 1]], d.marginBox)) return true;
      return false;
    });
    expect(far).toEqual([]);
  });

  it('schema columns: district 230102, community and grid unknown (NULL)', () => {
    expect(data.every((r) => r.district === '230102' && r.community === null && r.grid === null)).toBe(true);
  });

  it('manifest: synthetic false, OSM/ODbL and the file named, counts and households agree with the table', () => {
    const m = readJson<{
      synthetic: boolean;
      sources: string[];
      counts: { buildings: number };
      households: number;
      estimation: { method: string };
    }>(join(out, 'manifest.json'));
    expect(m.synthetic).toBe(false);
    expect(m.sources).toContain('OpenStreetMap contributors, ODbL 1.0');
    expect(m.sources).toContain('harbin_center_osm_2024-04-09.osm.pbf');
    expect(m.counts.buildings).toBe(data.length);
    expect(m.households).toBe(data.reduce((s, r) => s + r.households, 0));
    expect(m.estimation.method).toContain('90 m²');
  });

  it('map layers: buildings match the table; roads and compounds present', () => {
    const b = readJson<FeatureCollection>(join(out, 'map/buildings.geojson'));
    expect(b.features.map((f) => f.properties!.id).sort()).toEqual(data.map((r) => r.id).sort());
    expect(readJson<FeatureCollection>(join(out, 'map/roads.geojson')).features.length).toBeGreaterThan(1500);
    expect(readJson<FeatureCollection>(join(out, 'map/compounds.geojson')).features.length).toBeGreaterThan(250);
  });

  describe.skipIf(!gj.exists)('the clipped GeoJSON of the same data', () => {
    const out2 = join(tmp, 'geojson');
    let data2: Row[] = [];

    it('imports with roads and compounds, exit 0, ≥ 4,000 buildings', async () => {
      const args = ['--osm', gj.path, '--district', '230102', '--out', out2];
      if (roads.exists) args.push('--roads', roads.path);
      if (areas.exists) args.push('--compounds', areas.path);
      expect(await importOsmCli(args)).toBe(0);
      data2 = await rows(out2);
      expect(data2.length).toBeGreaterThanOrEqual(4000);
      expect(data2.every((r) => r.households > 0)).toBe(true);
    });

    it('gives the same buildings as the PBF (same OSM ids, ≥ 99 % overlap) and in_daoli agrees', () => {
      const a = new Set(data.map((r) => r.id));
      const common = data2.filter((r) => a.has(r.id)).length;
      expect(common / Math.max(a.size, data2.length)).toBeGreaterThan(0.99);
      const src = readJson<FeatureCollection>(gj.path);
      const inDaoli = new Set(
        src.features
          .filter((f) => f.properties!.in_daoli)
          .map((f) => `osm-${f.properties!.osm_type}-${f.properties!.osm_id}`)
      );
      const agree = data2.filter((r) => inDaoli.has(r.id)).length;
      expect(agree / data2.length).toBeGreaterThan(0.98);
    });
  });
});
