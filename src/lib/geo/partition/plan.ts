/**
 * A partition being worked on: item → grid, with per-grid households, counts, cell area and
 * perimeter and per-compound grid counts kept up to date on every move, so that the engine and
 * interactive edits can evaluate a move in O(the item's neighbours). Each grid's items are also
 * kept as a linked list, so that a grid's members, pieces and connectivity cost O(the grid), not
 * O(the community): on a community of thousands of grids a scan of every item per grid is what
 * made the search quadratic (#13).
 */
import { polsbyPopper } from './compactness';
import type { Problem } from './problem';

/** Weights of the engine's objective (lower is better). */
export const COST = {
  /** Per household outside [min, max], relative to the target: dominates everything else. */
  violation: 100,
  /** Per compound (小区) spread over more than one grid. */
  splitCompound: 0.05
} as const;

export class Plan {
  readonly p: Problem;
  readonly assign: Int32Array;
  hh: number[] = [];
  count: number[] = [];
  area: number[] = [];
  perim: number[] = [];
  /** Per compound: grid → number of its items there. */
  groupGrids: Map<number, number>[] = [];
  splitGroups = 0;
  /** Items per compound. */
  readonly groupMembers: number[][];
  /** Each grid's items as a doubly linked list: head[g], next[i], prev[i] (-1 ends). */
  private head: number[] = [];
  private readonly next: Int32Array;
  private readonly prev: Int32Array;

  constructor(p: Problem, assign: Int32Array) {
    this.p = p;
    this.assign = assign;
    this.groupMembers = p.groupNames.map(() => []);
    for (let i = 0; i < p.n; i++) if (p.group[i] >= 0) this.groupMembers[p.group[i]].push(i);
    this.next = new Int32Array(p.n);
    this.prev = new Int32Array(p.n);
    this.recompute();
  }

  /** Number of grid slots (some may be empty after edits). */
  get k(): number {
    return this.hh.length;
  }

  clone(): Plan {
    return new Plan(this.p, this.assign.slice());
  }

  recompute(): void {
    const { p, assign } = this;
    let k = 0;
    for (let i = 0; i < p.n; i++) k = Math.max(k, assign[i] + 1);
    this.hh = new Array(k).fill(0);
    this.count = new Array(k).fill(0);
    this.head = new Array(k).fill(-1);
    for (let i = p.n - 1; i >= 0; i--) this.link(i, assign[i]);
    this.area = new Array(k).fill(0);
    this.perim = new Array(k).fill(0);
    const c = p.cells;
    for (let i = 0; i < p.n; i++) {
      const g = assign[i];
      this.hh[g] += p.hh[i];
      this.count[g]++;
      this.area[g] += c.area[i];
      this.perim[g] += c.outer[i];
      for (let e = c.off[i]; e < c.off[i + 1]; e++) if (assign[c.nbr[e]] !== g) this.perim[g] += c.len[e];
    }
    this.groupGrids = p.groupNames.map(() => new Map());
    for (let i = 0; i < p.n; i++) {
      const gr = p.group[i];
      if (gr < 0) continue;
      const m = this.groupGrids[gr];
      m.set(assign[i], (m.get(assign[i]) ?? 0) + 1);
    }
    this.splitGroups = this.groupGrids.filter((m) => m.size > 1).length;
  }

  /** Adds an empty grid slot; returns its index. */
  addGrid(): number {
    this.hh.push(0);
    this.count.push(0);
    this.area.push(0);
    this.perim.push(0);
    this.head.push(-1);
    return this.hh.length - 1;
  }

  private link(i: number, g: number): void {
    const h = this.head[g];
    this.prev[i] = -1;
    this.next[i] = h;
    if (h >= 0) this.prev[h] = i;
    this.head[g] = i;
  }

  private unlink(i: number, g: number): void {
    const a = this.prev[i];
    const b = this.next[i];
    if (a >= 0) this.next[a] = b;
    else this.head[g] = b;
    if (b >= 0) this.prev[b] = a;
  }

  /** Moves item i to grid `to`, updating every sum. */
  move(i: number, to: number): void {
    const { p, assign } = this;
    const from = assign[i];
    if (from === to) return;
    const c = p.cells;
    this.hh[from] -= p.hh[i];
    this.hh[to] += p.hh[i];
    this.count[from]--;
    this.count[to]++;
    this.area[from] -= c.area[i];
    this.area[to] += c.area[i];
    this.perim[from] -= c.outer[i];
    this.perim[to] += c.outer[i];
    for (let e = c.off[i]; e < c.off[i + 1]; e++) {
      const gj = assign[c.nbr[e]];
      const l = c.len[e];
      if (gj !== from) {
        this.perim[from] -= l;
        this.perim[gj] -= l;
      }
      if (gj !== to) {
        this.perim[to] += l;
        this.perim[gj] += l;
      }
    }
    assign[i] = to;
    this.unlink(i, from);
    this.link(i, to);
    const gr = p.group[i];
    if (gr >= 0) {
      const m = this.groupGrids[gr];
      const before = m.size > 1;
      const left = (m.get(from) ?? 0) - 1;
      if (left > 0) m.set(from, left);
      else m.delete(from);
      m.set(to, (m.get(to) ?? 0) + 1);
      this.splitGroups += (m.size > 1 ? 1 : 0) - (before ? 1 : 0);
    }
  }

  pp(g: number): number {
    // Cell sums drift by rounding over many moves; clamp tiny negatives.
    return this.count[g] > 0 ? polsbyPopper(Math.max(0, this.area[g]), Math.max(0, this.perim[g])) : 0;
  }

  violation(g: number): number {
    if (this.count[g] === 0) return 0;
    const h = this.hh[g];
    return Math.max(0, this.p.min - h) + Math.max(0, h - this.p.max);
  }

  /** The objective's share of grid g. */
  local(g: number): number {
    if (this.count[g] === 0) return 0;
    return (COST.violation * this.violation(g)) / this.p.target - this.pp(g);
  }

  cost(): number {
    let s = COST.splitCompound * this.splitGroups;
    for (let g = 0; g < this.k; g++) s += this.local(g);
    return s;
  }

  /** Grid g's items in increasing order. */
  members(g: number): number[] {
    const out: number[] = [];
    for (let i = this.head[g] ?? -1; i >= 0; i = this.next[i]) out.push(i);
    return out.sort((a, b) => a - b);
  }

  /**
   * True when grid g's items, less `remove` and plus `add`, form one connected piece of the
   * adjacency graph (an empty grid counts as connected).
   */
  connected(g: number, remove?: ReadonlySet<number>, add?: ReadonlySet<number>): boolean {
    const { p, assign } = this;
    const inside = (j: number) => (assign[j] === g && !remove?.has(j)) || (add?.has(j) ?? false);
    let want = 0;
    let start = -1;
    if (add)
      for (const j of add) {
        if (assign[j] !== g) want++;
        start = j;
      }
    want += this.count[g];
    if (remove) for (const j of remove) if (assign[j] === g && !add?.has(j)) want--;
    if (want <= 1) return true;
    if (start < 0) for (let i = this.head[g] ?? -1; i >= 0 && start < 0; i = this.next[i]) if (inside(i)) start = i;
    const seen = visitMarks(p.n);
    const stack = [start];
    seen.mark(start);
    let reached = 1;
    const { off, nbr } = p.graph;
    while (stack.length) {
      const i = stack.pop()!;
      for (let e = off[i]; e < off[i + 1]; e++) {
        const j = nbr[e];
        if (!seen.has(j) && inside(j)) {
          seen.mark(j);
          reached++;
          stack.push(j);
        }
      }
    }
    return reached === want;
  }

  /** The connected pieces of grid g (lists of items), largest by households first. */
  pieces(g: number): number[][] {
    const { p, assign } = this;
    const seen = visitMarks(p.n);
    const out: number[][] = [];
    const { off, nbr } = p.graph;
    for (const s of this.members(g)) {
      if (seen.has(s)) continue;
      const piece = [s];
      seen.mark(s);
      for (let h = 0; h < piece.length; h++) {
        const i = piece[h];
        for (let e = off[i]; e < off[i + 1]; e++) {
          const j = nbr[e];
          if (!seen.has(j) && assign[j] === g) {
            seen.mark(j);
            piece.push(j);
          }
        }
      }
      out.push(piece);
    }
    const w = (piece: number[]) => piece.reduce((s, i) => s + p.hh[i], 0);
    return out.sort((a, b) => w(b) - w(a) || b.length - a.length || a[0] - b[0]);
  }
}

/**
 * Visited marks for graph walks without allocating per walk: one stamp array per size, and a new
 * stamp per walk (a fresh Uint8Array(n) per connectivity test was most of the engine's time on
 * big communities, in the garbage collector). Walks never nest.
 */
export interface Marks {
  has(i: number): boolean;
  mark(i: number): void;
}

let stamps = new Uint32Array(0);
let stamp = 0;

export function visitMarks(n: number): Marks {
  if (stamps.length < n || stamp >= 0xffffffff) {
    stamps = new Uint32Array(Math.max(n, stamps.length));
    stamp = 0;
  }
  const s = ++stamp;
  const a = stamps;
  return { has: (i) => a[i] === s, mark: (i) => void (a[i] = s) };
}
