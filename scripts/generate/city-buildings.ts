/**
 * A deterministic city-sized building layer for the grid engine's scale bench (#13: cases
 * `buildings-60000` and `city-300000`, scripts/bench/partition.ts) and the unit tests of cutting
 * big inputs (tests/unit/partition-split.test.ts): districts of square-ish communities laid out
 * on a lattice near Harbin, each community's buildings in rows of blocks between lanes, with
 * footprints (12–16 m deep, 20–60 m long, turned a little) and households as a Chinese city's
 * housing mix has them (walk-ups of 4–28 households, mid-rise slabs of 32–48, a few towers of
 * 72–132 with units; about 17 households a building). Same options and seed, same bytes.
 */
import type { Feature, FeatureCollection, Polygon, Position } from 'geojson';
import { localProjection } from '../../src/lib/geo/crs';
import { mulberry32, type Rng } from '../../src/lib/geo/random';

export interface CityOptions {
  /** Districts (adcodes 230101, 230102, …) and communities per district. */
  districts: number;
  communitiesPerDistrict: number;
  /** Buildings per community (about; rows are filled to it). */
  buildingsPerCommunity: number;
  seed?: number;
  /** Write the `community` property on each building (default true). */
  communityProperty?: boolean;
}

export interface City {
  buildings: FeatureCollection<Polygon>;
  /** One polygon per community, properties.code its 12-digit code. */
  communities: FeatureCollection<Polygon>;
  households: number;
}

const r7 = (v: number) => Math.round(v * 1e7) / 1e7;

function householdsOf(rng: Rng): { households: number; units: number; floors: number } {
  const u = rng();
  if (u < 0.85) {
    const floors = 3 + Math.floor(rng() * 5);
    return {
      households: 2 * floors * (1 + Math.floor(rng() * 2)) - (rng() < 0.5 ? 2 : 0),
      units: 1 + Math.floor(rng() * 2),
      floors
    };
  }
  if (u < 0.98) {
    const floors = 8 + Math.floor(rng() * 5);
    return { households: 2 * 2 * floors, units: 2, floors };
  }
  const floors = 18 + Math.floor(rng() * 16);
  return { households: 2 * 2 * floors, units: 2, floors };
}

/** The city (see the module comment). A community is a square of side √(buildings) × 34 m. */
export function makeCity(o: CityOptions): City {
  const rng = mulberry32(o.seed ?? 13);
  const proj = localProjection(126.62, 45.76);
  const side = Math.ceil(Math.sqrt(o.buildingsPerCommunity));
  const pitch = 34;
  const size = side * pitch;
  const perRow = Math.ceil(Math.sqrt(o.communitiesPerDistrict));
  const buildings: Feature<Polygon>[] = [];
  const communities: Feature<Polygon>[] = [];
  let households = 0;
  const at = (x: number, y: number): Position => {
    const [lon, lat] = proj.inverse(x, y);
    return [r7(lon), r7(lat)];
  };
  for (let d = 0; d < o.districts; d++) {
    const adcode = String(230101 + d);
    // Districts side by side west to east, 200 m apart.
    const dx = d * (perRow * size + 200);
    for (let c = 0; c < o.communitiesPerDistrict; c++) {
      const street = String(1 + Math.floor(c / 20)).padStart(3, '0');
      const code = `${adcode}${street}${String(1 + (c % 20)).padStart(3, '0')}`;
      const x0 = dx + (c % perRow) * size;
      const y0 = Math.floor(c / perRow) * size;
      communities.push({
        type: 'Feature',
        properties: { code, name: `第${c + 1}社区` },
        geometry: {
          type: 'Polygon',
          coordinates: [[at(x0, y0), at(x0 + size, y0), at(x0 + size, y0 + size), at(x0, y0 + size), at(x0, y0)]]
        }
      });
      let n = 0;
      for (let j = 0; j < side && n < o.buildingsPerCommunity; j++)
        for (let i = 0; i < side && n < o.buildingsPerCommunity; i++, n++) {
          const h = householdsOf(rng);
          households += h.households;
          const cx = x0 + (i + 0.5) * pitch + (rng() - 0.5) * 6;
          const cy = y0 + (j + 0.5) * pitch + (rng() - 0.5) * 6;
          const len = Math.min(30, 10 + 6 * h.units) / 2;
          const dep = 6 + rng() * 2;
          const t = (rng() - 0.5) * 0.3;
          const [ux, uy] = [Math.cos(t), Math.sin(t)];
          const corner = (a: number, b: number) =>
            at(cx + a * len * ux - b * dep * uy, cy + a * len * uy + b * dep * ux);
          const ring = [corner(-1, -1), corner(1, -1), corner(1, 1), corner(-1, 1)];
          buildings.push({
            type: 'Feature',
            properties: {
              id: `${code}-${String(n + 1).padStart(4, '0')}`,
              households: h.households,
              units: h.units,
              floors: h.floors,
              // Blocks of 4 × 4 buildings are compounds (小区).
              compound: `${code}-${Math.floor(i / 4)}-${Math.floor(j / 4)}`,
              ...(o.communityProperty === false ? {} : { community: code })
            },
            geometry: { type: 'Polygon', coordinates: [[...ring, ring[0]]] }
          });
        }
    }
  }
  return {
    buildings: { type: 'FeatureCollection', features: buildings },
    communities: { type: 'FeatureCollection', features: communities },
    households
  };
}
