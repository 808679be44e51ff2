/**
 * Web Worker that runs the grid engine off the main thread (a district takes seconds).
 * Message in:  { id, type: 'partition', request: PartitionRequest }
 * Message out: { id, ok: true, value: PartitionOutput, warnings, ms } | { id, ok: false, errors }
 *              | { id, ok: false, errors: [{ layer: 'worker', … message }] } when the engine throws.
 * Pure message passing; the page owns the worker and terminates it in its effect's cleanup.
 */
import { partitionGeoJSON, type PartitionRequest } from '../lib/geo/partition/geojson';

export type PartitionWorkerRequest = { id: number; type: 'partition'; request: PartitionRequest };

const ctx = self as unknown as { onmessage: ((e: MessageEvent<PartitionWorkerRequest>) => void) | null; postMessage(m: unknown): void };

ctx.onmessage = (e) => {
  const { id, type, request } = e.data;
  if (type !== 'partition') {
    ctx.postMessage({ id, ok: false, errors: [{ layer: 'worker', feature: -1, field: 'type', message: `unknown message type ${String(type)}` }] });
    return;
  }
  const t0 = performance.now();
  try {
    const r = partitionGeoJSON(request, () => performance.now());
    ctx.postMessage({ id, ...r, ms: Math.round(performance.now() - t0) });
  } catch (err) {
    ctx.postMessage({ id, ok: false, errors: [{ layer: 'worker', feature: -1, field: '', message: (err as Error).message }] });
  }
};
