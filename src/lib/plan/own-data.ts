/**
 * Reading the planner's own files into a community the planner opens like an embedded one:
 * buildings (CSV or GeoJSON) and an optional boundary, converted to WGS-84, checked all or
 * nothing. Pure: the import worker runs it; unit tests call it directly.
 */
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { bbox } from '@turf/turf';
import type { Crs } from '$lib/geo/crs';
import type { ImportResult } from '$lib/data/import/errors';
import { outsideBoundary, ownCommunityCode, parseBoundary, parseBuildings, type OwnBuildings } from '$lib/data/import/planner';
import type { BuildingFeature, CommunityData } from '$lib/state/plan-core';

export interface OwnFile {
  name: string;
  text: string;
}

export interface OwnImportRequest {
  buildings: OwnFile;
  boundary?: OwnFile;
  crs: Crs;
}

export interface OwnImport {
  code: string;
  buildings: OwnBuildings;
  boundary: Feature<Polygon | MultiPolygon> | null;
  /** Households counted from footprints (no value in the file). */
  estimated: number;
}

/** Both files parsed and checked against each other; any error in either → no import. */
export function readOwnData(req: OwnImportRequest): ImportResult<OwnImport> {
  const b = parseBuildings(req.buildings.text, req.buildings.name, req.crs);
  const boundary = req.boundary ? parseBoundary(req.boundary.text, req.boundary.name, req.crs) : null;
  const errors = [...(b.ok ? [] : b.errors), ...(boundary && !boundary.ok ? boundary.errors : [])];
  if (!b.ok || (boundary && !boundary.ok)) return { ok: false, errors };
  const outline = boundary?.ok ? boundary.value : null;
  if (outline) {
    const outside = outsideBoundary(b.value, outline, req.buildings.name, req.boundary!.name);
    if (outside.length) return { ok: false, errors: outside };
  }
  return { ok: true, value: { code: ownCommunityCode(b.value), buildings: b.value, boundary: outline, estimated: b.value.buildings.filter((x) => x.estimated).length } };
}

/** Without a boundary file: the buildings' box grown by ~50 m, so the map and the engine have an outline. */
function paddedBox(buildings: readonly BuildingFeature[]): Polygon {
  const [x0, y0, x1, y1] = bbox({ type: 'FeatureCollection', features: [...buildings] });
  const dy = 50 / 111_320;
  const dx = dy / Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
  return { type: 'Polygon', coordinates: [[[x0 - dx, y0 - dy], [x1 + dx, y0 - dy], [x1 + dx, y1 + dy], [x0 - dx, y1 + dy], [x0 - dx, y0 - dy]]] };
}

/** The imported buildings as the planner's community data (no compounds; no roads, so no barriers). */
export function ownCommunity(imp: OwnImport, name: string): CommunityData {
  const buildings: BuildingFeature[] = imp.buildings.buildings.map((x) => ({
    type: 'Feature',
    properties: { id: x.id, households: x.households, community: imp.code, grid: null, ...(x.name ? { name: x.name } : {}) },
    geometry: x.geometry
  }));
  return {
    code: imp.code,
    name,
    street: '',
    boundary: { type: 'Feature', properties: { code: imp.code, name }, geometry: imp.boundary?.geometry ?? paddedBox(buildings) },
    buildings,
    compounds: { type: 'FeatureCollection', features: [] },
    roads: { type: 'FeatureCollection', features: [] }
  };
}
