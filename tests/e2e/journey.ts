/**
 * A user's journey through one page as a sequence of tests that each stand alone. A step names the
 * steps whose state it starts from (`after`); before its body runs, each of those that has not yet
 * passed in this page runs first (its own prerequisites before it). In order, nothing is replayed;
 * a step run alone (`vitest -t '…'`) builds the state it needs instead of finding it left over.
 * A prerequisite that failed is not retried: the steps needing it fail at once, naming it.
 */
import { it } from 'vitest';

type Body = () => Promise<void>;

export function journey() {
  const steps = new Map<string, { after: readonly string[]; body: Body }>();
  // Each step's run, started once: a step whose test timed out may still be running, and the next
  // step waits for that run instead of starting the body again on the same page.
  const runs = new Map<string, Promise<void>>();
  const failed = new Set<string>();

  function reach(id: string): Promise<void> {
    if (failed.has(id)) return Promise.reject(new Error(`needs step "${id}", which failed`));
    let run = runs.get(id);
    if (!run) {
      const s = steps.get(id);
      if (!s) return Promise.reject(new Error(`no step "${id}" (steps are declared before the ones that need them)`));
      run = (async () => {
        for (const a of s.after)
          await reach(a).catch((e: unknown) => {
            throw new Error(`needs step "${a}", which failed`, { cause: e });
          });
        await s.body();
      })();
      run.catch(() => failed.add(id));
      runs.set(id, run);
    }
    return run;
  }

  /** Declares step `id` and its test `title`; `after` lists the steps it starts from. */
  return function step(id: string, title: string, after: readonly string[], body: Body, timeout?: number): void {
    if (steps.has(id)) throw new Error(`step "${id}" declared twice`);
    for (const a of after)
      if (!steps.has(a)) throw new Error(`step "${id}" needs "${a}", declared later or not at all`);
    steps.set(id, { after, body });
    it(title, () => reach(id), timeout);
  };
}
