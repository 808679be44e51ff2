/**
 * The planner's state (runes): which community is open, its plan (a CommunityPlan on the grid
 * engine's GridEditor), the selection, undo/redo as a stack of snapshots, autosave to
 * IndexedDB and the automatic split in the partition worker. Big objects are `$state.raw` and
 * replaced, never deeply tracked; the map follows edits through `onChange` (feature-state), not
 * by rebuilding its sources.
 */
import { tick } from 'svelte';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Validation } from '$lib/geo/partition/validate';
import type { PartitionOutput, PartitionRequest } from '$lib/geo/partition/geojson';
import type { ImportError } from '$lib/data/import/errors';
import { mapLayerUrl } from '$lib/data/paths';
import type { DistrictCode } from '$lib/data/schema';
import { loadPlan, savePlan } from '$lib/data/plan-store';
import { BARRIER_CLASSES, CommunityPlan, communityData, readPlanGeoJSON, type Assignment, type CommunityData, type DistrictLayers, type Snapshot } from './plan-core';

/** Something the map must redraw: a few buildings, the whole plan, a zoom or the selection. */
export type PlanChange =
  | { kind: 'move'; buildings: readonly string[] }
  | { kind: 'all' }
  | { kind: 'zoom'; bbox: [number, number, number, number] }
  | { kind: 'select'; before: readonly string[]; after: readonly string[] };

interface Command {
  label: string;
  before: Snapshot;
  after: Snapshot;
}

export interface GridRow {
  slot: number;
  code: string;
  seq: string;
  households: number;
  buildings: number;
  pieces: number;
  polsbyPopper: number;
  inRange: boolean;
}

export interface GridWarning {
  slot: number;
  code: string;
  rule: 'below-min' | 'above-max' | 'not-contiguous';
  households: number;
  pieces: number;
}

export interface RunState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  startedAt: number;
  ms?: number;
  error?: string;
}

const LAYERS = ['streets', 'communities', 'compounds', 'roads', 'buildings'] as const;
const cache = new Map<string, Promise<DistrictLayers>>();

async function fetchLayers(root: string, district: DistrictCode): Promise<DistrictLayers> {
  const parts = await Promise.all(
    LAYERS.map(async (l) => {
      const r = await fetch(mapLayerUrl(root, district, l));
      if (!r.ok) throw new Error(`${l}.geojson: ${r.status} ${r.statusText}`);
      return [l, (await r.json()) as FeatureCollection] as const;
    })
  );
  return Object.fromEntries(parts) as unknown as DistrictLayers;
}

export class PlanState {
  district = $state<DistrictCode | null>(null);
  layers = $state.raw<DistrictLayers | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  core = $state.raw<CommunityPlan | null>(null);
  /** Bumped on every edit: what depends on the plan's contents reads it. */
  version = $state(0);
  validation = $state.raw<Validation | null>(null);
  selected = $state.raw<string[]>([]);
  min = $state(300);
  max = $state(500);
  workers = $state.raw<Record<string, string>>({});
  /** Grid code → grid chief (网格长). */
  chiefs = $state.raw<Record<string, string>>({});

  undoStack = $state.raw<Command[]>([]);
  redoStack = $state.raw<Command[]>([]);
  save = $state<'idle' | 'saving' | 'saved' | 'error'>('idle');
  savedAt = $state<string | null>(null);
  restored = $state<string | null>(null);
  run = $state.raw<RunState>({ status: 'idle', startedAt: 0 });
  importErrors = $state.raw<ImportError[]>([]);
  /** Last manual move: ms from the click to the panel updated (sync) and to the next frame (map drawn). */
  lastMove = $state.raw<{ syncMs: number; frameMs: number } | null>(null);

  private listeners = new Set<(c: PlanChange) => void>();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private worker: Worker | null = null;

  rows: GridRow[] = $derived.by(() => {
    void this.version;
    const core = this.core;
    const v = this.validation;
    if (!core || !v) return [];
    const by = new Map(v.grids.map((r) => [r.grid, r]));
    return core.liveSlots().map((g) => {
      const r = by.get(g)!;
      return { slot: g, code: core.codes[g], seq: core.codes[g].slice(-3), households: r.households, buildings: r.buildings, pieces: r.pieces, polsbyPopper: r.polsbyPopper, inRange: r.inRange };
    });
  });

  warnings: GridWarning[] = $derived.by(() => {
    const core = this.core;
    if (!core) return [];
    const out: GridWarning[] = [];
    for (const r of this.rows) {
      if (r.households < core.bounds.min) out.push({ slot: r.slot, code: r.code, rule: 'below-min', households: r.households, pieces: r.pieces });
      if (r.households > core.bounds.max) out.push({ slot: r.slot, code: r.code, rule: 'above-max', households: r.households, pieces: r.pieces });
      if (r.pieces > 1) out.push({ slot: r.slot, code: r.code, rule: 'not-contiguous', households: r.households, pieces: r.pieces });
    }
    return out;
  });

  communities = $derived.by(() =>
    (this.layers?.communities.features ?? []).map((f) => ({ code: String(f.properties!.code), name: String(f.properties!.name), street: String(f.properties!.street), households: Number(f.properties!.households) }))
  );
  streets = $derived.by(() => (this.layers?.streets.features ?? []).map((f) => ({ code: String(f.properties!.code), name: String(f.properties!.name) })));

  get canUndo() {
    return this.undoStack.length > 0;
  }
  get canRedo() {
    return this.redoStack.length > 0;
  }

  onChange(f: (c: PlanChange) => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }
  private emit(c: PlanChange) {
    for (const f of this.listeners) f(c);
  }

  /** Loads the district's map layers (once per district). */
  async setDistrict(root: string, district: DistrictCode): Promise<void> {
    if (this.district === district && (this.layers || this.loading)) return;
    this.cancelRun();
    this.district = district;
    this.core = null;
    this.layers = null;
    this.error = null;
    this.loading = true;
    const key = `${root}|${district}`;
    if (!cache.has(key)) cache.set(key, fetchLayers(root, district));
    try {
      const layers = await cache.get(key)!;
      if (this.district === district) this.layers = layers;
    } catch (e) {
      cache.delete(key);
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
  }

  /** Opens a community: its autosaved plan when there is one, else the dataset's grids. */
  async open(code: string): Promise<boolean> {
    if (!this.layers) return false;
    const data = communityData(this.layers, code);
    if (!data) {
      this.error = `community ${code} is not in this district`;
      return false;
    }
    return this.openData(data);
  }

  /** Opens a community's data (the district's, or the planner's own import) with its autosaved plan. */
  async openData(data: CommunityData): Promise<boolean> {
    this.cancelRun();
    this.error = null;
    let saved = null;
    try {
      saved = await loadPlan(data.code);
    } catch (e) {
      this.error = `IndexedDB: ${(e as Error).message}`;
    }
    if (saved) {
      this.min = saved.min;
      this.max = saved.max;
    } else {
      this.min = 300;
      this.max = 500;
    }
    this.core = new CommunityPlan(data, { min: this.min, max: this.max }, saved?.assignment);
    this.workers = saved?.workers ?? {};
    this.chiefs = saved?.chiefs ?? {};
    this.restored = saved?.savedAt ?? null;
    this.save = saved ? 'saved' : 'idle';
    this.savedAt = saved?.savedAt ?? null;
    this.undoStack = [];
    this.redoStack = [];
    this.selected = [];
    this.importErrors = [];
    this.lastMove = null;
    this.refresh();
    return true;
  }

  close() {
    this.cancelRun();
    this.core = null;
    this.selected = [];
  }

  private refresh() {
    this.validation = this.core?.validation ?? null;
    this.version++;
  }

  /** Runs an edit as an undoable command. */
  private commit(label: string, edit: (core: CommunityPlan) => void, change: PlanChange = { kind: 'all' }) {
    const core = this.core;
    if (!core) return;
    const before = core.snapshot();
    edit(core);
    this.undoStack = [...this.undoStack, { label, before, after: core.snapshot() }].slice(-200);
    this.redoStack = [];
    this.emit(change);
    this.refresh();
    this.scheduleSave();
  }

  /**
   * Moves buildings to a grid (null: a new grid). `t0` is the click's time stamp; the time to the
   * panel updated and to the next frame (the map's repaint is queued before it) is kept in `lastMove`.
   */
  move(buildings: readonly string[], code: string | null, t0 = performance.now()) {
    if (!buildings.length) return;
    this.commit(code ? `→ ${code}` : '→ new', (core) => core.move(buildings, code), { kind: 'move', buildings });
    void tick().then(() => {
      const syncMs = performance.now() - t0;
      requestAnimationFrame(() => (this.lastMove = { syncMs, frameMs: performance.now() - t0 }));
    });
  }

  undo() {
    const c = this.undoStack.at(-1);
    if (!c || !this.core) return;
    this.core.restore(c.before);
    this.undoStack = this.undoStack.slice(0, -1);
    this.redoStack = [...this.redoStack, c];
    this.emit({ kind: 'all' });
    this.refresh();
    this.scheduleSave();
  }

  redo() {
    const c = this.redoStack.at(-1);
    if (!c || !this.core) return;
    this.core.restore(c.after);
    this.redoStack = this.redoStack.slice(0, -1);
    this.undoStack = [...this.undoStack, c];
    this.emit({ kind: 'all' });
    this.refresh();
    this.scheduleSave();
  }

  select(id: string | null, add = false) {
    const before = this.selected;
    if (id === null) this.selected = [];
    else if (add) this.selected = before.includes(id) ? before.filter((b) => b !== id) : [...before, id];
    else this.selected = [id];
    this.emit({ kind: 'select', before, after: this.selected });
  }

  zoomTo(slot: number) {
    if (this.core) this.emit({ kind: 'zoom', bbox: this.core.gridBbox(slot) });
  }

  setWorker(code: string, name: string) {
    this.workers = { ...this.workers, [code]: name.trim() };
    this.scheduleSave();
  }

  private scheduleSave() {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.save = 'saving';
    this.saveTimer = setTimeout(() => void this.saveNow(), 150);
  }

  async saveNow(): Promise<void> {
    const core = this.core;
    if (!core || !this.district) return;
    try {
      const savedAt = new Date().toISOString();
      await savePlan({ community: core.data.code, district: this.district, min: core.bounds.min, max: core.bounds.max, assignment: core.assignment(), workers: this.workers, chiefs: this.chiefs, savedAt });
      if (this.core === core) {
        this.save = 'saved';
        this.savedAt = savedAt;
      }
    } catch (e) {
      this.save = 'error';
      this.error = `IndexedDB: ${(e as Error).message}`;
    }
  }

  /** The automatic split in the partition worker; its result is one undoable command. */
  autoSplit() {
    const core = this.core;
    if (!core || this.run.status === 'running') return;
    const min = Math.round(this.min);
    const max = Math.round(this.max);
    if (!(min > 0 && min <= max)) {
      this.run = { status: 'error', startedAt: performance.now(), error: 'min/max' };
      return;
    }
    const current = core.assignment();
    const request: PartitionRequest = {
      buildings: { type: 'FeatureCollection', features: core.data.buildings.map((b) => ({ ...b, properties: { ...b.properties, grid: current[b.properties.id] } })) },
      communities: core.data.boundary ? { type: 'FeatureCollection', features: [core.data.boundary as Feature<Polygon | MultiPolygon>] } : undefined,
      barriers: core.data.roads,
      barrierClasses: BARRIER_CLASSES,
      community: core.data.code,
      min,
      max,
      target: Math.round((min + max) / 2)
    };
    const w = new Worker(new URL('../../workers/partition.worker.ts', import.meta.url), { type: 'module' });
    this.worker = w;
    const startedAt = performance.now();
    this.run = { status: 'running', startedAt };
    w.onmessage = (e: MessageEvent<{ ok: boolean; value?: PartitionOutput; errors?: { message: string }[]; ms: number }>) => {
      this.stopWorker(w);
      if (this.core !== core) return;
      const r = e.data;
      if (!r.ok || !r.value) {
        this.run = { status: 'error', startedAt, error: r.errors?.map((x) => x.message).join('; ') ?? 'failed' };
        return;
      }
      const a: Assignment = Object.fromEntries(r.value.buildings.map((b) => [b.id, b.grid]));
      const before = core.snapshot();
      // Same bounds: the prepared problem is kept; new bounds need a new one (items are the same, so snapshots stay valid).
      const next = min === core.bounds.min && max === core.bounds.max ? core : new CommunityPlan(core.data, { min, max }, a);
      if (next === core) core.assign(a);
      this.core = next;
      this.undoStack = [...this.undoStack, { label: 'auto', before, after: next.snapshot() }];
      this.redoStack = [];
      this.selected = [];
      this.run = { status: 'done', startedAt, ms: Math.round(performance.now() - startedAt) };
      this.emit({ kind: 'all' });
      this.refresh();
      this.scheduleSave();
    };
    w.onerror = (e) => {
      this.stopWorker(w);
      this.run = { status: 'error', startedAt, error: e.message };
    };
    w.postMessage({ id: 1, type: 'partition', request });
  }

  private stopWorker(w: Worker) {
    w.terminate();
    if (this.worker === w) this.worker = null;
  }

  /** Cancels a running split: the worker is terminated, the plan is left as it was. */
  cancelRun() {
    if (!this.worker) return;
    this.stopWorker(this.worker);
    this.run = { status: 'cancelled', startedAt: this.run.startedAt };
  }

  /** Reads an exported plan back; nothing changes unless the whole file is valid. */
  importPlan(text: string, file: string): boolean {
    const core = this.core;
    if (!core) return false;
    const r = readPlanGeoJSON(text, file, core.data.code, core.data.buildings.map((b) => b.properties.id));
    if (!r.ok) {
      this.importErrors = r.errors;
      return false;
    }
    this.importErrors = [];
    const workers: Record<string, string> = { ...this.workers };
    const chiefs: Record<string, string> = { ...this.chiefs };
    try {
      for (const f of (JSON.parse(text) as FeatureCollection).features) {
        if (typeof f.properties?.worker === 'string') workers[f.properties.code] = f.properties.worker;
        if (typeof f.properties?.chief === 'string') chiefs[f.properties.code] = f.properties.chief;
      }
    } catch {
      /* already parsed above */
    }
    this.workers = workers;
    this.chiefs = chiefs;
    this.commit('import', (c) => c.assign(r.value));
    this.selected = [];
    return true;
  }

  setChief(code: string, name: string) {
    this.chiefs = { ...this.chiefs, [code]: name.trim() };
    this.scheduleSave();
  }

  /** Opens a saved version as one undoable command; its staff replace the current staff. */
  applyVersion(v: { name: string; assignment: Assignment; workers: Record<string, string>; chiefs?: Record<string, string> }) {
    if (!this.core) return;
    this.workers = { ...v.workers };
    this.chiefs = { ...(v.chiefs ?? {}) };
    this.commit(`version ${v.name}`, (c) => c.assign(v.assignment));
    this.selected = [];
  }
}

export const plan = new PlanState();
