/**
 * The planner's two partition-worker jobs, each with its state for the panel (runes): the
 * automatic split of the open community, and "split all communities of this street". A job owns
 * its worker (one typed call, $lib/workers/call.ts) and terminates it to cancel; what a result
 * does to the plan and the autosave is the caller's (PlanState), given as callbacks.
 */
import type { PartitionRequest } from '$lib/geo/partition/geojson';
import type { Phase } from '$lib/geo/partition/engine';
import { emsg, engineError, type EngineErrorText } from '$lib/geo/partition/errors';
import { loadPlan, savePlan, type SaveResult, type SavedPlan } from '$lib/data/plan-store';
import type { DistrictCode } from '$lib/data/schema';
import { communityData, partitionRequest, type Assignment, type DistrictLayers } from '$lib/plan/community-plan';
import { workerClient } from '$lib/workers/call';
import type { SplitCall, StreetCall } from '../../workers/partition.worker';

export interface RunState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  startedAt: number;
  /** While running: what the engine is doing and the fraction done (0–1). */
  phase?: Phase;
  fraction?: number;
  ms?: number;
  /** 'min/max' for bounds the panel refuses; else the engine's errors are in `errors`. */
  error?: 'min/max' | 'engine';
  errors?: EngineErrorText[];
}

/** One community's result in a street-wide run. */
export interface StreetResult {
  community: string;
  name: string;
  grids: number;
  /** Grids outside [min, max] and the households in them. */
  outOfBand: number;
  householdsOutOfBand: number;
  /** Why the engine failed on this community (render with renderEngineErrors). */
  errors?: EngineErrorText[];
}

export interface StreetRun {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  street: string;
  /** Communities finished, of n; `community` is the one in the worker now. */
  i: number;
  n: number;
  community?: string;
  /** The engine's phase and fraction done in that community. */
  phase?: Phase;
  fraction?: number;
  results: StreetResult[];
  /** As RunState's. */
  error?: 'min/max' | 'engine';
  errors?: EngineErrorText[];
}

const partitionWorker = () => new Worker(new URL('../../workers/partition.worker.ts', import.meta.url), { type: 'module' });

/** The automatic split of one community in the partition worker. */
export class SplitJob {
  state = $state.raw<RunState>({ status: 'idle', startedAt: 0 });
  private worker = workerClient<SplitCall>(partitionWorker);

  get running(): boolean {
    return this.state.status === 'running';
  }

  /** Bounds the panel refuses: nothing runs. */
  refuse() {
    this.state = { status: 'error', startedAt: performance.now(), error: 'min/max' };
  }

  /**
   * Runs the engine on `request`. The result goes to `apply` while `current()` says the plan it was
   * asked for is still open; the run's time includes applying it, not `applied` (the map's redraw
   * and the autosave), which follows.
   */
  start(request: PartitionRequest, on: { current(): boolean; apply(a: Assignment): void; applied(): void }) {
    const startedAt = performance.now();
    this.state = { status: 'running', startedAt };
    const onProgress = ({ phase, fraction }: { phase: Phase; fraction: number }) => (this.state = { status: 'running', startedAt, phase, fraction });
    void this.worker.call({ type: 'partition', request }, { onProgress }).then((r) => {
      // Cancelled: `cancel` said so already.
      if (!r.ok && r.reason === 'cancelled') return;
      // A worker per run: the engine's memory goes with it.
      this.worker.terminate();
      if (!r.ok) {
        this.state = { status: 'error', startedAt, error: 'engine', errors: [engineError(r.message)] };
        return;
      }
      if (!on.current()) return;
      const rep = r.reply;
      if (!rep.ok) {
        this.state = { status: 'error', startedAt, error: 'engine', errors: rep.errors };
        return;
      }
      on.apply(Object.fromEntries(rep.value.buildings.map((b) => [b.id, b.grid])));
      this.state = { status: 'done', startedAt, ms: Math.round(performance.now() - startedAt) };
      on.applied();
    });
  }

  /** Cancels a running split: the worker is terminated, the plan is left as it was. */
  cancel() {
    if (!this.worker.pending) return;
    this.worker.terminate();
    this.state = { status: 'cancelled', startedAt: this.state.startedAt };
  }
}

export interface StreetJobArgs {
  street: string;
  district: DistrictCode;
  layers: DistrictLayers;
  /** The street's communities. */
  communities: { code: string; name: string }[];
  min: number;
  max: number;
}

export interface StreetJobHooks {
  /** Called before the communities' autosaves are read (the open community's pending edit is saved first). */
  flush(): void;
  /** A community's result was stored as its autosave `revision`. */
  saved(community: string, revision: number): void;
  /** IndexedDB failed to store a result. */
  failed(message: string): void;
}

/**
 * "Split all communities of this street": the engine runs in the worker over each community in
 * turn (keeping each one's autosaved codes and locked grids), posting progress; each result is
 * saved as that community's autosave at once, so a cancel keeps the finished ones.
 */
export class StreetJob {
  state = $state.raw<StreetRun>({ status: 'idle', street: '', i: 0, n: 0, results: [] });
  private worker = workerClient<StreetCall>(partitionWorker);

  get running(): boolean {
    return this.state.status === 'running';
  }

  async start({ street, district, layers, communities: comms, min, max }: StreetJobArgs, hooks: StreetJobHooks) {
    if (!(min > 0 && min <= max) || !comms.length) {
      this.state = !comms.length
        ? { status: 'error', street, i: 0, n: 0, results: [], error: 'engine', errors: [{ message: 'no communities in this street', msg: emsg('partition.err.noCommunities') }] }
        : { status: 'error', street, i: 0, n: comms.length, results: [], error: 'min/max' };
      return;
    }
    this.state = { status: 'running', street, i: 0, n: comms.length, results: [] };
    // The open community's pending edit first, so that its run starts from it.
    hooks.flush();
    const saved = new Map<string, SavedPlan | undefined>();
    const requests: { community: string; request: PartitionRequest }[] = [];
    for (const c of comms) {
      const s = await loadPlan(c.code).catch(() => undefined);
      saved.set(c.code, s);
      requests.push({ community: c.code, request: partitionRequest(communityData(layers, c.code)!, s?.assignment ?? null, s?.locked ?? [], min, max) });
    }
    if (this.state.status !== 'running' || this.state.street !== street) return;
    const names = new Map(comms.map((c) => [c.code, c.name]));
    const writes: Promise<unknown>[] = [];
    const r = await this.worker.call(
      { type: 'street', requests },
      {
        onProgress: (m) => {
          const run = this.state;
          if (m.type === 'progress') {
            this.state = { ...run, i: m.i, community: m.community, phase: m.phase, fraction: m.fraction };
            return;
          }
          const name = names.get(m.community) ?? m.community;
          if (!m.ok) {
            this.state = { ...run, i: run.i + 1, fraction: 0, results: [...run.results, { community: m.community, name, grids: 0, outOfBand: 0, householdsOutOfBand: 0, errors: m.errors }] };
            return;
          }
          const s = saved.get(m.community);
          writes.push(
            savePlan({ ...s, community: m.community, district, min, max, assignment: m.assignment, names: s?.names ?? {}, locked: s?.locked ?? [], workers: s?.workers ?? {}, savedAt: new Date().toISOString() }, s?.revision ?? 0).then(
              (r) => this.stored(m.community, r, hooks),
              (err) => hooks.failed(`IndexedDB: ${(err as Error).message}`)
            )
          );
          this.state = { ...run, i: run.i + 1, fraction: 0, results: [...run.results, { community: m.community, name, grids: m.grids, outOfBand: m.outOfBand, householdsOutOfBand: m.householdsOutOfBand }] };
        }
      }
    );
    if (!r.ok && r.reason === 'cancelled') return;
    this.worker.terminate();
    if (!r.ok) {
      this.state = { ...this.state, status: 'error', error: 'engine', errors: [engineError(r.message)] };
      return;
    }
    await Promise.all(writes);
    this.state = { ...this.state, status: 'done', community: undefined };
  }

  /** A result stored, or refused: the community was saved elsewhere since the run read it. */
  private stored(community: string, r: SaveResult, hooks: StreetJobHooks) {
    if (!r.ok) {
      const results = this.state.results.map((x) =>
        x.community === community ? { ...x, errors: [{ message: 'changed in another tab during the run: not saved', msg: emsg('partition.err.savedElsewhere') }] } : x
      );
      this.state = { ...this.state, results };
      return;
    }
    hooks.saved(community, r.revision);
  }

  /** Cancels the street-wide run: communities already finished stay saved, the rest untouched. */
  cancel() {
    this.worker.terminate();
    if (this.state.status === 'running') this.state = { ...this.state, status: 'cancelled', community: undefined, phase: undefined, fraction: undefined };
  }
}
