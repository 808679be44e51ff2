/**
 * Which buildings may share a grid as neighbours: the Delaunay triangulation of their positions,
 * less the edges that cross a barrier (river, railway, arterial road), join buildings whose cells
 * do not share an edge on the map (then a grid holding both would be drawn in two pieces) or are
 * much longer than the community's usual spacing. Where that leaves a piece too small to be a grid on its own
 * (fewer households than the minimum), the shortest removed edge to another piece is put back
 * (a "bridge") so that small pieces join a neighbour rather than form an undersized grid.
 * Pure TypeScript (d3's Delaunay).
 */
import { Delaunay } from 'd3';
import { segmentsIntersect, type XY } from './planar';

/** Compressed adjacency: the neighbours of i are nbr[off[i]] … nbr[off[i + 1] - 1]. */
export interface Graph {
  n: number;
  off: Int32Array;
  nbr: Int32Array;
}

export interface RemovedEdge {
  a: number;
  b: number;
  length: number;
  /** `apart`: the two buildings' cells share no edge on the map (see `touching`). */
  reason: 'barrier' | 'long' | 'apart';
}

export interface Adjacency {
  graph: Graph;
  /** Every Delaunay edge, barriers or not (a < b). */
  delaunay: [number, number][];
  removed: RemovedEdge[];
  /** Removed edges put back to join pieces below the minimum. */
  bridges: RemovedEdge[];
}

export interface AdjacencyOptions {
  /** Lines that grids must not cross (planar polylines). */
  barriers?: readonly (readonly XY[])[];
  /**
   * Edges longer than this are removed (default: max(250 m, 5 × the median edge length)).
   * Infinity keeps all.
   */
  maxEdge?: number;
  /** Households per point and the minimum of a grid: pieces below it are bridged to a neighbour. */
  weights?: ArrayLike<number>;
  minWeight?: number;
  /**
   * The maximum of a grid: a piece that no whole number of grids can hold within [minWeight,
   * maxWeight] (e.g. 544 households for 300–500: too many for one grid, too few for two) is
   * bridged to a neighbour across a gap, never across a barrier.
   */
  maxWeight?: number;
  /**
   * True when the cells of a and b share an edge on the map. Edges between cells that do not
   * are removed: a grid is contiguous only when its drawn polygon is one piece. Such an edge
   * is put back only when a piece below the minimum has no other way to a neighbour.
   */
  touching?: (a: number, b: number) => boolean;
  /** The points' Delaunay edges when the caller has them already (as `delaunayEdges` returns them). */
  delaunay?: [number, number][];
}

/** True when `h` households can be cut into some whole number of grids within [min, max]. */
export function divisible(h: number, min: number, max: number): boolean {
  if (h < min) return false;
  if (!(max >= min) || !Number.isFinite(max)) return true;
  return Math.ceil(h / max - 1e-9) <= Math.floor(h / min + 1e-9);
}

/** The Delaunay edges of the points (a < b), sorted. Handles 0–2 points and collinear input. */
export function delaunayEdges(points: readonly XY[]): [number, number][] {
  const n = points.length;
  if (n < 2) return [];
  if (n === 2) return [[0, 1]];
  const d = Delaunay.from(points as XY[]);
  const seen = new Set<number>();
  const edges: [number, number][] = [];
  const add = (a: number, b: number) => {
    if (a === b) return;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const key = lo * n + hi;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push([lo, hi]);
  };
  for (let i = 0; i < n; i++) for (const j of d.neighbors(i)) add(i, j);
  // Coincident points get no triangles: tie them to the point they sit on.
  const first = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const key = `${points[i][0]},${points[i][1]}`;
    const f = first.get(key);
    if (f === undefined) first.set(key, i);
    else add(f, i);
  }
  edges.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  return edges;
}

export function graphFromEdges(n: number, edges: readonly (readonly [number, number])[]): Graph {
  const deg = new Int32Array(n + 1);
  for (const [a, b] of edges) {
    deg[a]++;
    deg[b]++;
  }
  const off = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) off[i + 1] = off[i] + deg[i];
  const fill = off.slice(0, n);
  const nbr = new Int32Array(off[n]);
  for (const [a, b] of edges) {
    nbr[fill[a]++] = b;
    nbr[fill[b]++] = a;
  }
  return { n, off, nbr };
}

/** Connected components: comp[i] is the component of i (numbered in order of first point). */
export function components(g: Graph): { comp: Int32Array; count: number } {
  const comp = new Int32Array(g.n).fill(-1);
  let count = 0;
  const stack: number[] = [];
  for (let s = 0; s < g.n; s++) {
    if (comp[s] >= 0) continue;
    comp[s] = count;
    stack.push(s);
    while (stack.length) {
      const i = stack.pop()!;
      for (let e = g.off[i]; e < g.off[i + 1]; e++) {
        const j = g.nbr[e];
        if (comp[j] < 0) {
          comp[j] = count;
          stack.push(j);
        }
      }
    }
    count++;
  }
  return { comp, count };
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Builds the adjacency graph (see the module comment). */
export function buildAdjacency(points: readonly XY[], options: AdjacencyOptions = {}): Adjacency {
  const n = points.length;
  const all = options.delaunay ?? delaunayEdges(points);
  const len = (e: readonly [number, number]) => Math.hypot(points[e[0]][0] - points[e[1]][0], points[e[0]][1] - points[e[1]][1]);
  const lengths = all.map(len);
  const maxEdge = options.maxEdge ?? Math.max(250, 5 * median(lengths));

  // Barrier segments with their boxes, for a cheap reject before the exact test.
  const segs: { a: XY; b: XY; x0: number; x1: number; y0: number; y1: number }[] = [];
  for (const line of options.barriers ?? [])
    for (let i = 0; i + 1 < line.length; i++) {
      const a = line[i] as XY;
      const b = line[i + 1] as XY;
      segs.push({ a, b, x0: Math.min(a[0], b[0]), x1: Math.max(a[0], b[0]), y0: Math.min(a[1], b[1]), y1: Math.max(a[1], b[1]) });
    }

  const kept: [number, number][] = [];
  const removed: RemovedEdge[] = [];
  all.forEach((e, k) => {
    const p = points[e[0]];
    const q = points[e[1]];
    const x0 = Math.min(p[0], q[0]);
    const x1 = Math.max(p[0], q[0]);
    const y0 = Math.min(p[1], q[1]);
    const y1 = Math.max(p[1], q[1]);
    const crosses = segs.some((s) => s.x1 >= x0 && s.x0 <= x1 && s.y1 >= y0 && s.y0 <= y1 && segmentsIntersect(p, q, s.a, s.b));
    if (crosses) removed.push({ a: e[0], b: e[1], length: lengths[k], reason: 'barrier' });
    else if (options.touching && !options.touching(e[0], e[1])) removed.push({ a: e[0], b: e[1], length: lengths[k], reason: 'apart' });
    else if (lengths[k] > maxEdge) removed.push({ a: e[0], b: e[1], length: lengths[k], reason: 'long' });
    else kept.push(e);
  });

  const bridges: RemovedEdge[] = [];
  const w = options.weights;
  const min = options.minWeight ?? 0;
  const max = options.maxWeight ?? Infinity;
  if (w && min > 0 && removed.length) {
    // Join the lightest piece below the minimum to its nearest piece, until none is left (or one
    // piece); then pieces that no whole number of grids fits, across gaps only.
    const byLength = [...removed].sort((p, q) => p.length - q.length || p.a - q.a || p.b - q.b);
    for (;;) {
      const { comp, count } = components(graphFromEdges(n, kept));
      if (count <= 1) break;
      const load = new Float64Array(count);
      for (let i = 0; i < n; i++) load[comp[i]] += w[i];
      let light = -1;
      for (let c = 0; c < count; c++) if (load[c] < min && (light < 0 || load[c] < load[light])) light = c;
      const crosses = (e: RemovedEdge, c: number) => (comp[e.a] === c) !== (comp[e.b] === c);
      let bridge: RemovedEdge | undefined;
      if (light >= 0) {
        // Prefer long-edge bridges over barrier crossings, and those over cells that do not touch.
        bridge =
          byLength.find((e) => e.reason === 'long' && crosses(e, light)) ??
          byLength.find((e) => e.reason === 'barrier' && crosses(e, light)) ??
          byLength.find((e) => crosses(e, light));
      } else {
        for (let c = 0; c < count && !bridge; c++) if (!divisible(load[c], min, max)) bridge = byLength.find((e) => e.reason === 'long' && crosses(e, c));
      }
      if (!bridge) break;
      kept.push([bridge.a, bridge.b]);
      bridges.push(bridge);
      if (light < 0) {
        // A piece too big for one grid is shared between grids: join it along the whole gap (every
        // long edge between the two pieces), not through one edge, so that the grids can be compact.
        const [p, q] = [comp[bridge.a], comp[bridge.b]];
        for (const e of byLength)
          if (e !== bridge && e.reason === 'long' && ((comp[e.a] === p && comp[e.b] === q) || (comp[e.a] === q && comp[e.b] === p))) kept.push([e.a, e.b]);
      }
    }
  }
  kept.sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  return { graph: graphFromEdges(n, kept), delaunay: all, removed, bridges };
}
