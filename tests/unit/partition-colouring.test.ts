/**
 * Grid colours by adjacency: no two neighbouring grids share a palette index, on a fixture and
 * on a real community of the built dataset (Daoli 建国公园社区, 230102016005: 15 grids on OSM buildings, more than colours),
 * and a grid keeps its colour across a small edit where that stays valid.
 */
import { describe, expect, it } from 'vitest';
import { colourClashes, colourGraph } from '$lib/geo/partition/colouring';
import { CommunityPlan, communityData } from '$lib/plan/community-plan';
import { GRID_PALETTE } from '$lib/map/legend';
import { booleanIntersects, length, lineOverlap, polygonToLine } from '@turf/turf';
import type { Feature, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import { MIN_SHARED_EDGE } from '$lib/geo/partition/cells';
import { readDistrictLayers } from '../../scripts/lib/district-layers';

/** Metres of boundary two polygons share (0 when they meet only at a corner), by Turf. */
function sharedEdge(a: Feature<Polygon | MultiPolygon>, b: Feature<Polygon | MultiPolygon>): number {
  const lines = (f: Feature<Polygon | MultiPolygon>) => {
    const l = polygonToLine(f) as
      Feature<LineString | MultiLineString> | { features: Feature<LineString | MultiLineString>[] };
    return 'features' in l ? l.features : [l];
  };
  let m = 0;
  for (const la of lines(a))
    for (const lb of lines(b))
      for (const o of lineOverlap(la, lb, { tolerance: 0.0005 }).features) m += length(o, { units: 'meters' });
  return m;
}

const K = GRID_PALETTE.length;

describe('colourGraph', () => {
  // A 7 × 3 lattice with diagonals (a king's graph): inner nodes have 8 neighbours, and node n
  // touches n + 8 (one row down, one column right), which sequence colouring paints alike.
  const [W, H] = [7, 3];
  const nodes = Array.from({ length: W * H }, (_, i) => `g${String(i).padStart(2, '0')}`);
  const pairs: [string, string][] = [];
  for (let r = 0; r < H; r++)
    for (let c = 0; c < W; c++)
      for (const [dr, dc] of [
        [0, 1],
        [1, -1],
        [1, 0],
        [1, 1]
      ]) {
        const [r2, c2] = [r + dr, c + dc];
        if (r2 < H && c2 >= 0 && c2 < W) pairs.push([nodes[r * W + c], nodes[r2 * W + c2]]);
      }

  it('gives neighbours different colours where sequence colouring clashes', () => {
    const bySeq = new Map(nodes.map((n, i) => [n, i % K]));
    expect(colourClashes(bySeq, pairs).length).toBeGreaterThan(0);
    const colours = colourGraph(nodes, pairs, K);
    expect(colourClashes(colours, pairs)).toEqual([]);
    for (const c of colours.values()) expect(c >= 0 && c < K).toBe(true);
  });

  it('keeps valid previous colours and recolours only a clash', () => {
    const first = colourGraph(nodes, pairs, K);
    expect(colourGraph(nodes, pairs, K, first)).toEqual(first);
    // g05 given its neighbour g04's colour: g04 (first in order) keeps it, only g05 changes.
    const prev = new Map(first).set('g05', first.get('g04')!);
    const next = colourGraph(nodes, pairs, K, prev);
    expect(colourClashes(next, pairs)).toEqual([]);
    const changed = nodes.filter((n) => next.get(n) !== prev.get(n));
    expect(changed).toEqual(['g05']);
  });
});

describe('CommunityPlan.gridColours', () => {
  const layers = readDistrictLayers('230102');
  const data = communityData(layers, '230102016005')!;

  it('no two neighbouring grids of a real community share a colour, before and after edits', () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    expect(plan.liveSlots().length).toBeGreaterThan(K);
    const pairs = plan.gridNeighbours();
    expect(pairs.length).toBeGreaterThan(0);
    const colours = new Map(plan.gridColours(K));
    expect(colours.size).toBe(plan.liveSlots().length);
    expect(colourClashes(colours, pairs)).toEqual([]);

    // A building to a new grid: the new grid gets a colour unlike its neighbours; most grids keep theirs.
    const before = plan.snapshot();
    const { code } = plan.move([data.buildings[1].properties.id], null);
    const after = plan.gridColours(K);
    expect(colourClashes(after, plan.gridNeighbours())).toEqual([]);
    expect(after.has(code)).toBe(true);
    const kept = [...colours].filter(([c, i]) => after.get(c) === i).length;
    expect(kept).toBeGreaterThanOrEqual(colours.size - 1);

    // Colours are kept between edits (the panel and the map both ask): undo must recolour.
    plan.restore(before);
    expect(plan.gridColours(K).has(code)).toBe(false);
  });

  // Grids that meet only at a corner (four street blocks meet at a junction) may share a colour, as on any map.
  it('grids whose drawn outlines share an edge differ in colour, in every community of a street', () => {
    let touching = 0;
    for (const c of layers.communities.features.filter((f) => f.properties!.street === '230102001')) {
      const plan = new CommunityPlan(communityData(layers, String(c.properties!.code))!, { min: 300, max: 500 });
      const colours = plan.gridColours(K);
      const fs = plan.gridsGeoJSON().features;
      for (let i = 0; i < fs.length; i++)
        for (let j = i + 1; j < fs.length; j++)
          if (booleanIntersects(fs[i], fs[j]) && sharedEdge(fs[i], fs[j]) >= MIN_SHARED_EDGE) {
            touching++;
            expect(colours.get(fs[i].properties.code), `${fs[i].properties.code} / ${fs[j].properties.code}`).not.toBe(
              colours.get(fs[j].properties.code)
            );
          }
    }
    expect(touching).toBeGreaterThan(20);
  });
});
