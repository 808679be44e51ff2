/**
 * Street cuts: the Voronoi cells cut along road centrelines, so that grid outlines run along
 * streets. The cut lines (streets and barriers, noded so that junctions are shared vertices) are
 * pruned of dead ends, then every cell meeting one is split into the faces the lines make inside
 * it. cells.ts hands each face that does not hold the cell's building to a neighbouring cell in
 * the same road-bounded block (see `handOver` there), so a building's cell stays inside its
 * block and the rest of its Voronoi area goes to buildings on the other side of the street.
 *
 * A block is a face of the cut lines and the community outline: the faces of all cells joined
 * across cell edges that no road runs along. `acrossRoads` measures, per grid, the drawn area in
 * blocks holding none of the grid's buildings.
 */
import Flatbush from 'flatbush';
import { pointInRing, ringArea, type Ring, type XY } from './planar';

/** The owner of an edge made by a street cut (cells.ts: -1 is the community outline, ≥ 0 a neighbour). */
export const ROAD = -2;

/** A directed ring edge and what lies beyond it: ROAD, -1 (the outline) or the neighbouring cell. */
export interface CutEdge {
  a: XY;
  b: XY;
  o: number;
}

/** The cut segments of one community, indexed by their boxes. */
export interface StreetCuts {
  segs: [XY, XY][];
  index: Flatbush | null;
}

const pkey = (p: XY) => `${p[0]},${p[1]}`;

/**
 * The segments of the (noded) cut lines that meet the boundary's box, less dead ends: a segment
 * ending inside the community at a point no other segment reaches is dropped, repeatedly, so a
 * cul-de-sac cuts nothing (it bounds no block) and every segment left lies between two junctions
 * or runs out of the community.
 */
export function streetCuts(lines: readonly (readonly XY[])[], boundary: readonly Ring[]): StreetCuts {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const r of boundary)
    for (const [x, y] of r) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  const segs: [XY, XY][] = [];
  for (const l of lines)
    for (let k = 0; k + 1 < l.length; k++) {
      const a = l[k];
      const b = l[k + 1];
      if (a[0] === b[0] && a[1] === b[1]) continue;
      if (
        Math.max(a[0], b[0]) < x0 ||
        Math.min(a[0], b[0]) > x1 ||
        Math.max(a[1], b[1]) < y0 ||
        Math.min(a[1], b[1]) > y1
      )
        continue;
      segs.push([a, b]);
    }
  // A street ending within a metre of the outline (clipped road data) ends on it.
  const near = new Map<string, XY>();
  for (const seg of segs)
    for (let e = 0; e < 2; e++) {
      const p = seg[e];
      if (!boundary.some((r) => pointInRing(p, r))) continue;
      const k = pkey(p);
      let to = near.get(k);
      if (to === undefined) {
        let best = ON_OUTLINE;
        to = p;
        for (const r of boundary)
          for (let j = 0; j < r.length; j++) {
            const q = closest(p, r[j], r[(j + 1) % r.length]);
            const d = Math.hypot(q[0] - p[0], q[1] - p[1]);
            if (d < best) [best, to] = [d, q];
          }
        near.set(k, to);
      }
      seg[e] = to;
    }
  // Dead ends inside the community, pruned back to the last junction.
  const ends = new Map<string, number[]>();
  segs.forEach(([a, b], s) => {
    for (const p of [a, b]) (ends.get(pkey(p)) ?? ends.set(pkey(p), []).get(pkey(p))!).push(s);
  });
  // A street ending on the outline bounds a block there.
  const inside = (p: XY) =>
    boundary.some((r) => pointInRing(p, r)) &&
    boundary.every((r) => r.every((a, k) => segDist(p, a, r[(k + 1) % r.length]) > ON_EDGE));
  const alive = new Uint8Array(segs.length).fill(1);
  const degree = (k: string) => (ends.get(k) ?? []).filter((s) => alive[s]).length;
  const queue = [...ends.keys()].filter((k) => degree(k) === 1);
  while (queue.length) {
    const k = queue.pop()!;
    if (degree(k) !== 1) continue;
    const s = ends.get(k)!.find((t) => alive[t])!;
    const [a, b] = segs[s];
    const at = pkey(a) === k ? a : b;
    if (!inside(at)) continue;
    alive[s] = 0;
    const other = at === a ? b : a;
    if (degree(pkey(other)) === 1) queue.push(pkey(other));
  }
  const kept = segs.filter((_, s) => alive[s]);
  if (!kept.length) return { segs: [], index: null };
  const index = new Flatbush(kept.length);
  for (const [a, b] of kept)
    index.add(Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1]));
  index.finish();
  return { segs: kept, index };
}

/** Streets ending this close to the outline (metres) end on it. */
const ON_OUTLINE = 1;

/** The point of segment ab nearest p. */
function closest(p: XY, a: XY, b: XY): XY {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  const t = l2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2)) : 0;
  return [a[0] + t * dx, a[1] + t * dy];
}

/** Distance from p to the segment ab. */
function segDist(p: XY, a: XY, b: XY): number {
  const q = closest(p, a, b);
  return Math.hypot(q[0] - p[0], q[1] - p[1]);
}

/** A cut this close (metres) to a cell edge runs along it. */
const ON_EDGE = 1e-3;

/** Parameters within this of a segment's end count as at the end. */
const T_EPS = 1e-9;
/** Vertices closer than this (metres) are one. */
const fine = (p: XY) => `${Math.round(p[0] * 1e6)},${Math.round(p[1] * 1e6)}`;

/** A cell cut along the streets: its faces (`cut`), or its edges split where streets cross them. */
export interface CellCut {
  cut: boolean;
  faces: CutEdge[][];
}

/**
 * The faces into which the cut segments split a cell (its edges, counter-clockwise loops, each
 * edge owned as in cells.ts), each a loop of edges; edges along a cut are owned by ROAD. Null
 * when no cut meets the cell's box. Where no face is cut off (the streets only touch the cell
 * or end in it) or the cut is degenerate (a road loop floating inside the cell, faces not adding
 * up to the cell), `cut` is false and `faces` holds the cell's edges, split where streets cross
 * them (one or more loops): the caller keeps the cell whole.
 */
export function cutCell(edges: readonly CutEdge[], cuts: StreetCuts): CellCut | null {
  if (!cuts.index || !edges.length) return null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const e of edges) {
    x0 = Math.min(x0, e.a[0]);
    y0 = Math.min(y0, e.a[1]);
    x1 = Math.max(x1, e.a[0]);
    y1 = Math.max(y1, e.a[1]);
  }
  const cand = cuts.index.search(x0, y0, x1, y1);
  if (!cand.length) return null;
  cand.sort((a, b) => a - b);
  // Split points on cell edges and on cut segments: [parameter, point].
  const onEdge: [number, XY][][] = edges.map(() => []);
  const onSeg = new Map<number, [number, XY][]>();
  for (const s of cand) {
    const [c, d] = cuts.segs[s];
    const qx = d[0] - c[0];
    const qy = d[1] - c[1];
    const list: [number, XY][] = [
      [0, c],
      [1, d]
    ];
    edges.forEach((e, k) => {
      const rx = e.b[0] - e.a[0];
      const ry = e.b[1] - e.a[1];
      const den = rx * qy - ry * qx;
      if (Math.abs(den) <= 1e-12 * Math.hypot(rx, ry) * Math.hypot(qx, qy)) return;
      const wx = c[0] - e.a[0];
      const wy = c[1] - e.a[1];
      const t = (wx * qy - wy * qx) / den;
      const u = (wx * ry - wy * rx) / den;
      if (t < -T_EPS || t > 1 + T_EPS || u < -T_EPS || u > 1 + T_EPS) return;
      // The point from the cut segment, the same in both cells beside this edge.
      const p: XY =
        t <= T_EPS ? e.a : t >= 1 - T_EPS ? e.b : u <= T_EPS ? c : u >= 1 - T_EPS ? d : [c[0] + u * qx, c[1] + u * qy];
      if (t > T_EPS && t < 1 - T_EPS) onEdge[k].push([t, p]);
      list.push([u, p]);
    });
    onSeg.set(s, list);
  }
  const inCell = (p: XY) => {
    let inside = false;
    for (const e of edges) {
      const [ax, ay] = e.a;
      const [bx, by] = e.b;
      if (ay > p[1] !== by > p[1] && p[0] < ((bx - ax) * (p[1] - ay)) / (by - ay) + ax) inside = !inside;
    }
    return inside;
  };
  // Half-edges: the cell's (one way) and the cuts' pieces inside the cell (both ways).
  const vid = new Map<string, number>();
  const vxy: XY[] = [];
  const v = (p: XY) => {
    const k = fine(p);
    let i = vid.get(k);
    if (i === undefined) {
      i = vxy.length;
      vid.set(k, i);
      vxy.push(p);
    }
    return i;
  };
  const from: number[] = [];
  const to: number[] = [];
  const own: number[] = [];
  const half = (a: number, b: number, o: number) => {
    from.push(a);
    to.push(b);
    own.push(o);
  };
  edges.forEach((e, k) => {
    const pts = [[0, e.a] as [number, XY], ...onEdge[k].sort((p, q) => p[0] - q[0]), [1, e.b] as [number, XY]];
    for (let m = 0; m + 1 < pts.length; m++) {
      const a = v(pts[m][1]);
      const b = v(pts[m + 1][1]);
      if (a !== b) half(a, b, e.o);
    }
  });
  const cellHalves = from.length;
  // Where no face is cut, the cell's edges still split where streets cross them, as the cells
  // beside it split theirs: edges on either side then match end to end.
  const uncut = (): CellCut => ({
    cut: false,
    faces: [Array.from({ length: cellHalves }, (_, h) => ({ a: vxy[from[h]], b: vxy[to[h]], o: own[h] }))]
  });
  const roadPairs = new Set<string>();
  for (const s of cand) {
    const pts = onSeg.get(s)!.sort((p, q) => p[0] - q[0]);
    for (let m = 0; m + 1 < pts.length; m++) {
      const a = v(pts[m][1]);
      const b = v(pts[m + 1][1]);
      if (a === b) continue;
      const pk = a < b ? `${a},${b}` : `${b},${a}`;
      if (roadPairs.has(pk)) continue;
      const p = pts[m][1];
      const q = pts[m + 1][1];
      const mid: XY = [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
      // A street along the cell's edge (an outline drawn on the road's centreline) cuts nothing.
      if (!inCell(mid) || edges.some((e) => segDist(mid, e.a, e.b) < ON_EDGE)) continue;
      roadPairs.add(pk);
      half(a, b, ROAD);
      half(b, a, ROAD);
    }
  }
  if (from.length === cellHalves) return uncut();
  // Dead ends within the cell (a cut that stops inside it) split nothing: pruned.
  const alive = new Uint8Array(from.length).fill(1);
  const deg = new Int32Array(vxy.length);
  for (let h = 0; h < from.length; h++) {
    if (h < cellHalves) {
      deg[from[h]]++;
      deg[to[h]]++;
    } else if (from[h] < to[h]) {
      deg[from[h]]++;
      deg[to[h]]++;
    }
  }
  for (let changed = true; changed;) {
    changed = false;
    for (let h = cellHalves; h < from.length; h++) {
      if (!alive[h] || from[h] > to[h]) continue;
      if (deg[from[h]] === 1 || deg[to[h]] === 1) {
        alive[h] = 0;
        alive[twinOf(h, cellHalves)] = 0;
        deg[from[h]]--;
        deg[to[h]]--;
        changed = true;
      }
    }
  }
  let anyRoad = false;
  for (let h = cellHalves; h < from.length; h++) if (alive[h]) anyRoad = true;
  if (!anyRoad) return uncut();
  const out = new Map<number, number[]>();
  for (let h = 0; h < from.length; h++) if (alive[h]) (out.get(from[h]) ?? out.set(from[h], []).get(from[h])!).push(h);
  // Faces: from each half-edge turn as far left as possible (never straight back unless forced).
  const used = new Uint8Array(from.length);
  const faces: CutEdge[][] = [];
  let total = 0;
  for (let h0 = 0; h0 < from.length; h0++) {
    if (!alive[h0] || used[h0]) continue;
    const loop: number[] = [];
    let h = h0;
    for (let guard = 0; guard <= from.length; guard++) {
      used[h] = 1;
      loop.push(h);
      const nexts = out.get(to[h]) ?? [];
      const dx = vxy[to[h]][0] - vxy[from[h]][0];
      const dy = vxy[to[h]][1] - vxy[from[h]][1];
      let pick = -1;
      let best = -Infinity;
      for (const f of nexts) {
        if (to[f] === from[h] && own[f] === ROAD && own[h] === ROAD && nexts.length > 1) continue;
        const fx = vxy[to[f]][0] - vxy[from[f]][0];
        const fy = vxy[to[f]][1] - vxy[from[f]][1];
        const turn = Math.atan2(dx * fy - dy * fx, dx * fx + dy * fy);
        if (turn > best) {
          best = turn;
          pick = f;
        }
      }
      if (pick < 0) return uncut();
      h = pick;
      if (h === h0) break;
      if (used[h]) return uncut();
    }
    if (h !== h0) return uncut();
    const ring = loop.map((k) => vxy[from[k]]);
    const area = ringArea(ring);
    if (area < -1e-6) return uncut();
    if (area <= 1e-9) continue;
    total += area;
    faces.push(loop.map((k) => ({ a: vxy[from[k]], b: vxy[to[k]], o: own[k] })));
  }
  if (faces.length < 2 || Math.abs(total - cellArea(edges)) > 1e-6 * Math.max(1, Math.abs(total))) return uncut();
  return { cut: true, faces };
}

/** Cut half-edges are added in pairs (a→b, b→a) after the cell's own. */
function twinOf(h: number, cellHalves: number): number {
  return (h - cellHalves) % 2 === 0 ? h + 1 : h - 1;
}

/** The area inside a cell's edges (one or more loops): Σ cross / 2 over all edges. */
function cellArea(edges: readonly CutEdge[]): number {
  let s = 0;
  for (const e of edges) s += e.a[0] * e.b[1] - e.b[0] * e.a[1];
  return s / 2;
}

/**
 * Per grid, the part of its drawn area lying across a road from its buildings: in road-bounded
 * blocks that hold buildings, none of them the grid's (area and % of the grid's area), and over
 * all grids (area-weighted). Blocks holding no building at all (parks, squares, water, unbuilt
 * land) are left out: every grid beside one lies across a road from it, and some grid must hold
 * it; `emptyPct` is their share of the area. `blocks` comes from the cells (`Cells.blocks`);
 * `assign` gives each point's grid.
 */
export function acrossRoads(
  blocks: { pointBlock: Int32Array; pieceOwner: Int32Array; pieceBlock: Int32Array; pieceArea: Float64Array },
  assign: ArrayLike<number>,
  k: number
): { pct: number[]; area: number[]; total: number; pctAll: number; emptyPct: number } {
  const has = Array.from({ length: k }, () => new Set<number>());
  const built = new Set<number>();
  for (let i = 0; i < blocks.pointBlock.length; i++)
    if (blocks.pointBlock[i] >= 0) {
      has[assign[i]].add(blocks.pointBlock[i]);
      built.add(blocks.pointBlock[i]);
    }
  const area = new Array<number>(k).fill(0);
  const across = new Array<number>(k).fill(0);
  let empty = 0;
  for (let q = 0; q < blocks.pieceOwner.length; q++) {
    const g = assign[blocks.pieceOwner[q]];
    const b = blocks.pieceBlock[q];
    area[g] += blocks.pieceArea[q];
    if (!built.has(b)) empty += blocks.pieceArea[q];
    else if (!has[g].has(b)) across[g] += blocks.pieceArea[q];
  }
  const sumA = area.reduce((s, a) => s + a, 0);
  const sumX = across.reduce((s, a) => s + a, 0);
  return {
    pct: area.map((a, g) => (a > 0 ? (100 * across[g]) / a : 0)),
    area: across,
    total: sumX,
    pctAll: sumA > 0 ? (100 * sumX) / sumA : 0,
    emptyPct: sumA > 0 ? (100 * empty) / sumA : 0
  };
}
