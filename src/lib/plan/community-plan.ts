/**
 * One community's grid plan, without any UI: the community's buildings prepared once as an
 * engine problem (positions, adjacency with road barriers, Voronoi cells), a GridEditor holding
 * the assignment (each edit revalidates only the grids it touched), grid codes per editor slot,
 * snapshots for undo/redo and autosave, grid names and locks, the hand edits (lasso, split along
 * a drawn line, merge), grid outlines for the map and the plan as GeoJSON (CSV and Parquet rows:
 * ./export.ts; read back by $lib/data/import/plan-geojson.ts). Pure TypeScript: used by the plan
 * state (runes) and by unit tests.
 */
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { GridEditor } from '$lib/geo/partition/edit';
import { Plan } from '$lib/geo/partition/plan';
import { prepare, type EngineItem, type Problem } from '$lib/geo/partition/problem';
import { DEFAULT_STREET_CLASSES, type PartitionRequest } from '$lib/geo/partition/input';
import { barriersNear } from '$lib/geo/partition/barriers';
import { localProjection, type Projection } from '$lib/geo/partition/projection';
import { nodeLines } from '$lib/geo/network';
import { dissolve } from '$lib/geo/partition/cells';
import { gridCode, MAX_SEQ, seqOf } from '$lib/geo/partition/codes';
import { openRing, pointInRing, ringArea, ringCentroid, type Ring, type XY } from '$lib/geo/partition/planar';
import type { Validation } from '$lib/geo/partition/validate';
import { cutByLine, insideLasso } from '$lib/geo/sketch';
import { colourGraph } from '$lib/geo/partition/colouring';

/** Road classes no grid may cross (the CLI's default for a built district). */
export const BARRIER_CLASSES = ['motorway', 'trunk', 'primary', 'secondary', 'railway', 'rail', 'river'] as const;

export interface PlanBuildingProps {
  id: string;
  households: number;
  compound?: string | null;
  community?: string;
  grid?: string | null;
  floors?: number;
}

export type BuildingFeature = Feature<Polygon | MultiPolygon, PlanBuildingProps>;

/** What the planner needs of one community, in WGS-84. */
export interface CommunityData {
  code: string;
  name: string;
  street: string;
  boundary: Feature<Polygon | MultiPolygon> | null;
  buildings: BuildingFeature[];
  compounds: FeatureCollection;
  roads: FeatureCollection;
}

export interface PlanBounds {
  min: number;
  max: number;
}

/** A whole assignment: grid code per building id. What is saved, exported and restored. */
export type Assignment = Record<string, string>;

/** Undo/redo snapshot (cheap: one Int32Array of the community's buildings, the slot codes, names and locks). */
export interface Snapshot {
  assign: Int32Array;
  codes: string[];
  names: Record<string, string>;
  locked: string[];
}

/**
 * An edit the plan refuses, with what the planner must be told: a locked grid (`grid`), a cut
 * line that does not cross its grid into two non-empty parts, merging a grid with itself, an
 * unknown grid.
 */
export class EditRefused extends Error {
  constructor(
    readonly reason: 'locked' | 'line-not-across' | 'line-one-side' | 'merge-same' | 'no-grid',
    readonly grid: string
  ) {
    super(`${reason}: ${grid}`);
  }
}

export interface GridProps {
  code: string;
  seq: number;
  households: number;
  buildings: string[];
  contiguous: boolean;
  polsbyPopper: number;
  inRange: boolean;
  worker?: string;
  /** The planner's name for the grid (e.g. 幸福里一网格); codes stay the ids. */
  name?: string;
  locked: boolean;
}

const outerRings = (g: Polygon | MultiPolygon): Position[][] =>
  g.type === 'Polygon' ? [g.coordinates[0]] : g.coordinates.map((p) => p[0]);

function largestRing(g: Polygon | MultiPolygon): Position[] {
  let best = outerRings(g)[0];
  let ba = -1;
  for (const r of outerRings(g)) {
    const a = Math.abs(ringArea(openRing(r)));
    if (a > ba) [ba, best] = [a, r];
  }
  return best;
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

export class CommunityPlan {
  readonly data: CommunityData;
  readonly bounds: PlanBounds;
  readonly problem: Problem;
  readonly proj: Projection;
  /** Building id → item index (one item per building). */
  readonly index = new Map<string, number>();
  /** Building id → [minLon, minLat, maxLon, maxLat]. */
  readonly bbox = new Map<string, [number, number, number, number]>();
  editor: GridEditor;
  /** Grid code per editor slot ('' for a slot that was emptied). */
  codes: string[];
  /** Grid code → the planner's name for it. */
  names: Record<string, string> = {};
  /** Locked grid codes: hand edits refuse them, automatic splits keep them exactly. */
  locked = new Set<string>();
  private outlines = new Map<number, Feature<Polygon | MultiPolygon, { code: string }>>();

  constructor(data: CommunityData, bounds: PlanBounds, assignment?: Assignment) {
    this.data = data;
    this.bounds = bounds;
    const cents = data.buildings.map((b) => ringCentroid(openRing(largestRing(b.geometry))) as XY);
    const lon0 = cents.length ? cents.reduce((s, c) => s + c[0], 0) / cents.length : 0;
    const lat0 = cents.length ? cents.reduce((s, c) => s + c[1], 0) / cents.length : 0;
    this.proj = localProjection(lon0, lat0);
    const items: EngineItem[] = data.buildings.map((b, i) => {
      const [x, y] = this.proj.forward(cents[i]);
      return {
        id: b.properties.id,
        households: Number(b.properties.households) || 0,
        x,
        y,
        group: b.properties.compound ?? null
      };
    });
    for (const b of data.buildings) {
      let x0 = Infinity,
        y0 = Infinity,
        x1 = -Infinity,
        y1 = -Infinity;
      for (const r of outerRings(b.geometry))
        for (const [x, y] of r) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      this.bbox.set(b.properties.id, [x0, y0, x1, y1]);
    }
    const boundary: Ring[] | undefined = data.boundary
      ? outerRings(data.boundary.geometry as Polygon | MultiPolygon).map((r) => openRing(r).map(this.proj.forward))
      : undefined;
    const lines: XY[][] = [];
    // Cells are cut along barriers and streets as the engine cuts them (partition/streets.ts), so
    // that the grids drawn here are the engine's.
    const cutLines: [number, number][][] = [];
    for (const f of data.roads.features) {
      const cls = String((f.properties ?? {}).class ?? '');
      const barrier = (BARRIER_CLASSES as readonly string[]).includes(cls);
      if (!barrier && !DEFAULT_STREET_CLASSES.includes(cls)) continue;
      const g = f.geometry;
      const parts = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
      for (const p of parts) {
        if (barrier) lines.push(p.map(this.proj.forward));
        cutLines.push(p as [number, number][]);
      }
    }
    const cuts = cutLines.length ? nodeLines(cutLines).map((l) => l.map(this.proj.forward)) : undefined;
    this.problem = prepare({
      items,
      boundary,
      barriers: barriersNear(lines, items),
      cuts,
      min: bounds.min,
      max: bounds.max,
      target: Math.round((bounds.min + bounds.max) / 2)
    });
    this.problem.ids.forEach((id, i) => this.index.set(id, i));
    const initial =
      assignment ?? Object.fromEntries(data.buildings.map((b) => [b.properties.id, b.properties.grid ?? '']));
    const { snapshot } = this.snapshotFrom(initial);
    this.codes = snapshot.codes;
    this.editor = new GridEditor(new Plan(this.problem, snapshot.assign));
  }

  /** Slots from an assignment by code; buildings without a (valid) code go to a grid of their own. */
  private snapshotFrom(a: Assignment): { snapshot: Snapshot } {
    const p = this.problem;
    const codes: string[] = [];
    const slot = new Map<string, number>();
    const assign = new Int32Array(p.n);
    let orphan = -1;
    for (let i = 0; i < p.n; i++) {
      const c = a[p.ids[i]];
      if (c && seqOf(c, this.data.code) !== null) {
        let s = slot.get(c);
        if (s === undefined) {
          s = codes.length;
          codes.push(c);
          slot.set(c, s);
        }
        assign[i] = s;
      } else assign[i] = -1;
    }
    for (let i = 0; i < p.n; i++)
      if (assign[i] < 0) {
        if (orphan < 0) {
          orphan = codes.length;
          codes.push(this.nextCode(codes));
        }
        assign[i] = orphan;
      }
    return { snapshot: { assign, codes, names: { ...this.names }, locked: [...this.locked] } };
  }

  /** The lowest unused code of the community. */
  nextCode(codes: readonly string[] = this.codes): string {
    const used = new Set(codes.map((c) => seqOf(c, this.data.code)));
    for (let s = 1; s <= MAX_SEQ; s++) if (!used.has(s)) return gridCode(this.data.code, s);
    throw new Error(`community ${this.data.code} has no free grid code`);
  }

  get validation(): Validation {
    return this.editor.validation();
  }

  /** Slots that hold buildings, in code order. */
  liveSlots(): number[] {
    const plan = this.editor.plan;
    return [...Array(plan.k).keys()]
      .filter((g) => plan.count[g] > 0)
      .sort((a, b) => (this.codes[a] < this.codes[b] ? -1 : 1));
  }

  slotOf(code: string): number {
    return this.codes.indexOf(code);
  }

  codeOf(building: string): string | undefined {
    const g = this.editor.gridOf(building);
    return g === undefined ? undefined : this.codes[g];
  }

  /**
   * Moves buildings to the grid with `code`, or to a new grid (code `null`). Returns the slots
   * touched and the moved buildings. Only the grids touched are revalidated.
   */
  move(buildings: readonly string[], code: string | null): { touched: number[]; code: string } {
    const plan = this.editor.plan;
    if (code !== null && this.locked.has(code)) throw new EditRefused('locked', code);
    for (const b of buildings) {
      const c = this.codeOf(b);
      if (c !== undefined && this.locked.has(c)) throw new EditRefused('locked', c);
    }
    let to = code === null ? -1 : this.slotOf(code);
    let newCode = code;
    if (to < 0) {
      newCode = code ?? this.nextCode();
      to = plan.k;
      this.codes[to] = newCode;
    }
    const touched = new Set<number>([to]);
    for (const b of buildings) {
      const g = this.editor.gridOf(b);
      if (g === undefined) throw new Error(`unknown building ${b}`);
      touched.add(g);
    }
    this.editor.move(buildings, to);
    this.coloursFor = 0;
    for (const g of touched) this.outlines.delete(g);
    return { touched: [...touched], code: newCode! };
  }

  snapshot(): Snapshot {
    return {
      assign: this.editor.plan.assign.slice(),
      codes: [...this.codes],
      names: { ...this.names },
      locked: [...this.locked]
    };
  }

  restore(s: Snapshot): void {
    this.codes = [...s.codes];
    this.names = { ...s.names };
    this.locked = new Set(s.locked);
    this.editor = new GridEditor(new Plan(this.problem, s.assign.slice()));
    this.outlines.clear();
    this.coloursFor = 0;
  }

  /** Replaces the whole assignment (auto split, import), keeping code stability of `a`. */
  assign(a: Assignment): void {
    this.restore(this.snapshotFrom(a).snapshot);
  }

  assignment(): Assignment {
    const out: Assignment = {};
    const plan = this.editor.plan;
    for (let i = 0; i < this.problem.n; i++) out[this.problem.ids[i]] = this.codes[plan.assign[i]];
    return out;
  }

  /** Buildings whose centre lies inside a lasso drawn in WGS-84. */
  lasso(ring: readonly (readonly number[])[]): string[] {
    const p = this.problem;
    const pts: XY[] = Array.from({ length: p.n }, (_, i) => [p.x[i], p.y[i]]);
    return insideLasso(
      pts,
      ring.map((q) => this.proj.forward(q as XY))
    ).map((i) => p.building[i]);
  }

  private liveSlot(code: string): number {
    const g = this.slotOf(code);
    if (g < 0 || this.editor.plan.count[g] === 0) throw new EditRefused('no-grid', code);
    return g;
  }

  /**
   * Splits grid `code` along a line drawn in WGS-84 across it: the side with more households
   * keeps the code, the other becomes a new grid (the lowest free code), returned.
   */
  splitAlong(code: string, line: readonly (readonly number[])[]): string {
    if (this.locked.has(code)) throw new EditRefused('locked', code);
    const g = this.liveSlot(code);
    const p = this.problem;
    const members = this.editor.plan.members(g);
    const cells = members.flatMap((i) => p.cells.rings[i]);
    const cut = cutByLine(
      members.map((i) => [p.x[i], p.y[i]] as XY),
      line.map((q) => this.proj.forward(q as XY)),
      (q) => cells.some((r) => pointInRing(q, r))
    );
    if (!cut.ok) throw new EditRefused(cut.reason === 'not-across' ? 'line-not-across' : 'line-one-side', code);
    const hh = (side: number[]) => side.reduce((s, j) => s + p.hh[members[j]], 0);
    const away = hh(cut.left) >= hh(cut.right) ? cut.right : cut.left;
    return this.move([...new Set(away.map((j) => p.building[members[j]]))], null).code;
  }

  /** Merges grid `b` into grid `a`: b's buildings go to a, b's code is freed (with its name). */
  merge(a: string, b: string): void {
    if (a === b) throw new EditRefused('merge-same', a);
    for (const c of [a, b]) if (this.locked.has(c)) throw new EditRefused('locked', c);
    this.liveSlot(a);
    const gb = this.liveSlot(b);
    this.move(this.buildingsOf(gb), a);
    this.codes[gb] = '';
    delete this.names[b];
  }

  /** Names a grid (an empty name removes it); the code stays. */
  rename(code: string, name: string): void {
    this.liveSlot(code);
    const n = name.trim();
    if (n) this.names[code] = n;
    else delete this.names[code];
  }

  setLocked(code: string, on: boolean): void {
    this.liveSlot(code);
    if (on) this.locked.add(code);
    else this.locked.delete(code);
  }

  /** Buildings of a slot, by id. */
  buildingsOf(g: number): string[] {
    return this.editor.plan.members(g).map((i) => this.problem.building[i]);
  }

  /** [minLon, minLat, maxLon, maxLat] of a grid's buildings. */
  gridBbox(g: number): [number, number, number, number] {
    const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const id of this.buildingsOf(g)) {
      const q = this.bbox.get(id)!;
      b[0] = Math.min(b[0], q[0]);
      b[1] = Math.min(b[1], q[1]);
      b[2] = Math.max(b[2], q[2]);
      b[3] = Math.max(b[3], q[3]);
    }
    return b;
  }

  /** The grid's area as the union of its buildings' Voronoi cells (cached until the grid changes). */
  outline(g: number): Feature<Polygon | MultiPolygon, { code: string }> {
    let f = this.outlines.get(g);
    if (!f) {
      const polys = dissolve(this.problem.cells, this.editor.plan.members(g)).map((poly) =>
        poly.map((ring) => [...ring, ring[0]].map((q) => this.proj.inverse(q)).map(([x, y]) => [r6(x), r6(y)]))
      );
      f = {
        type: 'Feature',
        properties: { code: this.codes[g] },
        geometry:
          polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys }
      };
      this.outlines.set(g, f);
    }
    return f;
  }

  /** Per-grid properties from the cached reports. */
  gridProps(g: number, workers: Record<string, string> = {}): GridProps {
    const r = this.validation.grids.find((x) => x.grid === g);
    const code = this.codes[g];
    return {
      code,
      seq: seqOf(code, this.data.code) ?? 0,
      households: r?.households ?? 0,
      buildings: this.buildingsOf(g).sort(),
      contiguous: (r?.pieces ?? 1) === 1,
      polsbyPopper: r?.polsbyPopper ?? 0,
      inRange: r?.inRange ?? false,
      ...(workers[code] ? { worker: workers[code] } : {}),
      ...(this.names[code] ? { name: this.names[code] } : {}),
      locked: this.locked.has(code)
    };
  }

  /** Grid outlines (for the map) with code and households. */
  gridsGeoJSON(workers: Record<string, string> = {}): FeatureCollection<Polygon | MultiPolygon, GridProps> {
    return {
      type: 'FeatureCollection',
      features: this.liveSlots().map((g) => ({
        ...this.outline(g),
        properties: { ...this.gridProps(g, workers), community: this.data.code }
      }))
    };
  }

  /**
   * Pairs of neighbouring grid codes: grids with buildings joined by a Delaunay edge, across
   * roads too, or whose drawn cells share an edge (cells cut along streets hand pieces across a
   * street, so outlines can touch where no Delaunay edge runs).
   */
  gridNeighbours(): [string, string][] {
    const a = this.editor.plan.assign;
    const seen = new Set<string>();
    const out: [string, string][] = [];
    const pair = (i: number, j: number) => {
      const [ca, cb] = [this.codes[a[i]], this.codes[a[j]]];
      if (!ca || !cb || ca === cb) return;
      const key = ca < cb ? `${ca}|${cb}` : `${cb}|${ca}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push([ca, cb]);
    };
    for (const [i, j] of this.problem.adjacency.delaunay) pair(i, j);
    const { off, nbr } = this.problem.cells;
    for (let i = 0; i < this.problem.n; i++) for (let e = off[i]; e < off[i + 1]; e++) pair(i, nbr[e]);
    return out;
  }

  /**
   * Palette index (of `k` colours) per live grid code, no two neighbours alike; a grid keeps the
   * colour it had at the last call while that stays valid, so edits repaint few grids.
   */
  gridColours(k: number): Map<string, number> {
    // The panel's rows and the map both ask after each edit: colour once per assignment.
    if (this.coloursFor === k) return this.lastColours;
    const codes = this.liveSlots()
      .map((g) => this.codes[g])
      .sort();
    this.lastColours = colourGraph(codes, this.gridNeighbours(), k, this.lastColours);
    this.coloursFor = k;
    return this.lastColours;
  }
  private lastColours = new Map<string, number>();
  /** Palette size `lastColours` was computed for with the current assignment; 0 once an edit made it stale. */
  private coloursFor = 0;

  /** One label point per grid: the household-weighted centre of its buildings; `mark` flags an over-full, under-full or split grid. */
  labelsGeoJSON(): FeatureCollection<Point, { code: string; seq: string; households: number; mark: GridMark }> {
    const p = this.problem;
    const plan = this.editor.plan;
    return {
      type: 'FeatureCollection',
      features: this.liveSlots().map((g) => {
        let x = 0,
          y = 0,
          w = 0;
        for (const i of plan.members(g)) {
          const wi = Math.max(p.hh[i], 1);
          x += p.x[i] * wi;
          y += p.y[i] * wi;
          w += wi;
        }
        const r = this.validation.grids.find((q) => q.grid === g);
        return {
          type: 'Feature',
          properties: {
            code: this.codes[g],
            seq: this.codes[g].slice(-3),
            households: r?.households ?? 0,
            mark: gridMark(r?.households ?? 0, r?.pieces ?? 1, this.bounds)
          },
          geometry: { type: 'Point', coordinates: this.proj.inverse([x / w, y / w]).map(r6) }
        };
      })
    };
  }
}

/**
 * The engine's request for one community: its buildings with their current grid (so that codes
 * stay stable), boundary, barrier roads, bounds (target midway) and locked grid codes.
 */
export function partitionRequest(
  data: CommunityData,
  current: Assignment | null,
  locked: readonly string[],
  min: number,
  max: number
): PartitionRequest {
  return {
    buildings: {
      type: 'FeatureCollection',
      features: data.buildings.map((b) => ({
        ...b,
        properties: { ...b.properties, grid: current?.[b.properties.id] ?? b.properties.grid }
      }))
    },
    communities: data.boundary ? { type: 'FeatureCollection', features: [data.boundary] } : undefined,
    barriers: data.roads,
    barrierClasses: BARRIER_CLASSES,
    community: data.code,
    min,
    max,
    target: Math.round((min + max) / 2),
    locked
  };
}

/** The layers of a built district the planner reads (static/data/<adcode>/map/*.geojson). */
export interface DistrictLayers {
  streets: FeatureCollection;
  communities: FeatureCollection;
  compounds: FeatureCollection;
  roads: FeatureCollection;
  buildings: FeatureCollection;
}

/** A street's communities and their bounding box [minLon, minLat, maxLon, maxLat] (null when it has none). */
export function streetCommunities(
  layers: DistrictLayers,
  street: string
): { communities: FeatureCollection; bbox: [number, number, number, number] | null } {
  const features = layers.communities.features.filter((f) => String(f.properties?.street ?? '') === street);
  const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features)
    for (const r of outerRings(f.geometry as Polygon | MultiPolygon))
      for (const [x, y] of r) {
        b[0] = Math.min(b[0], x);
        b[1] = Math.min(b[1], y);
        b[2] = Math.max(b[2], x);
        b[3] = Math.max(b[3], y);
      }
  return { communities: { type: 'FeatureCollection', features }, bbox: features.length ? b : null };
}

/** One community's slice of a district: its buildings, boundary, compounds, and the roads near it. */
export function communityData(layers: DistrictLayers, code: string): CommunityData | null {
  const c = layers.communities.features.find((f) => f.properties?.code === code);
  if (!c) return null;
  const buildings = layers.buildings.features.filter((f) => f.properties?.community === code) as BuildingFeature[];
  const compounds = layers.compounds.features.filter((f) => f.properties?.community === code);
  // Roads whose box meets the community's box (a margin of ~200 m).
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const r of outerRings(c.geometry as Polygon | MultiPolygon))
    for (const [x, y] of r) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  const m = 0.002;
  const near = (ps: Position[]) => ps.some(([x, y]) => x >= x0 - m && x <= x1 + m && y >= y0 - m && y <= y1 + m);
  const roads = layers.roads.features.filter((f) => {
    const g = f.geometry;
    return g.type === 'LineString'
      ? near(g.coordinates)
      : g.type === 'MultiLineString'
        ? g.coordinates.some(near)
        : false;
  });
  return {
    code,
    name: String(c.properties?.name ?? code),
    street: String(c.properties?.street ?? ''),
    boundary: c as Feature<Polygon | MultiPolygon>,
    buildings,
    compounds: { type: 'FeatureCollection', features: compounds },
    roads: { type: 'FeatureCollection', features: roads }
  };
}

/** What the map marks on a grid after a bad move: over the maximum, under the minimum, in pieces, or nothing. */
export type GridMark = 'over' | 'under' | 'split' | '';
export function gridMark(households: number, pieces: number, bounds: PlanBounds): GridMark {
  return households > bounds.max ? 'over' : households < bounds.min ? 'under' : pieces > 1 ? 'split' : '';
}
