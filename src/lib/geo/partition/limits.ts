/**
 * What one community's partition can take (#13), checked before any work so that an input too big
 * fails at once with a message naming the community, never with an out-of-memory crash later.
 * Larger inputs are cut into communities first (by boundary polygons or the buildings'
 * `community` property).
 */
import { MAX_SEQ } from './codes';
import { emsg, type EngineMsg } from './errors';
import { gridsFor, type Bounds } from './problem';

/**
 * Most buildings in one community. The engine's memory grows linearly, about 12 KB a building
 * (60,000 buildings: 720 MB peak; scripts/bench/partition-scale.ts), so 200,000 stay within
 * Node's default heap of about 4 GB with room for the input file.
 */
export const MAX_COMMUNITY_ITEMS = 200_000;

/** Why a community cannot be partitioned as one, or null when it can. */
export function communityTooBig(code: string, buildings: number, households: number, b: Bounds): EngineMsg | null {
  if (buildings > MAX_COMMUNITY_ITEMS)
    return emsg('partition.err.tooManyBuildings', { code, n: buildings, limit: MAX_COMMUNITY_ITEMS });
  // The grids the engine would make (gridsFor), not the fewest possible: it aims at the target.
  const grids = gridsFor(households, b, buildings);
  if (grids > MAX_SEQ)
    return emsg('partition.err.tooManyGrids', {
      code,
      households: Math.round(households),
      grids,
      limit: MAX_SEQ,
      target: b.target
    });
  return null;
}
