/**
 * The one planar kit (src/lib/geo/partition/planar.ts) tested directly: hand-made cases with
 * known answers, Daoli's real outline (data/district-outlines.geojson, ~1,300 vertices) against
 * Turf, and seeded random cases against Turf (convex hull, point in ring, segment crossing,
 * self-intersection, convex clipping).
 */
import { readFileSync } from 'node:fs';
import {
  area as turfArea,
  bbox as turfBbox,
  booleanPointInPolygon,
  centerOfMass,
  convex,
  featureCollection,
  intersect,
  kinks,
  lineIntersect,
  lineString,
  point,
  polygon
} from '@turf/turf';
import type { FeatureCollection, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { localProjection } from '../../src/lib/geo/crs';
import {
  boxOf,
  ccw,
  cleanRing,
  clipHalfPlane,
  clipToConvex,
  convexHull,
  isConvex,
  itemsBox,
  openRing,
  pointInRing,
  ringArea,
  ringCentroid,
  ringPerimeter,
  segmentsCross,
  segmentsIntersect,
  selfIntersects,
  type Ring,
  type XY
} from '../../src/lib/geo/partition/planar';
import { mulberry32, uniform, type Rng } from '../../src/lib/geo/random';

const closed = (r: readonly XY[]) => [...r.map((p) => [p[0], p[1]]), [r[0][0], r[0][1]]];
const square: Ring = [
  [0, 0],
  [10, 0],
  [10, 10],
  [0, 10]
];

/** Daoli's real outer ring (WGS-84, closed; ~1,300 vertices). */
function daoliOuter(): number[][] {
  const fc = JSON.parse(readFileSync('data/district-outlines.geojson', 'utf8')) as FeatureCollection<Polygon>;
  return fc.features.find((f) => f.properties?.adcode === '230102')!.geometry.coordinates[0];
}

/**
 * A simple (star-shaped) ring: n ≥ 4 vertices at random radii around a centre, one in each of n
 * equal sectors, so that no two neighbours are half a turn apart (which could cross).
 */
function starRing(rng: Rng, n: number, cx = 0, cy = 0, rMin = 20, rMax = 100): Ring {
  const angles = Array.from({ length: n }, (_, k) => ((k + uniform(rng, 0.05, 0.95)) * 2 * Math.PI) / n);
  return angles.map((a) => {
    const r = uniform(rng, rMin, rMax);
    return [cx + r * Math.cos(a), cy + r * Math.sin(a)] as XY;
  });
}

/** A ring of random points in random order (usually self-intersecting). */
function scribble(rng: Rng, n: number): Ring {
  return Array.from({ length: n }, () => [uniform(rng, 0, 100), uniform(rng, 0, 100)] as XY);
}

const key = (p: readonly number[]) => `${p[0].toFixed(9)},${p[1].toFixed(9)}`;

describe('rings: area, perimeter, orientation, centroid', () => {
  it('a 10 m square: area 100 (negative clockwise), perimeter 40, centroid (5, 5)', () => {
    expect(ringArea(square)).toBe(100);
    expect(ringArea([...square].reverse())).toBe(-100);
    expect(ringPerimeter(square)).toBe(40);
    expect(ringCentroid(square)).toEqual([5, 5]);
    expect(ringArea(ccw([...square].reverse()))).toBe(100);
    expect(ccw(square)).toBe(square);
  });

  it('an L-shape: centroid of its two rectangles weighted by area', () => {
    const l: Ring = [
      [0, 0],
      [30, 0],
      [30, 10],
      [10, 10],
      [10, 30],
      [0, 30]
    ];
    // 30×10 at (15, 5) and 10×20 at (5, 20): (300·15 + 200·5) / 500 = 11, (300·5 + 200·20) / 500 = 11.
    const [x, y] = ringCentroid(l);
    expect(x).toBeCloseTo(11, 12);
    expect(y).toBeCloseTo(11, 12);
    expect(ringArea(l)).toBe(500);
  });

  it('a degenerate ring (all on a line) falls back to the vertex mean; far from the origin too', () => {
    expect(
      ringCentroid([
        [0, 0],
        [1, 1],
        [2, 2]
      ])
    ).toEqual([1, 1]);
    const far = square.map(([x, y]) => [x + 1e6, y + 5e6] as XY);
    const [x, y] = ringCentroid(far);
    expect(x - 1e6).toBeCloseTo(5, 6);
    expect(y - 5e6).toBeCloseTo(5, 6);
  });

  it('openRing drops the closing point only', () => {
    expect(openRing(closed(square))).toEqual(square);
    expect(openRing(square)).toEqual(square);
  });

  it("Daoli's real outline: area and centroid agree with Turf's (0.2 %, 50 m)", () => {
    const outer = daoliOuter();
    const proj = localProjection(outer[0][0], outer[0][1]);
    const ring = openRing(outer.map((c) => proj.forward(c[0], c[1])));
    expect(ring.length).toBeGreaterThan(1000);
    const turfM2 = turfArea(polygon([outer]));
    expect(Math.abs(Math.abs(ringArea(ring)) - turfM2) / turfM2).toBeLessThan(0.002);
    const [cx, cy] = ringCentroid(ring);
    const [tx, ty] = proj.forward(...(centerOfMass(polygon([outer])).geometry.coordinates as [number, number]));
    expect(Math.hypot(cx - tx, cy - ty)).toBeLessThan(50);
  });
});

describe('boxes', () => {
  it('boxOf: of all points, of those at some indices, and of none', () => {
    const pts: XY[] = [
      [3, -1],
      [-2, 4],
      [7, 2],
      [0, 0]
    ];
    expect(boxOf(pts)).toEqual([-2, -1, 7, 4]);
    expect(boxOf(pts, [0, 3])).toEqual([0, -1, 3, 0]);
    expect(boxOf(pts, new Set([1]))).toEqual([-2, 4, -2, 4]);
    expect(boxOf(pts, [])).toEqual([Infinity, Infinity, -Infinity, -Infinity]);
  });

  it("boxOf of Daoli's real outline (lon/lat) is Turf's bbox; itemsBox of the same points as items too", () => {
    const outline = openRing(daoliOuter());
    const items = outline.map(([x, y], i) => ({ id: String(i), x, y }));
    expect(boxOf(outline)).toEqual(turfBbox(polygon([[...outline, outline[0]]])));
    expect(itemsBox(items)).toEqual(boxOf(outline));
    expect(itemsBox([])).toEqual([Infinity, Infinity, -Infinity, -Infinity]);
  });
});

describe('point in ring', () => {
  it('inside, outside and in a notch of a concave ring', () => {
    const c: Ring = [
      [0, 0],
      [30, 0],
      [30, 30],
      [20, 30],
      [20, 10],
      [10, 10],
      [10, 30],
      [0, 30]
    ];
    expect(pointInRing([5, 5], c)).toBe(true);
    expect(pointInRing([15, 20], c)).toBe(false);
    expect(pointInRing([25, 25], c)).toBe(true);
    expect(pointInRing([-1, 5], c)).toBe(false);
  });

  it("400 random points against Turf on Daoli's real outline", () => {
    const outer = daoliOuter();
    const poly = polygon([outer]);
    const ring = openRing(outer) as Ring;
    const xs = outer.map((c) => c[0]);
    const ys = outer.map((c) => c[1]);
    const rng = mulberry32(16);
    let inside = 0;
    for (let i = 0; i < 400; i++) {
      const p: XY = [uniform(rng, Math.min(...xs), Math.max(...xs)), uniform(rng, Math.min(...ys), Math.max(...ys))];
      const ours = pointInRing(p, ring);
      expect(ours, `point ${p}`).toBe(booleanPointInPolygon(point(p), poly));
      if (ours) inside++;
    }
    // Both answers occur, so the comparison means something.
    expect(inside).toBeGreaterThan(50);
    expect(inside).toBeLessThan(350);
  });
});

describe('segments', () => {
  it('crossing, touching at an end, collinear overlap, apart', () => {
    expect(segmentsIntersect([0, 0], [10, 10], [0, 10], [10, 0])).toBe(true);
    expect(segmentsCross([0, 0], [10, 10], [0, 10], [10, 0])).toBe(true);
    // T: c touches ab at an interior point.
    expect(segmentsIntersect([0, 0], [10, 0], [5, 0], [5, 5])).toBe(true);
    expect(segmentsCross([0, 0], [10, 0], [5, 0], [5, 5])).toBe(false);
    // Shared end.
    expect(segmentsIntersect([0, 0], [10, 0], [10, 0], [10, 5])).toBe(true);
    expect(segmentsCross([0, 0], [10, 0], [10, 0], [10, 5])).toBe(false);
    // Collinear, overlapping and disjoint.
    expect(segmentsIntersect([0, 0], [10, 0], [5, 0], [15, 0])).toBe(true);
    expect(segmentsIntersect([0, 0], [10, 0], [11, 0], [15, 0])).toBe(false);
    expect(segmentsIntersect([0, 0], [10, 0], [0, 1], [10, 1])).toBe(false);
  });

  it('500 random pairs agree with Turf lineIntersect', () => {
    const rng = mulberry32(7);
    let crossings = 0;
    for (let i = 0; i < 500; i++) {
      const s = Array.from({ length: 4 }, () => [uniform(rng, 0, 100), uniform(rng, 0, 100)] as XY);
      const turfSays = lineIntersect(lineString([s[0], s[1]]), lineString([s[2], s[3]])).features.length > 0;
      expect(segmentsCross(s[0], s[1], s[2], s[3])).toBe(turfSays);
      expect(segmentsIntersect(s[0], s[1], s[2], s[3])).toBe(turfSays);
      if (turfSays) crossings++;
    }
    expect(crossings).toBeGreaterThan(50);
  });
});

describe('self-intersection', () => {
  it('a bow tie crosses itself, a square and a concave ring do not', () => {
    expect(
      selfIntersects([
        [0, 0],
        [10, 10],
        [10, 0],
        [0, 10]
      ])
    ).toBe(true);
    expect(selfIntersects(square)).toBe(false);
    expect(
      selfIntersects([
        [0, 0],
        [30, 0],
        [30, 30],
        [15, 5],
        [0, 30]
      ])
    ).toBe(false);
  });

  it('random star-shaped rings never cross, random scribbles agree with Turf kinks', () => {
    const rng = mulberry32(21);
    for (let i = 0; i < 100; i++) expect(selfIntersects(starRing(rng, 6 + (i % 20)))).toBe(false);
    let crossing = 0;
    for (let i = 0; i < 200; i++) {
      const r = scribble(rng, 4 + (i % 6));
      const turfSays = kinks(polygon([closed(r)])).features.length > 0;
      expect(selfIntersects(r), `ring ${JSON.stringify(r)}`).toBe(turfSays);
      if (turfSays) crossing++;
    }
    expect(crossing).toBeGreaterThan(50);
  });
});

describe('convex hull', () => {
  it('drops interior and collinear points, counter-clockwise', () => {
    const pts: XY[] = [...square, [5, 5], [5, 0], [10, 5], [2, 8]];
    const h = convexHull(pts);
    expect(new Set(h.map(key))).toEqual(new Set(square.map(key)));
    expect(ringArea(h)).toBe(100);
    expect(isConvex(h)).toBe(true);
    expect(
      convexHull([
        [1, 1],
        [2, 2]
      ])
    ).toEqual([
      [1, 1],
      [2, 2]
    ]);
  });

  it('50 random point sets: the same vertices as Turf convex', () => {
    const rng = mulberry32(3);
    for (let i = 0; i < 50; i++) {
      const pts = Array.from({ length: 5 + i * 4 }, () => [uniform(rng, 0, 100), uniform(rng, 0, 100)] as XY);
      const ours = convexHull(pts);
      const theirs = convex(featureCollection(pts.map((p) => point(p))))!.geometry.coordinates[0].slice(0, -1);
      expect(new Set(ours.map(key))).toEqual(new Set(theirs.map(key)));
      expect(ringArea(ours)).toBeGreaterThan(0);
      for (const p of pts)
        expect(pointInRing(p, ours) || ours.some((v) => v[0] === p[0] && v[1] === p[1]) || onBoundary(p, ours)).toBe(
          true
        );
    }
  });
});

function onBoundary(p: XY, r: Ring): boolean {
  return r.some((a, i) => {
    const b = r[(i + 1) % r.length];
    const cross = (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);
    return Math.abs(cross) < 1e-9 * Math.hypot(b[0] - a[0], b[1] - a[1]) * 100;
  });
}

describe('convexity and clipping', () => {
  it('isConvex: square yes (either way round), L-shape no, a line no', () => {
    expect(isConvex(square)).toBe(true);
    expect(isConvex([...square].reverse())).toBe(true);
    expect(
      isConvex([
        [0, 0],
        [30, 0],
        [30, 10],
        [10, 10],
        [10, 30],
        [0, 30]
      ])
    ).toBe(false);
    expect(
      isConvex([
        [0, 0],
        [1, 1],
        [2, 2]
      ])
    ).toBe(false);
  });

  it('cleanRing drops repeated and collinear vertices', () => {
    expect(
      cleanRing([
        [0, 0],
        [5, 0],
        [10, 0],
        [10, 0],
        [10, 10],
        [0, 10],
        [0, 0]
      ])
    ).toEqual([
      [0, 0],
      [10, 0],
      [10, 10],
      [0, 10]
    ]);
  });

  it('a half-plane cut halves the square', () => {
    const left = clipHalfPlane(square, [5, -1], [5, 11]);
    // Left of the upward line x = 5 is x ≤ 5.
    expect(ringArea(left)).toBeCloseTo(50, 9);
    expect(Math.max(...left.map((p) => p[0]))).toBe(5);
  });

  it('60 random subjects clipped to random convex windows: the area of Turf intersect', () => {
    const rng = mulberry32(11);
    for (let i = 0; i < 60; i++) {
      const subject = starRing(rng, 5 + (i % 15), uniform(rng, -30, 30), uniform(rng, -30, 30));
      const window = convexHull(Array.from({ length: 8 }, () => [uniform(rng, -80, 80), uniform(rng, -80, 80)] as XY));
      const ours = Math.abs(ringArea(clipToConvex(subject, window)));
      const t = intersect(featureCollection([polygon([closed(ccw(subject))]), polygon([closed(window)])]));
      let theirs = 0;
      if (t) {
        const polys = t.geometry.type === 'Polygon' ? [t.geometry.coordinates] : t.geometry.coordinates;
        for (const p of polys) for (const r of p) theirs += Math.abs(ringArea(openRing(r)));
      }
      expect(Math.abs(ours - theirs), `case ${i}`).toBeLessThan(1e-6 * Math.max(1, theirs));
    }
  });

  it('a clockwise window clips the same as counter-clockwise', () => {
    const w: Ring = [
      [5, 5],
      [15, 5],
      [15, 15],
      [5, 15]
    ];
    expect(ringArea(clipToConvex(square, w))).toBeCloseTo(25, 9);
    expect(ringArea(clipToConvex(square, [...w].reverse()))).toBeCloseTo(25, 9);
  });
});

describe('the one projection (crs.localProjection)', () => {
  it('round trip, and 10 km east/north agree with Turf', async () => {
    const { distance } = await import('@turf/turf');
    const p = localProjection(126.6, 45.75);
    const [lon, lat] = p.inverse(...p.forward(126.71, 45.8));
    expect(lon).toBeCloseTo(126.71, 10);
    expect(lat).toBeCloseTo(45.8, 10);
    const east = p.inverse(10_000, 0);
    const north = p.inverse(0, 10_000);
    expect(distance([126.6, 45.75], east, { units: 'meters' })).toBeCloseTo(10_000, -1);
    expect(distance([126.6, 45.75], north, { units: 'meters' })).toBeCloseTo(10_000, 3);
    expect(p.x(126.71)).toBe(p.forward(126.71, 45.8)[0]);
    expect(p.y(45.8)).toBe(p.forward(126.71, 45.8)[1]);
  });
});
