/**
 * Baseline: household-weighted k-means on building positions (k-means++ start, Lloyd steps).
 * It knows nothing of bounds, compounds, barriers or contiguity; it is here to be compared
 * against, and its centres seed one of the engine's starting solutions.
 * Deterministic for a seed. Each Lloyd step is O(n log k) (a spatial index of the centres);
 * the k-means++ start is O(n·k), with k at most 999 grids per community.
 */
import Flatbush from 'flatbush';
import { mulberry32 } from '../random';
import type { XY } from './planar';

export interface KMeansResult {
  centers: XY[];
  assign: Int32Array;
}

/**
 * From this many centres the nearest one is found through a Flatbush index of the centres (rebuilt
 * each step) instead of a scan of all k: with hundreds of grids the scan made each step O(n·k).
 */
const INDEX_FROM = 64;

function centreIndex(centers: readonly XY[]): Flatbush {
  const index = new Flatbush(centers.length);
  for (const [cx, cy] of centers) index.add(cx, cy, cx, cy);
  index.finish();
  return index;
}

export function kmeans(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  w: ArrayLike<number>,
  k: number,
  seed = 1,
  iterations = 60
): KMeansResult {
  const n = x.length;
  k = Math.max(1, Math.min(k, n));
  const assign = new Int32Array(n);
  if (n === 0) return { centers: [], assign };
  const rng = mulberry32(seed);
  const wt = (i: number) => Math.max(w[i], 1e-6);
  // k-means++: the first centre weighted by households, the next by households × squared distance.
  const centers: XY[] = [];
  const d2 = new Float64Array(n).fill(Infinity);
  const pickBy = (score: (i: number) => number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += score(i);
    let r = rng() * s;
    for (let i = 0; i < n; i++) {
      r -= score(i);
      if (r <= 0) return i;
    }
    return n - 1;
  };
  let c0 = pickBy(wt);
  centers.push([x[c0], y[c0]]);
  while (centers.length < k) {
    const c = centers[centers.length - 1];
    for (let i = 0; i < n; i++) d2[i] = Math.min(d2[i], (x[i] - c[0]) ** 2 + (y[i] - c[1]) ** 2);
    c0 = pickBy((i) => wt(i) * d2[i]);
    centers.push([x[c0], y[c0]]);
  }
  const d = (i: number, c: number) => (x[i] - centers[c][0]) ** 2 + (y[i] - centers[c][1]) ** 2;
  for (let it = 0; it < iterations; it++) {
    let changed = it === 0;
    const index = k >= INDEX_FROM ? centreIndex(centers) : null;
    for (let i = 0; i < n; i++) {
      let best = 0;
      if (index) {
        // Every centre no farther than the item's last one (the nearest at the first step), the
        // nearest of them taken, the lowest index on a tie, as in the scan.
        const r2 = d(i, it === 0 ? index.neighbors(x[i], y[i], 1)[0] : assign[i]);
        let bd = Infinity;
        best = k;
        for (const c of index.neighbors(x[i], y[i], Infinity, Math.sqrt(r2) * (1 + 1e-9) + 1e-9)) {
          const dc = d(i, c);
          if (dc < bd || (dc === bd && c < best)) {
            bd = dc;
            best = c;
          }
        }
      } else {
        let bd = Infinity;
        for (let c = 0; c < k; c++) {
          const dc = d(i, c);
          if (dc < bd) {
            bd = dc;
            best = c;
          }
        }
      }
      if (assign[i] !== best) changed = true;
      assign[i] = best;
    }
    if (!changed) break;
    const sx = new Float64Array(k);
    const sy = new Float64Array(k);
    const sw = new Float64Array(k);
    for (let i = 0; i < n; i++) {
      const c = assign[i];
      sx[c] += wt(i) * x[i];
      sy[c] += wt(i) * y[i];
      sw[c] += wt(i);
    }
    for (let c = 0; c < k; c++) if (sw[c] > 0) centers[c] = [sx[c] / sw[c], sy[c] / sw[c]];
  }
  // Number clusters densely (an emptied cluster leaves no gap).
  const used = [...new Set(assign)].sort((a, b) => a - b);
  const remap = new Map(used.map((c, i) => [c, i]));
  for (let i = 0; i < n; i++) assign[i] = remap.get(assign[i])!;
  return { centers: used.map((c) => centers[c]), assign };
}
