/**
 * Two plans of one community compared building by building: which buildings changed grid
 * (from → to) and each grid's households and buildings before and after. Pure.
 */
import type { Assignment } from '$lib/plan/community-plan';

export interface MovedBuilding {
  building: string;
  /** Grid code in plan A ('' when the building was in no grid). */
  from: string;
  to: string;
  households: number;
}

export interface GridChange {
  code: string;
  householdsA: number;
  householdsB: number;
  buildingsA: number;
  buildingsB: number;
}

export interface PlanDiff {
  moved: MovedBuilding[];
  /** Every grid of either plan, in code order. */
  grids: GridChange[];
  /** Households in buildings that changed grid. */
  householdsMoved: number;
}

/** Differences from plan `a` to plan `b`; `households` per building id. */
export function diffPlans(a: Assignment, b: Assignment, households: Readonly<Record<string, number>>): PlanDiff {
  const ids = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const grids = new Map<string, GridChange>();
  const grid = (code: string) => {
    let g = grids.get(code);
    if (!g) grids.set(code, (g = { code, householdsA: 0, householdsB: 0, buildingsA: 0, buildingsB: 0 }));
    return g;
  };
  const moved: MovedBuilding[] = [];
  let householdsMoved = 0;
  for (const id of ids) {
    const hh = households[id] ?? 0;
    const from = a[id] ?? '';
    const to = b[id] ?? '';
    if (from) {
      grid(from).householdsA += hh;
      grid(from).buildingsA++;
    }
    if (to) {
      grid(to).householdsB += hh;
      grid(to).buildingsB++;
    }
    if (from !== to) {
      moved.push({ building: id, from, to, households: hh });
      householdsMoved += hh;
    }
  }
  return { moved, grids: [...grids.values()].sort((x, y) => (x.code < y.code ? -1 : 1)), householdsMoved };
}
