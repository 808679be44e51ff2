/**
 * The planner's state (runes): which community is open, its plan (a CommunityPlan on the grid
 * engine's GridEditor), the selection, undo/redo as a stack of snapshots, autosave to
 * IndexedDB and the automatic split in the partition worker. Big objects are `$state.raw` and
 * replaced, never deeply tracked; the map follows edits through `onChange` (feature-state), not
 * by rebuilding its sources. Each autosave is a revision of the community's plan: a tab whose plan
 * is built on an older one is refused by the store and told so (see plan-sync).
 */
import { tick } from 'svelte';
import type { FeatureCollection } from 'geojson';
import type { Validation } from '$lib/geo/partition/validate';
import type { PartitionOutput, PartitionRequest } from '$lib/geo/partition/geojson';
import type { Phase } from '$lib/geo/partition/engine';
import { emsg, engineError, type EngineErrorText } from '$lib/geo/partition/errors';
import type { ImportError } from '$lib/data/import/errors';
import { decodeText } from '$lib/data/text-decode';
import { mapLayerUrl } from '$lib/data/paths';
import { fetchData } from '$lib/data/source';
import type { DistrictCode } from '$lib/data/schema';
import { loadPlan, savePlan, saveVersion, versionOf, type PlanRecord, type PlanVersion, type SaveResult, type SavedPlan } from '$lib/data/plan-store';
import { TAB, dropOwnRescue, leaveRescue, rescueAction, takeRescue } from '$lib/data/plan-rescue';
import { GRID_PALETTE } from '$lib/map/legend';
import { i18n } from '$lib/i18n/index.svelte';
import { conflictAfter, onLeave, openChannel, type Conflict, type SyncMessage } from './plan-sync';
import { CommunityPlan, EditRefused, communityData, streetCommunities, partitionRequest, readPlanGeoJSON, type Assignment, type CommunityData, type DistrictLayers, type Snapshot } from './plan-core';

/** Something the map must redraw: a few buildings, the whole plan, a zoom or the selection. */
export type PlanChange =
  | { kind: 'move'; buildings: readonly string[] }
  | { kind: 'all' }
  | { kind: 'grids' }
  | { kind: 'zoom'; bbox: [number, number, number, number] }
  | { kind: 'select'; before: readonly string[]; after: readonly string[] }
  | { kind: 'diff'; before: readonly string[]; after: readonly string[] };

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
  locked: boolean;
  /** The planner's name for the grid ('' when none). */
  name: string;
  /** Fill of the grid on the map, swatches and print legend: no neighbour shares it. */
  colour: string;
}

export interface GridWarning {
  slot: number;
  code: string;
  rule: 'below-min' | 'above-max' | 'not-contiguous';
  households: number;
  pieces: number;
}

/** What a drag on the map does: pan (and click to select), draw a lasso, or draw a cut line. */
export type Tool = 'select' | 'lasso' | 'line';

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

type StreetMessage =
  | { type: 'progress'; i: number; n: number; community: string; phase: Phase; fraction: number }
  | ({ type: 'community'; community: string } & ({ ok: true; assignment: Assignment; grids: number; outOfBand: number; householdsOutOfBand: number } | { ok: false; errors: EngineErrorText[] }))
  | { type: 'done' };

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

const LAYERS = ['streets', 'communities', 'compounds', 'roads', 'buildings'] as const;
const cache = new Map<string, Promise<DistrictLayers>>();

async function fetchLayers(root: string, district: DistrictCode): Promise<DistrictLayers> {
  const parts = await Promise.all(
    LAYERS.map(async (l) => {
      const r = await fetchData(mapLayerUrl(root, district, l));
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

  /** The street picked in the picker ('' for none): the district map zooms to its communities. */
  street = $state('');
  streetView = $derived(this.layers && this.street ? streetCommunities(this.layers, this.street) : null);

  core = $state.raw<CommunityPlan | null>(null);
  /** Bumped on every edit: what depends on the plan's contents reads it. */
  version = $state(0);
  validation = $state.raw<Validation | null>(null);
  selected = $state.raw<string[]>([]);
  /** Buildings shown on the map as changed between two compared versions (empty: none shown). */
  diffShown = $state.raw<string[]>([]);
  min = $state(300);
  max = $state(500);
  workers = $state.raw<Record<string, string>>({});
  /** Grid code → grid chief (网格长). */
  chiefs = $state.raw<Record<string, string>>({});

  undoStack = $state.raw<Command[]>([]);
  redoStack = $state.raw<Command[]>([]);
  /** 'conflict': the store refused the save, another tab saved a newer revision (see `conflict`). */
  save = $state<'idle' | 'saving' | 'saved' | 'error' | 'conflict'>('idle');
  savedAt = $state<string | null>(null);
  restored = $state<string | null>(null);
  run = $state.raw<RunState>({ status: 'idle', startedAt: 0 });
  importErrors = $state.raw<ImportError[]>([]);
  tool = $state<Tool>('select');
  /** The grid the tools act on (split along a line, merge, rename, lock). */
  activeGrid = $state('');
  /** Why the last hand edit was refused (cleared by the next edit that goes through). */
  refused = $state.raw<{ reason: EditRefused['reason']; grid: string } | null>(null);
  streetRun = $state.raw<StreetRun>({ status: 'idle', street: '', i: 0, n: 0, results: [] });
  /**
   * Last manual move: ms from the click to the panel updated (sync) and to the next frame (map drawn);
   * `n` counts the moves timed, so a reader can tell a new timing from an equal old one.
   */
  lastMove = $state.raw<{ n: number; syncMs: number; frameMs: number } | null>(null);

  /** Another tab changed the open community (or was refused because of this tab's plan). */
  conflict = $state.raw<Conflict>(null);
  /** What the planner did about a conflict: reloaded the newer plan, or kept this tab's as the named version `name` first. */
  resolved = $state.raw<{ revision: number; kept?: string } | null>(null);
  /** A closing tab's last edit found on open (see plan-rescue): saved now, or kept as this named version. */
  rescued = $state.raw<{ kept?: string } | null>(null);
  /** Bumped when the open community's named versions change elsewhere than in the versions panel (another tab, a kept plan). */
  versionsChanged = $state(0);

  private listeners = new Set<(c: PlanChange) => void>();
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** The autosave revision that the next save builds on (see plan-store's savePlan). */
  private revision = 0;
  /** Edits scheduled for saving and the count of them saved: unsaved edits while they differ. */
  private edits = 0;
  private savedEdits = 0;
  /** Bumped when a community is opened: what a save of the last one learns no longer applies. */
  private session = 0;
  private channel: { post(m: SyncMessage): void; close(): void } | null = null;
  private worker: Worker | null = null;
  private streetWorker: Worker | null = null;

  rows: GridRow[] = $derived.by(() => {
    void this.version;
    const core = this.core;
    const v = this.validation;
    if (!core || !v) return [];
    const by = new Map(v.grids.map((r) => [r.grid, r]));
    const colours = core.gridColours(GRID_PALETTE.length);
    return core.liveSlots().map((g) => {
      const r = by.get(g)!;
      return { slot: g, code: core.codes[g], seq: core.codes[g].slice(-3), colour: GRID_PALETTE[colours.get(core.codes[g]) ?? 0], households: r.households, buildings: r.buildings, pieces: r.pieces, polsbyPopper: r.polsbyPopper, inRange: r.inRange, locked: core.locked.has(core.codes[g]), name: core.names[core.codes[g]] ?? '' };
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
    this.street = '';
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
    // The last community's pending edit is saved before it is left.
    this.flush();
    this.session++;
    this.error = null;
    let saved: SavedPlan | undefined;
    let rescued: { kept?: string } | null = null;
    try {
      saved = await loadPlan(data.code);
      const rescue = takeRescue(data.code);
      if (rescue) {
        const act = rescueAction(rescue, saved);
        const r = act.kind === 'restore' ? await savePlan(rescue.record, act.base) : null;
        if (r?.ok) {
          saved = { ...rescue.record, revision: r.revision };
          rescued = {};
        } else if (act.kind !== 'landed') {
          // Another tab's plan is newer: the rescued edits become a version, never an overwrite.
          const name = keptName();
          await saveVersion(versionOf(rescue.record, name));
          rescued = { kept: name };
        }
      }
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
    this.core.names = { ...(saved?.names ?? {}) };
    this.core.locked = new Set(saved?.locked ?? []);
    this.activeGrid = '';
    this.refused = null;
    this.tool = 'select';
    this.workers = saved?.workers ?? {};
    this.chiefs = saved?.chiefs ?? {};
    this.restored = saved?.savedAt ?? null;
    this.revision = saved?.revision ?? 0;
    this.edits = this.savedEdits = 0;
    this.conflict = null;
    this.resolved = null;
    this.rescued = rescued;
    this.save = saved ? 'saved' : 'idle';
    this.savedAt = saved?.savedAt ?? null;
    this.undoStack = [];
    this.redoStack = [];
    this.selected = [];
    this.diffShown = [];
    this.importErrors = [];
    this.lastMove = null;
    this.refresh();
    return true;
  }

  close() {
    this.cancelRun();
    this.flush();
    this.session++;
    this.core = null;
    this.selected = [];
  }

  private refresh() {
    this.validation = this.core?.validation ?? null;
    this.version++;
  }

  /**
   * Runs an edit as an undoable command. An edit the plan refuses (EditRefused, thrown before it
   * changes anything) is kept in `refused` for the panel to explain, and returns false.
   */
  private commit(label: string, edit: (core: CommunityPlan) => void, change: PlanChange = { kind: 'all' }): boolean {
    const core = this.core;
    if (!core) return false;
    const before = core.snapshot();
    try {
      edit(core);
    } catch (e) {
      if (!(e instanceof EditRefused)) throw e;
      this.refused = { reason: e.reason, grid: e.grid };
      return false;
    }
    this.refused = null;
    this.undoStack = [...this.undoStack, { label, before, after: core.snapshot() }].slice(-200);
    this.redoStack = [];
    this.emit(change);
    this.refresh();
    this.scheduleSave();
    return true;
  }

  /**
   * Moves buildings to a grid (null: a new grid). `t0` is the click's time stamp; the time to the
   * panel updated and to the next frame (the map's repaint is queued before it) is kept in `lastMove`.
   */
  move(buildings: readonly string[], code: string | null, t0 = performance.now()) {
    if (!buildings.length) return;
    if (!this.commit(code ? `→ ${code}` : '→ new', (core) => core.move(buildings, code), { kind: 'move', buildings })) return;
    void tick().then(() => {
      const syncMs = performance.now() - t0;
      requestAnimationFrame(() => (this.lastMove = { n: (this.lastMove?.n ?? 0) + 1, syncMs, frameMs: performance.now() - t0 }));
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

  /** Shows these buildings on the map as changed between two versions ([] hides the diff). */
  showDiff(ids: readonly string[]) {
    const before = this.diffShown;
    if (!before.length && !ids.length) return;
    this.diffShown = [...ids];
    this.emit({ kind: 'diff', before, after: this.diffShown });
  }

  /** Selects the buildings whose centre is inside a lasso drawn in WGS-84 (replacing the selection). */
  lassoSelect(ring: readonly (readonly number[])[]) {
    if (!this.core) return;
    const before = this.selected;
    this.selected = this.core.lasso(ring);
    this.emit({ kind: 'select', before, after: this.selected });
  }

  /** Splits the active grid along a line drawn across it (one undoable step); the tool goes back to select. */
  splitAlong(line: readonly (readonly number[])[]) {
    const code = this.activeGrid;
    if (!code) return;
    if (this.commit(`split ${code}`, (c) => void c.splitAlong(code, line))) this.tool = 'select';
  }

  /** Merges grid b into grid a (one undoable step). */
  merge(a: string, b: string) {
    if (this.commit(`merge ${b} → ${a}`, (c) => c.merge(a, b))) this.activeGrid = a;
  }

  rename(code: string, name: string) {
    if ((this.core?.names[code] ?? '') === name.trim()) return;
    this.commit(`name ${code}`, (c) => c.rename(code, name), { kind: 'grids' });
  }

  setLocked(code: string, on: boolean) {
    this.commit(`${on ? 'lock' : 'unlock'} ${code}`, (c) => c.setLocked(code, on), { kind: 'grids' });
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
    this.edits++;
    this.save = 'saving';
    this.saveTimer = setTimeout(() => void this.saveNow(), 150);
  }

  /** Saves a pending edit at once: the page is being hidden or left, and the timer would not fire. */
  flush() {
    if (this.saveTimer) void this.saveNow();
  }

  /** The open plan as the store keeps it. */
  private record(): PlanRecord | null {
    const core = this.core;
    if (!core || !this.district) return null;
    return { community: core.data.code, district: this.district, min: core.bounds.min, max: core.bounds.max, assignment: core.assignment(), names: { ...core.names }, locked: [...core.locked], workers: { ...this.workers }, chiefs: { ...this.chiefs }, savedAt: new Date().toISOString() };
  }

  /**
   * Saves the plan as the revision after `revision`. The write starts synchronously (the page may be
   * closing); a refusal means another tab saved a newer revision: this tab's edits stay on screen,
   * unsaved, until the planner picks what to do (`conflict`), and the other tabs are told.
   */
  saveNow(given?: PlanRecord): Promise<void> {
    this.dropPending();
    const rec = given ?? this.record();
    if (!rec) return Promise.resolve();
    const { session, edits } = this;
    const base = this.revision;
    // The next save builds on this one: IndexedDB runs the two in order, and refuses the next if this one is refused.
    this.revision = base + 1;
    return savePlan(rec, base).then(
      async (r) => {
        this.channel?.post(r.ok ? { type: 'saved', community: rec.community, revision: r.revision } : { type: 'refused', community: rec.community });
        if (r.ok) dropOwnRescue(rec.community, rec.savedAt);
        if (this.session !== session) return;
        if (r.ok) {
          this.savedEdits = Math.max(this.savedEdits, edits);
          if (this.edits === edits) this.save = 'saved';
          this.savedAt = rec.savedAt;
          return;
        }
        this.save = 'conflict';
        const head = await loadPlan(rec.community).catch(() => undefined);
        if (this.session === session) this.conflict = { kind: 'newer', revision: head?.revision ?? base };
      },
      (e: Error) => {
        if (this.revision === base + 1) this.revision = base;
        this.save = 'error';
        this.error = `IndexedDB: ${e.message}`;
      }
    );
  }

  private receive(m: SyncMessage) {
    const code = this.core?.data.code;
    if (m.type === 'versions' && m.community === code) this.versionsChanged++;
    this.conflict = conflictAfter(this.conflict, code ? { community: code, revision: this.revision } : null, m);
  }

  /**
   * Listens to the other tabs and saves a pending edit when the page is hidden or left. Edits that
   * another tab's newer plan holds unsaved are kept as a named version when the page is left
   * (they cannot be the autosave, and the planner has not chosen). Returns the cleanup.
   */
  connect(): () => void {
    const channel = openChannel((m) => this.receive(m));
    this.channel = channel;
    const offLeave = onLeave((left) => {
      if (left && this.conflict?.kind === 'newer' && this.edits !== this.savedEdits) {
        this.dropPending();
        void this.saveVersion(keptName()).catch(() => undefined);
      } else if (left && this.edits !== this.savedEdits) this.leaveWithRescue();
      else this.flush();
    });
    return () => {
      offLeave();
      channel.close();
      if (this.channel === channel) this.channel = null;
    };
  }

  /** The page is going away with unsaved edits: save them, and leave them in localStorage in case the save does not commit in time. */
  private leaveWithRescue() {
    const rec = this.record();
    if (!rec) return;
    // `revision` already counts saves still in flight: the rescue builds on what they will store.
    leaveRescue({ record: rec, base: this.revision, tab: TAB });
    void this.saveNow(rec);
  }

  private dropPending() {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
  }

  /** Opens the community's autosave again; this tab's unsaved edits are dropped. */
  private async reopen(): Promise<boolean> {
    const data = this.core?.data;
    this.dropPending();
    if (!data || !(await this.openData(data))) return false;
    this.emit({ kind: 'all' });
    return true;
  }

  /** Conflict, first way out: open the newer plan another tab saved, dropping this tab's unsaved edits. */
  async takeNewer(): Promise<void> {
    if (await this.reopen()) this.resolved = { revision: this.revision };
  }

  /** Saves the open plan as a named version (the other tabs' version lists are told). */
  async saveVersion(name: string): Promise<PlanVersion | null> {
    const rec = this.record();
    if (!rec) return null;
    const v = versionOf(rec, name);
    await saveVersion(v);
    this.channel?.post({ type: 'versions', community: rec.community });
    return v;
  }

  /** Conflict, second way out: keep this tab's plan as a named version, then open the newer autosave; both stay saved. */
  async keepAsVersion(): Promise<void> {
    const name = keptName();
    try {
      if (!(await this.saveVersion(name))) return;
    } catch (e) {
      this.error = `IndexedDB: ${(e as Error).message}`;
      return;
    }
    this.versionsChanged++;
    if (await this.reopen()) this.resolved = { revision: this.revision, kept: name };
  }

  /** Closes the notice that another tab's edits were refused (this tab's plan is the saved one). */
  dismissConflict() {
    if (this.conflict?.kind === 'theirs') this.conflict = null;
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
    const request = partitionRequest(core.data, core.assignment(), [...core.locked], min, max);
    const w = new Worker(new URL('../../workers/partition.worker.ts', import.meta.url), { type: 'module' });
    this.worker = w;
    const startedAt = performance.now();
    this.run = { status: 'running', startedAt };
    type Reply = { type: 'progress'; phase: Phase; fraction: number } | { type?: undefined; ok: boolean; value?: PartitionOutput; errors?: EngineErrorText[]; ms: number };
    w.onmessage = (e: MessageEvent<Reply>) => {
      const r = e.data;
      if (r.type === 'progress') {
        if (this.worker === w) this.run = { status: 'running', startedAt, phase: r.phase, fraction: r.fraction };
        return;
      }
      this.stopWorker(w);
      if (this.core !== core) return;
      if (!r.ok || !r.value) {
        this.run = { status: 'error', startedAt, error: 'engine', errors: r.errors ?? [] };
        return;
      }
      const a: Assignment = Object.fromEntries(r.value.buildings.map((b) => [b.id, b.grid]));
      const before = core.snapshot();
      // Same bounds: the prepared problem is kept; new bounds need a new one (items are the same, so snapshots stay valid).
      const next = min === core.bounds.min && max === core.bounds.max ? core : new CommunityPlan(core.data, { min, max }, a);
      if (next === core) core.assign(a);
      else {
        next.names = { ...core.names };
        next.locked = new Set(core.locked);
      }
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
      this.run = { status: 'error', startedAt, error: 'engine', errors: [engineError(e.message)] };
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
  importPlan(bytes: Uint8Array, file: string): boolean {
    const core = this.core;
    if (!core) return false;
    // Read as the own-data import reads files: a GBK-saved GeoJSON opens too, garbled text never.
    const decoded = decodeText(bytes, file);
    if (!decoded.ok) {
      this.importErrors = decoded.errors;
      return false;
    }
    const { text } = decoded.value;
    const r = readPlanGeoJSON(text, file, core.data.code, core.data.buildings.map((b) => b.properties.id));
    if (!r.ok) {
      this.importErrors = r.errors;
      return false;
    }
    this.importErrors = [];
    const workers: Record<string, string> = { ...this.workers };
    const chiefs: Record<string, string> = { ...this.chiefs };
    const names = { ...core.names };
    const locked = new Set(core.locked);
    // A valid file (checked above) is a FeatureCollection: its grids' staff, names and locks come along.
    for (const f of (JSON.parse(text) as FeatureCollection).features) {
      const code = String(f.properties?.code);
      if (typeof f.properties?.worker === 'string') workers[code] = f.properties.worker;
      if (typeof f.properties?.chief === 'string') chiefs[code] = f.properties.chief;
      if (typeof f.properties?.name === 'string') names[code] = f.properties.name;
      if (f.properties?.locked === true) locked.add(code);
      else if (f.properties?.locked === false) locked.delete(code);
    }
    this.workers = workers;
    this.chiefs = chiefs;
    this.commit('import', (c) => {
      c.assign(r.value);
      c.names = names;
      c.locked = locked;
    });
    this.selected = [];
    return true;
  }

  setChief(code: string, name: string) {
    this.chiefs = { ...this.chiefs, [code]: name.trim() };
    this.scheduleSave();
  }

  /** Opens a saved version as one undoable command (grids, names, locks); its staff replace the current staff. */
  applyVersion(v: { name: string; assignment: Assignment; workers: Record<string, string>; chiefs?: Record<string, string>; names?: Record<string, string>; locked?: string[] }) {
    if (!this.core) return;
    this.workers = { ...v.workers };
    this.chiefs = { ...(v.chiefs ?? {}) };
    this.commit(`version ${v.name}`, (c) => {
      c.assign(v.assignment);
      c.names = { ...(v.names ?? {}) };
      c.locked = new Set(v.locked ?? []);
    });
    this.selected = [];
  }

  /**
   * "Split all communities of this street": the engine runs in the worker over each community
   * in turn (keeping each one's autosaved codes and locked grids), posting progress; each result
   * is saved as that community's autosave at once, so a cancel keeps the finished ones.
   */
  async runStreet(street: string) {
    const layers = this.layers;
    const district = this.district;
    if (!layers || !district || this.streetRun.status === 'running') return;
    const min = Math.round(this.min);
    const max = Math.round(this.max);
    const comms = this.communities.filter((c) => c.street === street);
    if (!(min > 0 && min <= max) || !comms.length) {
      this.streetRun = !comms.length
        ? { status: 'error', street, i: 0, n: 0, results: [], error: 'engine', errors: [{ message: 'no communities in this street', msg: emsg('partition.err.noCommunities') }] }
        : { status: 'error', street, i: 0, n: comms.length, results: [], error: 'min/max' };
      return;
    }
    this.streetRun = { status: 'running', street, i: 0, n: comms.length, results: [] };
    // The open community's pending edit first, so that its run starts from it.
    this.flush();
    const saved = new Map<string, SavedPlan | undefined>();
    const requests: { community: string; request: PartitionRequest }[] = [];
    for (const c of comms) {
      const s = await loadPlan(c.code).catch(() => undefined);
      saved.set(c.code, s);
      requests.push({ community: c.code, request: partitionRequest(communityData(layers, c.code)!, s?.assignment ?? null, s?.locked ?? [], min, max) });
    }
    if (this.streetRun.status !== 'running' || this.streetRun.street !== street) return;
    const w = new Worker(new URL('../../workers/partition.worker.ts', import.meta.url), { type: 'module' });
    this.streetWorker = w;
    const names = new Map(comms.map((c) => [c.code, c.name]));
    const writes: Promise<unknown>[] = [];
    w.onmessage = (e: MessageEvent<StreetMessage>) => {
      const m = e.data;
      const run = this.streetRun;
      if (this.streetWorker !== w) return;
      if (m.type === 'progress') this.streetRun = { ...run, i: m.i, community: m.community, phase: m.phase, fraction: m.fraction };
      else if (m.type === 'community') {
        const name = names.get(m.community) ?? m.community;
        if (!m.ok) {
          this.streetRun = { ...run, i: run.i + 1, fraction: 0, results: [...run.results, { community: m.community, name, grids: 0, outOfBand: 0, householdsOutOfBand: 0, errors: m.errors }] };
          return;
        }
        const s = saved.get(m.community);
        writes.push(
          savePlan({ ...s, community: m.community, district, min, max, assignment: m.assignment, names: s?.names ?? {}, locked: s?.locked ?? [], workers: s?.workers ?? {}, savedAt: new Date().toISOString() }, s?.revision ?? 0).then(
            (r) => this.streetSaved(m.community, r),
            (err) => (this.error = `IndexedDB: ${(err as Error).message}`)
          )
        );
        this.streetRun = { ...run, i: run.i + 1, fraction: 0, results: [...run.results, { community: m.community, name, grids: m.grids, outOfBand: m.outOfBand, householdsOutOfBand: m.householdsOutOfBand }] };
      } else {
        this.stopStreet(w);
        void Promise.all(writes).then(() => (this.streetRun = { ...this.streetRun, status: 'done', community: undefined }));
      }
    };
    w.onerror = (e) => {
      this.stopStreet(w);
      this.streetRun = { ...this.streetRun, status: 'error', error: 'engine', errors: [engineError(e.message)] };
    };
    w.postMessage({ id: 1, type: 'street', requests });
  }

  /**
   * A street run's result stored (or refused: the community was saved elsewhere since the run read
   * it). The open community, without unsaved edits, shows the result; with some, it is now behind.
   */
  private streetSaved(community: string, r: SaveResult) {
    if (!r.ok) {
      const results = this.streetRun.results.map((x) =>
        x.community === community ? { ...x, errors: [{ message: 'changed in another tab during the run: not saved', msg: emsg('partition.err.savedElsewhere') }] } : x
      );
      this.streetRun = { ...this.streetRun, results };
      return;
    }
    this.channel?.post({ type: 'saved', community, revision: r.revision });
    if (this.core?.data.code !== community) return;
    if (this.edits === this.savedEdits) void this.reopen();
    else this.conflict = { kind: 'newer', revision: r.revision };
  }

  private stopStreet(w: Worker) {
    w.terminate();
    if (this.streetWorker === w) this.streetWorker = null;
  }

  /** Cancels the street-wide run: communities already finished stay saved, the rest untouched. */
  cancelStreet() {
    if (this.streetWorker) this.stopStreet(this.streetWorker);
    if (this.streetRun.status === 'running') this.streetRun = { ...this.streetRun, status: 'cancelled', community: undefined, phase: undefined, fraction: undefined };
  }
}

/** The name of a version that keeps a tab's plan when another tab's newer one is the autosave. */
const keptName = () => i18n.f('plan.sync.keptName', { when: new Date().toLocaleString(i18n.dateTag) });

export const plan = new PlanState();
