/**
 * `window.__gridatlasCompareBench(runs)` for `npm run bench -- compare`, in an instrumented build
 * only (see $lib/instrumented): the measurements (bench-run.ts) load when the bench first calls it.
 */
import { expose, withdraw } from '$lib/instrumented';

export function installCompareBench(): () => void {
  if (!import.meta.env.GRIDATLAS_BENCH) return () => {};
  const hook = async (runs?: number) => (await import('./bench-run')).compareBench(runs);
  expose('__gridatlasCompareBench', hook);
  return () => withdraw('__gridatlasCompareBench', hook);
}
