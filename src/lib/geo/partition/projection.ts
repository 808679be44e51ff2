/**
 * The one planar projection of an input (metres around an origin, `crs.localProjection`): the
 * buildings' centres, the origin they give, and positions in and out as tuples.
 */
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { localProjection as crsProjection } from '../crs';
import type { ParsedBuilding } from './input';
import { openRing, ringArea, ringCentroid, type XY } from './planar';

export function largestOuter(g: Polygon | MultiPolygon): Position[] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let best = polys[0][0];
  let ba = -1;
  for (const p of polys) {
    const a = Math.abs(ringArea(openRing(p[0])));
    if (a > ba) {
      ba = a;
      best = p[0];
    }
  }
  return best;
}

/** WGS-84 centre of a building (its largest outer ring's centroid, or its point). */
export function buildingCentre(b: ParsedBuilding): Position {
  return b.geometry.type === 'Point'
    ? b.geometry.coordinates
    : ringCentroid(openRing(largestOuter(b.geometry)) as XY[]);
}

/** The projection origin of an input: the mean of its buildings' centres. */
export function projectionOrigin(cents: readonly Position[]): [number, number] {
  return [
    cents.length ? cents.reduce((s, c) => s + c[0], 0) / cents.length : 0,
    cents.length ? cents.reduce((s, c) => s + c[1], 0) / cents.length : 0
  ];
}

/** Planar projection around a fixed origin, and its inverse. */
export interface Projection {
  lon0: number;
  lat0: number;
  forward(p: Position): XY;
  inverse(p: XY): [number, number];
}

/** The engine's view of the one projection (`crs.localProjection`): positions in and out as tuples, so it maps over rings. */
export function localProjection(lon0: number, lat0: number): Projection {
  const p = crsProjection(lon0, lat0);
  return { lon0, lat0, forward: (q) => p.forward(q[0], q[1]), inverse: ([x, y]) => p.inverse(x, y) };
}
