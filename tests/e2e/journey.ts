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
  const passed = new Set<string>();
  const failed = new Set<string>();

  async function reach(id: string): Promise<void> {
    if (passed.has(id)) return;
    if (failed.has(id)) throw new Error(`needs step "${id}", which failed`);
    const s = steps.get(id);
    if (!s) throw new Error(`no step "${id}" (steps are declared before the ones that need them)`);
    for (const a of s.after) await reach(a);
    try {
      await s.body();
    } catch (e) {
      failed.add(id);
      throw e;
    }
    passed.add(id);
  }

  /** Declares step `id` and its test `title`; `after` lists the steps it starts from. */
  return function step(id: string, title: string, after: readonly string[], body: Body, timeout?: number): void {
    if (steps.has(id)) throw new Error(`step "${id}" declared twice`);
    for (const a of after) if (!steps.has(a)) throw new Error(`step "${id}" needs "${a}", declared later or not at all`);
    steps.set(id, { after, body });
    it(title, () => reach(id), timeout);
  };
}
