/**
 * `window.__gridatlasHeatmapBench(runs)` for `npm run bench -- heatmap`, and
 * `window.__gridatlasHeatmapGpu` for the browser tests (the GPU filter's attribute builds and, once
 * counting is on, the incidents it keeps; the GPU path chosen where WebGL is software), in an instrumented build only (see $lib/instrumented):
 * the measurements (bench-run.ts) load when the bench first calls it.
 */
import { expose, withdraw } from '$lib/instrumented';
import { gpuFilterStats, setGpuCount } from '$lib/map/heatmap-layers';
import { incidents } from '$lib/state/incidents.svelte';

export function installBenchHook(): () => void {
  if (!import.meta.env.GRIDATLAS_BENCH) return () => {};
  const hook = async (runs?: number) => (await import('./bench-run')).run(runs);
  const gpu = {
    stats: () => ({ ...gpuFilterStats }),
    /** Turns the GPU count of kept incidents on or off (one extra pass per filter change while on). */
    count: (on: boolean) => setGpuCount(on),
    /** Filters hexagon and grid on the GPU even where WebGL is software (the page's choice there is the CPU). */
    prefer: (on: boolean) => (incidents.gpuFilter = on)
  };
  expose('__gridatlasHeatmapBench', hook);
  expose('__gridatlasHeatmapGpu', gpu);
  return () => {
    withdraw('__gridatlasHeatmapBench', hook);
    withdraw('__gridatlasHeatmapGpu', gpu);
  };
}
