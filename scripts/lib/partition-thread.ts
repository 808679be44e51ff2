/**
 * A worker thread of the CLI's partition pool: runs one unit of work (split-input.ts) per
 * message, posting the engine's fraction done (at most every 2 %) and then the unit's result
 * (or the errors refusing it). Units and results travel as JSON text: for deep GeoJSON it is several
 * times cheaper than the structured clone, and the main thread (serial) does the least of it.
 */
import { parentPort } from 'node:worker_threads';
import { partitionUnit, type WorkUnit } from '../../src/lib/geo/partition/split-input';

const port = parentPort!;
port.on('message', (json: string) => {
  const unit = JSON.parse(json) as WorkUnit;
  let last = 0;
  try {
    const r = partitionUnit(
      unit,
      () => performance.now(),
      (_, f) => {
        if (f - last < 0.02) return;
        last = f;
        port.postMessage({ fraction: f });
      }
    );
    port.postMessage(r.ok ? { result: JSON.stringify(r.value) } : { refused: r.errors });
  } catch (e) {
    port.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
