/**
 * The heatmap bench's phases: the in-page run (bench-run.ts) logs a line as each begins, and the
 * bench's memory watcher (scripts/bench/proc-memory.ts) files the renderer's peak under it, so the
 * report says where in the run memory peaked. Kept apart so the Node side imports no page code.
 */
export const PHASE_LOG = 'gridatlas-bench-phase';

export function benchPhase(name: string): void {
  console.info(`${PHASE_LOG} ${name}`);
}
