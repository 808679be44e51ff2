/**
 * The planner's own data: buildings as CSV (one point a row: lon/lat columns, households) or
 * GeoJSON (footprints or points), and a community boundary as GeoJSON, in WGS-84, GCJ-02 or
 * BD-09. Pure (no DOM): runs in the import worker and in unit tests. Errors as values naming
 * the file, the row and the field; a file with any error gives no buildings at all.
 */
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { localProjection, toWgs84, toWgs84Geometry, type Crs } from '../../geo/crs';
import { estimateHouseholds } from '../../geo/households';
import { type ImportError, type ImportResult, type Msg, ErrorCollector, fail, importError, msg, ok } from './errors';
import { explicitHouseholds, geometryProblem, parseFeatureCollection, positionProblem } from './geojson';
import { csvRows } from '../csv';
import { skipCommentLines } from '../provenance';

/** Largest file the planner reads (the browser holds it in memory twice while parsing). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** Mainland China with a margin: lon 73–136, lat 18–54. */
export const CHINA_BOX = [73, 18, 136, 54] as const;
/** Side of the square footprint given to a building known only by a point (metres). */
export const POINT_FOOTPRINT_M = 16;
/**
 * Beyond either count one file is not one community: communities (社区) have a few thousand
 * households, the largest urban ones a few tens of thousands. Such a file (a whole street or
 * city, or a households column in the wrong unit) opens only after the planner accepts a warning.
 */
export const PLAUSIBLE_COMMUNITY = { buildings: 5_000, households: 50_000 } as const;

export interface OwnBuilding {
  id: string;
  name?: string;
  households: number;
  /** True when households came from the footprint (no value in the file). */
  estimated: boolean;
  geometry: Polygon | MultiPolygon;
}

export interface OwnBuildings {
  buildings: OwnBuilding[];
  /** Features left out as non-residential by the household estimate (GeoJSON without households). */
  skipped: number;
  /** Rows refused, with `partial` reading only (data packages: refused rows never stop an import). */
  refused?: ErrorCollector;
}

const COLUMNS = {
  lon: ['lon', 'lng', 'long', 'longitude', 'x', '经度'],
  lat: ['lat', 'latitude', 'y', '纬度'],
  households: ['households', 'household', 'hh', '户数', '住户数'],
  name: ['name', '名称', '楼栋', '楼栋名称'],
  id: ['id', 'building', 'building_id', '编号', '楼栋编号']
} as const;

const inChina = (lon: number, lat: number) => lon >= CHINA_BOX[0] && lon <= CHINA_BOX[2] && lat >= CHINA_BOX[1] && lat <= CHINA_BOX[3];

/** Why a [lon, lat] of finite numbers cannot be a place in China, or null. */
export function placeProblem(lon: number, lat: number): Msg | null {
  if (inChina(lon, lat)) return null;
  if (inChina(lat, lon)) return msg('import.err.placeSwapped', { lon, lat });
  return msg('import.err.placeOutside', { lon, lat });
}

function findColumn(header: string[], names: readonly string[]): number {
  const norm = header.map((h) => h.trim().toLowerCase());
  return norm.findIndex((h) => names.includes(h));
}

/** A square footprint of POINT_FOOTPRINT_M around a WGS-84 point. */
export function squareAround([lon, lat]: Position): Polygon {
  const { kx, ky } = localProjection(lon, lat);
  const dy = POINT_FOOTPRINT_M / 2 / ky;
  const dx = POINT_FOOTPRINT_M / 2 / kx;
  const r = (v: number) => Math.round(v * 1e7) / 1e7;
  const ring = [
    [lon - dx, lat - dy],
    [lon + dx, lat - dy],
    [lon + dx, lat + dy],
    [lon - dx, lat + dy],
    [lon - dx, lat - dy]
  ].map((p) => p.map(r));
  return { type: 'Polygon', coordinates: [ring] };
}

/** A number in plain decimal notation (Number() would also take '', '0x1F' and 'Infinity'). */
const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
/** Digits grouped by thousands, as spreadsheets write 1,200 households. */
const THOUSANDS = /^\d{1,3}([,，]\d{3})+$/;

/** A coordinate cell's number, or why it is none, quoting the cell. */
function coordinateCell(text: string): { value: number } | { problem: Msg } {
  if (DECIMAL.test(text)) return { value: Number(text) };
  const found = JSON.stringify(text);
  return { problem: msg(/^[-+]?\d+,\d+$/.test(text) ? 'import.err.decimalComma' : 'import.err.coordNotNumber', { found }) };
}

/** A households cell: a whole number, thousands separators allowed; a problem quotes the cell. */
function householdsCell(text: string): { value?: number; problem?: Msg } {
  if (THOUSANDS.test(text)) return explicitHouseholds(Number(text.replace(/[,，]/g, '')));
  if (DECIMAL.test(text)) return explicitHouseholds(Number(text));
  return { problem: msg(/^\d+,\d+$/.test(text) ? 'import.err.hhDecimalComma' : 'import.err.hhNotNumber', { found: JSON.stringify(text) }) };
}

function emptyOrTooBig(text: string, file: string): ImportError | null {
  if (text.trim() === '') return importError(file, null, 'file', msg('import.err.empty'));
  if (text.length > MAX_IMPORT_BYTES) return importError(file, null, 'file', msg('import.err.tooBig', { mb: MAX_IMPORT_BYTES / 1024 / 1024 }));
  return null;
}

/**
 * Buildings from CSV: lon/lat columns (lon, lng, longitude, 经度 / lat, latitude, 纬度),
 * households (households, 户数) and optional id and name. `row` in errors is the 0-based data
 * row, `ref` its line in the file (the header is line 1).
 */
export function parseBuildingsCsv(text: string, file: string, crs: Crs, o: { partial?: boolean } = {}): ImportResult<OwnBuildings> {
  const bad = emptyOrTooBig(text, file);
  if (bad) return fail([bad]);
  // A CSV the app exported starts with its synthetic label as a `# ` comment line.
  const body = skipCommentLines(text);
  const rows = csvRows(body.text).map((r) => ({ cells: r.cells, line: r.line + body.skipped }));
  if (rows.length < 2) return fail([importError(file, null, 'file', msg('import.err.headerOnly'))]);
  const header = rows[0].cells;
  const col = {
    lon: findColumn(header, COLUMNS.lon),
    lat: findColumn(header, COLUMNS.lat),
    households: findColumn(header, COLUMNS.households),
    name: findColumn(header, COLUMNS.name),
    id: findColumn(header, COLUMNS.id)
  };
  const missing: ImportError[] = [];
  for (const k of ['lon', 'lat', 'households'] as const)
    if (col[k] < 0) missing.push(importError(file, null, k, msg('import.err.noColumn', { column: k, names: COLUMNS[k].join(', '), found: header.join(', ') })));
  if (missing.length) return fail(missing);
  const errors = new ErrorCollector();
  const out: OwnBuilding[] = [];
  const seen = new Map<string, number>();
  for (let row = 0; row < rows.length - 1; row++) {
    const { cells, line } = rows[row + 1];
    const err = (field: string, m: Msg) => errors.add(field, () => ({ ...importError(file, row, field, m, `line ${line}`), line }));
    const cell = (i: number) => (i >= 0 ? (cells[i] ?? '').trim() : '');
    if (cell(col.lon) === '' || cell(col.lat) === '') {
      err(cell(col.lon) === '' ? 'lon' : 'lat', msg('import.err.coordEmpty'));
      continue;
    }
    const lon = coordinateCell(cell(col.lon));
    if ('problem' in lon) {
      err('lon', lon.problem);
      continue;
    }
    const lat = coordinateCell(cell(col.lat));
    if ('problem' in lat) {
      err('lat', lat.problem);
      continue;
    }
    const where = placeProblem(lon.value, lat.value);
    if (where) {
      err('lat', where);
      continue;
    }
    const hhText = cell(col.households);
    const hh = hhText === '' ? { problem: msg('import.err.hhEmpty') } : householdsCell(hhText);
    if (hh.problem || hh.value === undefined) {
      err('households', hh.problem ?? msg('import.err.hhEmpty'));
      continue;
    }
    const id = cell(col.id) || `row-${line}`;
    if (seen.has(id)) {
      err('id', msg('import.err.idUsedLine', { id, line: seen.get(id)! }));
      continue;
    }
    seen.set(id, line);
    const name = cell(col.name);
    out.push({ id, ...(name ? { name } : {}), households: hh.value, estimated: false, geometry: squareAround(toWgs84([lon.value, lat.value], crs)) });
  }
  if (o.partial) return ok({ buildings: out, skipped: 0, refused: errors });
  return errors.empty ? ok({ buildings: out, skipped: 0 }) : errors.fail();
}

function firstPosition(g: Polygon | MultiPolygon): Position {
  return g.type === 'Polygon' ? g.coordinates[0][0] : g.coordinates[0][0][0];
}

/** Buildings from GeoJSON: Polygon/MultiPolygon footprints or Points; households given or estimated from the footprint. */
export function parseBuildingsGeoJSON(text: string, file: string, crs: Crs): ImportResult<OwnBuildings> {
  const bad = emptyOrTooBig(text, file);
  if (bad) return fail([bad]);
  const parsed = parseFeatureCollection(text, file);
  if (!parsed.ok) return parsed;
  if (!parsed.value.length) return fail([importError(file, null, 'features', msg('import.err.noFeatures'))]);
  const errors = new ErrorCollector();
  const out: OwnBuilding[] = [];
  const seen = new Map<string, number>();
  let skipped = 0;
  for (const f of parsed.value) {
    const row = f.row;
    const err = (field: string, m: Msg) => errors.add(field, () => importError(file, row, field, m, f.ref));
    let g = f.geometry;
    if (g?.type === 'Point') {
      const p = g.coordinates;
      const where = Array.isArray(p) ? (positionProblem(p) ?? placeProblem(p[0], p[1])) : msg('import.err.pointNoCoords');
      if (where) {
        err('geometry', where);
        continue;
      }
      g = squareAround(toWgs84(p, crs));
    } else {
      const problem = geometryProblem(g, 'polygon');
      if (problem) {
        err('geometry', problem);
        continue;
      }
      const [lon, lat] = firstPosition(g as Polygon | MultiPolygon);
      const where = placeProblem(lon, lat);
      if (where) {
        err('geometry', where);
        continue;
      }
      g = toWgs84Geometry(g as Polygon | MultiPolygon, crs);
    }
    const geometry = g as Polygon | MultiPolygon;
    const given = explicitHouseholds(f.tags['households'] ?? f.tags['户数']);
    if (given.problem) {
      err('households', given.problem);
      continue;
    }
    const id = f.id.startsWith('feature-') ? `row-${row}` : f.id;
    if (seen.has(id)) {
      err('id', msg('import.err.idUsedFeature', { id, row: seen.get(id)! }));
      continue;
    }
    seen.set(id, row ?? -1);
    let households = given.value;
    if (households === undefined) {
      const e = estimateHouseholds({ tags: f.tags, footprint: geometry });
      if (!e.residential) {
        skipped++;
        continue;
      }
      households = e.households;
    }
    const name = typeof f.tags['name'] === 'string' ? f.tags['name'] : typeof f.tags['名称'] === 'string' ? (f.tags['名称'] as string) : '';
    out.push({ id, ...(name ? { name } : {}), households, estimated: given.value === undefined, geometry });
  }
  if (errors.empty && !out.length) return fail([importError(file, null, 'households', msg('import.err.noResidential'))]);
  return errors.empty ? ok({ buildings: out, skipped }) : errors.fail();
}

/** Buildings from either format: by the file's extension, else by its first character. */
export function parseBuildings(text: string, file: string, crs: Crs): ImportResult<OwnBuildings> {
  const lower = file.toLowerCase();
  const json = lower.endsWith('.geojson') || lower.endsWith('.json') || (!lower.endsWith('.csv') && /^\s*[{[]/.test(text.replace(/^\ufeff/, '')));
  return json ? parseBuildingsGeoJSON(text, file, crs) : parseBuildingsCsv(text, file, crs);
}

/** One community boundary: the single Polygon/MultiPolygon feature of a GeoJSON file. */
export function parseBoundary(text: string, file: string, crs: Crs): ImportResult<Feature<Polygon | MultiPolygon>> {
  const bad = emptyOrTooBig(text, file);
  if (bad) return fail([bad]);
  const parsed = parseFeatureCollection(text, file);
  if (!parsed.ok) return parsed;
  if (parsed.value.length !== 1)
    return fail([importError(file, null, 'features', msg('import.err.boundaryCount', { n: parsed.value.length }))]);
  const f = parsed.value[0];
  const problem = geometryProblem(f.geometry, 'polygon');
  if (problem) return fail([importError(file, f.row, 'geometry', problem)]);
  const g = f.geometry as Polygon | MultiPolygon;
  const [lon, lat] = firstPosition(g);
  const where = placeProblem(lon, lat);
  if (where) return fail([importError(file, f.row, 'geometry', where)]);
  return ok({ type: 'Feature', properties: { name: typeof f.tags['name'] === 'string' ? f.tags['name'] : '' }, geometry: toWgs84Geometry(g, crs) });
}

function insideRing(p: Position, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether a point lies in a (Multi)Polygon (holes respected). */
export function insidePolygon(p: Position, g: Polygon | MultiPolygon): boolean {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.some((rings) => insideRing(p, rings[0]) && !rings.slice(1).some((h) => insideRing(p, h)));
}

/** Centre of a footprint's outer ring (mean of its vertices; enough to test a building against a boundary). */
export function footprintCentre(g: Polygon | MultiPolygon): Position {
  const ring = (g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0]).slice(0, -1);
  return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
}

/** The buildings when every centre lies inside the boundary, else one error for each that does not. */
export function outsideBoundary(b: OwnBuildings, boundary: Feature<Polygon | MultiPolygon>, file: string, boundaryFile: string): ImportResult<OwnBuildings> {
  const errors = new ErrorCollector();
  for (const x of b.buildings)
    if (!insidePolygon(footprintCentre(x.geometry), boundary.geometry))
      errors.add('geometry', () => importError(file, null, 'geometry', msg('import.err.outside', { file: boundaryFile }), `id ${x.id}`));
  return errors.empty ? ok(b) : errors.fail();
}

/** The warning for a file too big to be one community (see PLAUSIBLE_COMMUNITY), or null. */
export function implausibleCommunity(b: OwnBuildings): Msg | null {
  const households = b.buildings.reduce((s, x) => s + x.households, 0);
  if (b.buildings.length <= PLAUSIBLE_COMMUNITY.buildings && households <= PLAUSIBLE_COMMUNITY.households) return null;
  const n = (v: number) => v.toLocaleString('en');
  return msg('import.warn.implausible', { n: n(b.buildings.length), hh: n(households), maxN: n(PLAUSIBLE_COMMUNITY.buildings), maxHh: n(PLAUSIBLE_COMMUNITY.households) });
}

/** 12-digit code for an own-data community: 99 + a hash of the buildings (the same file opens the same plan again). */
export function ownCommunityCode(b: OwnBuildings): string {
  let h = 0x811c9dc5;
  const s = b.buildings.map((x) => `${x.id}:${x.households}:${firstPosition(x.geometry).join(',')}`).join('|');
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return `99${String(h % 1e10).padStart(10, '0')}`;
}

/** Whether a community code is an own-data one (see ownCommunityCode). */
export const isOwnCode = (code: string): boolean => /^99\d{10}$/.test(code);
