/**
 * Nearest points in lon/lat: a Flatbush (static R-tree) over a local equirectangular projection
 * (metres), good to a few metres over a city. Its k-nearest search visits the tree best-first,
 * so a query from far outside the points (a rider in another city) is as quick as one inside.
 */
import Flatbush from 'flatbush';
import { EARTH_RADIUS_M as R, localProjection, type LocalProjection } from './crs';

const RAD = Math.PI / 180;

/** Great-circle distance in metres. */
export function haversine(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

export interface Neighbour {
  index: number;
  /** Straight-line distance in metres. */
  distance: number;
}

export class PointIndex {
  readonly proj: LocalProjection;
  private xs: Float64Array;
  private ys: Float64Array;
  private lons: Float64Array;
  private lats: Float64Array;
  /** Flatbush's k-nearest is a best-first search of its tree: bounded wherever the query point is. */
  private tree: Flatbush | null;

  /** points: [lon, lat] pairs. */
  constructor(points: ArrayLike<readonly [number, number]>) {
    const n = points.length;
    let lon0 = 0;
    let lat0 = 0;
    for (let i = 0; i < n; i++) {
      lon0 += points[i][0] / n;
      lat0 += points[i][1] / n;
    }
    this.proj = localProjection(lon0, lat0);
    this.xs = new Float64Array(n);
    this.ys = new Float64Array(n);
    this.lons = new Float64Array(n);
    this.lats = new Float64Array(n);
    this.tree = n > 0 ? new Flatbush(n) : null;
    for (let i = 0; i < n; i++) {
      this.lons[i] = points[i][0];
      this.lats[i] = points[i][1];
      const x = (this.xs[i] = this.proj.x(points[i][0]));
      const y = (this.ys[i] = this.proj.y(points[i][1]));
      this.tree!.add(x, y, x, y);
    }
    this.tree?.finish();
  }

  get size(): number {
    return this.xs.length;
  }

  /**
   * The k nearest points that pass `accept`, nearest first, within `maxDistance` metres. Ranked in
   * the local projection; distances are great-circle (the projection drifts far from the city).
   */
  nearest(lon: number, lat: number, k = 1, accept?: (i: number) => boolean, maxDistance = Infinity): Neighbour[] {
    if (!this.tree) return [];
    const x = this.proj.x(lon);
    const y = this.proj.y(lat);
    const found = this.tree.neighbors(x, y, k, maxDistance, accept);
    return found
      .map((index) => ({ index, distance: haversine(lon, lat, this.lons[index], this.lats[index]) }))
      .filter((n) => n.distance <= maxDistance);
  }

  /** All points within `radius` metres (unordered). */
  within(lon: number, lat: number, radius: number): number[] {
    if (!this.tree) return [];
    const x = this.proj.x(lon);
    const y = this.proj.y(lat);
    return this.tree.search(
      x - radius,
      y - radius,
      x + radius,
      y + radius,
      (i) => Math.hypot(this.xs[i] - x, this.ys[i] - y) <= radius
    );
  }
}
