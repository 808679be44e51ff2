/** The three ways to partition a prepared community: the engine and its two baselines. */
import { bisectionPlan, kmeansPlan } from './baselines';
import { runEngine, type ProgressCallback } from './engine';
import type { Method } from './input';
import type { Plan } from './plan';
import type { Problem } from './problem';

/** The plan `method` gives (the engine hears `onProgress` and `effort`; the baselines neither). */
export function planFor(
  p: Problem,
  method: Method,
  seed: number,
  onProgress?: ProgressCallback,
  effort?: number
): Plan {
  if (method === 'bisection') return bisectionPlan(p);
  if (method === 'kmeans') return kmeansPlan(p, seed);
  return runEngine(p, { seed, onProgress, effort });
}
