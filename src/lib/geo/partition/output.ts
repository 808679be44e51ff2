/**
 * The engine's output: grid polygons in WGS-84 with their codes, each building's grid, the rules
 * not met and a report per community, written from one community's plan at a time.
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { bisectionPlan, kmeansPlan } from './baselines';
import { dissolve } from './cells';
import { gridCode, readingOrder, seqOf, stableSequence } from './codes';
import { r7, type ParsedBuilding } from './input';
import type { Plan } from './plan';
import type { XY } from './planar';
import type { Problem } from './problem';
import type { Projection } from './projection';
import { acrossRoads } from './streets';
import { itemsOf } from './units';
import { validate, type Issue, type Validation } from './validate';

export interface GridProperties {
  code: string;
  community: string;
  seq: number;
  households: number;
  /** Ids of the input buildings in the grid (a building divided by unit is listed in each of its grids). */
  buildings: string[];
  polsbyPopper: number;
  inRange: boolean;
  contiguous: boolean;
  /**
   * When roads are known: % of the grid's drawn area lying across a road from its buildings, i.e.
   * in road-bounded blocks (faces of the streets, barriers and community outline) that hold
   * buildings, none of them the grid's (blocks without buildings left out: streets.ts).
   */
  areaAcrossRoadsPct?: number;
}

/**
 * A rule not met, named by building or by grid (its code), with the reason. Kept to the hard
 * rules: households out of [min, max] (`below-min`, `above-max`), a grid in more than one piece
 * (`not-contiguous`), a building over the maximum with no units to split by
 * (`oversized-building`) and a grid joined across a barrier (`barrier-bridged`). Split compounds
 * and buildings divided by unit are allowed and listed in the community reports only.
 */
export type Unmet = ({ building: string; grid?: undefined } | { grid: string; building?: undefined }) & {
  reason: string;
  rule: Issue['rule'];
  community: string;
  /** True when no partition of the input can meet the rule (the input is the cause, not the search). */
  infeasible: boolean;
};

export interface BuildingAssignment {
  id: string;
  community: string;
  /** The grid holding the building (for a building split by unit: the one with most of its households). */
  grid: string;
  households: number;
  estimated: boolean;
  /** For a building split by unit: unit number (1-based) → grid. */
  units?: Record<string, string>;
}

export interface CommunityReport extends Omit<Validation, 'grids'> {
  community: string;
  /** When roads are known: % of the community's area across a road from its grid's buildings (see GridProperties). */
  areaAcrossRoadsPct?: number;
  /** When roads are known: % of its area in road-bounded blocks without buildings, and its area (m², of the cells). */
  areaInEmptyBlocksPct?: number;
  areaM2?: number;
  buildings: number;
  gridCount: number;
  ms: number;
  baselines?: { bisection: BaselineScore; kmeans: BaselineScore };
}

export interface BaselineScore {
  grids: number;
  pctInRange: number;
  meanPolsbyPopper: number;
  contiguous: boolean;
  splitCompounds: number;
}

export interface PartitionOutput {
  grids: FeatureCollection<Polygon | MultiPolygon, GridProperties>;
  buildings: BuildingAssignment[];
  communities: CommunityReport[];
  /** Every building or grid that breaks a rule, and why (see `Unmet`). */
  unmet: Unmet[];
  /** When roads are known: % of all grids' area lying across a road from the grid's buildings (see GridProperties). */
  areaAcrossRoadsPct?: number;
  /** When roads are known: % of the area in road-bounded blocks without any building (not counted above). */
  areaInEmptyBlocksPct?: number;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

/** The output's road figures: the communities' (those with roads known), weighted by their area. */
export function roadSummary(
  reports: readonly CommunityReport[]
): Pick<PartitionOutput, 'areaAcrossRoadsPct' | 'areaInEmptyBlocksPct'> {
  const measured = reports.filter((c) => c.areaM2 !== undefined);
  if (!measured.length) return {};
  const total = measured.reduce((s, c) => s + c.areaM2!, 0);
  const mean = (f: (c: CommunityReport) => number) =>
    r2(total > 0 ? measured.reduce((s, c) => s + f(c) * c.areaM2!, 0) / total : 0);
  return {
    areaAcrossRoadsPct: mean((c) => c.areaAcrossRoadsPct!),
    areaInEmptyBlocksPct: mean((c) => c.areaInEmptyBlocksPct!)
  };
}

/** A community's grids as written and measured (see `drawGrids`). */
export interface Drawn {
  /** Per grid slot: its polygons (WGS-84, 7 decimals, closed rings); none for an empty slot. */
  written: Position[][][][];
  v: Validation;
  /** Road figures, when roads are known. */
  across: ReturnType<typeof acrossRoads> | null;
  /** Area of the cells (m²), when roads are known. */
  cellArea: number;
}

/** The polygons as written (WGS-84, 7 decimals); the report measures these, projected back. */
export function drawGrids(p: Problem, plan: Plan, proj: Projection): Drawn {
  const written = Array.from({ length: plan.k }, (_, g) =>
    plan.count[g] > 0
      ? dissolve(p.cells, plan.members(g)).map((poly) =>
          poly.map((ring) => [...ring, ring[0]].map((q) => proj.inverse(q)).map(([lo, la]) => [r7(lo), r7(la)]))
        )
      : []
  );
  const v = validate(
    plan,
    written.map((polys) => polys.map((poly) => poly.map((ring) => ring.slice(0, -1).map((q) => proj.forward(q)))))
  );
  const across = p.cells.blocks ? acrossRoads(p.cells.blocks, plan.assign, plan.k) : null;
  const cellArea = across ? p.cells.blocks!.pieceArea.reduce((s, a) => s + a, 0) : 0;
  return { written, v, across, cellArea };
}

/** Codes: keep previous ones where given, else reading order of grid centres; locked grids keep theirs (the last slots). */
export function gridCodes(
  p: Problem,
  plan: Plan,
  code: string,
  members: readonly ParsedBuilding[],
  lockedSeq: readonly number[]
): { seqs: number[]; codes: string[] } {
  const k = plan.k;
  const cx = new Array(k).fill(0);
  const cy = new Array(k).fill(0);
  const cw = new Array(k).fill(0);
  for (let i = 0; i < p.n; i++) {
    const g = plan.assign[i];
    const w = Math.max(p.cells.area[i], 1e-6);
    cx[g] += p.x[i] * w;
    cy[g] += p.y[i] * w;
    cw[g] += w;
  }
  const order = readingOrder(cx.map((x, g) => [x / cw[g], cy[g] / cw[g]] as XY));
  const prevSeq = new Map(members.map((b) => [b.id, b.previousGrid ? seqOf(b.previousGrid, code) : null]));
  const free = k - lockedSeq.length;
  const overlap = Array.from({ length: free }, () => new Map<number, number>());
  for (let i = 0; i < p.n; i++) {
    const s = prevSeq.get(p.building[i]);
    if (s && plan.assign[i] < free) overlap[plan.assign[i]].set(s, (overlap[plan.assign[i]].get(s) ?? 0) + p.hh[i]);
  }
  const seqs = [...stableSequence(overlap, order.slice(0, free), new Set(lockedSeq)), ...lockedSeq];
  const codes = seqs.map((s) => gridCode(code, s));
  return { seqs, codes };
}

/** One community partitioned, drawn and coded: what its part of the output is written from. */
export interface CommunityDone {
  code: string;
  p: Problem;
  plan: Plan;
  drawn: Drawn;
  seqs: number[];
  codes: string[];
}

/** Adds the community's grids to `features`. */
export function pushGrids(features: Feature<Polygon | MultiPolygon, GridProperties>[], c: CommunityDone): void {
  const { code, p, plan, seqs, codes } = c;
  const { written, v, across } = c.drawn;
  for (const r of v.grids) {
    const polys = written[r.grid];
    const geometry: Polygon | MultiPolygon =
      polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
    features.push({
      type: 'Feature',
      properties: {
        code: codes[r.grid],
        community: code,
        seq: seqs[r.grid],
        households: r.households,
        buildings: [...new Set(plan.members(r.grid).map((i) => p.building[i]))],
        polsbyPopper: r.polsbyPopper,
        inRange: r.inRange,
        contiguous: r.pieces === 1,
        ...(across ? { areaAcrossRoadsPct: r2(across.pct[r.grid]) } : {})
      },
      geometry
    });
  }
}

/** Adds each building's grid to `assignments` (by unit for a building split by unit). */
export function pushAssignments(
  assignments: BuildingAssignment[],
  c: CommunityDone,
  buildings: readonly ParsedBuilding[],
  proj: Projection,
  max: number
): void {
  const { code, p, plan, codes } = c;
  const index = new Map(p.ids.map((id, i) => [id, i]));
  for (const b of buildings) {
    const its = itemsOf(b, proj, max).map((it) => index.get(it.id)!);
    const byGrid = new Map<number, number>();
    for (const i of its) byGrid.set(plan.assign[i], (byGrid.get(plan.assign[i]) ?? 0) + p.hh[i]);
    const main = [...byGrid].sort((a, c) => c[1] - a[1] || a[0] - c[0])[0][0];
    const a: BuildingAssignment = {
      id: b.id,
      community: code,
      grid: codes[main],
      households: b.households,
      estimated: b.estimated
    };
    if (byGrid.size > 1) a.units = Object.fromEntries(its.map((i, j) => [String(j + 1), codes[plan.assign[i]]]));
    assignments.push(a);
  }
}

/** Adds the community's rules not met to `unmet`. */
export function pushUnmet(unmet: Unmet[], c: CommunityDone): void {
  const { code, p, plan, codes } = c;
  const { v } = c.drawn;
  for (const is of v.issues) {
    if (is.grid !== undefined && (is.rule === 'below-min' || is.rule === 'above-max' || is.rule === 'not-contiguous'))
      unmet.push({
        grid: codes[is.grid],
        reason: is.message,
        rule: is.rule,
        community: code,
        infeasible: is.infeasible ?? false
      });
    else if (is.rule === 'oversized-building' && is.ids)
      unmet.push({ building: is.ids[0], reason: is.message, rule: is.rule, community: code, infeasible: true });
  }
  // A bridge across a barrier breaks a rule where its two ends share a grid.
  for (const e of p.adjacency.bridges)
    if (e.reason === 'barrier' && plan.assign[e.a] === plan.assign[e.b])
      unmet.push({
        grid: codes[plan.assign[e.a]],
        reason: `grid crosses a barrier between buildings ${p.building[e.a]} and ${p.building[e.b]}: the part of the community cut off by it has fewer than ${p.min} households`,
        rule: 'barrier-bridged',
        community: code,
        infeasible: true
      });
}

/** The community's report; with `baselinesSeed`, the two baselines scored too. */
export function communityReport(
  c: CommunityDone,
  buildings: number,
  ms: number,
  baselinesSeed?: number
): CommunityReport {
  const { code, p, codes } = c;
  const { v, across, cellArea } = c.drawn;
  const issues: Issue[] = v.issues.map((is) =>
    is.grid === undefined ? is : { ...is, message: `${codes[is.grid]}: ${is.message}` }
  );
  const { grids: _g, ...rest } = v;
  void _g;
  return {
    community: code,
    buildings,
    gridCount: v.grids.length,
    ms: Math.round(ms * 10) / 10,
    ...(across
      ? {
          areaAcrossRoadsPct: r2(across.pctAll),
          areaInEmptyBlocksPct: r2(across.emptyPct),
          areaM2: Math.round(cellArea)
        }
      : {}),
    ...rest,
    issues,
    ...(baselinesSeed !== undefined
      ? { baselines: { bisection: score(bisectionPlan(p)), kmeans: score(kmeansPlan(p, baselinesSeed)) } }
      : {})
  };
}

function score(plan: Plan): BaselineScore {
  const v = validate(plan);
  return {
    grids: v.grids.length,
    pctInRange: v.pctInRange,
    meanPolsbyPopper: v.meanPolsbyPopper,
    contiguous: v.contiguous,
    splitCompounds: v.splitCompounds.length
  };
}
