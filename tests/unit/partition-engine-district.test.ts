/**
 * The grid engine over every community of one embedded district (370881 曲阜市 Qufu, the smallest:
 * 44 communities, ~108,000 households) from the built dataset (static/data/370881/, `npm run data`).
 * Where a community can be partitioned within the bounds, every grid must be in [300, 500] and
 * contiguous; where it cannot, the rule must appear in `unmet` with the reason; over the district
 * the engine's mean Polsby–Popper must beat both baselines'.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDistrict } from '../../scripts/grid';
import { partitionGeoJSON } from '../../src/lib/geo/partition/geojson';
import type { PartitionOutput } from '../../src/lib/geo/partition/output';
import { divisible } from '../../src/lib/geo/partition/adjacency';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DISTRICT = '370881';
const built = existsSync(fileURLToPath(new URL(`../../static/data/${DISTRICT}/buildings.parquet`, import.meta.url)));
const ROAD_BARRIERS = ['motorway', 'trunk', 'primary', 'secondary', 'railway', 'rail', 'river'];

describe(`grid engine over district ${DISTRICT} (every community)`, () => {
  it.skipIf(!built)(
    'feasible communities: all grids in range and contiguous; infeasible ones in unmet with a reason; mean PP beats both baselines',
    async () => {
      const input = await loadDistrict(ROOT, DISTRICT);
      const r = partitionGeoJSON({ ...input, barrierClasses: ROAD_BARRIERS, baselines: true });
      if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
      const out: PartitionOutput = r.value;
      expect(out.communities.length).toBe(44);

      // Households per building (for the independent feasibility check: no single building over the maximum).
      const biggest = new Map<string, number>();
      for (const f of input.buildings.features) {
        const { community, households, units } = f.properties as {
          community: string;
          households: number;
          units: number;
        };
        if (units < 2) biggest.set(community, Math.max(biggest.get(community) ?? 0, households));
      }
      let feasibleCount = 0;
      for (const c of out.communities) {
        const grids = out.grids.features.filter((f) => f.properties.community === c.community);
        const unmet = out.unmet.filter((u) => u.community === c.community);
        const feasible = divisible(c.households, 300, 500) && (biggest.get(c.community) ?? 0) <= 500;
        if (feasible && unmet.every((u) => !u.infeasible)) {
          feasibleCount++;
          for (const g of grids) {
            expect(g.properties.households, `${g.properties.code}`).toBeGreaterThanOrEqual(300);
            expect(g.properties.households, `${g.properties.code}`).toBeLessThanOrEqual(500);
            expect(g.properties.contiguous, `${g.properties.code}`).toBe(true);
          }
          expect(unmet, c.community).toEqual([]);
        } else {
          // Infeasible: reported, never silently violated.
          expect(unmet.length, c.community).toBeGreaterThan(0);
          for (const u of unmet) expect(u.reason.length).toBeGreaterThan(20);
        }
        // Whatever the case, every grid that breaks a rule is named in unmet.
        for (const g of grids)
          if (!g.properties.inRange || !g.properties.contiguous)
            expect(
              unmet.some((u) => u.grid === g.properties.code),
              g.properties.code
            ).toBe(true);
      }
      expect(feasibleCount).toBeGreaterThan(40);

      const grids = out.grids.features;
      const mean = grids.reduce((s, f) => s + f.properties.polsbyPopper, 0) / grids.length;
      const baseline = (which: 'bisection' | 'kmeans') => {
        const cs = out.communities.map((c) => c.baselines![which]);
        return cs.reduce((s, b) => s + b.meanPolsbyPopper * b.grids, 0) / cs.reduce((s, b) => s + b.grids, 0);
      };
      expect(mean, `engine ${mean} vs bisection ${baseline('bisection')}`).toBeGreaterThan(baseline('bisection'));
      expect(mean, `engine ${mean} vs k-means ${baseline('kmeans')}`).toBeGreaterThan(baseline('kmeans'));
    },
    30_000
  );
  if (!built)
    it(`skips: static/data/${DISTRICT} is not built (npm run data -- --if-missing)`, () => expect(built).toBe(false));
});
