/**
 * The engine's GeoJSON boundary: reads buildings (and optionally community polygons and barrier
 * lines) in WGS-84, GCJ-02 or BD-09, checks them (errors as values: feature, field, message;
 * nothing is partitioned when any is wrong), partitions each community and returns grid
 * polygons in WGS-84 with their codes, each building's grid and a report per community.
 *
 * Buildings: properties `id` (required, unique), `households` (else units × floors × per_floor,
 * else estimated from the footprint by households.ts), optional `units` (单元; a building with
 * more households than a grid may hold is split by unit when it has ≥ 2; for estimated households
 * units are assumed as households.ts does), `compound`,
 * `community` (else found from the community polygons) and `grid` (a previous code: codes are
 * then kept where grids overlap).
 */
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { localProjection as crsProjection, toWgs84Geometry, type Crs } from '../crs';
import { estimateHouseholds, unitsFor } from '../households';
import { bisectionPlan, kmeansPlan } from './baselines';
import { dissolve } from './cells';
import { gridCode, readingOrder, seqOf, stableSequence } from './codes';
import { improve, progressSpan, repairContiguity, repairDrawn, runEngine, type ProgressCallback } from './engine';
import { mulberry32 } from '../random';
import { Plan } from './plan';
import { openRing, pointInRing, ringArea, ringCentroid, selfIntersects, type Ring, type XY } from './planar';
import { prepare, type EngineItem, type Problem } from './problem';
import { validate, type Issue, type Validation } from './validate';
import { emsg, type EngineMsg } from './errors';
import { communityTooBig } from './limits';
import { renderMsg } from '../../i18n/msg';
import { nodeLines } from '../network';
import { acrossRoads } from './streets';

export type Method = 'engine' | 'bisection' | 'kmeans';

export interface InputError {
  /** Which input: 'buildings', 'communities' or 'barriers'. */
  layer: string;
  /** 0-based feature index. */
  feature: number;
  id?: string;
  field: string;
  /** In English (what the CLI prints); `msg` says the same as a message key for the planner. */
  message: string;
  msg?: EngineMsg;
}

/** An input error from a message: `message` is its English text. */
function inputError(layer: string, feature: number, field: string, m: EngineMsg, id?: string | null): InputError {
  return { layer, feature, ...(id ? { id } : {}), field, message: renderMsg(m), msg: m };
}

export type Result<T> = { ok: true; value: T; warnings: string[] } | { ok: false; errors: InputError[] };

export interface PartitionRequest {
  buildings: FeatureCollection;
  communities?: FeatureCollection;
  barriers?: FeatureCollection;
  /** CRS of every input (default wgs84). Output is always WGS-84. */
  crs?: Crs;
  target?: number;
  min?: number;
  max?: number;
  seed?: number;
  method?: Method;
  /** Community code for buildings with none and no community polygons (default 12 zeros). */
  community?: string;
  /** Barrier lines are those whose class/highway/railway/waterway is one of these (default: all lines given). */
  barrierClasses?: readonly string[];
  /**
   * With `barrierClasses`: the other lines of these classes are streets, which grids may cross
   * but whose centrelines the grid outlines follow (default DEFAULT_STREET_CLASSES). Barriers are
   * cut along too. Without `barrierClasses` every line is a barrier and a cut.
   */
  streetClasses?: readonly string[];
  /**
   * False: the cells are not cut along the roads, which then only measure `areaAcrossRoadsPct`
   * of the plain Voronoi grids (the figure before street cuts; default true).
   */
  followStreets?: boolean;
  /** The engine's search budget as a multiple of its default (see EngineOptions.effort; default 1). */
  effort?: number;
  /** Also score the two baselines per community (default false). */
  baselines?: boolean;
  /** The buildings' property holding households (default `households`). */
  householdsField?: string;
  /**
   * Locked grid codes: buildings whose `grid` is one of these keep it exactly; the engine
   * partitions only the other buildings and never gives their grids a locked code.
   */
  locked?: readonly string[];
  /**
   * Origin (WGS-84 lon, lat) of the planar projection; default the mean of the buildings' centres.
   * A whole input cut into units of work (split-input.ts) passes its own, so that each community
   * comes out exactly as it would in one call over the whole input.
   */
  origin?: readonly [number, number];
}

export interface GridProperties {
  code: string;
  community: string;
  seq: number;
  households: number;
  /** Ids of the input buildings in the grid (a building divided by unit is listed in each of its grids). */
  buildings: string[];
  polsbyPopper: number;
  inRange: boolean;
  contiguous: boolean;
  /**
   * When roads are known: % of the grid's drawn area lying across a road from its buildings, i.e.
   * in road-bounded blocks (faces of the streets, barriers and community outline) that hold
   * buildings, none of them the grid's (blocks without buildings left out: streets.ts).
   */
  areaAcrossRoadsPct?: number;
}

/**
 * A rule not met, named by building or by grid (its code), with the reason. Kept to the hard
 * rules: households out of [min, max] (`below-min`, `above-max`), a grid in more than one piece
 * (`not-contiguous`), a building over the maximum with no units to split by
 * (`oversized-building`) and a grid joined across a barrier (`barrier-bridged`). Split compounds
 * and buildings divided by unit are allowed and listed in the community reports only.
 */
export type Unmet = ({ building: string; grid?: undefined } | { grid: string; building?: undefined }) & {
  reason: string;
  rule: Issue['rule'];
  community: string;
  /** True when no partition of the input can meet the rule (the input is the cause, not the search). */
  infeasible: boolean;
};

export interface BuildingAssignment {
  id: string;
  community: string;
  /** The grid holding the building (for a building split by unit: the one with most of its households). */
  grid: string;
  households: number;
  estimated: boolean;
  /** For a building split by unit: unit number (1-based) → grid. */
  units?: Record<string, string>;
}

export interface CommunityReport extends Omit<Validation, 'grids'> {
  community: string;
  /** When roads are known: % of the community's area across a road from its grid's buildings (see GridProperties). */
  areaAcrossRoadsPct?: number;
  /** When roads are known: % of its area in road-bounded blocks without buildings, and its area (m², of the cells). */
  areaInEmptyBlocksPct?: number;
  areaM2?: number;
  buildings: number;
  gridCount: number;
  ms: number;
  baselines?: { bisection: BaselineScore; kmeans: BaselineScore };
}

export interface BaselineScore {
  grids: number;
  pctInRange: number;
  meanPolsbyPopper: number;
  contiguous: boolean;
  splitCompounds: number;
}

export interface PartitionOutput {
  grids: FeatureCollection<Polygon | MultiPolygon, GridProperties>;
  buildings: BuildingAssignment[];
  communities: CommunityReport[];
  /** Every building or grid that breaks a rule, and why (see `Unmet`). */
  unmet: Unmet[];
  /** When roads are known: % of all grids' area lying across a road from the grid's buildings (see GridProperties). */
  areaAcrossRoadsPct?: number;
  /** When roads are known: % of the area in road-bounded blocks without any building (not counted above). */
  areaInEmptyBlocksPct?: number;
}

export interface ParsedBuilding {
  id: string;
  index: number;
  households: number;
  estimated: boolean;
  units: number;
  compound: string | null;
  community: string | null;
  previousGrid: string | null;
  /** WGS-84 outer ring of the largest part, or a point. */
  geometry: Polygon | MultiPolygon | { type: 'Point'; coordinates: Position };
}

/** Input coordinates are kept to 7 decimals (about 1 cm), the precision of survey and map data. */
function round7<G extends Geometry>(g: G): G {
  const f = (c: unknown): unknown => (Array.isArray(c) && typeof c[0] === 'number' ? [r7(c[0]), r7(c[1] as number)] : (c as unknown[]).map(f));
  return g.type === 'GeometryCollection' ? g : ({ ...g, coordinates: f((g as { coordinates: unknown }).coordinates) } as G);
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : null);

function checkPosition(p: unknown): EngineMsg | null {
  if (!Array.isArray(p) || p.length < 2) return emsg('partition.err.notPosition');
  const [lon, lat] = p as number[];
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) return emsg('partition.err.notFinite');
  if (lon < -180 || lon > 180 || lat < -90 || lat > 90) return emsg('partition.err.outOfRange', { lon, lat });
  return null;
}

/** Why a polygon (rings of positions) is unusable, or null. */
function checkPolygon(rings: unknown): EngineMsg | null {
  if (!Array.isArray(rings) || rings.length === 0) return emsg('partition.err.noRings');
  for (const [k, ring] of (rings as unknown[]).entries()) {
    if (!Array.isArray(ring)) return emsg('partition.err.ringNotArray', { k });
    for (const p of ring) {
      const e = checkPosition(p);
      if (e) return emsg('partition.err.inRing', { k, what: e });
    }
    if (ring.length < 4) return emsg('partition.err.ringShort', { k, n: ring.length });
    const a = ring[0] as number[];
    const b = ring[ring.length - 1] as number[];
    if (a[0] !== b[0] || a[1] !== b[1]) return emsg('partition.err.ringOpen', { k });
    const open = openRing(ring as number[][]);
    if (selfIntersects(open)) return emsg('partition.err.ringCrosses', { k });
    if (Math.abs(ringArea(open)) === 0) return emsg('partition.err.ringNoArea', { k });
  }
  return null;
}

function checkGeometry(g: Geometry | null | undefined, allowPoint: boolean): EngineMsg | null {
  if (!g) return emsg('partition.err.noGeometry');
  if (g.type === 'Polygon') return checkPolygon(g.coordinates);
  if (g.type === 'MultiPolygon') {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0) return emsg('partition.err.noParts');
    for (const [k, part] of g.coordinates.entries()) {
      const e = checkPolygon(part);
      if (e) return emsg('partition.err.inPart', { k, what: e });
    }
    return null;
  }
  if (g.type === 'Point' && allowPoint) return checkPosition(g.coordinates);
  return emsg(allowPoint ? 'partition.err.geometryTypePoint' : 'partition.err.geometryTypeArea', { type: g.type });
}

export function readBuildings(fc: FeatureCollection, crs: Crs, householdsField = 'households'): Result<ParsedBuilding[]> {
  const errors: InputError[] = [];
  const warnings: string[] = [];
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features))
    return { ok: false, errors: [inputError('buildings', -1, 'type', emsg('partition.err.notCollection'))] };
  const first = new Map<string, number>();
  const out: ParsedBuilding[] = [];
  fc.features.forEach((f: Feature, index) => {
    const props = (f.properties ?? {}) as Record<string, unknown>;
    const id = str(props.id ?? f.id);
    const err = (field: string, m: EngineMsg) => errors.push(inputError('buildings', index, field, m, id));
    if (!id) return err('id', emsg('partition.err.missingId'));
    const prev = first.get(id);
    if (prev !== undefined) return err('id', emsg('partition.err.duplicateId', { id, first: prev }));
    first.set(id, index);
    const gErr = checkGeometry(f.geometry, true);
    if (gErr) return err('geometry', gErr);
    const geometry = round7(toWgs84Geometry(f.geometry!, crs)) as ParsedBuilding['geometry'];
    const num = (k: string) => (props[k] === undefined || props[k] === null ? undefined : Number(props[k]));
    const units = num('units');
    if (units !== undefined && !(Number.isInteger(units) && units >= 1)) return err('units', emsg('partition.err.units', { value: String(props.units) }));
    let households = num(householdsField);
    let estimated = Boolean(props.estimated);
    let estUnits: number | undefined;
    if (households !== undefined) {
      if (!(Number.isFinite(households) && households >= 0)) return err(householdsField, emsg('partition.err.households', { field: householdsField, value: String(JSON.stringify(props[householdsField])) }));
    } else {
      const floors = num('floors');
      const perFloor = num('per_floor') ?? num('perFloor');
      if (units && floors && perFloor && floors > 0 && perFloor > 0) {
        households = units * floors * perFloor;
      } else if (geometry.type !== 'Point') {
        const est = estimateHouseholds({ tags: householdsField === 'households' ? props : { ...props, households: undefined }, footprint: geometry });
        households = est.households;
        estimated = est.estimated;
        // Units (单元) assumed as households.ts does, so that a large estimated building can be split.
        if (est.estimated && est.residential) estUnits = unitsFor(est.households, est.floors).units;
        if (!est.residential) warnings.push(`building ${id}: ${est.note ?? 'not residential'}, 0 households`);
      } else return err(householdsField, emsg('partition.err.pointHouseholds', { field: householdsField }));
    }
    out.push({
      id,
      index,
      households: households!,
      estimated,
      units: units ?? estUnits ?? 1,
      compound: str(props.compound),
      community: str(props.community),
      previousGrid: str(props.grid),
      geometry
    });
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: out, warnings };
}

export interface CommunityShape {
  code: string;
  /** WGS-84 outer rings. */
  rings: Ring[];
}

/**
 * Community polygons. A polygon's code is its `code`, `community` or `adcode` property or the
 * feature id; without any, the request's `community`, else 12 zeros (for several uncoded polygons:
 * 000000000001, 000000000002, … in file order, so that their grid codes stay distinct).
 */
export function readCommunities(fc: FeatureCollection | undefined, crs: Crs, fallback?: string): Result<CommunityShape[]> {
  if (!fc) return { ok: true, value: [], warnings: [] };
  if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features))
    return { ok: false, errors: [inputError('communities', -1, 'type', emsg('partition.err.notCollection'))] };
  const errors: InputError[] = [];
  const out: CommunityShape[] = [];
  const uncoded = fc.features.filter((f) => !str(f.properties?.code ?? f.properties?.community ?? f.properties?.adcode ?? f.id)).length;
  let nth = 0;
  fc.features.forEach((f, index) => {
    const props = (f.properties ?? {}) as Record<string, unknown>;
    let code = str(props.code ?? props.community ?? props.adcode ?? f.id);
    if (!code) code = uncoded === 1 ? (fallback ?? NO_CODE) : String(++nth).padStart(12, '0');
    if (out.some((c) => c.code === code)) return errors.push(inputError('communities', index, 'code', emsg('partition.err.duplicateCommunity', { code }), code));
    const e = checkGeometry(f.geometry, false);
    if (e) return errors.push(inputError('communities', index, 'geometry', e, code));
    const g = round7(toWgs84Geometry(f.geometry!, crs)) as Polygon | MultiPolygon;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    out.push({ code, rings: polys.map((p) => openRing(p[0])) });
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: out, warnings: [] };
}

export function readBarriers(fc: FeatureCollection | undefined, crs: Crs, classes?: readonly string[]): Result<Position[][]> {
  if (!fc) return { ok: true, value: [], warnings: [] };
  const errors: InputError[] = [];
  const lines: Position[][] = [];
  fc.features.forEach((f, index) => {
    const props = (f.properties ?? {}) as Record<string, unknown>;
    if (classes) {
      const cls = [props.class, props.highway, props.railway, props.waterway].map(str);
      if (!cls.some((c) => c && classes.includes(c))) return;
    }
    const g = f.geometry;
    if (!g) return errors.push(inputError('barriers', index, 'geometry', emsg('partition.err.noGeometry')));
    const w = round7(toWgs84Geometry(g, crs));
    const parts: Position[][] =
      w.type === 'LineString' ? [w.coordinates] : w.type === 'MultiLineString' ? w.coordinates : w.type === 'Polygon' ? w.coordinates : w.type === 'MultiPolygon' ? w.coordinates.flat() : [];
    if (!parts.length) return errors.push(inputError('barriers', index, 'geometry', emsg('partition.err.notLine', { type: g.type })));
    for (const part of parts) {
      const bad = part.map(checkPosition).find((e) => e);
      if (bad) return errors.push(inputError('barriers', index, 'geometry', bad));
    }
    lines.push(...parts);
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: lines, warnings: [] };
}

export function largestOuter(g: Polygon | MultiPolygon): Position[] {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let best = polys[0][0];
  let ba = -1;
  for (const p of polys) {
    const a = Math.abs(ringArea(openRing(p[0])));
    if (a > ba) {
      ba = a;
      best = p[0];
    }
  }
  return best;
}

/** WGS-84 centre of a building (its largest outer ring's centroid, or its point). */
export function buildingCentre(b: ParsedBuilding): Position {
  return b.geometry.type === 'Point' ? b.geometry.coordinates : ringCentroid(openRing(largestOuter(b.geometry)) as XY[]);
}

/** The projection origin of an input: the mean of its buildings' centres. */
export function projectionOrigin(cents: readonly Position[]): [number, number] {
  return [cents.length ? cents.reduce((s, c) => s + c[0], 0) / cents.length : 0, cents.length ? cents.reduce((s, c) => s + c[1], 0) / cents.length : 0];
}

/** Planar projection around a fixed origin, and its inverse. */
export interface Projection {
  lon0: number;
  lat0: number;
  forward(p: Position): XY;
  inverse(p: XY): [number, number];
}

/** The engine's view of the one projection (`crs.localProjection`): positions in and out as tuples, so it maps over rings. */
export function localProjection(lon0: number, lat0: number): Projection {
  const p = crsProjection(lon0, lat0);
  return { lon0, lat0, forward: (q) => p.forward(q[0], q[1]), inverse: ([x, y]) => p.inverse(x, y) };
}

/** Engine items for one building: one, or one per unit (单元) along the footprint's long axis. */
export function itemsOf(b: ParsedBuilding, proj: Projection, max: number): EngineItem[] {
  const ring = b.geometry.type === 'Point' ? [proj.forward(b.geometry.coordinates)] : openRing(largestOuter(b.geometry)).map(proj.forward);
  const [cx, cy] = ring.length >= 3 ? ringCentroid(ring) : ring[0];
  if (!(b.households > max && b.units >= 2)) return [{ id: b.id, households: b.households, x: cx, y: cy, group: b.compound }];
  // Principal axis of the footprint's vertices.
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const [x, y] of ring) {
    sxx += (x - cx) ** 2;
    syy += (y - cy) ** 2;
    sxy += (x - cx) * (y - cy);
  }
  const theta = ring.length >= 3 ? 0.5 * Math.atan2(2 * sxy, sxx - syy) : 0;
  const ux = Math.cos(theta);
  const uy = Math.sin(theta);
  let lo = 0;
  let hi = 0;
  for (const [x, y] of ring) {
    const t = (x - cx) * ux + (y - cy) * uy;
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  if (hi - lo < 1) {
    lo = -2.5 * b.units;
    hi = 2.5 * b.units;
  }
  const u = b.units;
  const base = Math.floor(b.households / u);
  const extra = b.households - base * u;
  return Array.from({ length: u }, (_, j) => {
    const t = lo + ((j + 0.5) * (hi - lo)) / u;
    return { id: `${b.id}#${j + 1}`, building: b.id, households: base + (j < extra ? 1 : 0), x: cx + t * ux, y: cy + t * uy, group: b.compound };
  });
}

export function planFor(p: Problem, method: Method, seed: number, onProgress?: ProgressCallback, effort?: number): Plan {
  if (method === 'bisection') return bisectionPlan(p);
  if (method === 'kmeans') return kmeansPlan(p, seed);
  return runEngine(p, { seed, onProgress, effort });
}

const r7 = (x: number) => Math.round(x * 1e7) / 1e7;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** The lines whose box meets the points' box grown by about 200 m (WGS-84). */
function near(lines: readonly Position[][], points: readonly Position[]): Position[][] {
  if (!points.length) return [];
  const m = 0.002;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of points) [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  return lines.filter((l) => {
    let [a0, b0, a1, b1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const [x, y] of l) [a0, b0, a1, b1] = [Math.min(a0, x), Math.min(b0, y), Math.max(a1, x), Math.max(b1, y)];
    return a1 >= x0 - m && a0 <= x1 + m && b1 >= y0 - m && b0 <= y1 + m;
  });
}

/** The output's road figures: the communities' (those with roads known), weighted by their area. */
export function roadSummary(reports: readonly CommunityReport[]): Pick<PartitionOutput, 'areaAcrossRoadsPct' | 'areaInEmptyBlocksPct'> {
  const measured = reports.filter((c) => c.areaM2 !== undefined);
  if (!measured.length) return {};
  const total = measured.reduce((s, c) => s + c.areaM2!, 0);
  const mean = (f: (c: CommunityReport) => number) => r2(total > 0 ? measured.reduce((s, c) => s + f(c) * c.areaM2!, 0) / total : 0);
  return { areaAcrossRoadsPct: mean((c) => c.areaAcrossRoadsPct!), areaInEmptyBlocksPct: mean((c) => c.areaInEmptyBlocksPct!) };
}

/**
 * Street classes (OSM highway values) that cut cells but that grids may cross: through streets
 * and lanes that bound blocks. Not service roads, footways, paths or tracks: they run inside
 * compounds (小区) and would cut a compound's yard away from its buildings.
 */
export const DEFAULT_STREET_CLASSES = ['tertiary', 'tertiary_link', 'residential', 'unclassified', 'living_street', 'motorway_link', 'trunk_link', 'primary_link', 'secondary_link'];

/** The community code used when none is known (12 zeros): grids are then 000000000000001, … */
export const NO_CODE = '000000000000';

/**
 * The barrier segments that can cut an adjacency edge between these items: those whose box meets
 * the items' box (every Delaunay edge lies inside it). A district's roads are thousands of
 * segments; one community needs a handful.
 */
export function barriersNear(lines: readonly (readonly XY[])[], items: readonly { x: number; y: number }[]): XY[][] {
  if (!items.length || !lines.length) return [];
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const it of items) {
    x0 = Math.min(x0, it.x);
    y0 = Math.min(y0, it.y);
    x1 = Math.max(x1, it.x);
    y1 = Math.max(y1, it.y);
  }
  const m = 1;
  const out: XY[][] = [];
  for (const line of lines) {
    let run: XY[] = [];
    for (let k = 0; k + 1 < line.length; k++) {
      const a = line[k];
      const b = line[k + 1];
      const hit = Math.max(a[0], b[0]) >= x0 - m && Math.min(a[0], b[0]) <= x1 + m && Math.max(a[1], b[1]) >= y0 - m && Math.min(a[1], b[1]) <= y1 + m;
      if (hit) {
        if (!run.length) run.push(a);
        run.push(b);
      } else if (run.length) {
        out.push(run);
        run = [];
      }
    }
    if (run.length) out.push(run);
  }
  return out;
}

function score(plan: Plan): BaselineScore {
  const v = validate(plan);
  return { grids: v.grids.length, pctInRange: v.pctInRange, meanPolsbyPopper: v.meanPolsbyPopper, contiguous: v.contiguous, splitCompounds: v.splitCompounds.length };
}

/**
 * A community with locked grids. The engine first partitions the unlocked buildings alone, with
 * the locked grids' area (their Voronoi cells among all buildings) as barriers so that no grid
 * reaches across it; the result is then put into the whole community's problem (locked grids as
 * the last slots) where pieces that are contiguous only without the locked buildings are handed
 * to a neighbouring unlocked grid and local search and recombination run on the unlocked grids
 * only. Locked items never move.
 */
function withLocked(
  heldItems: EngineItem[],
  held: readonly ParsedBuilding[],
  items: EngineItem[],
  code: string,
  boundary: Ring[] | undefined,
  barriers: XY[][],
  bounds: { min: number; max: number; target: number },
  method: Method,
  seed: number,
  progress?: ProgressCallback,
  cuts?: XY[][],
  followStreets?: boolean
): { p: Problem; plan: Plan; lockedSeq: number[] } {
  const all = prepare({ items: [...items, ...heldItems], boundary, barriers, cuts, followStreets, ...bounds });
  // prepare() orders items by id: match them by id, not by position.
  const heldIds = new Set(heldItems.map((it) => it.id));
  const heldIdx = [...Array(all.n).keys()].filter((i) => heldIds.has(all.ids[i]));
  const lockedSeq = [...new Set(held.map((b) => seqOf(b.previousGrid!, code)!))].sort((a, b) => a - b);
  const slotOfSeq = new Map(lockedSeq.map((s, j) => [s, j]));
  const seqOfBuilding = new Map(held.map((b) => [b.id, seqOf(b.previousGrid!, code)!]));
  let k = 0;
  const assign = new Int32Array(all.n);
  if (items.length) {
    const outline = dissolve(all.cells, heldIdx).flatMap((poly) => poly.map((ring) => [...ring, ring[0]]));
    const rest = planFor(prepare({ items, boundary, barriers: [...barriers, ...outline], cuts, followStreets, ...bounds }), method, seed, progressSpan(progress, 0, 0.9));
    k = rest.k;
    const slot = new Map(rest.p.ids.map((id, i) => [id, rest.assign[i]]));
    for (let i = 0; i < all.n; i++) if (!heldIds.has(all.ids[i])) assign[i] = slot.get(all.ids[i])!;
  }
  for (const i of heldIdx) assign[i] = k + slotOfSeq.get(seqOfBuilding.get(all.building[i])!)!;
  const plan = new Plan(all, assign);
  if (method === 'engine' && k > 0) {
    const only = new Set([...Array(k).keys()]);
    repairContiguity(plan, only);
    improve(plan, mulberry32(seed), 6, only, progressSpan(progress, 0.9, 1));
    repairDrawn(plan, only);
  }
  return { p: all, plan, lockedSeq };
}

/** The community polygon with a vertex nearest to `p` (planar metres): where a building outside every polygon goes. */
export function nearestShape<S extends { rings: readonly (readonly XY[])[] }>(shapes: readonly S[], p: XY): S {
  let best = shapes[0];
  let bd = Infinity;
  for (const s of shapes)
    for (const r of s.rings)
      for (const q of r) {
        const d = (q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2;
        if (d < bd) {
          bd = d;
          best = s;
        }
      }
  return best;
}

/**
 * Reads, checks and partitions (see the module comment). `onProgress` hears the engine's phases,
 * with the fraction over all communities of the input (ends at 1).
 */
export function partitionGeoJSON(req: PartitionRequest, now: () => number = () => Date.now(), onProgress?: ProgressCallback): Result<PartitionOutput> {
  const crs = req.crs ?? 'wgs84';
  const method = req.method ?? 'engine';
  const seed = req.seed ?? 1;
  const bs = readBuildings(req.buildings, crs, req.householdsField);
  const cs = readCommunities(req.communities, crs, req.community);
  const ls = readBarriers(req.barriers, crs, req.barrierClasses);
  // Streets: the lines of the street classes that are not barriers (with barrier classes given).
  const streetClasses = (req.streetClasses ?? DEFAULT_STREET_CLASSES).filter((c) => !req.barrierClasses?.includes(c));
  const ss = req.barrierClasses ? readBarriers(req.barriers, crs, streetClasses) : ({ ok: true, value: [], warnings: [] } as const);
  const errors = [...(bs.ok ? [] : bs.errors), ...(cs.ok ? [] : cs.errors), ...(ls.ok ? [] : ls.errors), ...(ss.ok ? [] : ss.errors)];
  if (!bs.ok || !cs.ok || !ls.ok || !ss.ok) return { ok: false, errors };
  const warnings = [...bs.warnings];
  const buildings = bs.value;
  const communities = cs.value;
  const bounds = { target: req.target ?? 400, min: req.min ?? 300, max: req.max ?? 500 };
  if (!(bounds.min > 0 && bounds.min <= bounds.target && bounds.target <= bounds.max))
    return { ok: false, errors: [inputError('options', -1, 'target', emsg('partition.err.bounds'))] };

  // One projection for the whole input, centred on it.
  const cents = buildings.map(buildingCentre);
  const [lon0, lat0] = req.origin ?? projectionOrigin(cents);
  const proj = localProjection(lon0, lat0);
  const shapes = communities.map((c) => ({ code: c.code, rings: c.rings.map((r) => r.map(proj.forward)) }));
  const barriers = ls.value.map((l) => l.map(proj.forward));
  // Cut lines: barriers and streets near the input (a district's roads for one community are
  // thousands of lines), noded so that crossings and T junctions are shared vertices.
  const cutLines = near([...ls.value, ...ss.value], [...communities.flatMap((c) => c.rings.flat()), ...cents]);
  const cuts = cutLines.length ? nodeLines(cutLines as [number, number][][]).map((l) => l.map(proj.forward)) : undefined;

  // Community of each building: its property, else the polygon holding it, else the nearest one.
  const byCommunity = new Map<string, ParsedBuilding[]>();
  buildings.forEach((b, i) => {
    let code = b.community;
    if (!code && shapes.length) {
      const p = proj.forward(cents[i]);
      const hit = shapes.find((s) => s.rings.some((r) => pointInRing(p, r)));
      if (hit) code = hit.code;
      else {
        code = nearestShape(shapes, p).code;
        warnings.push(`building ${b.id} lies outside every community polygon; given to the nearest, ${code}`);
      }
    }
    code ??= req.community ?? NO_CODE;
    (byCommunity.get(code) ?? byCommunity.set(code, []).get(code)!).push(b);
  });

  // A community too big for one partition is refused before any work (limits.ts).
  const tooBig = [...byCommunity].flatMap(([code, bs]) => communityTooBig(code, bs.length, bs.reduce((t, b) => t + b.households, 0), bounds) ?? []);
  if (tooBig.length) return { ok: false, errors: tooBig.map((m) => inputError('buildings', -1, 'community', m)) };

  const features: Feature<Polygon | MultiPolygon, GridProperties>[] = [];
  const assignments: BuildingAssignment[] = [];
  const reports: CommunityReport[] = [];
  const unmet: Unmet[] = [];
  const locked = new Set(req.locked ?? []);
  const codesIn = [...byCommunity.keys()].sort();
  for (const [ci, code] of codesIn.entries()) {
    const t0 = now();
    const progress = progressSpan(onProgress, ci / codesIn.length, (ci + 1) / codesIn.length);
    progress?.('growing', 0);
    // Buildings of locked grids keep their code: the engine partitions the others (see `withLocked`).
    const held: ParsedBuilding[] = [];
    const members: ParsedBuilding[] = [];
    for (const b of byCommunity.get(code)!) (b.previousGrid && locked.has(b.previousGrid) && seqOf(b.previousGrid, code) !== null ? held : members).push(b);
    const shape = shapes.find((s) => s.code === code);
    const items = members.flatMap((b) => itemsOf(b, proj, bounds.max));
    const heldItems = held.flatMap((b) => itemsOf(b, proj, bounds.max));
    const { p, plan, lockedSeq } = held.length
      ? withLocked(heldItems, held, items, code, shape?.rings, barriersNear(barriers, [...heldItems, ...items]), bounds, method, seed, progress, cuts, req.followStreets)
      : (() => {
          const p = prepare({ items, boundary: shape?.rings, barriers: barriersNear(barriers, items), cuts, followStreets: req.followStreets, ...bounds });
          return { p, plan: planFor(p, method, seed, progress, req.effort), lockedSeq: [] as number[] };
        })();
    progress?.('recombination', 1);
    // The polygons as written (WGS-84, 7 decimals); the report measures these, projected back.
    const written = Array.from({ length: plan.k }, (_, g) =>
      plan.count[g] > 0 ? dissolve(p.cells, plan.members(g)).map((poly) => poly.map((ring) => [...ring, ring[0]].map((q) => proj.inverse(q)).map(([lo, la]) => [r7(lo), r7(la)]))) : []
    );
    const v = validate(
      plan,
      written.map((polys) => polys.map((poly) => poly.map((ring) => ring.slice(0, -1).map((q) => proj.forward(q)))))
    );
    const across = p.cells.blocks ? acrossRoads(p.cells.blocks, plan.assign, plan.k) : null;
    const cellArea = across ? p.cells.blocks!.pieceArea.reduce((s, a) => s + a, 0) : 0;
    const ms = now() - t0;
    // Codes: keep previous ones where given, else reading order of grid centres.
    const k = plan.k;
    const cx = new Array(k).fill(0);
    const cy = new Array(k).fill(0);
    const cw = new Array(k).fill(0);
    for (let i = 0; i < p.n; i++) {
      const g = plan.assign[i];
      const w = Math.max(p.cells.area[i], 1e-6);
      cx[g] += p.x[i] * w;
      cy[g] += p.y[i] * w;
      cw[g] += w;
    }
    const order = readingOrder(cx.map((x, g) => [x / cw[g], cy[g] / cw[g]] as XY));
    const prevSeq = new Map(members.map((b) => [b.id, b.previousGrid ? seqOf(b.previousGrid, code) : null]));
    const free = k - lockedSeq.length;
    const overlap = Array.from({ length: free }, () => new Map<number, number>());
    for (let i = 0; i < p.n; i++) {
      const s = prevSeq.get(p.building[i]);
      if (s && plan.assign[i] < free) overlap[plan.assign[i]].set(s, (overlap[plan.assign[i]].get(s) ?? 0) + p.hh[i]);
    }
    const seqs = [...stableSequence(overlap, order.slice(0, free), new Set(lockedSeq)), ...lockedSeq];
    const codes = seqs.map((s) => gridCode(code, s));
    for (const r of v.grids) {
      const polys = written[r.grid];
      const geometry: Polygon | MultiPolygon = polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
      features.push({
        type: 'Feature',
        properties: {
          code: codes[r.grid],
          community: code,
          seq: seqs[r.grid],
          households: r.households,
          buildings: [...new Set(plan.members(r.grid).map((i) => p.building[i]))],
          polsbyPopper: r.polsbyPopper,
          inRange: r.inRange,
          contiguous: r.pieces === 1,
          ...(across ? { areaAcrossRoadsPct: r2(across.pct[r.grid]) } : {})
        },
        geometry
      });
    }
    const index = new Map(p.ids.map((id, i) => [id, i]));
    for (const b of [...held, ...members]) {
      const its = itemsOf(b, proj, bounds.max).map((it) => index.get(it.id)!);
      const byGrid = new Map<number, number>();
      for (const i of its) byGrid.set(plan.assign[i], (byGrid.get(plan.assign[i]) ?? 0) + p.hh[i]);
      const main = [...byGrid].sort((a, c) => c[1] - a[1] || a[0] - c[0])[0][0];
      const a: BuildingAssignment = { id: b.id, community: code, grid: codes[main], households: b.households, estimated: b.estimated };
      if (byGrid.size > 1) a.units = Object.fromEntries(its.map((i, j) => [String(j + 1), codes[plan.assign[i]]]));
      assignments.push(a);
    }
    const issues: Issue[] = v.issues.map((is) => (is.grid === undefined ? is : { ...is, message: `${codes[is.grid]}: ${is.message}` }));
    for (const is of v.issues) {
      if (is.grid !== undefined && (is.rule === 'below-min' || is.rule === 'above-max' || is.rule === 'not-contiguous'))
        unmet.push({ grid: codes[is.grid], reason: is.message, rule: is.rule, community: code, infeasible: is.infeasible ?? false });
      else if (is.rule === 'oversized-building' && is.ids) unmet.push({ building: is.ids[0], reason: is.message, rule: is.rule, community: code, infeasible: true });
    }
    // A bridge across a barrier breaks a rule where its two ends share a grid.
    for (const e of p.adjacency.bridges)
      if (e.reason === 'barrier' && plan.assign[e.a] === plan.assign[e.b])
        unmet.push({
          grid: codes[plan.assign[e.a]],
          reason: `grid crosses a barrier between buildings ${p.building[e.a]} and ${p.building[e.b]}: the part of the community cut off by it has fewer than ${p.min} households`,
          rule: 'barrier-bridged',
          community: code,
          infeasible: true
        });
    const { grids: _g, ...rest } = v;
    void _g;
    reports.push({
      community: code,
      buildings: members.length + held.length,
      gridCount: v.grids.length,
      ms: Math.round(ms * 10) / 10,
      ...(across ? { areaAcrossRoadsPct: r2(across.pctAll), areaInEmptyBlocksPct: r2(across.emptyPct), areaM2: Math.round(cellArea) } : {}),
      ...rest,
      issues,
      ...(req.baselines ? { baselines: { bisection: score(bisectionPlan(p)), kmeans: score(kmeansPlan(p, seed)) } } : {})
    });
  }
  features.sort((a, b) => (a.properties.code < b.properties.code ? -1 : 1));
  assignments.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!buildings.length) warnings.push('no buildings: nothing to partition');
  onProgress?.('recombination', 1);
  return { ok: true, value: { grids: { type: 'FeatureCollection', features }, buildings: assignments, communities: reports, unmet, ...roadSummary(reports) }, warnings };
}
