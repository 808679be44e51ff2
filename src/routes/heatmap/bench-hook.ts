/**
 * `window.__gridatlasHeatmapBench(runs)` for `npm run bench -- heatmap`, in an instrumented build
 * only (see $lib/instrumented): the measurements (bench-run.ts) load when the bench first calls it.
 */
import { expose, withdraw } from '$lib/instrumented';

export function installBenchHook(): () => void {
  if (!import.meta.env.GRIDATLAS_BENCH) return () => {};
  const hook = async (runs?: number) => (await import('./bench-run')).run(runs);
  expose('__gridatlasHeatmapBench', hook);
  return () => withdraw('__gridatlasHeatmapBench', hook);
}
