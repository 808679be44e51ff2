/**
 * Initial grid partition of one community: recursive household-weighted bisection.
 *
 * The buildings of a community are cut into k = round(total / target) grids (at least 1).
 * Each step cuts a set into two sides that will hold ⌊k/2⌋ and ⌈k/2⌉ grids: the points are
 * sorted along the longer axis of their extent and cut where both sides' households per grid
 * are within the bounds [min, max] and closest to the ideal share. A small bounded search tries
 * the other axis, the other ⌊k/2⌋/⌈k/2⌉ order and nearby cuts when a step leads to a grid out of
 * bounds. Compounds (items with the same `group`) are kept whole when that is possible; then
 * single buildings are tried; if no cut sequence keeps every grid within bounds, the greedy
 * cuts are kept and a local repair moves border buildings (whole compound parts first) between
 * neighbouring grids while that helps. Buildings are never split. The result does not depend
 * on the order of the input.
 *
 * Pure TypeScript: no DOM, no Node. Coordinates are planar (metres); use `localProjection` (`../crs`) for
 * lon/lat input. This is the baseline the grid engine starts from and is compared against.
 */
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import { localProjection } from '../crs';
import { itemsBox } from './planar';
import { DEFAULT_MAX, DEFAULT_MIN, DEFAULT_TARGET } from './defaults';

export interface PartitionItem {
  id: string;
  households: number;
  /** Planar position (e.g. metres east / north of a local origin). */
  x: number;
  y: number;
  /** Compound (or other unit to keep whole); null or absent for none. */
  group?: string | null;
}

export interface PartitionOptions {
  /** Households per grid aimed at (default 400). */
  target?: number;
  /** Lower and upper bound of households per grid (defaults 300 and 500). */
  min?: number;
  max?: number;
  /** Local repair of out-of-bounds grids after the bisection (default true). */
  repair?: boolean;
}

export interface PartitionGrid {
  /** 1-based sequence within the community, in the order the bisection visits the grids. */
  seq: number;
  /** Item ids, sorted. */
  ids: string[];
  households: number;
}

/** The number of grids for a community of `total` households: round(total / target), at least 1. */
export function gridCount(total: number, target = DEFAULT_TARGET): number {
  return Math.max(1, Math.round(total / target));
}

/** A cut of `sorted` before item `at`: the left side is sorted[0, at), the right side the rest. */
interface Split {
  sorted: PartitionItem[];
  at: number;
  cost: number;
}

// Sides are sliced only for the cuts tried: slicing every candidate cut held O(n²) items (#13).
const leftOf = (c: Split) => c.sorted.slice(0, c.at);
const rightOf = (c: Split) => c.sorted.slice(c.at);

function byId(a: PartitionItem, b: PartitionItem): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function violation(avg: number, min: number, max: number): number {
  return Math.max(0, min - avg) + Math.max(0, avg - max);
}

/**
 * Candidate cuts of the items into sides for kL and kR grids, best first (cost, then balance).
 * Items are sorted along an axis (the longer one of their extent, or the other) and cut between
 * two of them, so each side lies on one side of a line. With `wholeGroups`, a cut may not pass
 * through a group whose households fit in one grid.
 */
function splits(
  members: PartitionItem[],
  kL: number,
  kR: number,
  o: Required<PartitionOptions>,
  longAxis: boolean,
  wholeGroups: boolean
): Split[] {
  const n = members.length;
  if (n < 2) return [];
  const [x0, y0, x1, y1] = itemsBox(members);
  const alongX = x1 - x0 >= y1 - y0 === longAxis;
  // West → east, or north → south, so that grid numbers read like a page.
  const sorted = [...members].sort((a, b) => {
    const d = alongX ? a.x - b.x : b.y - a.y;
    if (d !== 0) return d;
    const e = alongX ? b.y - a.y : a.x - b.x;
    return e !== 0 ? e : byId(a, b);
  });
  // span[i] > 0: a cut before item i would pass through a group that must stay whole.
  const span = new Int32Array(n + 1);
  if (wholeGroups) {
    const totals = new Map<string, number>();
    for (const it of sorted) if (it.group != null) totals.set(it.group, (totals.get(it.group) ?? 0) + it.households);
    const first = new Map<string, number>();
    const last = new Map<string, number>();
    sorted.forEach((it, i) => {
      if (it.group == null || totals.get(it.group)! > o.max) return;
      if (!first.has(it.group)) first.set(it.group, i);
      last.set(it.group, i);
    });
    for (const [g, f] of first) {
      span[f + 1]++;
      span[last.get(g)! + 1]--;
    }
    for (let i = 1; i <= n; i++) span[i] += span[i - 1];
  }
  const total = sorted.reduce((s, it) => s + it.households, 0);
  const ideal = (total * kL) / (kL + kR);
  const found: { i: number; cost: number; dev: number }[] = [];
  let wL = 0;
  for (let i = 1; i < n; i++) {
    wL += sorted[i - 1].households;
    if (i < kL || n - i < kR || span[i] > 0) continue;
    const cost = kL * violation(wL / kL, o.min, o.max) + kR * violation((total - wL) / kR, o.min, o.max);
    found.push({ i, cost, dev: Math.abs(wL - ideal) });
  }
  found.sort((a, b) => a.cost - b.cost || a.dev - b.dev || a.i - b.i);
  return found.map(({ i, cost }) => ({ sorted, at: i, cost }));
}

type Leaves = PartitionItem[][];

/**
 * Bounded backtracking: cuts (long axis first, then the short one; ⌊k/2⌋ or ⌈k/2⌉ grids on the
 * first side; a few cut positions) until every grid is within bounds. Null when none is found
 * within the budget.
 */
function search(
  members: PartitionItem[],
  k: number,
  wholeGroups: boolean,
  o: Required<PartitionOptions>,
  budget: { left: number }
): Leaves | null {
  if (--budget.left < 0) return null;
  const w = members.reduce((s, it) => s + it.households, 0);
  if (k <= 1) return violation(w, o.min, o.max) === 0 ? [members] : null;
  if (members.length < k) return null;
  const kSplits = k % 2 === 0 ? [k / 2] : [Math.floor(k / 2), Math.ceil(k / 2)];
  for (const longAxis of [true, false])
    for (const kL of kSplits) {
      const cands = splits(members, kL, k - kL, o, longAxis, wholeGroups)
        .filter((c) => c.cost === 0)
        .slice(0, 3);
      for (const c of cands) {
        const left = search(leftOf(c), kL, wholeGroups, o, budget);
        if (!left) continue;
        const right = search(rightOf(c), k - kL, wholeGroups, o, budget);
        if (right) return [...left, ...right];
      }
    }
  return null;
}

/** The plain greedy bisection: the best cut at each step, whole groups when they keep bounds. */
function greedy(members: PartitionItem[], k: number, o: Required<PartitionOptions>): Leaves {
  if (k <= 1 || members.length <= 1) return [members];
  const kL = Math.floor(k / 2);
  const kR = k - kL;
  let split: Split | undefined = splits(members, kL, kR, o, true, true)[0];
  if (!split || split.cost > 0) {
    const single = splits(members, kL, kR, o, true, false)[0];
    if (single && (!split || single.cost < split.cost)) split = single;
  }
  if (!split) return [members];
  return [...greedy(leftOf(split), kL, o), ...greedy(rightOf(split), kR, o)];
}

/**
 * Partitions the items into grids (see the module comment). Returns the grids in sequence
 * order; every item is in exactly one grid.
 */
export function bisect(items: readonly PartitionItem[], options: PartitionOptions = {}): PartitionGrid[] {
  const o: Required<PartitionOptions> = {
    target: options.target ?? DEFAULT_TARGET,
    min: options.min ?? DEFAULT_MIN,
    max: options.max ?? DEFAULT_MAX,
    repair: options.repair ?? true
  };
  if (!(o.min <= o.target && o.target <= o.max)) throw new Error('partition bounds must satisfy min ≤ target ≤ max');
  const seen = new Set<string>();
  for (const it of items) {
    if (seen.has(it.id)) throw new Error(`duplicate item id ${it.id}`);
    seen.add(it.id);
    if (!(it.households >= 0) || !Number.isFinite(it.x) || !Number.isFinite(it.y)) throw new Error(`bad item ${it.id}`);
  }
  if (items.length === 0) return [];
  const sorted = [...items].sort(byId);
  const total = sorted.reduce((s, it) => s + it.households, 0);
  const k = Math.min(gridCount(total, o.target), sorted.length);
  // 1. whole compounds, 2. single buildings, both within bounds; 3. greedy cuts + repair.
  // The search's budget grows with the grids (a search that succeeds visits 2k - 1 sets), so that
  // a community of hundreds of grids is not left to the greedy cuts and repair for want of steps.
  const budget = () => ({ left: Math.max(400, 4 * k) });
  let leaves = search(sorted, k, true, o, budget()) ?? search(sorted, k, false, o, budget());
  let repaired = false;
  if (!leaves) {
    leaves = greedy(sorted, k, o);
    repaired = o.repair;
  }
  const out: PartitionGrid[] = leaves.map((members, i) => ({
    seq: i + 1,
    ids: members.map((m) => m.id).sort(),
    households: members.reduce((s, m) => s + m.households, 0)
  }));
  return repaired ? repair(out, sorted, o) : out;
}

function dist2(a: PartitionItem, b: PartitionItem): number {
  return (a.x - b.x) ** 2 + (a.y - b.y) ** 2;
}

/**
 * Local repair after the bisection: while some grid is out of bounds, move the compound part
 * (or, failing that, the single building) at the border of two grids that lowers the total
 * violation most. A move is allowed only between neighbours: the moved items must lie about as
 * close to the receiving grid as to the rest of their own grid.
 *
 * Scales with the grids near those out of bounds, not with all pairs (#13): a move lowers the
 * violation only when one of its two grids is out of bounds; each grid's candidate units and
 * their distance to the rest of the grid are kept until the grid changes; a grid (or unit) whose
 * box lies farther from the receiving grid's box than the move may reach is skipped. These only
 * skip moves the rule above refuses, so the moves made are the same as a scan of every pair.
 */
function repair(grids: PartitionGrid[], items: PartitionItem[], o: Required<PartitionOptions>): PartitionGrid[] {
  if (grids.length < 2) return grids;
  const byId = new Map(items.map((it) => [it.id, it]));
  const members = grids.map((g) => g.ids.map((id) => byId.get(id)!));
  const load = grids.map((g) => g.households);
  const v = (h: number) => violation(h, o.min, o.max);
  interface Unit {
    items: PartitionItem[];
    w: number;
    /** Farthest a receiving grid may lie from the unit: 1.25 × its distance to the rest of its grid + 30 m. */
    reach: number;
    box: Box;
  }
  const cache: (Unit[] | null)[] = members.map(() => null);
  const boxes: (Box | null)[] = members.map(() => null);
  const boxOf = (b: number) => (boxes[b] ??= itemsBox(members[b]));
  const unitsOf = (a: number): Unit[] => {
    const hit = cache[a];
    if (hit) return hit;
    const units = new Map<string, PartitionItem[]>();
    for (const it of members[a]) {
      const key = it.group == null ? `i:${it.id}` : `g:${it.group}`;
      const l = units.get(key);
      if (l) l.push(it);
      else units.set(key, [it]);
    }
    const out: Unit[] = [];
    for (const unit of [...units.values(), ...members[a].filter((it) => it.group != null).map((it) => [it])]) {
      if (unit.length >= members[a].length) continue;
      const inUnit = new Set(unit.map((it) => it.id));
      const rest = members[a].filter((it) => !inUnit.has(it.id));
      // How far the unit lies from the rest of its grid.
      let own = Infinity;
      for (const it of unit) for (const r of rest) own = Math.min(own, dist2(it, r));
      out.push({
        items: unit,
        w: unit.reduce((s, it) => s + it.households, 0),
        reach: 1.25 * Math.sqrt(own) + 30,
        box: itemsBox(unit)
      });
    }
    return (cache[a] = out);
  };
  for (let step = 0; step < 4 * items.length; step++) {
    const out: number[] = [];
    for (let g = 0; g < members.length; g++) if (v(load[g]) > 0) out.push(g);
    if (!out.length) break;
    const isOut = new Uint8Array(members.length);
    for (const g of out) isOut[g] = 1;
    let best: { from: number; to: number; unit: PartitionItem[]; delta: number; d: number } | null = null;
    for (let a = 0; a < members.length; a++) {
      // Grids a move from a may go to: any when a is out of bounds, else those out of bounds.
      const targets = isOut[a] ? null : out;
      const units = unitsOf(a);
      if (targets) {
        let reach = 0;
        for (const u of units) reach = Math.max(reach, u.reach);
        const ba = boxOf(a);
        if (!targets.some((b) => b !== a && farther(boxGap(ba, boxOf(b)), reach) === false)) continue;
      }
      for (const unit of units) {
        const w = unit.w;
        for (const b of targets ?? members.keys()) {
          if (b === a) continue;
          const delta = v(load[a] - w) + v(load[b] + w) - v(load[a]) - v(load[b]);
          if (delta >= -1e-9) continue;
          // Cannot beat the best move so far, whatever its distance.
          if (
            best &&
            !(delta < best.delta - 1e-9) &&
            !(Math.abs(delta - best.delta) <= 1e-9 && unit.items.length >= best.unit.length)
          )
            continue;
          if (farther(boxGap(unit.box, boxOf(b)), unit.reach)) continue;
          let near = Infinity;
          for (const it of unit.items) for (const r of members[b]) near = Math.min(near, dist2(it, r));
          if (Math.sqrt(near) > unit.reach) continue;
          // Prefer the larger gain, then whole compound parts, then the closer move.
          const better =
            !best ||
            delta < best.delta - 1e-9 ||
            (Math.abs(delta - best.delta) <= 1e-9 &&
              (unit.items.length > best.unit.length || (unit.items.length === best.unit.length && near < best.d)));
          if (better) best = { from: a, to: b, unit: unit.items, delta, d: near };
        }
      }
    }
    if (!best) break;
    const moved = new Set(best.unit.map((it) => it.id));
    members[best.from] = members[best.from].filter((it) => !moved.has(it.id));
    members[best.to] = [...members[best.to], ...best.unit];
    const w = best.unit.reduce((s, it) => s + it.households, 0);
    load[best.from] -= w;
    load[best.to] += w;
    for (const g of [best.from, best.to]) {
      cache[g] = null;
      boxes[g] = null;
    }
  }
  return grids.map((g, i) => ({ seq: g.seq, ids: members[i].map((it) => it.id).sort(), households: load[i] }));
}

type Box = [number, number, number, number];

/** Distance between two boxes (0 when they overlap): no two points of theirs are closer. */
function boxGap(a: Box, b: Box): number {
  return Math.hypot(Math.max(0, a[0] - b[2], b[0] - a[2]), Math.max(0, a[1] - b[3], b[1] - a[3]));
}

/** True when a gap surely exceeds the reach (with a margin for rounding, so no allowed move is skipped). */
function farther(gap: number, reach: number): boolean {
  return gap > reach * (1 + 1e-9) + 1e-6;
}

/** item id → grid seq. */
export function assignment(grids: readonly PartitionGrid[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const g of grids) for (const id of g.ids) m.set(id, g.seq);
  return m;
}

function vertexCentroid(g: Point | Polygon | MultiPolygon): [number, number] {
  if (g.type === 'Point') return [g.coordinates[0], g.coordinates[1]];
  const ring = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
  const pts = ring.length > 1 ? ring.slice(0, -1) : ring;
  let x = 0;
  let y = 0;
  for (const p of pts) {
    x += p[0];
    y += p[1];
  }
  return [x / pts.length, y / pts.length];
}

export type BuildingFeature = Feature<
  Point | Polygon | MultiPolygon,
  { id: string; households: number; compound?: string | null }
>;

/** Items from lon/lat building features (properties id, households, compound), projected locally. */
export function itemsFromFeatures(fc: FeatureCollection<Point | Polygon | MultiPolygon>): PartitionItem[] {
  const feats = fc.features as BuildingFeature[];
  const cs = feats.map((f) => vertexCentroid(f.geometry));
  const lon0 = cs.reduce((s, c) => s + c[0], 0) / Math.max(1, cs.length);
  const lat0 = cs.reduce((s, c) => s + c[1], 0) / Math.max(1, cs.length);
  const proj = localProjection(lon0, lat0);
  return feats.map((f, i) => {
    const [x, y] = proj.forward(cs[i][0], cs[i][1]);
    return {
      id: String(f.properties.id),
      households: Number(f.properties.households),
      x,
      y,
      group: f.properties.compound ?? null
    };
  });
}
