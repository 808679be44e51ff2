/**
 * A work queue over a fixed number of runners (worker threads in the CLI, Web Workers in the
 * planner): each runner takes the next task as soon as it is free. Results come back by task, so
 * they do not depend on how many runners there are or which finished first.
 */
export async function runQueue<R>(
  order: readonly number[],
  slots: number,
  run: (task: number, slot: number) => Promise<R>
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  let failed = false;
  const runner = async (slot: number) => {
    while (!failed && next < order.length) {
      const task = order[next++];
      try {
        results[task] = await run(task, slot);
      } catch (e) {
        // The first failure ends the queue: no runner takes another task.
        failed = true;
        throw e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(slots, order.length)) }, (_, s) => runner(s)));
  return results;
}

/** Tasks by decreasing size (the longest first keeps all runners busy to the end), ties by index. */
export function largestFirst(sizes: readonly number[]): number[] {
  return [...sizes.keys()].sort((a, b) => sizes[b] - sizes[a] || a - b);
}

/** Runners for `tasks` tasks on `cores` cores, at most `cap`: never more than the tasks, at least 1. */
export function poolSize(tasks: number, cores: number, cap = Infinity): number {
  return Math.max(1, Math.min(cap, cores || 1, tasks));
}
