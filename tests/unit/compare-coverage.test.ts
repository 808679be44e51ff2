/**
 * /compare's coverage share on the real embedded data, with the pure functions the browser's
 * worker runs (coverageBuildings → coverageContext → coverage): every household of the district
 * is counted once (the total equals the communities' households of the comparison SQL), the
 * share is the households within 15 minutes over that total, and the per-community figures add
 * up to it.
 */
import { readFileSync } from 'node:fs';
import type { FeatureCollection, Point } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb, type NodeDb } from '../../scripts/lib/node-db';
import { DISTRICT_CODES } from '../../src/lib/data/districts';
import { compareSummary, parquetSource } from '../../src/lib/data/queries';
import { coverage, coverageBuildings, coverageContext, share, type BuildingLayer } from '../../src/lib/geo/coverage';
import { decodeRoads, type RiderRoads } from '../../src/lib/geo/nearest-data';
import { RIDER_KINDS } from '../../src/lib/map/legend';

const read = <T>(p: string) => JSON.parse(readFileSync(p, 'utf8')) as T;
const src = parquetSource((t, d) => `static/data/${d}/${t}.parquet`);
let db: NodeDb;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(() => db.close());

describe('coverage share per district (rest stations and all stations, 15 minutes)', () => {
  it.each(DISTRICT_CODES)(
    '%s',
    async (code) => {
      const buildings = coverageBuildings(read<BuildingLayer>(`static/data/${code}/map/buildings.geojson`));
      const roads = read<RiderRoads>(`static/data/${code}/rider/roads.json`);
      const st = read<FeatureCollection<Point>>(`static/data/${code}/map/stations.geojson`);
      const ctx = coverageContext(buildings, decodeRoads(roads));
      const points = (kinds?: readonly string[]) =>
        st.features
          .filter((f) => !kinds || kinds.includes((f.properties as { kind: string }).kind))
          .map((f) => ({ lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }));
      const res = coverage(ctx, points());
      const rest = coverage(ctx, points(RIDER_KINDS));
      // Fewer stations cover no more households.
      expect(rest.total.within[15]).toBeLessThanOrEqual(res.total.within[15]);
      expect(rest.total.households).toBe(res.total.households);
      const [sql] = await db.all<{ households: number }>(compareSummary(src, code));
      expect(res.total.households).toBe(sql.households);
      const s = share(res.total, 15);
      expect(s).toBe(res.total.within[15] / res.total.households);
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(1);
      let within = 0;
      for (const c of res.byCommunity.values()) within += c.within[15];
      expect(within).toBe(res.total.within[15]);
      console.log(
        `${code}: ${res.total.households} households within 15 min: ${(share(rest.total, 15) * 100).toFixed(1)}% (rest stations), ${(s * 100).toFixed(1)}% (all ${st.features.length} stations), ${roads.source} roads`
      );
    },
    60_000
  );
});
