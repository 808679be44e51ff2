/**
 * A worker thread of the CLI's partition pool: runs one unit of work (split-input.ts) per
 * message, posting the engine's fraction done (at most every 2 %) and then the unit's result
 * (or the errors refusing it).
 */
import { parentPort } from 'node:worker_threads';
import { partitionUnit, type WorkUnit } from '../../src/lib/geo/partition/split-input';

const port = parentPort!;
port.on('message', (unit: WorkUnit) => {
  let last = 0;
  try {
    const r = partitionUnit(unit, () => performance.now(), (_, f) => {
      if (f - last < 0.02) return;
      last = f;
      port.postMessage({ fraction: f });
    });
    port.postMessage(r.ok ? { result: r.value } : { refused: r.errors });
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
