/**
 * One community's plan, with locked grids kept exactly: the buildings of a locked grid are held
 * back with their code and the engine partitions the others (see `withLocked`).
 */
import { dissolve } from './cells';
import { seqOf } from './codes';
import { improve, progressSpan, repairContiguity, repairDrawn, type ProgressCallback } from './engine';
import { mulberry32 } from '../random';
import { Plan } from './plan';
import type { Ring, XY } from './planar';
import { prepare, type EngineItem, type Problem } from './problem';
import { barriersNear } from './barriers';
import type { Bounds, Method, ParsedBuilding } from './input';
import { planFor } from './methods';
import type { Projection } from './projection';
import { itemsOf } from './units';

/** A community's buildings: those of its locked grids (held: they keep their code) and the others (members). */
export function heldBack(
  buildings: readonly ParsedBuilding[],
  locked: ReadonlySet<string>,
  code: string
): { held: ParsedBuilding[]; members: ParsedBuilding[] } {
  const held: ParsedBuilding[] = [];
  const members: ParsedBuilding[] = [];
  for (const b of buildings)
    (b.previousGrid && locked.has(b.previousGrid) && seqOf(b.previousGrid, code) !== null ? held : members).push(b);
  return { held, members };
}

/** What one community is partitioned with. */
export interface CommunityJob {
  code: string;
  held: readonly ParsedBuilding[];
  members: readonly ParsedBuilding[];
  /** The community polygon's rings (planar), if any. */
  boundary: Ring[] | undefined;
  /** Every barrier line of the input (planar): those near the community are taken. */
  barriers: readonly (readonly XY[])[];
  cuts: XY[][] | undefined;
  proj: Projection;
  bounds: Bounds;
  method: Method;
  seed: number;
  effort?: number;
  followStreets?: boolean;
}

/** The community's problem and plan (locked grids as its last slots, their sequence numbers in `lockedSeq`). */
export function partitionCommunity(
  job: CommunityJob,
  progress?: ProgressCallback
): { p: Problem; plan: Plan; lockedSeq: number[] } {
  const { code, held, members, boundary, barriers, cuts, proj, bounds, method, seed } = job;
  const items = members.flatMap((b) => itemsOf(b, proj, bounds.max));
  const heldItems = held.flatMap((b) => itemsOf(b, proj, bounds.max));
  if (held.length)
    return withLocked(
      heldItems,
      held,
      items,
      code,
      boundary,
      barriersNear(barriers, [...heldItems, ...items]),
      bounds,
      method,
      seed,
      progress,
      cuts,
      job.followStreets
    );
  const p = prepare({
    items,
    boundary,
    barriers: barriersNear(barriers, items),
    cuts,
    followStreets: job.followStreets,
    ...bounds
  });
  return { p, plan: planFor(p, method, seed, progress, job.effort), lockedSeq: [] };
}

/**
 * A community with locked grids. The engine first partitions the unlocked buildings alone, with
 * the locked grids' area (their Voronoi cells among all buildings) as barriers so that no grid
 * reaches across it; the result is then put into the whole community's problem (locked grids as
 * the last slots) where pieces that are contiguous only without the locked buildings are handed
 * to a neighbouring unlocked grid and local search and recombination run on the unlocked grids
 * only. Locked items never move.
 */
function withLocked(
  heldItems: EngineItem[],
  held: readonly ParsedBuilding[],
  items: EngineItem[],
  code: string,
  boundary: Ring[] | undefined,
  barriers: XY[][],
  bounds: { min: number; max: number; target: number },
  method: Method,
  seed: number,
  progress?: ProgressCallback,
  cuts?: XY[][],
  followStreets?: boolean
): { p: Problem; plan: Plan; lockedSeq: number[] } {
  const all = prepare({ items: [...items, ...heldItems], boundary, barriers, cuts, followStreets, ...bounds });
  // prepare() orders items by id: match them by id, not by position.
  const heldIds = new Set(heldItems.map((it) => it.id));
  const heldIdx = [...Array(all.n).keys()].filter((i) => heldIds.has(all.ids[i]));
  const lockedSeq = [...new Set(held.map((b) => seqOf(b.previousGrid!, code)!))].sort((a, b) => a - b);
  const slotOfSeq = new Map(lockedSeq.map((s, j) => [s, j]));
  const seqOfBuilding = new Map(held.map((b) => [b.id, seqOf(b.previousGrid!, code)!]));
  let k = 0;
  const assign = new Int32Array(all.n);
  if (items.length) {
    const outline = dissolve(all.cells, heldIdx).flatMap((poly) => poly.map((ring) => [...ring, ring[0]]));
    const rest = planFor(
      prepare({ items, boundary, barriers: [...barriers, ...outline], cuts, followStreets, ...bounds }),
      method,
      seed,
      progressSpan(progress, 0, 0.9)
    );
    k = rest.k;
    const slot = new Map(rest.p.ids.map((id, i) => [id, rest.assign[i]]));
    for (let i = 0; i < all.n; i++) if (!heldIds.has(all.ids[i])) assign[i] = slot.get(all.ids[i])!;
  }
  for (const i of heldIdx) assign[i] = k + slotOfSeq.get(seqOfBuilding.get(all.building[i])!)!;
  const plan = new Plan(all, assign);
  if (method === 'engine' && k > 0) {
    const only = new Set([...Array(k).keys()]);
    repairContiguity(plan, only);
    improve(plan, mulberry32(seed), 6, only, progressSpan(progress, 0.9, 1));
    repairDrawn(plan, only);
  }
  return { p: all, plan, lockedSeq };
}
