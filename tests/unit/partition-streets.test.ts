/**
 * Street cuts (src/lib/geo/partition/streets.ts): cells cut along road centrelines so that grid
 * outlines follow the streets, and `areaAcrossRoadsPct`.
 *
 * Fixture tests/fixtures/partition-streets/blocks-3x3.geojson: a 300 m square community near
 * Harbin cut into 3 × 3 blocks of 100 m by four residential streets (running 20 m past the
 * outline), six slab buildings in each block except the centre one (a square, no buildings), a
 * cul-de-sac 45 m into the south-west block and a footway across the west column (not a cut).
 * Building ids `b<col><row>-…` name their block. The buildings are set off differently in each
 * block, so plain Voronoi cells reach across the streets.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as turf from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { localProjection } from '../../src/lib/geo/crs';
import { nodeLines } from '../../src/lib/geo/network';
import { partitionGeoJSON } from '../../src/lib/geo/partition/geojson';
import type { GridProperties, PartitionOutput } from '../../src/lib/geo/partition/output';
import { openRing, ringArea, ringCentroid, type XY } from '../../src/lib/geo/partition/planar';
import { prepare } from '../../src/lib/geo/partition/problem';
import { acrossRoads, cutCell, ROAD, streetCuts } from '../../src/lib/geo/partition/streets';
import { partitionInUnits } from '../../src/lib/geo/partition/split-input';

const fixture = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../fixtures/partition-streets/blocks-3x3.geojson'), 'utf8')
) as FeatureCollection;
const role = (r: string): FeatureCollection => ({
  type: 'FeatureCollection',
  features: fixture.features.filter((f) => f.properties?.role === r)
});
const buildings = role('building');
const community = role('community');
const roads = role('barrier');
const outline = (community.features[0].geometry as Polygon).coordinates[0];
const [lonA, latA] = outline[0];
const [lonB, latB] = outline[2];
/** The block rectangles (col + 3 × row), in WGS-84, from the outline's corners. */
const blockRects: Feature<Polygon>[] = Array.from({ length: 9 }, (_, b) => {
  const c = b % 3;
  const r = Math.floor(b / 3);
  const lon = (t: number) => lonA + ((lonB - lonA) * t) / 3;
  const lat = (t: number) => latA + ((latB - latA) * t) / 3;
  return turf.bboxPolygon([lon(c), lat(r), lon(c + 1), lat(r + 1)]);
});
const CENTRE = 4;
const blockOfId = (id: string) => Number(id[1]) + 3 * Number(id[2]);

type Grid = Feature<Polygon | MultiPolygon, GridProperties>;

function run(withRoads: boolean, followStreets = true): PartitionOutput {
  const r = partitionGeoJSON({
    buildings,
    communities: community,
    barriers: withRoads ? roads : undefined,
    barrierClasses: ['primary', 'secondary'],
    followStreets,
    seed: 3
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
  return r.value;
}

/** Area (m², Turf) of a grid inside each block. */
function areaByBlock(g: Grid): number[] {
  return blockRects.map((b) => {
    const x = turf.intersect(turf.featureCollection([g, b] as Feature<Polygon | MultiPolygon>[]));
    return x ? turf.area(x) : 0;
  });
}

describe('street cuts on a 3 × 3 block layout (planar)', () => {
  const proj = localProjection(lonA, latA);
  const fwd = (p: Position): XY => proj.forward(p[0], p[1]);
  const items = buildings.features.map((f) => {
    const [x, y] = ringCentroid(openRing((f.geometry as Polygon).coordinates[0]).map(fwd));
    return { id: f.properties!.id as string, households: f.properties!.households as number, x, y };
  });
  const boundary = [openRing(outline).map(fwd)];
  // Noded as partitionGeoJSON does (crossings become shared vertices), then projected.
  const cuts = nodeLines(
    roads.features
      .filter((f) => f.properties!.highway === 'residential')
      .map((f) => (f.geometry as LineString).coordinates as [number, number][])
  ).map((l) => l.map(fwd));

  it('prunes the cul-de-sac: only the four through streets cut', () => {
    const s = streetCuts(cuts, boundary);
    // Each street is three segments between crossings (x = 100 m four: the cul-de-sac's T junction
    // splits it); the dead end itself is gone.
    expect(s.segs).toHaveLength(13);
    expect(s.segs.some((seg) => seg.some(([x, y]) => Math.abs(x - 55) < 1 && Math.abs(y - 50) < 1))).toBe(false);
  });

  it('cuts a square cell crossed by one street into two faces, the cut edges owned by ROAD', () => {
    const sq = (x0: number, y0: number, x1: number, y1: number) => [
      { a: [x0, y0] as XY, b: [x1, y0] as XY, o: -1 },
      { a: [x1, y0] as XY, b: [x1, y1] as XY, o: 7 },
      { a: [x1, y1] as XY, b: [x0, y1] as XY, o: -1 },
      { a: [x0, y1] as XY, b: [x0, y0] as XY, o: 3 }
    ];
    // A street from one side of the outline to the other (ends on it: kept).
    const street = streetCuts(
      [
        [
          [50, -100],
          [50, 200]
        ]
      ],
      [
        [
          [-100, -100],
          [200, -100],
          [200, 200],
          [-100, 200]
        ]
      ]
    );
    const cut = cutCell(sq(0, 0, 100, 80), street)!;
    expect(cut.cut).toBe(true);
    const faces = cut.faces;
    expect(faces).toHaveLength(2);
    const areas = faces.map((f) => ringArea(f.map((e) => e.a))).sort((a, b) => a - b);
    expect(areas[0]).toBeCloseTo(4000, 6);
    expect(areas[1]).toBeCloseTo(4000, 6);
    for (const f of faces)
      expect(f.filter((e) => e.o === ROAD).map((e) => Math.hypot(e.b[0] - e.a[0], e.b[1] - e.a[1]))).toEqual([80]);
    // A lane in and out through the same edge cuts off the yard it rounds (20 m × 40 m).
    const lane = streetCuts(
      [
        [
          [40, -100],
          [40, 40],
          [60, 40],
          [60, -100]
        ]
      ],
      [
        [
          [-100, -100],
          [200, -100],
          [200, 200],
          [-100, 200]
        ]
      ]
    );
    const yard = cutCell(sq(0, 0, 100, 80), lane)!;
    expect(yard.cut).toBe(true);
    expect(yard.faces.map((f) => Math.round(ringArea(f.map((e) => e.a)))).sort((a, b) => a - b)).toEqual([800, 7200]);
  });

  it('every cell lies in its building’s block; the empty centre block is handed across its streets', () => {
    const plain = prepare({ items, boundary });
    const p = prepare({ items, boundary, cuts });
    const blocks = p.cells.blocks!;
    expect(blocks).toBeDefined();
    // Cells still tile the community.
    const total = p.cells.area.reduce((s, a) => s + a, 0);
    expect(total).toBeCloseTo(ringArea(boundary[0]), 3);
    // Nine blocks (the cul-de-sac and the footway cut nothing); buildings in the same block share one.
    expect(new Set(blocks.pieceBlock).size).toBe(9);
    const expected = p.ids.map(blockOfId);
    for (let i = 0; i < p.n; i++)
      for (let j = 0; j < p.n; j++)
        expect(blocks.pointBlock[i] === blocks.pointBlock[j], `${p.ids[i]} and ${p.ids[j]} in one block`).toBe(
          expected[i] === expected[j]
        );
    // Each piece is in its owner's block, except the centre's (no building).
    const centre = new Set<number>();
    for (let q = 0; q < blocks.pieceOwner.length; q++) {
      const own = blocks.pointBlock[blocks.pieceOwner[q]];
      if (blocks.pieceBlock[q] !== own) centre.add(blocks.pieceBlock[q]);
    }
    expect(centre.size).toBe(1);
    // Nothing lies across a street from its own building, whatever the grids; the centre block
    // (about 100 m × 100 m: the streets are drawn to 7 decimals of a degree) is a ninth of the area.
    const oneGridEach = Int32Array.from({ length: p.n }, (_, i) => i);
    const cut = acrossRoads(blocks, oneGridEach, p.n);
    expect(cut.total).toBe(0);
    expect(cut.emptyPct).toBeCloseTo(100 / 9, 0);
    expect(plain.cells.blocks).toBeUndefined();
    // The same cuts only measuring the plain cells: those do reach across the streets here.
    const measured = prepare({ items, boundary, cuts, followStreets: false });
    expect([...measured.cells.area].map((a) => Math.round(a))).toEqual([...plain.cells.area].map((a) => Math.round(a)));
    expect(acrossRoads(measured.cells.blocks!, oneGridEach, p.n).pctAll).toBeGreaterThan(2);
  });
});

describe('areaAcrossRoadsPct from partitionGeoJSON, against Turf', () => {
  const out = run(true);
  const grids = out.grids.features as Grid[];
  const at = new Map(buildings.features.map((f) => [f.properties!.id as string, f]));

  it('keeps the rules: coverage, buildings in their own grid, one piece, reported compactness', () => {
    const communityArea = turf.area(community.features[0] as Feature<Polygon>);
    const sum = grids.reduce((s, g) => s + turf.area(g), 0);
    const union = turf.union(turf.featureCollection(grids as Feature<Polygon | MultiPolygon>[]))!;
    expect(turf.area(union) / communityArea).toBeCloseTo(1, 4);
    expect(sum / communityArea).toBeCloseTo(1, 4);
    for (const g of grids) {
      expect(g.geometry.type, `${g.properties.code} one piece`).toBe('Polygon');
      expect(g.properties.contiguous).toBe(true);
      for (const id of g.properties.buildings)
        expect(
          turf.booleanPointInPolygon(turf.centroid(at.get(id)! as Feature<Polygon>), g),
          `${id} in ${g.properties.code}`
        ).toBe(true);
      const rings = (g.geometry as Polygon).coordinates;
      const perimeter = rings.reduce((s, r) => s + turf.length(turf.lineString(r), { units: 'meters' }), 0);
      expect(Math.abs(g.properties.polsbyPopper - (4 * Math.PI * turf.area(g)) / perimeter ** 2)).toBeLessThan(2e-3);
    }
    for (const g of grids) expect(g.properties.households).toBeGreaterThanOrEqual(300);
    for (const g of grids) expect(g.properties.households).toBeLessThanOrEqual(500);
  });

  it('grid outlines follow the streets: no grid reaches into a block with buildings but none of its own', () => {
    for (const g of grids) {
      const own = new Set(g.properties.buildings.map(blockOfId));
      const by = areaByBlock(g);
      by.forEach((a, b) => {
        if (b !== CENTRE && !own.has(b)) expect(a, `${g.properties.code} in block ${b}`).toBeLessThan(1);
      });
    }
  });

  /** Per grid, % of its area (Turf) in blocks with buildings, none of them the grid's; and overall. */
  function turfAcross(gs: Grid[]): { per: number[]; all: number } {
    let across = 0;
    let total = 0;
    const per = gs.map((g) => {
      const own = new Set(
        g.properties.buildings.map((id) =>
          blockRects.findIndex((b) =>
            turf.booleanPointInPolygon(turf.centroid(at.get(id)! as Feature<Polygon>) as Feature<Point>, b)
          )
        )
      );
      const area = turf.area(g);
      const x = areaByBlock(g).reduce((s, a, b) => s + (own.has(b) || b === CENTRE ? 0 : a), 0);
      across += x;
      total += area;
      return (100 * x) / area;
    });
    return { per, all: (100 * across) / total };
  }

  it('reports per grid and overall the share of area across a street from the grid’s buildings, as Turf measures it', () => {
    const t = turfAcross(grids);
    grids.forEach((g, k) => expect(g.properties.areaAcrossRoadsPct, g.properties.code).toBeCloseTo(t.per[k], 1));
    expect(out.areaAcrossRoadsPct).toBeCloseTo(t.all, 1);
    expect(out.areaAcrossRoadsPct).toBe(0);
    // The centre block, without buildings, is left out of the measure and reported on its own.
    expect(out.areaInEmptyBlocksPct).toBeCloseTo(100 / 9, 1);
    expect(out.communities[0].areaAcrossRoadsPct).toBe(0);
  });

  it('measures plain Voronoi grids (followStreets: false) as Turf does: they reach across the streets', () => {
    const plain = run(true, false);
    const gs = plain.grids.features as Grid[];
    const t = turfAcross(gs);
    expect(t.all).toBeGreaterThan(1);
    gs.forEach((g, k) => expect(g.properties.areaAcrossRoadsPct, g.properties.code).toBeCloseTo(t.per[k], 1));
    expect(plain.areaAcrossRoadsPct).toBeCloseTo(t.all, 1);
    expect(gs.filter((g) => g.properties.areaAcrossRoadsPct! > 1).length).toBeGreaterThan(2);
  });

  it('cut into units of work (the CLI’s pool), the streets travel with each unit: the same grids and figures', () => {
    const r = partitionInUnits({
      buildings,
      communities: community,
      barriers: roads,
      barrierClasses: ['primary', 'secondary'],
      seed: 3
    });
    if (!r.ok) throw new Error(JSON.stringify(r.errors.slice(0, 3)));
    expect(
      r.value.grids.features.map((g) => [
        g.properties.code,
        g.properties.buildings,
        g.properties.polsbyPopper,
        g.properties.areaAcrossRoadsPct
      ])
    ).toEqual(
      grids.map((g) => [
        g.properties.code,
        g.properties.buildings,
        g.properties.polsbyPopper,
        g.properties.areaAcrossRoadsPct
      ])
    );
    expect(r.value.areaAcrossRoadsPct).toBe(out.areaAcrossRoadsPct);
    expect(r.value.areaInEmptyBlocksPct).toBe(out.areaInEmptyBlocksPct);
  });

  it('without roads there is nothing to measure', () => {
    const none = run(false);
    expect(none.areaAcrossRoadsPct).toBeUndefined();
    expect(none.grids.features.every((g) => g.properties.areaAcrossRoadsPct === undefined)).toBe(true);
  });
});
