/**
 * A district's buildings for its data package: buildings.geojson (footprints or points, households
 * given or estimated), buildings.csv (one point a row with households: 经度, 纬度, 户数) or OSM
 * elements (from buildings.osm.pbf, decoded by the caller). The district import's own pipeline
 * (pipeline.ts: checks, CRS conversion, clipping to the district, household estimate) and the
 * planner's CSV reader do the work (OSM elements become features in the caller, osm.ts: its
 * osmtogeojson compiles code at run time, which the app's CSP forbids in the browser); here a defective or outside building is refused with its
 * feature or row and the rest go on (`refuse`), as everywhere in a data package. Pure.
 */
import type { Building } from '../schema';
import { DEFAULT_FLOORS, unitsFor } from '../../geo/households';
import type { Crs } from '../../geo/crs';
import type { AreaContext } from './areas';
import { insideDistrict } from './district';
import { type ErrorCounts, type ImportError, type ImportResult, ErrorCollector, fail, importError, msg, ok } from './errors';
import { type SourceFeature, parseFeatureCollection } from './geojson';
import { type LayerInput, importLayers } from './pipeline';
import { footprintCentre, parseBuildingsCsv } from './planner';

export type BuildingsFormat = 'geojson' | 'csv' | 'osm';

export interface BuildingsReport {
  file: string;
  format: BuildingsFormat;
  crs: AreaContext['crs'];
  read: number;
  accepted: number;
  refused: number;
  /** The first refused rows or features (GeoJSON: `row` is the 0-based feature index; CSV: `line`). */
  errors: ImportError[];
  errorCounts: ErrorCounts;
  /** Of the refused: outside the district, non-residential (left out by the household estimate). */
  outsideDistrict: number;
  nonResidential: number;
  /** Accepted buildings whose households were estimated, not given. */
  estimated: number;
  households: number;
}

/** Floors assumed for a building a CSV gives only as a point with households (the same 6 as OSM apartments). */
const CSV_FLOORS = DEFAULT_FLOORS.apartments;

export function readPackageBuildings(
  file: string,
  input: { format: 'geojson' | 'csv'; text: string } | { format: 'osm'; buildings: SourceFeature[] },
  ctx: AreaContext
): ImportResult<{ rows: Building[]; report: BuildingsReport }> {
  const refused = new ErrorCollector();
  const crs = ctx.crs as Crs;
  if (input.format === 'csv') {
    const r = parseBuildingsCsv(input.text, file, crs, { partial: true });
    if (!r.ok) return r;
    if (r.value.refused) refused.addAll(r.value.refused.fail() as { errors: ImportError[]; counts: ErrorCounts });
    const rows: Building[] = [];
    let outside = 0;
    for (const b of r.value.buildings) {
      const [lon, lat] = footprintCentre(b.geometry);
      if (!insideDistrict(ctx.area, [lon, lat])) {
        outside++;
        refused.add('lon', () => importError(file, null, 'lon', msg('import.pkg.err.outsideDistrict', { lon: Math.round(lon * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6, district: ctx.name }), `id ${b.id}`));
        continue;
      }
      const { units, perFloor } = unitsFor(b.households, CSV_FLOORS);
      rows.push({ id: b.id, district: ctx.district, community: '', compound: null, grid: null, floors: CSV_FLOORS, units, perFloor, households: b.households, estimated: false, lon, lat, footprint: b.geometry });
    }
    const read = rows.length + refused.counts.total;
    return ok({ rows, report: report(file, 'csv', ctx, read, rows, refused, outside, 0) });
  }
  let layer: LayerInput;
  if (input.format === 'osm') layer = { file, format: 'osm', features: input.buildings };
  else {
    const parsed = parseFeatureCollection(input.text, file);
    if (!parsed.ok) return parsed;
    layer = { file, format: 'geojson', features: parsed.value };
  }
  const out = importLayers({
    crs,
    district: { ...ctx.area, code: ctx.district },
    buildings: layer,
    refuse: (e) => refused.add(e.field, () => e)
  });
  if (!out.ok) return out;
  const { stats } = out.value;
  const rows: Building[] = out.value.buildings.map((b) => ({
    id: b.id,
    district: b.district,
    community: '',
    compound: null,
    grid: null,
    floors: b.floors,
    units: b.units,
    perFloor: b.perFloor,
    households: b.households,
    estimated: b.estimated,
    lon: b.lon,
    lat: b.lat,
    footprint: b.footprint
  }));
  if (!rows.length) return fail([importError(file, null, 'features', msg('import.area.err.empty'))]);
  return ok({ rows, report: report(file, input.format, ctx, stats.features, rows, refused, stats.outsideDistrict, stats.nonResidential) });
}

function report(file: string, format: BuildingsFormat, ctx: AreaContext, read: number, rows: Building[], refused: ErrorCollector, outside: number, nonResidential: number): BuildingsReport {
  return {
    file,
    format,
    crs: ctx.crs,
    read,
    accepted: rows.length,
    refused: read - rows.length,
    errors: refused.errors,
    errorCounts: refused.counts,
    outsideDistrict: outside,
    nonResidential,
    estimated: rows.filter((b) => b.estimated).length,
    households: rows.reduce((s, b) => s + b.households, 0)
  };
}
