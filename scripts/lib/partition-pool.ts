/**
 * Runs units of work (src/lib/geo/partition/split-input.ts) on a pool of worker threads, the
 * largest first, or in this thread when `workers` is 1 (yielding between units, so that Ctrl-C
 * is heard). A unit the engine refuses ends the run with `UnitRefused` (the largest go first, so
 * a community too big for one partition is refused before the others are done). Results come back in the units' order whatever the pool's size: the same seed gives
 * the same grids with 1 or N workers. `cancel()` terminates every thread; the run then rejects
 * with `Cancelled`.
 */
import { Worker } from 'node:worker_threads';
import { partitionUnit, type WorkUnit } from '../../src/lib/geo/partition/split-input';
import type { InputError } from '../../src/lib/geo/partition/input';
import type { PartitionOutput } from '../../src/lib/geo/partition/output';
import { largestFirst, runQueue } from '../../src/lib/workers/queue';

export class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/** A unit the engine refused as a whole (e.g. a community with more grids than its codes can number). */
export class UnitRefused extends Error {
  constructor(
    readonly community: string,
    readonly errors: InputError[]
  ) {
    super(`community ${community}: ${errors.map((e) => e.message).join('; ')}`);
  }
}

export interface PoolRun {
  /** The units' outputs, in the units' order. */
  done: Promise<PartitionOutput[]>;
  cancel(): void;
}

/** `onProgress(done, total)`: units finished plus the fractions of those running. */
export function runPool(
  units: readonly WorkUnit[],
  workers: number,
  onProgress?: (done: number, total: number) => void
): PoolRun {
  const slots = Math.max(1, Math.min(workers, units.length));
  const fraction = new Float64Array(units.length);
  let finished = 0;
  const report = () => onProgress?.(finished + fraction.reduce((s, f) => s + f, 0), units.length);
  let cancelled = false;
  const threads: Worker[] = [];
  const waiting = new Set<(e: Error) => void>();

  const inThread = (task: number): Promise<PartitionOutput> =>
    new Promise((resolve, reject) => {
      // Between units: lets a signal handler run before the next unit starts.
      setImmediate(() => {
        if (cancelled) return reject(new Cancelled());
        const u = units[task];
        let last = 0;
        try {
          const r = partitionUnit(
            u,
            () => performance.now(),
            (_, f) => {
              if (f - last < 0.02) return;
              last = f;
              fraction[task] = f;
              report();
            }
          );
          if (r.ok) resolve(r.value);
          else reject(new UnitRefused(u.community, r.errors));
        } catch (e) {
          reject(e);
        }
      });
    });

  const onThread = (task: number, slot: number): Promise<PartitionOutput> =>
    new Promise((resolve, reject) => {
      if (cancelled) return reject(new Cancelled());
      // Plain node without tsx: the .mjs entry registers it (see partition-thread.mjs).
      threads[slot] ??= new Worker(new URL('./partition-thread.mjs', import.meta.url), { execArgv: [] });
      const w = threads[slot];
      const end = (e: Error) => {
        waiting.delete(end);
        w.off('message', onMessage);
        w.off('error', end);
        reject(e);
      };
      const onMessage = (m: { fraction?: number; result?: string; refused?: InputError[]; error?: string }) => {
        if (m.fraction !== undefined) {
          fraction[task] = m.fraction;
          report();
          return;
        }
        waiting.delete(end);
        w.off('message', onMessage);
        w.off('error', end);
        if (m.error !== undefined) reject(new Error(m.error));
        else if (m.refused) reject(new UnitRefused(units[task].community, m.refused));
        else resolve(JSON.parse(m.result!) as PartitionOutput);
      };
      waiting.add(end);
      w.on('message', onMessage);
      w.on('error', end);
      // As JSON text (see partition-thread.ts): 300,000 buildings clone in 10 s of main-thread CPU, stringify in 1 s.
      w.postMessage(JSON.stringify(units[task]));
    });

  const run = slots === 1 ? inThread : onThread;
  const done = runQueue(largestFirst(units.map((u) => u.buildings)), slots, async (task, slot) => {
    const out = await run(task, slot);
    fraction[task] = 0;
    finished++;
    report();
    return out;
  }).finally(() => {
    for (const t of threads) void t?.terminate();
  });
  return {
    done,
    cancel() {
      cancelled = true;
      for (const end of [...waiting]) end(new Cancelled());
      for (const t of threads) void t?.terminate();
    }
  };
}
