/**
 * What a planner needs to know about a partition: per grid its households, buildings,
 * contiguity and compactness; for the community the share of grids in range, the mean
 * Polsby–Popper, split compounds and buildings; and every rule not met, with the reason.
 */
import { divisible } from './adjacency';
import type { Plan } from './plan';

export type Rule =
  | 'empty-community'
  | 'below-min'
  | 'above-max'
  | 'not-contiguous'
  | 'compound-split'
  | 'building-split'
  | 'oversized-building'
  | 'barrier-bridged';

export interface Issue {
  rule: Rule;
  /** Grid index (0-based slot) where the issue is about one grid. */
  grid?: number;
  /** Building or compound ids concerned. */
  ids?: string[];
  message: string;
  /**
   * For grids out of bounds: true when no partition could meet the bounds (the community, or a
   * piece cut off by a barrier, holds too few households or a number no whole count of grids fits,
   * or one building holds more than the maximum); false when the search did not find one.
   */
  infeasible?: boolean;
}

export interface GridReport {
  grid: number;
  households: number;
  /** Items (buildings, or units of split buildings). */
  items: number;
  /** Distinct buildings (a split building counts in each of its grids). */
  buildings: number;
  inRange: boolean;
  /** Connected pieces of the adjacency graph (1 = contiguous). */
  pieces: number;
  polsbyPopper: number;
  areaM2: number;
  perimeterM: number;
}

export interface Validation {
  households: number;
  grids: GridReport[];
  /** Percent of grids within [min, max] (100 when there are no grids). */
  pctInRange: number;
  meanPolsbyPopper: number;
  contiguous: boolean;
  splitCompounds: string[];
  splitBuildings: string[];
  issues: Issue[];
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** One grid's report (O(its items) plus a contiguity search). */
export function gridReport(plan: Plan, g: number): GridReport {
  const p = plan.p;
  const members = plan.members(g);
  const buildings = new Set(members.map((i) => p.building[i]));
  const h = plan.hh[g];
  return {
    grid: g,
    households: Math.round(h),
    items: members.length,
    buildings: buildings.size,
    inRange: h >= p.min && h <= p.max,
    pieces: plan.pieces(g).length,
    polsbyPopper: round(plan.pp(g)),
    areaM2: round(plan.area[g], 1),
    perimeterM: round(plan.perim[g], 1)
  };
}

/** Validates from scratch. */
export function validate(plan: Plan): Validation {
  const reports: GridReport[] = [];
  for (let g = 0; g < plan.k; g++) if (plan.count[g] > 0) reports.push(gridReport(plan, g));
  return summarise(plan, reports);
}

/** The community summary and issues from per-grid reports (used by incremental edits too). */
export function summarise(plan: Plan, reports: GridReport[]): Validation {
  const p = plan.p;
  const issues: Issue[] = [];
  if (p.n === 0) issues.push({ rule: 'empty-community', message: 'no buildings: nothing to partition' });
  // Component totals, for the reason of an undersized grid.
  const compLoad = new Map<number, number>();
  for (let i = 0; i < p.n; i++) compLoad.set(p.comp[i], (compLoad.get(p.comp[i]) ?? 0) + p.hh[i]);
  const biggest = new Map<number, number>();
  for (let i = 0; i < p.n; i++) {
    const g = plan.assign[i];
    const b = biggest.get(g);
    if (b === undefined || p.hh[i] > p.hh[b]) biggest.set(g, i);
  }
  for (const r of reports) {
    const g = r.grid;
    if (r.households < p.min) {
      const anyItem = plan.assign.indexOf(g);
      const pieceTotal = compLoad.get(p.comp[anyItem]) ?? 0;
      const why =
        pieceTotal < p.min
          ? p.compCount > 1
            ? `the part of the community it lies in (cut off by a barrier or gap) has only ${Math.round(pieceTotal)} households`
            : `the whole community has only ${Math.round(pieceTotal)} households; merging with a neighbouring community's grid is a decision for the street office`
          : 'no contiguous arrangement within bounds was found; move buildings from a neighbouring grid';
      issues.push({ rule: 'below-min', grid: g, message: `grid has ${r.households} households, fewer than ${p.min}: ${why}`, infeasible: pieceTotal < p.min });
    }
    if (r.households > p.max) {
      const b = biggest.get(g)!;
      const pieceTotal = compLoad.get(p.comp[b]) ?? 0;
      const why =
        p.hh[b] > p.max
          ? `building ${p.building[b]} alone has ${Math.round(p.hh[b])} households; buildings are split only by unit (单元), and it has no units recorded`
          : !divisible(pieceTotal, p.min, p.max)
            ? `the ${p.compCount > 1 ? 'part of the community it lies in (cut off by a barrier)' : 'whole community'} has ${Math.round(pieceTotal)} households, which no whole number of grids of ${p.min}–${p.max} can hold`
            : 'no contiguous arrangement within bounds was found; move buildings to a neighbouring grid';
      issues.push({
        rule: 'above-max',
        grid: g,
        ids: p.hh[b] > p.max ? [p.building[b]] : undefined,
        message: `grid has ${r.households} households, more than ${p.max}: ${why}`,
        infeasible: p.hh[b] > p.max || !divisible(pieceTotal, p.min, p.max)
      });
    }
    if (r.pieces > 1) issues.push({ rule: 'not-contiguous', grid: g, message: `grid falls into ${r.pieces} separate pieces` });
  }
  const oversized = new Set<string>();
  for (let i = 0; i < p.n; i++) if (p.hh[i] > p.max && p.building[i] === p.ids[i]) oversized.add(p.ids[i]);
  for (const id of [...oversized].sort())
    issues.push({ rule: 'oversized-building', ids: [id], message: `building ${id} has more households than a grid may hold (${p.max}) and no units to split by`, infeasible: true });

  const splitCompounds = p.groupNames.filter((_, gr) => plan.groupGrids[gr].size > 1).sort();
  for (const c of splitCompounds) issues.push({ rule: 'compound-split', ids: [c], message: `compound ${c} is spread over ${plan.groupGrids[p.groupNames.indexOf(c)].size} grids` });
  const bGrids = new Map<string, Set<number>>();
  for (let i = 0; i < p.n; i++) if (p.building[i] !== p.ids[i]) (bGrids.get(p.building[i]) ?? bGrids.set(p.building[i], new Set()).get(p.building[i])!).add(plan.assign[i]);
  const splitBuildings = [...bGrids].filter(([, s]) => s.size > 1).map(([b]) => b).sort();
  for (const b of splitBuildings) issues.push({ rule: 'building-split', ids: [b], message: `building ${b} is divided by unit (单元) between ${bGrids.get(b)!.size} grids` });
  for (const e of p.adjacency.bridges)
    issues.push({
      rule: 'barrier-bridged',
      ids: [p.building[e.a], p.building[e.b]],
      message: `buildings ${p.building[e.a]} and ${p.building[e.b]} were joined across a ${e.reason === 'barrier' ? 'barrier' : `${Math.round(e.length)} m gap`} because the piece on one side cannot form grids of ${p.min}–${p.max} households on its own`
    });

  const inRange = reports.filter((r) => r.inRange).length;
  return {
    households: Math.round(p.total),
    grids: reports,
    pctInRange: reports.length ? round((100 * inRange) / reports.length, 2) : 100,
    meanPolsbyPopper: reports.length ? round(reports.reduce((s, r) => s + r.polsbyPopper, 0) / reports.length) : 0,
    contiguous: reports.every((r) => r.pieces === 1),
    splitCompounds,
    splitBuildings,
    issues
  };
}
