/**
 * What a planner needs to know about a partition: per grid its households, buildings,
 * contiguity and compactness; for the community the share of grids in range, the mean
 * Polsby–Popper, split compounds and buildings; and every rule not met, with the reason.
 */
import { divisible } from './adjacency';
import { dissolve, type PlanarPolygon } from './cells';
import { polsbyPopper, polygonsShape } from './compactness';
import { pointInRing } from './planar';
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
  /** Pieces of the drawn polygon (1 = contiguous on the map). */
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

/**
 * One grid's report (O(its items)). Pieces, area, perimeter and Polsby–Popper are those of the
 * polygon drawn for it (`polygons`: `dissolve` of its cells, computed when not given), so what is
 * reported is what the map and the exported file show.
 */
export function gridReport(
  plan: Plan,
  g: number,
  polygons: readonly PlanarPolygon[] = dissolve(plan.p.cells, plan.members(g))
): GridReport {
  const p = plan.p;
  const members = plan.members(g);
  const buildings = new Set(members.map((i) => p.building[i]));
  const h = plan.hh[g];
  const shape = polygonsShape(polygons);
  return {
    grid: g,
    households: Math.round(h),
    items: members.length,
    buildings: buildings.size,
    inRange: h >= p.min && h <= p.max,
    // A grid whose cells are all empty (buildings outside the boundary) draws nothing: one piece by the graph.
    pieces: polygons.length || plan.pieces(g).length,
    polsbyPopper: round(polsbyPopper(shape.area, shape.perimeter)),
    areaM2: round(shape.area, 1),
    perimeterM: round(shape.perimeter, 1)
  };
}

/** True when a part of the community's outline holds no item. */
function emptyPart(plan: Plan): boolean {
  const p = plan.p;
  return p.boundary.some((ring) => {
    for (let i = 0; i < p.n; i++) if (pointInRing([p.x[i], p.y[i]], ring)) return false;
    return true;
  });
}

/** Validates from scratch; `polygons[g]`, when given, is grid g's drawn polygon (else dissolved here). */
export function validate(plan: Plan, polygons?: readonly (readonly PlanarPolygon[])[]): Validation {
  const reports: GridReport[] = [];
  for (let g = 0; g < plan.k; g++)
    if (plan.count[g] > 0) reports.push(polygons ? gridReport(plan, g, polygons[g]) : gridReport(plan, g));
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
  // Whether a part of the outline holds no item: asked once, not per grid in pieces (O(n) each).
  let noItems: boolean | undefined;
  for (const r of reports) {
    const g = r.grid;
    if (r.households < p.min) {
      const anyItem = plan.members(g)[0] ?? -1;
      const pieceTotal = compLoad.get(p.comp[anyItem]) ?? 0;
      const why =
        pieceTotal < p.min
          ? p.compCount > 1
            ? `the part of the community it lies in (cut off by a barrier or gap) has only ${Math.round(pieceTotal)} households`
            : `the whole community has only ${Math.round(pieceTotal)} households; merging with a neighbouring community's grid is a decision for the street office`
          : 'no contiguous arrangement within bounds was found; move buildings from a neighbouring grid';
      issues.push({
        rule: 'below-min',
        grid: g,
        message: `grid has ${r.households} households, fewer than ${p.min}: ${why}`,
        infeasible: pieceTotal < p.min
      });
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
    if (r.pieces > 1) {
      // Joined on purpose where a part of the community too small for a grid has no touching neighbour.
      const touch = (a: number, b: number) => {
        for (let e = p.cells.off[a]; e < p.cells.off[a + 1]; e++)
          if (p.cells.nbr[e] === b && p.cells.len[e] > 0) return true;
        return false;
      };
      const apart = p.adjacency.bridges.find(
        (e) => plan.assign[e.a] === g && plan.assign[e.b] === g && !touch(e.a, e.b)
      );
      // A part of the community's outline without buildings is covered by the cells of the nearest ones, elsewhere.
      const empty = !apart && (noItems ??= emptyPart(plan)) && plan.members(g).some((i) => p.cells.rings[i].length > 1);
      issues.push({
        rule: 'not-contiguous',
        grid: g,
        message: `grid falls into ${r.pieces} separate pieces on the map${
          apart
            ? `: buildings ${p.building[apart.a]} and ${p.building[apart.b]} lie in parts of the community that do not touch, and one part has too few households for a grid of its own`
            : empty
              ? ': a separate part of the community without buildings is drawn with the grid of the nearest buildings'
              : ''
        }`,
        infeasible: apart !== undefined || empty
      });
    }
  }
  const oversized = new Set<string>();
  for (let i = 0; i < p.n; i++) if (p.hh[i] > p.max && p.building[i] === p.ids[i]) oversized.add(p.ids[i]);
  for (const id of [...oversized].sort())
    issues.push({
      rule: 'oversized-building',
      ids: [id],
      message: `building ${id} has more households than a grid may hold (${p.max}) and no units to split by`,
      infeasible: true
    });

  const splitCompounds = p.groupNames.filter((_, gr) => plan.groupGrids[gr].size > 1).sort();
  const groupOf = new Map(p.groupNames.map((c, gr) => [c, gr]));
  for (const c of splitCompounds)
    issues.push({
      rule: 'compound-split',
      ids: [c],
      message: `compound ${c} is spread over ${plan.groupGrids[groupOf.get(c)!].size} grids`
    });
  const bGrids = new Map<string, Set<number>>();
  for (let i = 0; i < p.n; i++)
    if (p.building[i] !== p.ids[i])
      (bGrids.get(p.building[i]) ?? bGrids.set(p.building[i], new Set()).get(p.building[i])!).add(plan.assign[i]);
  const splitBuildings = [...bGrids]
    .filter(([, s]) => s.size > 1)
    .map(([b]) => b)
    .sort();
  for (const b of splitBuildings)
    issues.push({
      rule: 'building-split',
      ids: [b],
      message: `building ${b} is divided by unit (单元) between ${bGrids.get(b)!.size} grids`
    });
  for (const e of p.adjacency.bridges)
    issues.push({
      rule: 'barrier-bridged',
      ids: [p.building[e.a], p.building[e.b]],
      message: `buildings ${p.building[e.a]} and ${p.building[e.b]} were joined ${e.reason === 'barrier' ? 'across a barrier' : e.reason === 'apart' ? 'although their cells do not touch on the map' : `across a ${Math.round(e.length)} m gap`} because the piece on one side cannot form grids of ${p.min}–${p.max} households on its own`
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
