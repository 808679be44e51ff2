/**
 * The engine's GeoJSON input: the request, and its buildings, community polygons and lines read
 * and checked (errors as values: feature, field, message; nothing is partitioned when any is
 * wrong), in WGS-84 rounded to 7 decimals.
 *
 * Buildings: properties `id` (required, unique), `households` (else units × floors × per_floor,
 * else estimated from the footprint by households.ts), optional `units` (单元; a building with
 * more households than a grid may hold is split by unit when it has ≥ 2; for estimated households
 * units are assumed as households.ts does), `compound`,
 * `community` (else found from the community polygons) and `grid` (a previous code: codes are
 * then kept where grids overlap).
 */
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import { toWgs84Geometry, type Crs } from '../crs';
import { estimateHouseholds, unitsFor } from '../households';
import { openRing, ringArea, selfIntersects, type Ring } from './planar';
import { emsg, type EngineMsg } from './errors';
import { DEFAULT_MAX, DEFAULT_MIN, DEFAULT_TARGET } from './defaults';
import { renderMsg } from '../../i18n/msg';

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
export function inputError(
  layer: string,
  feature: number,
  field: string,
  m: EngineMsg,
  id?: string | null
): InputError {
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

/** The community code used when none is known (12 zeros): grids are then 000000000000001, … */
export const NO_CODE = '000000000000';

/**
 * Street classes (OSM highway values) that cut cells but that grids may cross: through streets
 * and lanes that bound blocks. Not service roads, footways, paths or tracks: they run inside
 * compounds (小区) and would cut a compound's yard away from its buildings.
 */
export const DEFAULT_STREET_CLASSES = [
  'tertiary',
  'tertiary_link',
  'residential',
  'unclassified',
  'living_street',
  'motorway_link',
  'trunk_link',
  'primary_link',
  'secondary_link'
];

/** The grid bounds a request asks for (target, min, max; the engine's defaults otherwise). */
export interface Bounds {
  target: number;
  min: number;
  max: number;
}

/** A request's inputs, read and checked. */
export interface ReadInput {
  buildings: ParsedBuilding[];
  communities: CommunityShape[];
  /** Barrier lines (WGS-84). */
  barriers: Position[][];
  /** Street lines (WGS-84): with `barrierClasses`, the lines of the street classes that are not barriers. */
  streets: Position[][];
  bounds: Bounds;
}

/** Reads and checks every input of a request and its bounds: all input errors at once, else the inputs. */
export function readRequest(req: PartitionRequest): Result<ReadInput> {
  const crs = req.crs ?? 'wgs84';
  const bs = readBuildings(req.buildings, crs, req.householdsField);
  const cs = readCommunities(req.communities, crs, req.community);
  const ls = readBarriers(req.barriers, crs, req.barrierClasses);
  // Streets: the lines of the street classes that are not barriers (with barrier classes given).
  const streetClasses = (req.streetClasses ?? DEFAULT_STREET_CLASSES).filter((c) => !req.barrierClasses?.includes(c));
  const ss: Result<Position[][]> = req.barrierClasses
    ? readBarriers(req.barriers, crs, streetClasses)
    : { ok: true, value: [], warnings: [] };
  const errors = [
    ...(bs.ok ? [] : bs.errors),
    ...(cs.ok ? [] : cs.errors),
    ...(ls.ok ? [] : ls.errors),
    ...(ss.ok ? [] : ss.errors)
  ];
  if (!bs.ok || !cs.ok || !ls.ok || !ss.ok) return { ok: false, errors };
  const bounds = { target: req.target ?? DEFAULT_TARGET, min: req.min ?? DEFAULT_MIN, max: req.max ?? DEFAULT_MAX };
  if (!(bounds.min > 0 && bounds.min <= bounds.target && bounds.target <= bounds.max))
    return { ok: false, errors: [inputError('options', -1, 'target', emsg('partition.err.bounds'))] };
  return {
    ok: true,
    value: { buildings: bs.value, communities: cs.value, barriers: ls.value, streets: ss.value, bounds },
    warnings: [...bs.warnings]
  };
}

/** Input coordinates are kept to 7 decimals (about 1 cm), the precision of survey and map data. */
function round7<G extends Geometry>(g: G): G {
  const f = (c: unknown): unknown =>
    Array.isArray(c) && typeof c[0] === 'number' ? [r7(c[0]), r7(c[1] as number)] : (c as unknown[]).map(f);
  return g.type === 'GeometryCollection'
    ? g
    : ({ ...g, coordinates: f((g as { coordinates: unknown }).coordinates) } as G);
}

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : null;

function checkPosition(p: unknown): EngineMsg | null {
  if (!Array.isArray(p) || p.length < 2) return emsg('partition.err.notPosition');
  const [lon, lat] = p as number[];
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat))
    return emsg('partition.err.notFinite');
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

export function readBuildings(
  fc: FeatureCollection,
  crs: Crs,
  householdsField = 'households'
): Result<ParsedBuilding[]> {
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
    if (units !== undefined && !(Number.isInteger(units) && units >= 1))
      return err('units', emsg('partition.err.units', { value: String(props.units) }));
    let households = num(householdsField);
    let estimated = Boolean(props.estimated);
    let estUnits: number | undefined;
    if (households !== undefined) {
      if (!(Number.isFinite(households) && households >= 0))
        return err(
          householdsField,
          emsg('partition.err.households', {
            field: householdsField,
            value: String(JSON.stringify(props[householdsField]))
          })
        );
    } else {
      const floors = num('floors');
      const perFloor = num('per_floor') ?? num('perFloor');
      if (units && floors && perFloor && floors > 0 && perFloor > 0) {
        households = units * floors * perFloor;
      } else if (geometry.type !== 'Point') {
        const est = estimateHouseholds({
          tags: householdsField === 'households' ? props : { ...props, households: undefined },
          footprint: geometry
        });
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
export function readCommunities(
  fc: FeatureCollection | undefined,
  crs: Crs,
  fallback?: string
): Result<CommunityShape[]> {
  if (!fc) return { ok: true, value: [], warnings: [] };
  if (fc.type !== 'FeatureCollection' || !Array.isArray(fc.features))
    return { ok: false, errors: [inputError('communities', -1, 'type', emsg('partition.err.notCollection'))] };
  const errors: InputError[] = [];
  const out: CommunityShape[] = [];
  const uncoded = fc.features.filter(
    (f) => !str(f.properties?.code ?? f.properties?.community ?? f.properties?.adcode ?? f.id)
  ).length;
  let nth = 0;
  fc.features.forEach((f, index) => {
    const props = (f.properties ?? {}) as Record<string, unknown>;
    let code = str(props.code ?? props.community ?? props.adcode ?? f.id);
    if (!code) code = uncoded === 1 ? (fallback ?? NO_CODE) : String(++nth).padStart(12, '0');
    if (out.some((c) => c.code === code))
      return errors.push(
        inputError('communities', index, 'code', emsg('partition.err.duplicateCommunity', { code }), code)
      );
    const e = checkGeometry(f.geometry, false);
    if (e) return errors.push(inputError('communities', index, 'geometry', e, code));
    const g = round7(toWgs84Geometry(f.geometry!, crs)) as Polygon | MultiPolygon;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    out.push({ code, rings: polys.map((p) => openRing(p[0])) });
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: out, warnings: [] };
}

export function readBarriers(
  fc: FeatureCollection | undefined,
  crs: Crs,
  classes?: readonly string[]
): Result<Position[][]> {
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
      w.type === 'LineString'
        ? [w.coordinates]
        : w.type === 'MultiLineString'
          ? w.coordinates
          : w.type === 'Polygon'
            ? w.coordinates
            : w.type === 'MultiPolygon'
              ? w.coordinates.flat()
              : [];
    if (!parts.length)
      return errors.push(inputError('barriers', index, 'geometry', emsg('partition.err.notLine', { type: g.type })));
    for (const part of parts) {
      const bad = part.map(checkPosition).find((e) => e);
      if (bad) return errors.push(inputError('barriers', index, 'geometry', bad));
    }
    lines.push(...parts);
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: lines, warnings: [] };
}

/** A coordinate kept to 7 decimals (see `round7`). */
export const r7 = (x: number) => Math.round(x * 1e7) / 1e7;
