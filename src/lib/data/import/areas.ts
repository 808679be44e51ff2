/**
 * A district's own area layers for its data package: streets.geojson (街道/镇, 9-digit codes),
 * communities.geojson (社区, 12 digits) and grids.geojson (网格, 15 digits: the planner's export
 * or any grid polygons with such a code). Pure: GeoJSON text → WGS-84 areas and a report, for
 * the command line (scripts/import/package.ts) and the Data page's worker alike.
 *
 * A file that is not GeoJSON, or none of whose features has a code property, cannot be read
 * (`ok: false`, nothing of it is used). Otherwise each feature is accepted or refused with its
 * feature number, field and reason, and refused features never stop the read: no code, a code
 * of the wrong length or of another district, a code used twice, a broken polygon, no name
 * (streets and communities), a households value that is not a whole number, or an area whose
 * centre lies outside the district.
 */
import { centroid } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { type Crs, toWgs84Geometry } from '../../geo/crs';
import type { DistrictCode, InputCrs } from '../schema';
import { type DistrictArea, insideDistrict } from './district';
import { type ErrorCounts, type ImportError, type ImportResult, type Msg, ErrorCollector, fail, importError, msg, ok } from './errors';
import { geometryProblem, parseFeatureCollection } from './geojson';

export const AREA_LAYERS = ['streets', 'communities', 'grids'] as const;
export type AreaLayer = (typeof AREA_LAYERS)[number];

/** Digits of an area's code: NBS street 9, community 12, GridAtlas grid 12 + 3. */
export const CODE_DIGITS: Record<AreaLayer, number> = { streets: 9, communities: 12, grids: 15 };

/** Property names read, first match wins (case-insensitive for Latin names). */
export const AREA_PROPERTIES = {
  code: ['code', 'adcode', 'gb', '编码', '代码', '区划代码', '统计用区划代码', 'grid_code', 'gridcode', '网格编码', '网格代码', '社区编码', '社区代码', '街道编码', '街道代码'],
  name: ['name', '名称', '网格名称', '社区名称', '街道名称', '街道', '社区', '网格'],
  households: ['households', 'hh', '户数', '住户数', '总户数']
} as const;

/** Largest households value an area may state (a large 街道 has a few tens of thousands). */
export const MAX_AREA_HOUSEHOLDS = 200_000;

export interface Area {
  code: string;
  /** As the file gives it; '' for a grid without one. */
  name: string;
  /** The district's own households figure for the area, when the file states one. */
  households: number | null;
  geometry: Polygon | MultiPolygon;
  /** 0-based feature index in the file (as every import error names features). */
  feature: number;
}

export interface AreaReport {
  layer: AreaLayer;
  file: string;
  crs: InputCrs;
  read: number;
  accepted: number;
  refused: number;
  /** The first refused features (`row` is the 0-based feature index). */
  errors: ImportError[];
  errorCounts: ErrorCounts;
  /** Of the refused: areas whose centre lies outside the district. */
  outside: number;
  /** The property each field was read from. */
  properties: Partial<Record<keyof typeof AREA_PROPERTIES, string>>;
}

export interface AreaContext {
  district: DistrictCode;
  /** The district's name, as messages say it. */
  name: string;
  area: DistrictArea;
  crs: InputCrs;
}

/** The first property of `names` that some feature has (Latin names case-insensitive). */
function propertyName(all: readonly Record<string, unknown>[], names: readonly string[]): string | null {
  const keys = new Set<string>();
  for (const p of all) for (const k of Object.keys(p)) keys.add(k);
  for (const n of names) for (const k of keys) if (k.trim().toLowerCase() === n.toLowerCase()) return k;
  return null;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' && Number.isFinite(v) ? String(v) : '');

function households(v: unknown): { value: number | null } | { problem: Msg } {
  if (v === undefined || v === null || v === '') return { value: null };
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 0 || n > MAX_AREA_HOUSEHOLDS) return { problem: msg('import.area.err.households', { found: JSON.stringify(v), max: MAX_AREA_HOUSEHOLDS.toLocaleString('en') }) };
  return { value: n };
}

/** Reads one area layer; see the module comment. */
export function readAreaLayer(file: string, source: string, layer: AreaLayer, ctx: AreaContext): ImportResult<{ rows: Area[]; report: AreaReport }> {
  const parsed = parseFeatureCollection(source, file);
  if (!parsed.ok) return parsed;
  const features = parsed.value;
  if (!features.length) return fail([importError(file, null, 'features', msg('import.area.err.empty'))]);
  const props = features.map((f) => f.tags);
  const codeKey = propertyName(props, AREA_PROPERTIES.code);
  const digits = CODE_DIGITS[layer];
  if (!codeKey)
    return fail([importError(file, null, 'code', msg('import.area.err.noCodeProperty', { digits, names: AREA_PROPERTIES.code.join(', '), found: [...new Set(props.flatMap((p) => Object.keys(p)))].slice(0, 20).join(', ') }))]);
  const nameKey = propertyName(props, AREA_PROPERTIES.name);
  const hhKey = propertyName(props, AREA_PROPERTIES.households);
  const refused = new ErrorCollector();
  const refuse = (row: number, field: string, m: Msg) => refused.add(field, () => importError(file, row, field, m));
  const seen = new Map<string, number>();
  const rows: Area[] = [];
  let outside = 0;
  features.forEach((f, i) => {
    const row = i;
    const code = text(f.tags[codeKey]);
    if (!code) return refuse(row, 'code', msg('import.area.err.codeEmpty', { property: codeKey }));
    if (!new RegExp(`^\\d{${digits}}$`).test(code)) return refuse(row, 'code', msg('import.area.err.codeDigits', { found: JSON.stringify(code), digits }));
    if (!code.startsWith(ctx.district)) return refuse(row, 'code', msg('import.area.err.codeDistrict', { found: code, district: ctx.name, code: ctx.district }));
    const first = seen.get(code);
    if (first !== undefined) return refuse(row, 'code', msg('import.area.err.codeUsed', { code, first }));
    const name = nameKey ? text(f.tags[nameKey]) : '';
    if (!name && layer !== 'grids') return refuse(row, 'name', msg('import.pkg.err.nameEmpty'));
    const hh = hhKey ? households(f.tags[hhKey]) : { value: null };
    if ('problem' in hh) return refuse(row, 'households', hh.problem);
    const problem = geometryProblem(f.geometry, 'polygon');
    if (problem) return refuse(row, 'geometry', problem);
    const geometry = toWgs84Geometry(f.geometry as Polygon | MultiPolygon, ctx.crs as Crs);
    const [lon, lat] = centroid(geometry).geometry.coordinates;
    if (!insideDistrict(ctx.area, [lon, lat])) {
      outside++;
      return refuse(row, 'geometry', msg('import.area.err.outside', { lon: Math.round(lon * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6, district: ctx.name }));
    }
    seen.set(code, row);
    rows.push({ code, name, households: hh.value, geometry, feature: row });
  });
  return ok({
    rows,
    report: {
      layer,
      file,
      crs: ctx.crs,
      read: features.length,
      accepted: rows.length,
      refused: features.length - rows.length,
      errors: refused.errors,
      errorCounts: refused.counts,
      outside,
      properties: { code: codeKey, ...(nameKey ? { name: nameKey } : {}), ...(hhKey ? { households: hhKey } : {}) }
    }
  });
}

/** 街道 / 镇 / 乡 by the name's ending (NBS names end in one of them). */
export function streetKind(name: string): 'subdistrict' | 'town' | 'township' {
  if (/镇$/.test(name)) return 'town';
  if (/乡$/.test(name)) return 'township';
  return 'subdistrict';
}
