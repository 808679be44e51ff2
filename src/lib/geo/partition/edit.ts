/**
 * Interactive editing of a partition: move buildings, split a grid, merge two grids, re-run the
 * engine on a selection of grids. Each edit revalidates only the grids it touched (their reports
 * are cached), so one move costs well under a frame; `validation()` equals a full `validate()`
 * of the same assignment. Edits never refuse: a planner may break a rule, and the report says so.
 */
import { improve, recombinePair } from './engine';
import { Plan } from './plan';
import { mulberry32 } from '../random';
import { gridReport, summarise, type GridReport, type Validation } from './validate';

export class GridEditor {
  readonly plan: Plan;
  private reports = new Map<number, GridReport>();
  private cached: Validation | null = null;
  private readonly itemsOf = new Map<string, number[]>();

  constructor(plan: Plan) {
    this.plan = plan.clone();
    const p = this.plan.p;
    for (let i = 0; i < p.n; i++)
      (this.itemsOf.get(p.building[i]) ?? this.itemsOf.set(p.building[i], []).get(p.building[i])!).push(i);
    for (let g = 0; g < this.plan.k; g++) if (this.plan.count[g] > 0) this.reports.set(g, gridReport(this.plan, g));
  }

  /** The grid (slot) of a building (of its first unit for a split building). */
  gridOf(building: string): number | undefined {
    const its = this.itemsOf.get(building);
    return its ? this.plan.assign[its[0]] : undefined;
  }

  private touched(grids: Iterable<number>): Validation {
    for (const g of new Set(grids)) {
      if (g < this.plan.k && this.plan.count[g] > 0) this.reports.set(g, gridReport(this.plan, g));
      else this.reports.delete(g);
    }
    this.cached = null;
    return this.validation();
  }

  validation(): Validation {
    if (!this.cached)
      this.cached = summarise(
        this.plan,
        [...this.reports.values()].sort((a, b) => a.grid - b.grid)
      );
    return this.cached;
  }

  /** Moves buildings (all their units) to grid `to` (a new slot when `to` equals the grid count). */
  move(buildings: readonly string[], to: number): Validation {
    if (!(to >= 0 && to <= this.plan.k)) throw new Error(`no grid ${to}`);
    if (to === this.plan.k) this.plan.addGrid();
    const touched = new Set([to]);
    for (const b of buildings) {
      const its = this.itemsOf.get(b);
      if (!its) throw new Error(`unknown building ${b}`);
      for (const i of its) {
        touched.add(this.plan.assign[i]);
        this.plan.move(i, to);
      }
    }
    return this.touched(touched);
  }

  /** Splits grid g in two along the best contiguous cut; the new part takes a new slot. */
  split(g: number): { validation: Validation; grid: number } {
    const b = this.plan.addGrid();
    if (!recombinePair(this.plan, g, b, undefined, true)) {
      this.plan.hh.pop();
      this.plan.count.pop();
      this.plan.area.pop();
      this.plan.perim.pop();
      throw new Error(`grid ${g} cannot be split (fewer than two items or no contiguous cut)`);
    }
    return { validation: this.touched([g, b]), grid: b };
  }

  /** Merges grid b into grid a (b's slot is left empty). */
  merge(a: number, b: number): Validation {
    for (const i of this.plan.members(b)) this.plan.move(i, a);
    return this.touched([a, b]);
  }

  /** Re-runs local search and recombination on the selected grids only (others stay as they are). */
  rerun(grids: readonly number[], seed = 1): Validation {
    const only = new Set(grids);
    const before = this.plan.assign.slice();
    improve(this.plan, mulberry32(seed), 6, only);
    const changed = new Set<number>(grids);
    for (let i = 0; i < before.length; i++)
      if (before[i] !== this.plan.assign[i]) changed.add(before[i]).add(this.plan.assign[i]);
    return this.touched(changed);
  }
}
