/**
 * One community's grid plan, without any UI: the community's buildings prepared once as an
 * engine problem (positions, adjacency with road barriers, Voronoi cells), a GridEditor holding
 * the assignment (each edit revalidates only the grids it touched), grid codes per editor slot,
 * snapshots for undo/redo and autosave, grid outlines for the map, and export/import of the
 * plan as GeoJSON and CSV. Pure TypeScript: used by the plan state (runes) and by unit tests.
 */
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { GridEditor } from '$lib/geo/partition/edit';
import { Plan } from '$lib/geo/partition/plan';
import { prepare, type EngineItem, type Problem } from '$lib/geo/partition/problem';
import { barriersNear, localProjection, type Projection } from '$lib/geo/partition/geojson';
import { dissolve } from '$lib/geo/partition/cells';
import { gridCode, MAX_SEQ, seqOf } from '$lib/geo/partition/codes';
import { openRing, ringArea, ringCentroid, type Ring, type XY } from '$lib/geo/partition/planar';
import type { Validation } from '$lib/geo/partition/validate';
import type { ImportError, ImportResult } from '$lib/data/import/errors';

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

/** Undo/redo snapshot (cheap: one Int32Array of the community's buildings and the slot codes). */
export interface Snapshot {
  assign: Int32Array;
  codes: string[];
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
}

const outerRings = (g: Polygon | MultiPolygon): Position[][] => (g.type === 'Polygon' ? [g.coordinates[0]] : g.coordinates.map((p) => p[0]));

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
      return { id: b.properties.id, households: Number(b.properties.households) || 0, x, y, group: b.properties.compound ?? null };
    });
    for (const b of data.buildings) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const r of outerRings(b.geometry))
        for (const [x, y] of r) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      this.bbox.set(b.properties.id, [x0, y0, x1, y1]);
    }
    const boundary: Ring[] | undefined = data.boundary ? outerRings(data.boundary.geometry as Polygon | MultiPolygon).map((r) => openRing(r).map(this.proj.forward)) : undefined;
    const lines: XY[][] = [];
    for (const f of data.roads.features) {
      const cls = String((f.properties ?? {}).class ?? '');
      if (!(BARRIER_CLASSES as readonly string[]).includes(cls)) continue;
      const g = f.geometry;
      const parts = g.type === 'LineString' ? [g.coordinates] : g.type === 'MultiLineString' ? g.coordinates : [];
      for (const p of parts) lines.push(p.map(this.proj.forward));
    }
    this.problem = prepare({ items, boundary, barriers: barriersNear(lines, items), min: bounds.min, max: bounds.max, target: Math.round((bounds.min + bounds.max) / 2) });
    this.problem.ids.forEach((id, i) => this.index.set(id, i));
    const initial = assignment ?? Object.fromEntries(data.buildings.map((b) => [b.properties.id, b.properties.grid ?? '']));
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
    return { snapshot: { assign, codes } };
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
    return [...Array(plan.k).keys()].filter((g) => plan.count[g] > 0).sort((a, b) => (this.codes[a] < this.codes[b] ? -1 : 1));
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
    for (const g of touched) this.outlines.delete(g);
    return { touched: [...touched], code: newCode! };
  }

  snapshot(): Snapshot {
    return { assign: this.editor.plan.assign.slice(), codes: [...this.codes] };
  }

  restore(s: Snapshot): void {
    this.codes = [...s.codes];
    this.editor = new GridEditor(new Plan(this.problem, s.assign.slice()));
    this.outlines.clear();
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
        geometry: polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys }
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
      ...(workers[code] ? { worker: workers[code] } : {})
    };
  }

  /** Grid outlines (for the map) with code and households. */
  gridsGeoJSON(workers: Record<string, string> = {}): FeatureCollection<Polygon | MultiPolygon, GridProps> {
    return {
      type: 'FeatureCollection',
      features: this.liveSlots().map((g) => ({ ...this.outline(g), properties: { ...this.gridProps(g, workers), community: this.data.code } }))
    };
  }

  /** One label point per grid: the household-weighted centre of its buildings. */
  labelsGeoJSON(): FeatureCollection<Point, { code: string; seq: string; households: number }> {
    const p = this.problem;
    const plan = this.editor.plan;
    return {
      type: 'FeatureCollection',
      features: this.liveSlots().map((g) => {
        let x = 0, y = 0, w = 0;
        for (const i of plan.members(g)) {
          const wi = Math.max(p.hh[i], 1);
          x += p.x[i] * wi;
          y += p.y[i] * wi;
          w += wi;
        }
        const r = this.validation.grids.find((q) => q.grid === g);
        return {
          type: 'Feature',
          properties: { code: this.codes[g], seq: this.codes[g].slice(-3), households: r?.households ?? 0 },
          geometry: { type: 'Point', coordinates: this.proj.inverse([x / w, y / w]).map(r6) }
        };
      })
    };
  }

  /** CSV: grid, building, households, worker (UTF-8, one building a line, sorted by grid then building). */
  toCsv(workers: Record<string, string> = {}): string {
    const rows = [['grid', 'building', 'households', 'worker']];
    const byId = new Map(this.data.buildings.map((b) => [b.properties.id, b]));
    for (const g of this.liveSlots())
      for (const id of this.buildingsOf(g).sort()) rows.push([this.codes[g], id, String(byId.get(id)?.properties.households ?? 0), workers[this.codes[g]] ?? '']);
    return rows.map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
  }
}

function csvCell(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Reads an exported plan (grids GeoJSON with `code` and `buildings` per feature) back into an
 * assignment for this community. All or nothing: any unknown or duplicate building, a code of
 * another community or a building of the community left without a grid is an error.
 */
export function readPlanGeoJSON(text: string, file: string, community: string, buildings: readonly string[]): ImportResult<Assignment> {
  const err = (row: number | null, field: string, message: string): ImportError => ({ file, row, field, message });
  let fc: unknown;
  try {
    fc = JSON.parse(text);
  } catch (e) {
    return { ok: false, errors: [err(null, 'json', `not valid JSON: ${(e as Error).message}`)] };
  }
  const feats = (fc as FeatureCollection)?.features;
  if ((fc as FeatureCollection)?.type !== 'FeatureCollection' || !Array.isArray(feats))
    return { ok: false, errors: [err(null, 'type', 'not a GeoJSON FeatureCollection')] };
  const known = new Set(buildings);
  const out: Assignment = {};
  const errors: ImportError[] = [];
  const codes = new Set<string>();
  feats.forEach((f, row) => {
    const p = (f?.properties ?? {}) as Record<string, unknown>;
    const code = typeof p.code === 'string' ? p.code : '';
    if (seqOf(code, community) === null) return errors.push(err(row, 'code', `grid code ${JSON.stringify(p.code)} is not a 15-digit code of community ${community}`));
    if (codes.has(code)) return errors.push(err(row, 'code', `grid code ${code} appears twice`));
    codes.add(code);
    if (!Array.isArray(p.buildings)) return errors.push(err(row, 'buildings', 'buildings must be a list of building ids'));
    for (const b of p.buildings) {
      const id = String(b);
      if (!known.has(id)) errors.push(err(row, 'buildings', `building ${id} is not in community ${community}`));
      else if (out[id]) errors.push(err(row, 'buildings', `building ${id} is already in grid ${out[id]}`));
      else out[id] = code;
    }
  });
  const missing = buildings.filter((b) => !out[b]);
  if (!errors.length && missing.length)
    errors.push(err(null, 'buildings', `${missing.length} building(s) of the community are in no grid, e.g. ${missing.slice(0, 3).join(', ')}`));
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}

/** The layers of a built district the planner reads (static/data/<adcode>/map/*.geojson). */
export interface DistrictLayers {
  streets: FeatureCollection;
  communities: FeatureCollection;
  compounds: FeatureCollection;
  roads: FeatureCollection;
  buildings: FeatureCollection;
}

/** One community's slice of a district: its buildings, boundary, compounds, and the roads near it. */
export function communityData(layers: DistrictLayers, code: string): CommunityData | null {
  const c = layers.communities.features.find((f) => f.properties?.code === code);
  if (!c) return null;
  const buildings = layers.buildings.features.filter((f) => f.properties?.community === code) as BuildingFeature[];
  const compounds = layers.compounds.features.filter((f) => f.properties?.community === code);
  // Roads whose box meets the community's box (a margin of ~200 m).
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
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
    return g.type === 'LineString' ? near(g.coordinates) : g.type === 'MultiLineString' ? g.coordinates.some(near) : false;
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
