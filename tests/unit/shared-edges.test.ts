/**
 * Grid borders drawn once per edge (issue #15): three grids of a fixture, and the real grids of
 * Daoli 省报社社区 from the plan, where every edge of every grid outline is drawn exactly once.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { FeatureCollection, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import { sharedEdgeLines } from '$lib/geo/shared-edges';
import { CommunityPlan, communityData, type DistrictLayers } from '$lib/plan/community-plan';

const FIX = 'tests/fixtures/shared-edges/';
const json = <T>(p: string) => JSON.parse(readFileSync(p, 'utf8')) as T;
const key = (a: Position, b: Position) => [`${a[0]},${a[1]}`, `${b[0]},${b[1]}`].sort().join('|');

/** Every undirected edge of the lines, with how often it occurs. */
function edgeCounts(fc: FeatureCollection<LineString>): Map<string, number> {
  const n = new Map<string, number>();
  for (const f of fc.features)
    for (let i = 1; i < f.geometry.coordinates.length; i++) {
      const k = key(f.geometry.coordinates[i - 1], f.geometry.coordinates[i]);
      n.set(k, (n.get(k) ?? 0) + 1);
    }
  return n;
}
function polygonEdges(fc: FeatureCollection<Polygon | MultiPolygon>): { all: number; unique: Set<string> } {
  let all = 0;
  const unique = new Set<string>();
  for (const f of fc.features) {
    const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const ring of polys.flat())
      for (let i = 1; i < ring.length; i++) {
        // A repeated vertex (real outlines have them) is no edge: nothing to draw.
        if (ring[i - 1][0] === ring[i][0] && ring[i - 1][1] === ring[i][1]) continue;
        all++;
        unique.add(key(ring[i - 1], ring[i]));
      }
  }
  return { all, unique };
}

describe('sharedEdgeLines', () => {
  it('three grids: each shared edge once, borders chained between junctions (fixture in → out)', () => {
    const out = sharedEdgeLines(json(FIX + 'in/three-grids.geojson'));
    expect(out).toEqual(json(FIX + 'out/three-grids.geojson'));
    expect([...edgeCounts(out).values()].every((n) => n === 1)).toBe(true);
  });

  it('a lone square is one closed line', () => {
    const sq: FeatureCollection<Polygon> = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: {},
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 1],
                [0, 0]
              ]
            ]
          }
        }
      ]
    };
    const out = sharedEdgeLines(sq);
    expect(out.features.length).toBe(1);
    expect(out.features[0].geometry.coordinates.length).toBe(5);
    expect(out.features[0].geometry.coordinates[0]).toEqual(out.features[0].geometry.coordinates[4]);
  });

  it("the real community's grid outlines: every edge drawn exactly once, shared edges no longer twice", () => {
    const read = (n: string) => json<FeatureCollection>(`static/data/230102/map/${n}.geojson`);
    const layers: DistrictLayers = {
      streets: read('streets'),
      communities: read('communities'),
      compounds: read('compounds'),
      roads: read('roads'),
      buildings: read('buildings')
    };
    const plan = new CommunityPlan(communityData(layers, '230102001001')!, { min: 300, max: 500 });
    const grids = plan.gridsGeoJSON();
    const { all, unique } = polygonEdges(grids);
    const counts = edgeCounts(sharedEdgeLines(grids));
    expect(new Set(counts.keys())).toEqual(unique);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // The grids do share borders: drawn per grid, that many edges were drawn twice.
    expect(all - unique.size).toBeGreaterThan(10);
  });
});
