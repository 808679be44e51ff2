/**
 * Web Worker that runs the grid engine off the main thread (a district takes seconds).
 * Messages in:
 *   { id, type: 'partition', request: PartitionRequest }
 *     → { id, type: 'progress', phase, fraction } while the engine runs (at most every 1 % or on a
 *       new phase), then { id, ok: true, value: PartitionOutput, warnings, ms } | { id, ok: false, errors }
 *       | { id, ok: false, errors: [{ layer: 'worker', … message }] } when the engine throws.
 *   { id, type: 'street', requests: [{ community, request }] } (a street, community by community)
 *     → per community { id, type: 'progress', i, n, community, phase, fraction } before and while it runs, then
 *       { id, type: 'community', community, ok: true, assignment, grids, outOfBand, householdsOutOfBand, ms }
 *       | { id, type: 'community', community, ok: false, errors }; finally { id, type: 'done' }.
 * Pure message passing; the page owns the worker and terminates it to cancel.
 */
import { partitionGeoJSON, type PartitionRequest } from '../lib/geo/partition/geojson';
import type { Phase, ProgressCallback } from '../lib/geo/partition/engine';
import { engineError } from '../lib/geo/partition/errors';

export type PartitionWorkerRequest =
  | { id: number; type: 'partition'; request: PartitionRequest }
  | { id: number; type: 'street'; requests: { community: string; request: PartitionRequest }[] };

const ctx = self as unknown as { onmessage: ((e: MessageEvent<PartitionWorkerRequest>) => void) | null; postMessage(m: unknown): void };

/** Posts the engine's progress, thinned to steps of 1 % or a change of phase (the engine reports far more often). */
function poster(extra: Record<string, unknown>): ProgressCallback {
  let last = -1;
  let lastPhase: Phase | null = null;
  return (phase, fraction) => {
    if (phase === lastPhase && fraction < 1 && fraction - last < 0.01) return;
    last = fraction;
    lastPhase = phase;
    ctx.postMessage({ ...extra, type: 'progress', phase, fraction });
  };
}

function street(id: number, requests: { community: string; request: PartitionRequest }[]) {
  requests.forEach(({ community, request }, i) => {
    const progress = poster({ id, i, n: requests.length, community });
    progress('growing', 0);
    const t0 = performance.now();
    try {
      const r = partitionGeoJSON(request, () => performance.now(), progress);
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
      ctx.postMessage({ id, type: 'community', community, ok: false, errors: [engineError((err as Error).message)] });
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
    const r = partitionGeoJSON(m.request, () => performance.now(), poster({ id: m.id }));
    ctx.postMessage({ id: m.id, ...r, ms: Math.round(performance.now() - t0) });
  } catch (err) {
    ctx.postMessage({ id: m.id, ok: false, errors: [{ layer: 'worker', feature: -1, field: '', ...engineError((err as Error).message) }] });
  }
};
