/**
 * The planner's two partition-worker jobs, each with its state for the panel (runes): the
 * automatic split of the open community, and "split all communities of this street". A job owns
 * its worker (one typed call, $lib/workers/call.ts) and terminates it to cancel; what a result
 * does to the plan and the autosave is the caller's (PlanState), given as callbacks.
 */
import type { PartitionRequest } from '$lib/geo/partition/input';
import type { Phase } from '$lib/geo/partition/engine';
import { emsg, engineError, type EngineErrorText } from '$lib/geo/partition/errors';
import { loadPlan, savePlan, type SaveResult, type SavedPlan } from '$lib/data/plan-store';
import type { DistrictCode } from '$lib/data/schema';
import { communityData, partitionRequest, type Assignment, type DistrictLayers } from '$lib/plan/community-plan';
import { workerClient, type WorkerClient } from '$lib/workers/call';
import { largestFirst, poolSize, runQueue } from '$lib/workers/queue';
import type { SplitCall, StreetCall, StreetProgress } from '../../workers/partition.worker';

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
  /** Communities finished, of n; `community` is the one that reported last, `running` all those in a worker now. */
  i: number;
  n: number;
  community?: string;
  running?: string[];
  /** Web Workers splitting communities side by side (see `streetWorkers`). */
  workers?: number;
  /** The engine's phase and fraction done in `community`. */
  phase?: Phase;
  phaseFraction?: number;
  /** The fractions done of the running communities, summed: i + fraction is the bar's value. */
  fraction?: number;
  results: StreetResult[];
  /** As RunState's. */
  error?: 'min/max' | 'engine';
  errors?: EngineErrorText[];
}

const partitionWorker = () =>
  new Worker(new URL('../../workers/partition.worker.ts', import.meta.url), { type: 'module' });

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
    const onProgress = ({ phase, fraction }: { phase: Phase; fraction: number }) =>
      (this.state = { status: 'running', startedAt, phase, fraction });
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
 * Workers for a street-wide run: one per core the browser reports, at most 4 (each holds a
 * community's engine; more would only compete with the page) and no more than the communities.
 */
export function streetWorkers(communities: number, cores = globalThis.navigator?.hardwareConcurrency ?? 2): number {
  return poolSize(communities, cores || 2, 4);
}

/**
 * "Split all communities of this street": the communities are split side by side on a small pool
 * of workers (`streetWorkers`), the largest first, each keeping its autosaved codes and locked
 * grids; each result is saved as that community's autosave at once, so a cancel (every worker
 * terminated) keeps the finished ones. A community's result does not depend on the worker or the
 * pool's size: each is one engine run on its own request.
 */
export class StreetJob {
  state = $state.raw<StreetRun>({ status: 'idle', street: '', i: 0, n: 0, results: [] });
  private pool: WorkerClient<StreetCall>[] = [];

  get running(): boolean {
    return this.state.status === 'running';
  }

  async start({ street, district, layers, communities: comms, min, max }: StreetJobArgs, hooks: StreetJobHooks) {
    if (!(min > 0 && min <= max) || !comms.length) {
      this.state = !comms.length
        ? {
            status: 'error',
            street,
            i: 0,
            n: 0,
            results: [],
            error: 'engine',
            errors: [{ message: 'no communities in this street', msg: emsg('partition.err.noCommunities') }]
          }
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
      requests.push({
        community: c.code,
        request: partitionRequest(communityData(layers, c.code)!, s?.assignment ?? null, s?.locked ?? [], min, max)
      });
    }
    if (this.state.status !== 'running' || this.state.street !== street) return;
    const names = new Map(comms.map((c) => [c.code, c.name]));
    const order = new Map(comms.map((c, k) => [c.code, k]));
    const writes: Promise<unknown>[] = [];
    const workers = streetWorkers(requests.length);
    this.pool = Array.from({ length: workers }, () => workerClient<StreetCall>(partitionWorker));
    const pool = this.pool;
    // Per running community: the engine's phase and fraction done.
    const running = new Map<string, { phase: Phase; fraction: number }>();
    // The bar shows i + the running fractions: never less than it showed (a finished community's
    // last fraction leaves the sum as i grows by one, and the two sums differ in the last bit).
    let shown = 0;
    const sum = (i: number) => {
      shown = Math.max(shown, i + [...running.values()].reduce((s, r) => s + r.fraction, 0));
      return shown - i;
    };
    this.state = { ...this.state, workers };
    const finish = (m: Extract<StreetProgress, { type: 'community' }>) => {
      running.delete(m.community);
      const run = this.state;
      const name = names.get(m.community) ?? m.community;
      const result: StreetResult = m.ok
        ? {
            community: m.community,
            name,
            grids: m.grids,
            outOfBand: m.outOfBand,
            householdsOutOfBand: m.householdsOutOfBand
          }
        : { community: m.community, name, grids: 0, outOfBand: 0, householdsOutOfBand: 0, errors: m.errors };
      if (m.ok) {
        const s = saved.get(m.community);
        writes.push(
          savePlan(
            {
              ...s,
              community: m.community,
              district,
              min,
              max,
              assignment: m.assignment,
              names: s?.names ?? {},
              locked: s?.locked ?? [],
              workers: s?.workers ?? {},
              savedAt: new Date().toISOString()
            },
            s?.revision ?? 0
          ).then(
            (r) => this.stored(m.community, r, hooks),
            (err) => hooks.failed(`IndexedDB: ${(err as Error).message}`)
          )
        );
      }
      // Results in the street's order, whichever worker finished first.
      const results = [...run.results, result].sort((a, b) => order.get(a.community)! - order.get(b.community)!);
      this.state = { ...run, i: run.i + 1, fraction: sum(run.i + 1), running: [...running.keys()], results };
    };
    type Outcome = { ok: true } | { ok: false; reason: 'cancelled' | 'failed'; message: string };
    let outcome = { ok: true } as Outcome;
    try {
      await runQueue(
        largestFirst(requests.map((r) => r.request.buildings.features.length)),
        workers,
        async (task, slot) => {
          const { community, request } = requests[task];
          running.set(community, { phase: 'growing', fraction: 0 });
          const r = await pool[slot].call(
            { type: 'street', requests: [{ community, request }] },
            {
              onProgress: (m) => {
                if (this.pool !== pool) return;
                if (m.type === 'community') return finish(m);
                running.set(m.community, { phase: m.phase, fraction: m.fraction });
                this.state = {
                  ...this.state,
                  community: m.community,
                  phase: m.phase,
                  phaseFraction: m.fraction,
                  fraction: sum(this.state.i),
                  running: [...running.keys()]
                };
              }
            }
          );
          if (!r.ok) throw r;
        }
      );
    } catch (e) {
      outcome = e as typeof outcome;
    }
    // Cancelled: `cancel` said so already (and a newer run may own the state).
    if (!outcome.ok && outcome.reason === 'cancelled') return;
    for (const w of pool) w.terminate();
    if (!outcome.ok) {
      this.state = { ...this.state, status: 'error', error: 'engine', errors: [engineError(outcome.message)] };
      return;
    }
    await Promise.all(writes);
    this.state = { ...this.state, status: 'done', community: undefined, running: [] };
  }

  /** A result stored, or refused: the community was saved elsewhere since the run read it. */
  private stored(community: string, r: SaveResult, hooks: StreetJobHooks) {
    if (!r.ok) {
      const results = this.state.results.map((x) =>
        x.community === community
          ? {
              ...x,
              errors: [
                {
                  message: 'changed in another tab during the run: not saved',
                  msg: emsg('partition.err.savedElsewhere')
                }
              ]
            }
          : x
      );
      this.state = { ...this.state, results };
      return;
    }
    hooks.saved(community, r.revision);
  }

  /** Cancels the street-wide run (every worker terminated): communities already finished stay saved, the rest untouched. */
  cancel() {
    for (const w of this.pool) w.terminate();
    if (this.state.status === 'running')
      this.state = {
        ...this.state,
        status: 'cancelled',
        community: undefined,
        running: [],
        phase: undefined,
        fraction: undefined
      };
  }
}
