/**
 * A user's journey through one page as a sequence of tests that each stand alone. A step names the
 * steps whose state it starts from (`after`); before its body runs, each of those that has not yet
 * passed in this page runs first (its own prerequisites before it). In order, nothing is replayed;
 * a step run alone (`vitest -t '…'`) builds the state it needs instead of finding it left over.
 * A prerequisite that failed is not retried: the steps needing it fail at once, naming it.
 */
import assert from 'node:assert/strict';
import { it } from 'vitest';

type Body = () => Promise<void>;

export function journey() {
  const steps = new Map<string, { after: readonly string[]; body: Body }>();
  // Each step's run, started once: a step whose test timed out may still be running, and the next
  // step waits for that run instead of starting the body again on the same page; a failed run stays
  // failed, so the steps needing it fail at once.
  const runs = new Map<string, Promise<void>>();

  function reach(id: string): Promise<void> {
    let run = runs.get(id);
    if (!run) {
      const s = steps.get(id)!;
      run = (async () => {
        for (const a of s.after)
          await reach(a).catch((e: unknown) => {
            throw new Error(`needs step "${a}", which failed`, { cause: e });
          });
        await s.body();
      })();
      runs.set(id, run);
    }
    return run;
  }

  /** Declares step `id` and its test `title`; `after` lists the steps it starts from. */
  return function step(id: string, title: string, after: readonly string[], body: Body, timeout?: number): void {
    assert(!steps.has(id), `step "${id}" declared twice`);
    for (const a of after) assert(steps.has(a), `step "${id}" needs "${a}", declared later or not at all`);
    steps.set(id, { after, body });
    it(title, () => reach(id), timeout);
  };
}
