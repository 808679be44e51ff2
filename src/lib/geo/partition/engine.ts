/**
 * The grid engine: partitions one community's buildings into grids of [min, max] households
 * that are contiguous (never across a barrier), as compact as possible (Polsby–Popper of the
 * drawn grid polygons) and keep compounds (小区) whole when the bounds allow.
 *
 *  1. Each connected piece of the adjacency graph (pieces are separated by barriers or long
 *     gaps) gets its own grids: round(households / target), moved into the feasible range.
 *  2. Two starting solutions: the household-weighted bisection baseline (bisection.ts) and
 *     region growing from weighted k-means seeds; pieces of a grid that are not connected are
 *     handed to a neighbouring grid.
 *  3. Each is improved by alternating (a) local search: move a boundary building, or the part of
 *     its compound in its grid, to a neighbouring grid when that lowers the cost and keeps both
 *     grids contiguous, and (b) recombination (ReCom-style): merge two neighbouring grids and
 *     re-cut them along 8 directions at every household-feasible position, keeping the best
 *     contiguous pair.
 *  4. Each descent is then kicked (iterated local search, see `iterate`); the cheapest wins.
 *  Cost = 100 × households out of bounds / target
 *     + 0.05 × split compounds − Σ Polsby–Popper (plan.ts), so bounds come first.
 *
 * Deterministic for a seed; the result does not depend on the order of the input.
 */
import { bisect, type PartitionItem } from './bisection';
import { kmeans } from './kmeans';
import { MinHeap } from '../heap';
import { COST, Plan, visitMarks } from './plan';
import { gridsFor, type Problem } from './problem';
import { mulberry32, shuffle, type Rng } from '../random';

export type Start = 'bisection' | 'growth' | 'kmeans';

export interface EngineOptions {
  seed?: number;
  /** Rounds of local search + recombination (default 6). */
  rounds?: number;
  /**
   * Kicks of the iterated local search per start (default: 24 for up to 5 grids, where kicks are
   * cheap and a few grids leave little room; else two per grid, at most 32, stopping early once
   * the plan is within bounds and half of them in a row found nothing; one per grid, at most 16,
   * left the 3,000-household bench community 3.6 % below the long run's compactness, two reach it).
   */
  kicks?: number;
  /** Which starting solutions to improve (default all three). */
  starts?: Start[];
  /**
   * Search budget as a multiple of the default (default 1): the kicks of the iterated local
   * search are multiplied by it. The bench's long run uses 50 to estimate how far the default
   * run is from the best partition the engine can find.
   */
  effort?: number;
  /** Told how far the run is (fractions never decrease and end at 1); it does not change the result. */
  onProgress?: ProgressCallback;
}

/** What the engine is doing: building starting grids, moving single buildings, or re-cutting pairs of grids. */
export type Phase = 'growing' | 'local-search' | 'recombination';
export type ProgressCallback = (phase: Phase, fraction: number) => void;

/**
 * Maps a part of the work onto [from, to] of the caller's scale and keeps fractions from going
 * back (a retry with other grid counts starts its own phases again).
 */
export function progressSpan(cb: ProgressCallback | undefined, from: number, to: number): ProgressCallback | undefined {
  if (!cb) return undefined;
  return (phase, f) => cb(phase, from + (to - from) * Math.min(1, Math.max(0, f)));
}

const EPS = 1e-9;

/** Grids per connected piece (default: gridsFor its households), and their first grid index. */
function allocate(p: Problem, counts?: readonly number[]): { k: number[]; first: number[]; items: number[][] } {
  const items: number[][] = Array.from({ length: p.compCount }, () => []);
  for (let i = 0; i < p.n; i++) items[p.comp[i]].push(i);
  const k = items.map(
    (its, c) =>
      counts?.[c] ??
      gridsFor(
        its.reduce((s, i) => s + p.hh[i], 0),
        p,
        its.length
      )
  );
  const first: number[] = [];
  let acc = 0;
  for (const kk of k) {
    first.push(acc);
    acc += kk;
  }
  return { k, first, items };
}

function bisectionStart(p: Problem, counts?: readonly number[]): Int32Array {
  const assign = new Int32Array(p.n);
  const { k, first, items } = allocate(p, counts);
  items.forEach((its, c) => {
    const total = its.reduce((s, i) => s + p.hh[i], 0);
    const target = Math.min(p.max, Math.max(p.min, total / k[c]));
    const part: PartitionItem[] = its.map((i) => ({
      id: p.ids[i],
      households: p.hh[i],
      x: p.x[i],
      y: p.y[i],
      group: p.group[i] >= 0 ? p.groupNames[p.group[i]] : null
    }));
    const index = new Map(its.map((i) => [p.ids[i], i]));
    const grids = bisect(part, { target, min: p.min, max: p.max });
    grids.forEach((g, gi) => {
      for (const id of g.ids) assign[index.get(id)!] = first[c] + Math.min(gi, k[c] - 1);
    });
  });
  return assign;
}

/**
 * Region growing: seeds at the items nearest the weighted k-means centres; the lightest grid
 * with an unassigned neighbour takes the one nearest its centre (with the rest of that item's
 * compound when it fits), until all items are taken.
 */
function growthStart(p: Problem, seed: number, counts?: readonly number[]): Int32Array {
  const assign = new Int32Array(p.n).fill(-1);
  const { k, first, items } = allocate(p, counts);
  const { off, nbr } = p.graph;
  const groupMembers = new Map<number, number[]>();
  for (let i = 0; i < p.n; i++)
    if (p.group[i] >= 0) (groupMembers.get(p.group[i]) ?? groupMembers.set(p.group[i], []).get(p.group[i])!).push(i);
  items.forEach((its, c) => {
    const kk = k[c];
    const xs = its.map((i) => p.x[i]);
    const ys = its.map((i) => p.y[i]);
    const ws = its.map((i) => p.hh[i]);
    const km = kmeans(xs, ys, ws, kk, seed);
    const centers = km.centers;
    const load: number[] = [];
    const taken = new Set<number>();
    const seeds: number[] = [];
    centers.forEach((ct, g) => {
      let best = -1;
      let bd = Infinity;
      for (const i of its) {
        if (taken.has(i)) continue;
        const d = (p.x[i] - ct[0]) ** 2 + (p.y[i] - ct[1]) ** 2;
        if (d < bd) {
          bd = d;
          best = i;
        }
      }
      taken.add(best);
      seeds.push(best);
      assign[best] = first[c] + g;
      load.push(p.hh[best]);
    });
    const G = centers.length;
    let left = its.length - G;
    // Each grid's frontier: the unassigned neighbours of its items by distance to its centre (then
    // index); entries taken by another grid since are dropped when they come up. Grids by load
    // (then index): the lightest grid whose frontier is not empty grows. A frontier that runs dry
    // stays dry (it gains entries only when its grid grows), so that grid leaves the queue.
    const frontier = centers.map(() => new MinHeap());
    const reach = (g: number, i: number) => {
      for (let e = off[i]; e < off[i + 1]; e++) {
        const j = nbr[e];
        if (assign[j] < 0) frontier[g].push(j, (p.x[j] - centers[g][0]) ** 2 + (p.y[j] - centers[g][1]) ** 2);
      }
    };
    const lightest = new MinHeap();
    for (let g = 0; g < G; g++) {
      reach(g, seeds[g]);
      lightest.push(g, load[g]);
    }
    while (left > 0) {
      const g = lightest.pop();
      if (g < 0) {
        // Unreachable leftovers (cannot happen within a connected piece): the piece's first grid.
        for (const i of its)
          if (assign[i] < 0) {
            assign[i] = first[c];
            left--;
          }
        break;
      }
      const f = frontier[g];
      while (f.size && assign[f.peek()] >= 0) f.pop();
      if (!f.size) continue;
      const gi = first[c] + g;
      const best = f.pop();
      assign[best] = gi;
      load[g] += p.hh[best];
      left--;
      reach(g, best);
      // The rest of the compound, when it fits and is reachable through the compound.
      const gr = p.group[best];
      if (gr >= 0) {
        const rest = (groupMembers.get(gr) ?? []).filter((j) => assign[j] < 0 && p.comp[j] === c);
        const w = rest.reduce((s, j) => s + p.hh[j], 0);
        if (rest.length && load[g] + w <= p.max) {
          const inRest = new Set(rest);
          const stack = [best];
          while (stack.length) {
            const i = stack.pop()!;
            for (let e = off[i]; e < off[i + 1]; e++) {
              const j = nbr[e];
              if (inRest.has(j) && assign[j] < 0) {
                assign[j] = gi;
                load[g] += p.hh[j];
                left--;
                stack.push(j);
                reach(g, j);
              }
            }
          }
        }
      }
      lightest.push(g, load[g]);
    }
  });
  return assign;
}

/** Weighted k-means within each connected piece (bounds ignored; the search restores them). */
function kmeansStart(p: Problem, seed: number, counts?: readonly number[]): Int32Array {
  const assign = new Int32Array(p.n);
  const { k, first, items } = allocate(p, counts);
  items.forEach((its, c) => {
    const km = kmeans(
      its.map((i) => p.x[i]),
      its.map((i) => p.y[i]),
      its.map((i) => p.hh[i]),
      k[c],
      seed
    );
    its.forEach((i, r) => (assign[i] = first[c] + km.assign[r]));
  });
  return assign;
}

/** Hands every piece of a grid but its largest to the neighbouring grid that costs least (only among `only` when given). */
export function repairContiguity(plan: Plan, only?: ReadonlySet<number>): void {
  const p = plan.p;
  for (let guard = 0; guard < p.n + 1; guard++) {
    let changed = false;
    for (let g = 0; g < plan.k; g++) {
      if (only && !only.has(g)) continue;
      const pieces = plan.pieces(g);
      for (const piece of pieces.slice(1)) {
        const cands = new Set<number>();
        for (const i of piece)
          for (let e = p.graph.off[i]; e < p.graph.off[i + 1]; e++) {
            const gj = plan.assign[p.graph.nbr[e]];
            if (gj !== g && (!only || only.has(gj))) cands.add(gj);
          }
        let best = -1;
        let bestCost = Infinity;
        for (const b of [...cands].sort((x, y) => x - y)) {
          const before = plan.local(g) + plan.local(b);
          for (const i of piece) plan.move(i, b);
          const c = plan.local(g) + plan.local(b) - before;
          for (const i of piece) plan.move(i, g);
          if (c < bestCost) {
            bestCost = c;
            best = b;
          }
        }
        if (best >= 0) {
          for (const i of piece) plan.move(i, best);
          changed = true;
        }
      }
    }
    if (!changed) return;
  }
}

/**
 * Pieces of grid g on the map: its items joined where their cells share an edge (items without
 * a cell, outside the boundary, draw nothing and are left out). Largest by households first.
 */
export function drawnPieces(plan: Plan, g: number): number[][] {
  const { p, assign } = plan;
  const c = p.cells;
  const seen = visitMarks(p.n);
  const out: number[][] = [];
  for (const s of plan.members(g)) {
    if (seen.has(s) || !(c.area[s] > 0)) continue;
    const piece = [s];
    seen.mark(s);
    for (let h = 0; h < piece.length; h++) {
      const i = piece[h];
      for (let e = c.off[i]; e < c.off[i + 1]; e++) {
        const j = c.nbr[e];
        if (!seen.has(j) && assign[j] === g && c.len[e] > DRAWN_TOUCH && c.area[j] > 0) {
          seen.mark(j);
          piece.push(j);
        }
      }
    }
    out.push(piece);
  }
  const w = (piece: number[]) => piece.reduce((t, i) => t + p.hh[i], 0);
  return out.sort((a, b) => w(b) - w(a) || b.length - a.length || a[0] - b[0]);
}

/** Cells sharing more than this (metres) are drawn as one piece (the drawing joins vertices to the millimetre). */
const DRAWN_TOUCH = 1e-3;

/**
 * Checks the drawn result: a piece of a grid detached from its largest piece on the map (joined
 * only through an adjacency edge whose cells do not touch) is moved to the neighbouring grid that
 * touches it, when that puts no more households out of bounds; otherwise it stays, and
 * validation reports the grid as not contiguous. Only grids in `only`, when given.
 */
export function repairDrawn(plan: Plan, only?: ReadonlySet<number>): void {
  const p = plan.p;
  const c = p.cells;
  for (let g = 0; g < plan.k; g++) {
    if (only && !only.has(g)) continue;
    const pieces = drawnPieces(plan, g);
    for (const piece of pieces.slice(1)) {
      const cands = new Set<number>();
      for (const i of piece)
        for (let e = c.off[i]; e < c.off[i + 1]; e++) {
          const gj = plan.assign[c.nbr[e]];
          if (gj !== g && c.len[e] > DRAWN_TOUCH && (!only || only.has(gj))) cands.add(gj);
        }
      let best = -1;
      let bestCost = Infinity;
      for (const b of [...cands].sort((x, y) => x - y)) {
        const before = plan.violation(g) + plan.violation(b);
        const cost0 = plan.local(g) + plan.local(b);
        for (const i of piece) plan.move(i, b);
        const worse = plan.violation(g) + plan.violation(b) > before + EPS;
        const cost = plan.local(g) + plan.local(b) - cost0;
        for (const i of piece) plan.move(i, g);
        if (!worse && cost < bestCost) {
          bestCost = cost;
          best = b;
        }
      }
      if (best >= 0) for (const i of piece) plan.move(i, best);
    }
  }
}

/** Cost change of moving `unit` (all in grid a) to grid b, or null when a contiguity rule breaks. */
function tryMove(plan: Plan, unit: number[], a: number, b: number, bestSoFar: number): number | null {
  if (unit.length >= plan.count[a]) return null;
  const before = plan.local(a) + plan.local(b) + COST.splitCompound * plan.splitGroups;
  for (const i of unit) plan.move(i, b);
  const delta = plan.local(a) + plan.local(b) + COST.splitCompound * plan.splitGroups - before;
  for (const i of unit) plan.move(i, a);
  if (!(delta < bestSoFar - EPS)) return null;
  const set = new Set(unit);
  if (!plan.connected(a, set)) return null;
  if (unit.length > 1 && !plan.connected(b, undefined, set)) return null;
  return delta;
}

/** Local search: boundary moves of single items and compound parts. Returns true when it improved. */
export function localSearch(plan: Plan, rng: Rng, maxPasses = 30, only?: ReadonlySet<number>): boolean {
  const p = plan.p;
  const { off, nbr } = p.graph;
  // Items of the grids searched, in increasing order (a kick's search touches only its grids' items).
  const order = only ? [...only].flatMap((g) => plan.members(g)).sort((x, y) => x - y) : [...Array(p.n).keys()];
  let any = false;
  for (let pass = 0; pass < maxPasses; pass++) {
    let improved = false;
    shuffle(rng, order);
    for (const i of order) {
      const a = plan.assign[i];
      const targets = new Set<number>();
      for (let e = off[i]; e < off[i + 1]; e++) {
        const gb = plan.assign[nbr[e]];
        if (gb !== a && (!only || only.has(gb))) targets.add(gb);
      }
      if (!targets.size) continue;
      const units: number[][] = [[i]];
      const gr = p.group[i];
      if (gr >= 0) {
        const part = plan.groupMembers[gr].filter((j) => plan.assign[j] === a);
        if (part.length > 1) units.push(part);
      }
      let best: { unit: number[]; b: number; delta: number } | null = null;
      for (const b of [...targets].sort((x, y) => x - y))
        for (const unit of units) {
          const d = tryMove(plan, unit, a, b, best ? best.delta : 0);
          if (d !== null) best = { unit, b, delta: d };
        }
      if (best) {
        for (const j of best.unit) plan.move(j, best.b);
        improved = true;
        any = true;
      }
    }
    if (!improved) break;
  }
  return any;
}

const DIRECTIONS = 8;
const CUTS_PER_DIRECTION = 10;

/**
 * Recombination of one pair of neighbouring grids; true when it changed. With `rng` it is a
 * kick: a random household-feasible contiguous cut is applied even when it costs more. With
 * `force` the best contiguous cut is applied even when it costs more (splitting one grid in two).
 */
export function recombinePair(plan: Plan, a: number, b: number, rng?: Rng, force = false): boolean {
  const p = plan.p;
  const members = [...plan.members(a), ...plan.members(b)].sort((x, y) => x - y);
  if (members.length < (force ? 2 : 3)) return false;
  // Units: a compound's items in the pair together when they fit in one grid, else single items.
  const byGroup = new Map<number, number[]>();
  const units: number[][] = [];
  for (const i of members) {
    const gr = p.group[i];
    if (gr < 0) units.push([i]);
    else (byGroup.get(gr) ?? byGroup.set(gr, []).get(gr)!).push(i);
  }
  for (const its of byGroup.values()) {
    const w = its.reduce((s, i) => s + p.hh[i], 0);
    if (w <= p.max) units.push(its);
    else for (const i of its) units.push([i]);
  }
  if (units.length < 2) return false;
  const uw = units.map((u) => u.reduce((s, i) => s + p.hh[i], 0));
  const ux = units.map(
    (u, k) => u.reduce((s, i) => s + p.x[i] * Math.max(p.hh[i], 1e-6), 0) / Math.max(uw[k], 1e-6 * u.length)
  );
  const uy = units.map(
    (u, k) => u.reduce((s, i) => s + p.y[i] * Math.max(p.hh[i], 1e-6), 0) / Math.max(uw[k], 1e-6 * u.length)
  );
  const total = uw.reduce((s, w) => s + w, 0);
  const viol = (h: number) => Math.max(0, p.min - h) + Math.max(0, h - p.max);

  const original = members.map((i) => plan.assign[i]);
  const restore = () => members.forEach((i, k) => plan.move(i, original[k]));
  const current = plan.local(a) + plan.local(b) + COST.splitCompound * plan.splitGroups;
  let best: { cost: number; side: Uint8Array } | null = null;
  const idx = [...units.keys()];
  const kickDir = rng ? rng() * Math.PI : 0;
  for (let d = 0; d < (rng ? 1 : DIRECTIONS); d++) {
    const t = rng ? kickDir : (d * Math.PI) / DIRECTIONS;
    const c = Math.cos(t);
    const s = Math.sin(t);
    const proj = units.map((_, k) => ux[k] * c + uy[k] * s);
    idx.sort((u, v) => proj[u] - proj[v] || u - v);
    const cuts: { at: number; v: number; dev: number }[] = [];
    let left = 0;
    for (let at = 1; at < idx.length; at++) {
      left += uw[idx[at - 1]];
      cuts.push({ at, v: viol(left) + viol(total - left), dev: Math.abs(left - total / 2) });
    }
    const vmin = Math.min(...cuts.map((x) => x.v));
    // A forced split weighs every cut (the cost keeps the balanced ones ahead).
    const feasible = cuts.filter((x) => force || x.v <= vmin + EPS).sort((x, y) => x.dev - y.dev || x.at - y.at);
    const chosen = rng
      ? feasible.length
        ? [feasible[Math.floor(rng() * feasible.length)]]
        : []
      : feasible.slice(0, force ? feasible.length : CUTS_PER_DIRECTION);
    for (const cut of chosen) {
      const side = new Uint8Array(units.length);
      for (let r = cut.at; r < idx.length; r++) side[idx[r]] = 1;
      units.forEach((u, k) => {
        for (const i of u) plan.move(i, side[k] ? b : a);
      });
      const cost = plan.local(a) + plan.local(b) + COST.splitCompound * plan.splitGroups;
      if (
        (rng || force || cost < current - 1e-6) &&
        (!best || cost < best.cost - EPS) &&
        plan.connected(a) &&
        plan.connected(b)
      )
        best = { cost, side };
    }
  }
  restore();
  if (!best) return false;
  units.forEach((u, k) => {
    for (const i of u) plan.move(i, best!.side[k] ? b : a);
  });
  return true;
}

/** Neighbouring grid pairs (a < b) in the adjacency graph. */
function neighbourPairs(plan: Plan, only?: ReadonlySet<number>): [number, number][] {
  const { off, nbr } = plan.p.graph;
  const seen = new Set<number>();
  const out: [number, number][] = [];
  const K = plan.k + 1;
  const items = only ? [...only].flatMap((g) => plan.members(g)) : plan.p.n;
  for (const i of typeof items === 'number' ? Array(items).keys() : items)
    for (let e = off[i]; e < off[i + 1]; e++) {
      const a = plan.assign[i];
      const b = plan.assign[nbr[e]];
      if (a >= b) continue;
      if (only && !(only.has(a) && only.has(b))) continue;
      const key = a * K + b;
      if (!seen.has(key)) {
        seen.add(key);
        out.push([a, b]);
      }
    }
  return out.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

/** Local search and recombination until neither helps (or `rounds` run out). */
export function improve(
  plan: Plan,
  rng: Rng,
  rounds = 6,
  only?: ReadonlySet<number>,
  progress?: ProgressCallback
): void {
  progress?.('local-search', 0);
  localSearch(plan, rng, 30, only);
  for (let r = 0; r < rounds; r++) {
    progress?.('recombination', (r + 1) / (rounds + 1));
    let changed = false;
    for (const [a, b] of neighbourPairs(plan, only)) if (recombinePair(plan, a, b)) changed = true;
    if (localSearch(plan, rng, 30, only)) changed = true;
    if (!changed) break;
  }
  progress?.('recombination', 1);
}

/**
 * Iterated local search: kick a random pair of neighbouring grids (a random feasible cut), improve
 * the grids around it, keep the result when the whole plan got cheaper, else go back.
 */
export function defaultKicks(k: number): number {
  return k <= 5 ? 24 : Math.min(32, 2 * k);
}

function iterate(
  plan: Plan,
  rng: Rng,
  kicks: number,
  rounds: number,
  stopEarly = false,
  progress?: ProgressCallback
): Plan {
  let cur = plan;
  let bestCost = cur.cost();
  let stall = 0;
  const inBounds = (pl: Plan) => {
    for (let g = 0; g < pl.k; g++) if (pl.violation(g) > 0) return false;
    return true;
  };
  for (let t = 0; t < kicks; t++) {
    progress?.('recombination', t / kicks);
    if (stopEarly && cur.k > 5 && stall >= Math.ceil(kicks / 2) && inBounds(cur)) break;
    stall++;
    const pairs = neighbourPairs(cur);
    if (!pairs.length) break;
    const [a, b] = pairs[Math.floor(rng() * pairs.length)];
    const trial = cur.clone();
    if (!recombinePair(trial, a, b, rng)) continue;
    const around = new Set([a, b]);
    for (const [x, y] of pairs) {
      if (x === a || x === b) around.add(y);
      if (y === a || y === b) around.add(x);
    }
    improve(trial, rng, rounds, around);
    const c = trial.cost();
    if (c < bestCost - 1e-7) {
      cur = trial;
      bestCost = c;
      stall = 0;
    }
  }
  progress?.('recombination', 1);
  return cur;
}

/** One run of the engine with `counts` grids per connected piece (default: gridsFor each). */
function runWith(p: Problem, options: EngineOptions, counts?: readonly number[], progress?: ProgressCallback): Plan {
  const seed = options.seed ?? 1;
  const starts = options.starts ?? ['bisection', 'growth', 'kmeans'];
  let best: Plan | null = null;
  const rng = mulberry32(seed);
  for (const [si, start] of starts.entries()) {
    if (p.n === 0) break;
    // Per start: growing 0–10 %, descent 10–50 %, kicks 50–100 % of its share.
    const span = (a: number, b: number) => progressSpan(progress, (si + a) / starts.length, (si + b) / starts.length);
    span(0, 0.1)?.('growing', 0);
    const assign =
      start === 'bisection'
        ? bisectionStart(p, counts)
        : start === 'growth'
          ? growthStart(p, seed, counts)
          : kmeansStart(p, seed, counts);
    let plan = new Plan(p, assign);
    repairContiguity(plan);
    improve(plan, rng, options.rounds ?? 6, undefined, span(0.1, 0.5));
    const kicks = Math.max(1, Math.round((options.kicks ?? defaultKicks(plan.k)) * (options.effort ?? 1)));
    plan = iterate(plan, rng, kicks, options.rounds ?? 6, options.kicks === undefined, span(0.5, 1));
    if (!best || plan.cost() < best.cost() - EPS) best = plan;
  }
  return best ?? new Plan(p, new Int32Array(0));
}

/** Households out of bounds per connected piece. */
function pieceViolation(plan: Plan): number[] {
  const v = new Array<number>(plan.p.compCount).fill(0);
  const seen = new Set<number>();
  for (let i = 0; i < plan.p.n; i++) {
    const g = plan.assign[i];
    if (seen.has(g)) continue;
    seen.add(g);
    v[plan.p.comp[i]] += plan.violation(g);
  }
  return v;
}

/**
 * Partitions the problem; returns a plan whose grids are 0 … k-1 (all non-empty). When a piece
 * ends with a grid out of bounds and another grid count is feasible for it (e.g. 996 households:
 * 2 grids need two halves of 496–500, 3 grids of 332 fit easily), the other counts are tried,
 * nearest to households / target first, and the plan with fewer households out of bounds kept.
 */
export function runEngine(p: Problem, options: EngineOptions = {}): Plan {
  const { items } = allocate(p);
  const totals = items.map((its) => its.reduce((s, i) => s + p.hh[i], 0));
  const counts = items.map((its, c) => gridsFor(totals[c], p, its.length));
  // The first run is most of the work (80 %); each retry with other grid counts gets 5 %.
  const progress = options.onProgress;
  let best = runWith(p, options, undefined, progressSpan(progress, 0, 0.8));
  let viol = pieceViolation(best);
  const tried = counts.map((k) => new Set([k]));
  for (let round = 0; round < 4; round++) {
    const next = [...counts];
    let changed = false;
    viol.forEach((v, c) => {
      if (v <= EPS) return;
      const lo = Math.max(1, Math.ceil(totals[c] / p.max - 1e-9));
      const hi = Math.min(items[c].length, Math.floor(totals[c] / p.min + 1e-9));
      const alt = [];
      for (let k = lo; k <= hi; k++) if (!tried[c].has(k)) alt.push(k);
      alt.sort((a, b) => Math.abs(a - totals[c] / p.target) - Math.abs(b - totals[c] / p.target) || a - b);
      if (!alt.length) return;
      next[c] = alt[0];
      tried[c].add(alt[0]);
      changed = true;
    });
    if (!changed) break;
    const plan = runWith(p, options, next, progressSpan(progress, 0.8 + 0.05 * round, 0.85 + 0.05 * round));
    const v2 = pieceViolation(plan);
    if (v2.reduce((s, x) => s + x, 0) < viol.reduce((s, x) => s + x, 0) - EPS) {
      best = plan;
      viol = v2;
      counts.splice(0, counts.length, ...next);
    }
  }
  progress?.('recombination', 1);
  repairDrawn(best);
  return compact(best);
}

/** Renumbers grids densely (drops empty slots). */
export function compact(plan: Plan): Plan {
  const used = [...new Set(plan.assign)].sort((a, b) => a - b);
  if (used.length === plan.k) return plan;
  const remap = new Map(used.map((g, i) => [g, i]));
  return new Plan(
    plan.p,
    plan.assign.map((g) => remap.get(g)!)
  );
}
