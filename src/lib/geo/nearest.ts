/**
 * Nearest points in lon/lat: a uniform grid index over a local equirectangular projection
 * (metres), good to a few metres over a city. k-nearest by expanding rings of cells.
 */

const R = 6_371_008.8;
const RAD = Math.PI / 180;

/** Great-circle distance in metres. */
export function haversine(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * RAD;
  const dLon = (lon2 - lon1) * RAD;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** A local projection to metres around a reference latitude (error < 0.1 % within ~20 km). */
export interface LocalProjection {
  x(lon: number): number;
  y(lat: number): number;
}
export function localProjection(lon0: number, lat0: number): LocalProjection {
  const kx = R * RAD * Math.cos(lat0 * RAD);
  const ky = R * RAD;
  return { x: (lon) => (lon - lon0) * kx, y: (lat) => (lat - lat0) * ky };
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
  private cells = new Map<number, number[]>();
  private minCx = Infinity;
  private maxCx = -Infinity;
  private minCy = Infinity;
  private maxCy = -Infinity;

  /** points: [lon, lat] pairs; cell: grid cell size in metres. */
  constructor(
    points: ArrayLike<readonly [number, number]>,
    readonly cell = 250
  ) {
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
    for (let i = 0; i < n; i++) {
      const x = (this.xs[i] = this.proj.x(points[i][0]));
      const y = (this.ys[i] = this.proj.y(points[i][1]));
      const cx = Math.floor(x / cell);
      const cy = Math.floor(y / cell);
      const key = this.key(cx, cy);
      const list = this.cells.get(key);
      if (list) list.push(i);
      else this.cells.set(key, [i]);
      this.minCx = Math.min(this.minCx, cx);
      this.maxCx = Math.max(this.maxCx, cx);
      this.minCy = Math.min(this.minCy, cy);
      this.maxCy = Math.max(this.maxCy, cy);
    }
  }

  get size(): number {
    return this.xs.length;
  }

  private key(cx: number, cy: number): number {
    return (cx + 32768) * 65536 + (cy + 32768);
  }

  /**
   * The k nearest points (straight line) that pass `accept`, nearest first. Searches rings of
   * cells outwards and stops once the ring is farther than the k-th best found.
   */
  nearest(lon: number, lat: number, k = 1, accept?: (i: number) => boolean, maxDistance = Infinity): Neighbour[] {
    const x = this.proj.x(lon);
    const y = this.proj.y(lat);
    const cx = Math.floor(x / this.cell);
    const cy = Math.floor(y / this.cell);
    const best: Neighbour[] = [];
    const maxRing = Math.max(
      Math.abs(cx - this.minCx),
      Math.abs(cx - this.maxCx),
      Math.abs(cy - this.minCy),
      Math.abs(cy - this.maxCy)
    );
    for (let r = 0; r <= maxRing; r++) {
      // Every point in ring r is at least (r - 1) cells away.
      const ringMin = (r - 1) * this.cell;
      if (ringMin > maxDistance) break;
      if (best.length === k && ringMin > best[k - 1].distance) break;
      for (let gx = cx - r; gx <= cx + r; gx++) {
        for (let gy = cy - r; gy <= cy + r; gy++) {
          if (Math.max(Math.abs(gx - cx), Math.abs(gy - cy)) !== r) continue;
          const list = this.cells.get(this.key(gx, gy));
          if (!list) continue;
          for (const i of list) {
            const d = Math.hypot(this.xs[i] - x, this.ys[i] - y);
            if (d > maxDistance) continue;
            if (best.length === k && d >= best[k - 1].distance) continue;
            if (accept && !accept(i)) continue;
            const item = { index: i, distance: d };
            if (best.length < k) best.push(item);
            else best[k - 1] = item;
            for (let j = best.length - 1; j > 0 && best[j - 1].distance > d; j--) {
              best[j] = best[j - 1];
              best[j - 1] = item;
            }
          }
        }
      }
    }
    return best;
  }

  /** All points within `radius` metres (unordered). */
  within(lon: number, lat: number, radius: number): number[] {
    const x = this.proj.x(lon);
    const y = this.proj.y(lat);
    const c = this.cell;
    const out: number[] = [];
    for (let gx = Math.floor((x - radius) / c); gx <= Math.floor((x + radius) / c); gx++)
      for (let gy = Math.floor((y - radius) / c); gy <= Math.floor((y + radius) / c); gy++) {
        const list = this.cells.get(this.key(gx, gy));
        if (list) for (const i of list) if (Math.hypot(this.xs[i] - x, this.ys[i] - y) <= radius) out.push(i);
      }
    return out;
  }
}
