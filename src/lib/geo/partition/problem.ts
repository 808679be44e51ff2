/**
 * One community's partition problem, prepared once: items (buildings, or the units 单元 of a
 * building too large for one grid) sorted by id, their adjacency graph, their Voronoi cells and
 * the bounds. The engine, the baselines, validation and editing all work on this.
 */
import type { PartitionItem } from './bisection';
import { DEFAULT_MAX, DEFAULT_MIN, DEFAULT_TARGET } from './defaults';
import { buildAdjacency, components, delaunayEdges, type Adjacency, type Graph } from './adjacency';
import { MIN_SHARED_EDGE, voronoiCells, type Cells } from './cells';
import { streetCuts } from './streets';
import { bufferedHull, type Ring, type XY } from './planar';

export interface EngineItem extends PartitionItem {
  /** The building the item belongs to when it is one unit (单元) of a split building; else its own id. */
  building?: string;
}

export interface Bounds {
  target: number;
  min: number;
  max: number;
}

export interface ProblemInput {
  items: readonly EngineItem[];
  /** Community boundary: outer rings of its parts, planar. Default: the items' hull grown by 30 m. */
  boundary?: readonly Ring[];
  /** Lines no grid may cross (rivers, railways, arterials), planar. */
  barriers?: readonly (readonly XY[])[];
  /**
   * Street centrelines (and barriers) the cells are cut along, planar, noded (junctions shared
   * vertices): grid outlines then follow the streets (streets.ts). Grids may cross them.
   */
  cuts?: readonly (readonly XY[])[];
  /** False: cells are not cut along `cuts`, which then only measure them (default true). */
  followStreets?: boolean;
  target?: number;
  min?: number;
  max?: number;
  /** Longest adjacency edge kept (see adjacency.ts). */
  maxEdge?: number;
}

export interface Problem extends Bounds {
  n: number;
  ids: string[];
  building: string[];
  hh: Float64Array;
  x: Float64Array;
  y: Float64Array;
  /** Compound index per item, -1 for none. */
  group: Int32Array;
  groupNames: string[];
  adjacency: Adjacency;
  graph: Graph;
  cells: Cells;
  boundary: Ring[];
  /** Connected piece of the adjacency graph per item. */
  comp: Int32Array;
  compCount: number;
  total: number;
}

export const DEFAULT_HULL_MARGIN = 30;

export function bounds(o: { target?: number; min?: number; max?: number }): Bounds {
  const b = { target: o.target ?? DEFAULT_TARGET, min: o.min ?? DEFAULT_MIN, max: o.max ?? DEFAULT_MAX };
  if (!(b.min > 0 && b.min <= b.target && b.target <= b.max))
    throw new Error('partition bounds must satisfy 0 < min ≤ target ≤ max');
  return b;
}

export function prepare(input: ProblemInput): Problem {
  const b = bounds(input);
  const seen = new Set<string>();
  for (const it of input.items) {
    if (seen.has(it.id)) throw new Error(`duplicate item id ${it.id}`);
    seen.add(it.id);
    if (!(it.households >= 0) || !Number.isFinite(it.x) || !Number.isFinite(it.y)) throw new Error(`bad item ${it.id}`);
  }
  const items = [...input.items].sort((p, q) => (p.id < q.id ? -1 : p.id > q.id ? 1 : 0));
  const n = items.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const hh = new Float64Array(n);
  const group = new Int32Array(n).fill(-1);
  const groupIndex = new Map<string, number>();
  const groupNames: string[] = [];
  const at = new Map<string, number>();
  items.forEach((it, i) => {
    // Coincident positions would get no cell and no edges: nudge later ones by a few centimetres.
    let px = it.x;
    let py = it.y;
    const k = `${px},${py}`;
    const dup = at.get(k) ?? 0;
    at.set(k, dup + 1);
    if (dup > 0) {
      const a = dup * 2.399963;
      px += 0.05 * Math.sqrt(dup) * Math.cos(a);
      py += 0.05 * Math.sqrt(dup) * Math.sin(a);
    }
    x[i] = px;
    y[i] = py;
    hh[i] = it.households;
    if (it.group != null) {
      let g = groupIndex.get(it.group);
      if (g === undefined) {
        g = groupNames.length;
        groupNames.push(it.group);
        groupIndex.set(it.group, g);
      }
      group[i] = g;
    }
  });
  const points: XY[] = items.map((_, i) => [x[i], y[i]]);
  const boundary =
    input.boundary && input.boundary.length
      ? input.boundary.map((r) => [...r])
      : n
        ? [bufferedHull(points, DEFAULT_HULL_MARGIN)]
        : [];
  const cells = voronoiCells(
    points,
    boundary,
    input.cuts?.length ? streetCuts(input.cuts, boundary) : undefined,
    input.followStreets ?? true
  );
  // Neighbours only where their cells share an edge on the map, so that a grid contiguous in the
  // graph is drawn in one piece. An item with no cell (outside the boundary) hangs off its nearest
  // Delaunay neighbour, preferring one with a cell: one link each, so such items never join two
  // pieces of the map.
  const delaunay = delaunayEdges(points);
  const touch = new Set<number>();
  for (let i = 0; i < n; i++)
    for (let e = cells.off[i]; e < cells.off[i + 1]; e++)
      if (cells.len[e] >= MIN_SHARED_EDGE) touch.add(i * n + cells.nbr[e]);
  const link = new Int32Array(n).fill(-1);
  for (const [a, c] of delaunay)
    for (const [u, v] of [
      [a, c],
      [c, a]
    ]) {
      if (cells.area[u] > 0) continue;
      const w = link[u];
      const better =
        w < 0 ||
        (cells.area[v] > 0 && !(cells.area[w] > 0)) ||
        (cells.area[v] > 0 === cells.area[w] > 0 &&
          (x[v] - x[u]) ** 2 + (y[v] - y[u]) ** 2 < (x[w] - x[u]) ** 2 + (y[w] - y[u]) ** 2);
      if (better) link[u] = v;
    }
  const touching = (a: number, c: number) => touch.has(a * n + c) || link[a] === c || link[c] === a;
  const adjacency = buildAdjacency(points, {
    barriers: input.barriers,
    maxEdge: input.maxEdge,
    weights: hh,
    minWeight: b.min,
    maxWeight: b.max,
    touching,
    delaunay
  });
  const { comp, count } = components(adjacency.graph);
  return {
    ...b,
    n,
    ids: items.map((it) => it.id),
    building: items.map((it) => it.building ?? it.id),
    hh,
    x,
    y,
    group,
    groupNames,
    adjacency,
    graph: adjacency.graph,
    cells,
    boundary,
    comp,
    compCount: count,
    total: hh.reduce((s, v) => s + v, 0)
  };
}

/** Grids for `total` households: round(total / target) moved into [⌈total/max⌉, ⌊total/min⌋] when that range is not empty. */
export function gridsFor(total: number, b: Bounds, items = Infinity): number {
  let k = Math.max(1, Math.round(total / b.target));
  const lo = Math.max(1, Math.ceil(total / b.max - 1e-9));
  const hi = Math.floor(total / b.min + 1e-9);
  if (lo <= hi) k = Math.min(hi, Math.max(lo, k));
  return Math.max(1, Math.min(k, items));
}
