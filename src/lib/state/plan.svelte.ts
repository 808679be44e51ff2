/**
 * The planner's state (runes): which community is open, its plan (a CommunityPlan on the grid
 * engine's GridEditor), the selection, the hand edits with undo/redo as a stack of snapshots, the
 * grids' staff and the import of an exported plan. Big objects are `$state.raw` and replaced,
 * never deeply tracked; the map follows edits through `onChange` (feature-state), not by
 * rebuilding its sources. Beside it: the district's layers (district-layers.ts), the autosave with
 * its revisions, other tabs and named versions (plan-autosave.svelte.ts), the two partition-worker
 * jobs (plan-jobs.svelte.ts).
 */
import { tick } from 'svelte';
import type { Validation } from '$lib/geo/partition/validate';
import type { ImportError } from '$lib/data/import/errors';
import { readPlanExtras, readPlanGeoJSON } from '$lib/data/import/plan-geojson';
import { decodeText } from '$lib/data/text-decode';
import type { DistrictCode } from '$lib/data/schema';
import type { PlanRecord } from '$lib/data/plan-store';
import { GRID_PALETTE } from '$lib/map/legend';
import { DEFAULT_MAX, DEFAULT_MIN } from '$lib/geo/partition/defaults';
import {
  CommunityPlan,
  EditRefused,
  communityData,
  streetCommunities,
  partitionRequest,
  type Assignment,
  type CommunityData,
  type DistrictLayers,
  type Snapshot
} from '$lib/plan/community-plan';
import { districtLayers } from './district-layers';
import { PlanAutosave } from './plan-autosave.svelte';
import { SplitJob, StreetJob, type RunState, type StreetRun } from './plan-jobs.svelte';

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
  min = $state(DEFAULT_MIN);
  max = $state(DEFAULT_MAX);
  workers = $state.raw<Record<string, string>>({});
  /** Grid code → grid chief (网格长). */
  chiefs = $state.raw<Record<string, string>>({});

  undoStack = $state.raw<Command[]>([]);
  redoStack = $state.raw<Command[]>([]);
  restored = $state<string | null>(null);
  importErrors = $state.raw<ImportError[]>([]);
  tool = $state<Tool>('select');
  /** The grid the tools act on (split along a line, merge, rename, lock). */
  activeGrid = $state('');
  /** Why the last hand edit was refused (cleared by the next edit that goes through). */
  refused = $state.raw<{ reason: EditRefused['reason']; grid: string } | null>(null);
  /**
   * Last manual move: ms from the click to the panel updated (sync) and to the next frame (map drawn);
   * `n` counts the moves timed, so a reader can tell a new timing from an equal old one.
   */
  lastMove = $state.raw<{ n: number; syncMs: number; frameMs: number } | null>(null);

  /** Saving, other tabs' conflicts and named versions of the open plan. */
  readonly autosave = new PlanAutosave({
    record: () => this.record(),
    openCode: () => this.core?.data.code,
    reopen: () => this.reopen(),
    fail: (message) => (this.error = message)
  });
  private readonly split = new SplitJob();
  private readonly streetJob = new StreetJob();
  private listeners = new Set<(c: PlanChange) => void>();

  /** The automatic split's progress and outcome. */
  get run(): RunState {
    return this.split.state;
  }
  /** The street-wide run's progress and results. */
  get streetRun(): StreetRun {
    return this.streetJob.state;
  }

  rows: GridRow[] = $derived.by(() => {
    void this.version;
    const core = this.core;
    const v = this.validation;
    if (!core || !v) return [];
    const by = new Map(v.grids.map((r) => [r.grid, r]));
    const colours = core.gridColours(GRID_PALETTE.length);
    return core.liveSlots().map((g) => {
      const r = by.get(g)!;
      return {
        slot: g,
        code: core.codes[g],
        seq: core.codes[g].slice(-3),
        colour: GRID_PALETTE[colours.get(core.codes[g]) ?? 0],
        households: r.households,
        buildings: r.buildings,
        pieces: r.pieces,
        polsbyPopper: r.polsbyPopper,
        inRange: r.inRange,
        locked: core.locked.has(core.codes[g]),
        name: core.names[core.codes[g]] ?? ''
      };
    });
  });

  warnings: GridWarning[] = $derived.by(() => {
    const core = this.core;
    if (!core) return [];
    const out: GridWarning[] = [];
    for (const r of this.rows) {
      if (r.households < core.bounds.min)
        out.push({ slot: r.slot, code: r.code, rule: 'below-min', households: r.households, pieces: r.pieces });
      if (r.households > core.bounds.max)
        out.push({ slot: r.slot, code: r.code, rule: 'above-max', households: r.households, pieces: r.pieces });
      if (r.pieces > 1)
        out.push({ slot: r.slot, code: r.code, rule: 'not-contiguous', households: r.households, pieces: r.pieces });
    }
    return out;
  });

  communities = $derived.by(() =>
    (this.layers?.communities.features ?? []).map((f) => ({
      code: String(f.properties!.code),
      name: String(f.properties!.name),
      street: String(f.properties!.street),
      households: Number(f.properties!.households)
    }))
  );
  streets = $derived.by(() =>
    (this.layers?.streets.features ?? []).map((f) => ({
      code: String(f.properties!.code),
      name: String(f.properties!.name)
    }))
  );

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
    try {
      const layers = await districtLayers(root, district);
      if (this.district === district) this.layers = layers;
    } catch (e) {
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
    this.autosave.leave();
    this.error = null;
    const opened = await this.autosave.load(data.code);
    if (opened.error) this.error = opened.error;
    const saved = opened.saved;
    if (saved) {
      this.min = saved.min;
      this.max = saved.max;
    } else {
      this.min = DEFAULT_MIN;
      this.max = DEFAULT_MAX;
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
    this.autosave.opened(opened);
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
    this.autosave.leave();
    this.core = null;
    this.selected = [];
  }

  /** Opens the community's autosave again; this tab's unsaved edits are dropped. */
  private async reopen(): Promise<boolean> {
    const data = this.core?.data;
    this.autosave.dropPending();
    if (!data || !(await this.openData(data))) return false;
    this.emit({ kind: 'all' });
    return true;
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
    this.autosave.schedule();
    return true;
  }

  /**
   * Moves buildings to a grid (null: a new grid). `t0` is the click's time stamp; the time to the
   * panel updated and to the next frame (the map's repaint is queued before it) is kept in `lastMove`.
   */
  move(buildings: readonly string[], code: string | null, t0 = performance.now()) {
    if (!buildings.length) return;
    if (!this.commit(code ? `→ ${code}` : '→ new', (core) => core.move(buildings, code), { kind: 'move', buildings }))
      return;
    void tick().then(() => {
      const syncMs = performance.now() - t0;
      requestAnimationFrame(
        () => (this.lastMove = { n: (this.lastMove?.n ?? 0) + 1, syncMs, frameMs: performance.now() - t0 })
      );
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
    this.autosave.schedule();
  }

  redo() {
    const c = this.redoStack.at(-1);
    if (!c || !this.core) return;
    this.core.restore(c.after);
    this.redoStack = this.redoStack.slice(0, -1);
    this.undoStack = [...this.undoStack, c];
    this.emit({ kind: 'all' });
    this.refresh();
    this.autosave.schedule();
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
    this.autosave.schedule();
  }

  /** The open plan as the store keeps it. */
  private record(): PlanRecord | null {
    const core = this.core;
    if (!core || !this.district) return null;
    return {
      community: core.data.code,
      district: this.district,
      min: core.bounds.min,
      max: core.bounds.max,
      assignment: core.assignment(),
      names: { ...core.names },
      locked: [...core.locked],
      workers: { ...this.workers },
      chiefs: { ...this.chiefs },
      savedAt: new Date().toISOString()
    };
  }

  /** The automatic split in the partition worker; its result is one undoable command. */
  autoSplit() {
    const core = this.core;
    if (!core || this.split.running) return;
    const min = Math.round(this.min);
    const max = Math.round(this.max);
    if (!(min > 0 && min <= max)) return this.split.refuse();
    const request = partitionRequest(core.data, core.assignment(), [...core.locked], min, max);
    this.split.start(request, {
      current: () => this.core === core,
      apply: (a) => {
        const before = core.snapshot();
        // Same bounds: the prepared problem is kept; new bounds need a new one (items are the same, so snapshots stay valid).
        const next =
          min === core.bounds.min && max === core.bounds.max ? core : new CommunityPlan(core.data, { min, max }, a);
        if (next === core) core.assign(a);
        else {
          next.names = { ...core.names };
          next.locked = new Set(core.locked);
        }
        this.core = next;
        this.undoStack = [...this.undoStack, { label: 'auto', before, after: next.snapshot() }];
        this.redoStack = [];
        this.selected = [];
      },
      applied: () => {
        this.emit({ kind: 'all' });
        this.refresh();
        this.autosave.schedule();
      }
    });
  }

  /** Cancels a running split: the worker is terminated, the plan is left as it was. */
  cancelRun() {
    this.split.cancel();
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
    const r = readPlanGeoJSON(
      text,
      file,
      core.data.code,
      core.data.buildings.map((b) => b.properties.id)
    );
    if (!r.ok) {
      this.importErrors = r.errors;
      return false;
    }
    this.importErrors = [];
    // The file's grids' staff, names and locks come along.
    const extras = readPlanExtras(text);
    const names = { ...core.names, ...extras.names };
    const locked = new Set(core.locked);
    for (const [code, on] of Object.entries(extras.locked)) {
      if (on) locked.add(code);
      else locked.delete(code);
    }
    this.workers = { ...this.workers, ...extras.workers };
    this.chiefs = { ...this.chiefs, ...extras.chiefs };
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
    this.autosave.schedule();
  }

  /** Opens a saved version as one undoable command (grids, names, locks); its staff replace the current staff. */
  applyVersion(v: {
    name: string;
    assignment: Assignment;
    workers: Record<string, string>;
    chiefs?: Record<string, string>;
    names?: Record<string, string>;
    locked?: string[];
  }) {
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

  /** "Split all communities of this street" (see StreetJob); each result becomes that community's autosave. */
  runStreet(street: string) {
    return this.runMany(street, (c) => c.street === street);
  }

  /** "Split all communities of the district": the same run over every street (keyed by the district's code). */
  runDistrict() {
    return this.district ? this.runMany(this.district, () => true) : Promise.resolve();
  }

  private async runMany(key: string, which: (c: (typeof this.communities)[number]) => boolean) {
    const layers = this.layers;
    const district = this.district;
    if (!layers || !district || this.streetJob.running) return;
    await this.streetJob.start(
      {
        street: key,
        district,
        layers,
        communities: this.communities.filter(which),
        min: Math.round(this.min),
        max: Math.round(this.max)
      },
      {
        flush: () => this.autosave.flush(),
        saved: (community, revision) => this.autosave.savedElsewhere(community, revision),
        failed: (message) => (this.error = message)
      }
    );
  }

  /** Cancels the street- or district-wide run: communities already finished stay saved, the rest untouched. */
  cancelStreet() {
    this.streetJob.cancel();
  }
}

export const plan = new PlanState();
