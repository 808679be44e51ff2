/**
 * Grid polygons that tile the community: each building's Voronoi cell clipped to the community
 * boundary, and each grid drawn as the union of its buildings' cells. Because the cells tile the
 * boundary, the grids cover the community without gaps or overlaps whatever the assignment.
 *
 * Cells also give the engine its compactness measure cheaply: a grid's area is the sum of its
 * cells' areas and its perimeter the sum of the cell edges on the community boundary plus those
 * shared with cells of other grids (see compactness.ts), so moving one building updates both in
 * O(its neighbours).
 */
import { Delaunay } from 'd3';
import { ccw, clipToConvex, openRing, pointInRing, ringArea, type Ring, type XY } from './planar';

export interface Cells {
  n: number;
  /** Per point: its clipped cell, one ring per boundary part it meets (usually one). */
  rings: Ring[][];
  area: Float64Array;
  /** Length of the cell's edges on the community boundary. */
  outer: Float64Array;
  /** Voronoi neighbours: nbr[off[i]] … with the length of the edge shared with i. */
  off: Int32Array;
  nbr: Int32Array;
  len: Float64Array;
}

/**
 * Voronoi cells of the points clipped to the boundary (outer rings of the community's polygon
 * parts; holes are ignored). Points sharing a position split nothing: the later ones get an
 * empty cell.
 */
export function voronoiCells(points: readonly XY[], boundary: readonly Ring[]): Cells {
  const n = points.length;
  const rings: Ring[][] = Array.from({ length: n }, () => []);
  const area = new Float64Array(n);
  const outer = new Float64Array(n);
  const shared: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  const parts = boundary.filter((r) => r.length >= 3).map(ccw);
  if (n === 0 || parts.length === 0) return pack(n, rings, area, outer, shared);

  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of [...points, ...parts.flat()]) {
    x0 = Math.min(x0, p[0]);
    y0 = Math.min(y0, p[1]);
    x1 = Math.max(x1, p[0]);
    y1 = Math.max(y1, p[1]);
  }
  const pad = 10 + (x1 - x0 + y1 - y0);
  const tol = 1e-3 + 1e-7 * Math.max(Math.abs(x0), Math.abs(x1), Math.abs(y0), Math.abs(y1), pad);
  const single = n === 1;
  const delaunay = single ? null : Delaunay.from(points as XY[]);
  const voronoi = delaunay?.voronoi([x0 - pad, y0 - pad, x1 + pad, y1 + pad]);

  for (let i = 0; i < n; i++) {
    const raw = single ? [[x0 - pad, y0 - pad], [x1 + pad, y0 - pad], [x1 + pad, y1 + pad], [x0 - pad, y1 + pad]] : voronoi!.cellPolygon(i);
    if (!raw) continue;
    const cell = ccw(openRing(raw));
    const cands = delaunay ? [...delaunay.neighbors(i)] : [];
    const pi = points[i];
    for (const part of parts) {
      const r = clipToConvex(part, cell);
      const a = ringArea(r);
      if (r.length < 3 || a <= 1e-9) continue;
      rings[i].push(r);
      area[i] += a;
      for (let e = 0; e < r.length; e++) {
        const p = r[e];
        const q = r[(e + 1) % r.length];
        const l = Math.hypot(q[0] - p[0], q[1] - p[1]);
        if (l === 0) continue;
        // The neighbour whose bisector both ends lie on (nearest within tolerance).
        let owner = -1;
        let bestOff = tol;
        for (const j of cands) {
          const pj = points[j];
          const dx = pj[0] - pi[0];
          const dy = pj[1] - pi[1];
          const d = Math.hypot(dx, dy);
          if (d === 0) continue;
          const mx = (pi[0] + pj[0]) / 2;
          const my = (pi[1] + pj[1]) / 2;
          const off = Math.max(Math.abs(dx * (p[0] - mx) + dy * (p[1] - my)), Math.abs(dx * (q[0] - mx) + dy * (q[1] - my))) / d;
          if (off < bestOff) {
            bestOff = off;
            owner = j;
          }
        }
        if (owner < 0) outer[i] += l;
        else shared[i].set(owner, (shared[i].get(owner) ?? 0) + l);
      }
    }
  }
  symmetrise(shared, outer);
  return pack(n, rings, area, outer, shared);
}

/**
 * Makes shared lengths symmetric: where rounding let one side count an edge as boundary, the
 * edge is moved from that cell's boundary length to its shared length.
 */
function symmetrise(shared: Map<number, number>[], outer: Float64Array): void {
  for (let i = 0; i < shared.length; i++)
    for (const [j, l] of shared[i]) {
      if (j < i && shared[j].has(i)) continue;
      const back = shared[j].get(i);
      if (back === undefined) {
        shared[j].set(i, l);
        outer[j] = Math.max(0, outer[j] - l);
      } else {
        const m = (l + back) / 2;
        shared[i].set(j, m);
        shared[j].set(i, m);
      }
    }
}

function pack(n: number, rings: Ring[][], area: Float64Array, outer: Float64Array, shared: Map<number, number>[]): Cells {
  const off = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) off[i + 1] = off[i] + shared[i].size;
  const nbr = new Int32Array(off[n]);
  const len = new Float64Array(off[n]);
  for (let i = 0; i < n; i++) {
    const entries = [...shared[i]].sort((a, b) => a[0] - b[0]);
    entries.forEach(([j, l], k) => {
      nbr[off[i] + k] = j;
      len[off[i] + k] = l;
    });
  }
  return { n, rings, area, outer, off, nbr, len };
}

/** A polygon: outer ring (counter-clockwise) then holes (clockwise), open rings. */
export type PlanarPolygon = Ring[];

const key = (p: XY) => `${Math.round(p[0] * 1000)},${Math.round(p[1] * 1000)}`;

/**
 * The union of the members' cells: edges met in both directions cancel, the rest are chained
 * into rings; counter-clockwise rings are outers, clockwise ones holes of the outer holding them.
 */
export function dissolve(cells: Cells, members: Iterable<number>): PlanarPolygon[] {
  const count = new Map<string, number>();
  const pts = new Map<string, XY>();
  for (const i of members)
    for (const r of cells.rings[i])
      for (let e = 0; e < r.length; e++) {
        const p = r[e];
        const q = r[(e + 1) % r.length];
        const kp = key(p);
        const kq = key(q);
        if (kp === kq) continue;
        pts.set(kp, p);
        pts.set(kq, q);
        const back = `${kq}|${kp}`;
        const nb = count.get(back) ?? 0;
        if (nb > 0) {
          if (nb === 1) count.delete(back);
          else count.set(back, nb - 1);
        } else {
          const fwd = `${kp}|${kq}`;
          count.set(fwd, (count.get(fwd) ?? 0) + 1);
        }
      }
  const out = new Map<string, string[]>();
  for (const [e, c] of [...count].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const [a, b] = e.split('|');
    for (let t = 0; t < c; t++) {
      const l = out.get(a);
      if (l) l.push(b);
      else out.set(a, [b]);
    }
  }
  const rings: Ring[] = [];
  for (const start of [...out.keys()]) {
    while ((out.get(start)?.length ?? 0) > 0) {
      const ring: XY[] = [];
      let cur = start;
      for (let guard = 0; guard < 1e7; guard++) {
        const nexts = out.get(cur);
        if (!nexts || nexts.length === 0) break;
        ring.push(pts.get(cur)!);
        cur = nexts.shift()!;
        if (cur === start) break;
      }
      const clean = dropCollinear(ring);
      if (clean.length >= 3 && Math.abs(ringArea(clean)) > 1e-6) rings.push(clean);
    }
  }
  const outers = rings.filter((r) => ringArea(r) > 0).sort((a, b) => ringArea(b) - ringArea(a));
  const holes = rings.filter((r) => ringArea(r) < 0);
  const polys: PlanarPolygon[] = outers.map((r) => [r]);
  for (const h of holes) {
    // The smallest outer that holds the hole.
    let best = -1;
    for (let k = 0; k < outers.length; k++) if (pointInRing(midpoint(h), outers[k])) best = k;
    if (best >= 0) polys[best].push(h);
  }
  return polys;
}

function midpoint(r: Ring): XY {
  // A point just inside the hole's first edge would be ideal; the edge midpoint is on the hole
  // boundary and never on an outer's boundary for a proper hole.
  return [(r[0][0] + r[1][0]) / 2, (r[0][1] + r[1][1]) / 2];
}

function dropCollinear(r: XY[]): XY[] {
  if (r.length < 4) return r;
  const out: XY[] = [];
  const n = r.length;
  for (let i = 0; i < n; i++) {
    const a = r[(i + n - 1) % n];
    const b = r[i];
    const c = r[(i + 1) % n];
    const cr = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
    const l = Math.hypot(b[0] - a[0], b[1] - a[1]) * Math.hypot(c[0] - b[0], c[1] - b[1]);
    if (Math.abs(cr) > 1e-9 * Math.max(l, 1e-12)) out.push(b);
  }
  return out;
}
