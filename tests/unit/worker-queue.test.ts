/**
 * The work queue shared by the CLI's worker threads and the planner's Web Workers
 * (src/lib/workers/queue.ts): results by task whatever the number of runners, never more tasks
 * in flight than runners, the first failure ends the queue, the largest tasks first.
 */
import { describe, expect, it } from 'vitest';
import { largestFirst, poolSize, runQueue } from '../../src/lib/workers/queue';

/** A task that takes `ms` of (timer) time and reports how many were in flight with it. */
function timed(durations: readonly number[]) {
  let inFlight = 0;
  let most = 0;
  const started: number[] = [];
  const run = async (task: number, slot: number) => {
    started.push(task);
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, durations[task]));
    inFlight--;
    return { task, slot, square: task * task };
  };
  return { run, most: () => most, started };
}

describe('runQueue', () => {
  const durations = [30, 5, 20, 1, 12, 8, 3, 25, 2, 9];
  it.each([1, 2, 3, 16])('%i runners: every result in its task’s place, at most that many in flight', async (slots) => {
    const t = timed(durations);
    const out = await runQueue(largestFirst(durations), slots, t.run);
    expect(out.map((r) => r.square)).toEqual(durations.map((_, k) => k * k));
    expect(t.most()).toBe(Math.min(slots, durations.length));
    expect(new Set(out.map((r) => r.slot)).size).toBe(Math.min(slots, durations.length));
    // The longest task starts first.
    expect(t.started[0]).toBe(0);
  });

  it('stops taking tasks after the first failure and rejects with it', async () => {
    const started: number[] = [];
    const err = new Error('community 2 failed');
    await expect(
      runQueue([0, 1, 2, 3, 4, 5], 1, async (task) => {
        started.push(task);
        if (task === 2) throw err;
        return task;
      })
    ).rejects.toBe(err);
    expect(started).toEqual([0, 1, 2]);
  });

  it('an empty queue resolves at once', async () => {
    expect(await runQueue([], 4, async () => 1)).toEqual([]);
  });
});

describe('largestFirst and poolSize', () => {
  it('orders by size, ties by index', () => {
    expect(largestFirst([5, 9, 5, 1, 9])).toEqual([1, 4, 0, 2, 3]);
  });
  it('never more runners than tasks or the cap, at least one', () => {
    expect(poolSize(4, 16, 4)).toBe(4);
    expect(poolSize(3, 16, 4)).toBe(3);
    expect(poolSize(100, 2)).toBe(2);
    expect(poolSize(0, 8)).toBe(1);
    expect(poolSize(5, 0)).toBe(1);
  });
});
