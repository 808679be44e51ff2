/**
 * Web Worker that runs the grid engine off the main thread (a district takes seconds).
 * Messages in:
 *   { id, type: 'partition', request: PartitionRequest }
 *     → { id, ok: true, value: PartitionOutput, warnings, ms } | { id, ok: false, errors }
 *       | { id, ok: false, errors: [{ layer: 'worker', … message }] } when the engine throws.
 *   { id, type: 'street', requests: [{ community, request }] } (a street, community by community)
 *     → per community { id, type: 'progress', i, n, community } before it, then
 *       { id, type: 'community', community, ok: true, assignment, grids, outOfBand, householdsOutOfBand, ms }
 *       | { id, type: 'community', community, ok: false, errors }; finally { id, type: 'done' }.
 * Pure message passing; the page owns the worker and terminates it to cancel.
 */
import { partitionGeoJSON, type PartitionRequest } from '../lib/geo/partition/geojson';

export type PartitionWorkerRequest =
  | { id: number; type: 'partition'; request: PartitionRequest }
  | { id: number; type: 'street'; requests: { community: string; request: PartitionRequest }[] };

const ctx = self as unknown as { onmessage: ((e: MessageEvent<PartitionWorkerRequest>) => void) | null; postMessage(m: unknown): void };

function street(id: number, requests: { community: string; request: PartitionRequest }[]) {
  requests.forEach(({ community, request }, i) => {
    ctx.postMessage({ id, type: 'progress', i, n: requests.length, community });
    const t0 = performance.now();
    try {
      const r = partitionGeoJSON(request, () => performance.now());
      if (!r.ok) return ctx.postMessage({ id, type: 'community', community, ok: false, errors: r.errors });
      const out = r.value.grids.features.filter((f) => !f.properties.inRange);
      ctx.postMessage({
        id,
        type: 'community',
        community,
        ok: true,
        // The plan keeps one grid per building (a building divided by unit goes with most of its households).
        assignment: Object.fromEntries(r.value.buildings.map((b) => [b.id, b.grid])),
        grids: r.value.grids.features.length,
        outOfBand: out.length,
        householdsOutOfBand: out.reduce((s, f) => s + f.properties.households, 0),
        ms: Math.round(performance.now() - t0)
      });
    } catch (err) {
      ctx.postMessage({ id, type: 'community', community, ok: false, errors: [{ message: (err as Error).message }] });
    }
  });
  ctx.postMessage({ id, type: 'done' });
}

ctx.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'street') return street(m.id, m.requests);
  if (m.type !== 'partition') {
    const bad = m as { id: number; type: unknown };
    ctx.postMessage({ id: bad.id, ok: false, errors: [{ layer: 'worker', feature: -1, field: 'type', message: `unknown message type ${String(bad.type)}` }] });
    return;
  }
  const t0 = performance.now();
  try {
    const r = partitionGeoJSON(m.request, () => performance.now());
    ctx.postMessage({ id: m.id, ...r, ms: Math.round(performance.now() - t0) });
  } catch (err) {
    ctx.postMessage({ id: m.id, ok: false, errors: [{ layer: 'worker', feature: -1, field: '', message: (err as Error).message }] });
  }
};
