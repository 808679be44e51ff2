/**
 * Web Worker that runs the grid engine off the main thread (a district takes seconds), called
 * through $lib/workers/call.ts with one of two requests:
 *   SplitCall, { type: 'partition', request }: progress { phase, fraction } while the engine runs
 *     (at most every 1 % or on a new phase), then the engine's result with its time; an engine
 *     that throws is reported as a result with a worker-layer error.
 *   StreetCall, { type: 'street', requests: [{ community, request }] } (a street, community by
 *     community): progress per community before and while it runs, and its result as a
 *     'community' progress message; the reply { type: 'done' } once all are done.
 * The page owns the worker and terminates it to cancel.
 */
import { partitionGeoJSON } from '../lib/geo/partition/geojson';
import type { PartitionRequest, Result } from '../lib/geo/partition/input';
import type { PartitionOutput } from '../lib/geo/partition/output';
import type { Phase, ProgressCallback } from '../lib/geo/partition/engine';
import { engineError, type EngineErrorText } from '../lib/geo/partition/errors';
import { serve, type Protocol } from '../lib/workers/call';

export type SplitRequest = { type: 'partition'; request: PartitionRequest };
export type SplitReply = Result<PartitionOutput> & { ms: number };
export type SplitProgress = { phase: Phase; fraction: number };
export type SplitCall = Protocol<SplitRequest, SplitReply, SplitProgress>;

export type StreetRequest = { type: 'street'; requests: { community: string; request: PartitionRequest }[] };
export type StreetProgress =
  | { type: 'progress'; i: number; n: number; community: string; phase: Phase; fraction: number }
  | ({ type: 'community'; community: string } & (
      | {
          ok: true;
          assignment: Record<string, string>;
          grids: number;
          outOfBand: number;
          householdsOutOfBand: number;
          ms: number;
        }
      | { ok: false; errors: EngineErrorText[] }
    ));
export type StreetCall = Protocol<StreetRequest, { type: 'done' }, StreetProgress>;

/** Thins the engine's progress to steps of 1 % or a change of phase (the engine reports far more often). */
function thinned(post: (phase: Phase, fraction: number) => void): ProgressCallback {
  let last = -1;
  let lastPhase: Phase | null = null;
  return (phase, fraction) => {
    if (phase === lastPhase && fraction < 1 && fraction - last < 0.01) return;
    last = fraction;
    lastPhase = phase;
    post(phase, fraction);
  };
}

function street(requests: StreetRequest['requests'], post: (p: StreetProgress) => void): { type: 'done' } {
  requests.forEach(({ community, request }, i) => {
    const progress = thinned((phase, fraction) =>
      post({ type: 'progress', i, n: requests.length, community, phase, fraction })
    );
    progress('growing', 0);
    const t0 = performance.now();
    try {
      const r = partitionGeoJSON(request, () => performance.now(), progress);
      if (!r.ok) return post({ type: 'community', community, ok: false, errors: r.errors });
      const out = r.value.grids.features.filter((f) => !f.properties.inRange);
      post({
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
      post({ type: 'community', community, ok: false, errors: [engineError((err as Error).message)] });
    }
  });
  return { type: 'done' };
}

function split(request: PartitionRequest, post: (p: SplitProgress) => void): SplitReply {
  const t0 = performance.now();
  try {
    const r = partitionGeoJSON(
      request,
      () => performance.now(),
      thinned((phase, fraction) => post({ phase, fraction }))
    );
    return { ...r, ms: Math.round(performance.now() - t0) };
  } catch (err) {
    return {
      ok: false,
      errors: [{ layer: 'worker', feature: -1, field: '', ...engineError((err as Error).message) }],
      ms: Math.round(performance.now() - t0)
    };
  }
}

serve<Protocol<SplitRequest | StreetRequest, SplitReply | { type: 'done' }, SplitProgress | StreetProgress>>(
  (m, post) => {
    if (m.type === 'street') return street(m.requests, post);
    if (m.type === 'partition') return split(m.request, post);
    throw new Error(`unknown message type ${String((m as { type: unknown }).type)}`);
  }
);
