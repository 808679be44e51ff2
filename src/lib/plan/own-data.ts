/**
 * Reading the planner's own files into a community the planner opens like an embedded one:
 * buildings (CSV or GeoJSON) and an optional boundary, as bytes in UTF-8 or GBK (see
 * text-decode), converted to WGS-84, checked all or nothing. Pure: the import worker runs it;
 * unit tests call it directly.
 */
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { bbox } from '@turf/turf';
import { METRES_PER_DEGREE, type Crs } from '$lib/geo/crs';
import { ErrorCollector, type ImportResult, type Msg } from '$lib/data/import/errors';
import {
  implausibleCommunity,
  outsideBoundary,
  ownCommunityCode,
  parseBoundary,
  parseBuildings,
  type OwnBuildings
} from '$lib/data/import/planner';
import { decodeText, type TextEncodingName } from '$lib/data/text-decode';
import type { BuildingFeature, CommunityData } from '$lib/plan/community-plan';

export interface OwnFile {
  name: string;
  /** The file as read from disk; decoded in the worker. */
  bytes: Uint8Array;
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
  /** The buildings file's text encoding. */
  encoding: TextEncodingName;
  /** Too big for one community (see implausibleCommunity): the planner must accept this before it opens. */
  implausible: Msg | null;
}

/**
 * Both files decoded, parsed and checked against each other; any error in either → no import.
 * Errors come as the first MAX_LISTED_ERRORS and the counts of all.
 */
export function readOwnData(req: OwnImportRequest): ImportResult<OwnImport> {
  const text = decodeText(req.buildings.bytes, req.buildings.name);
  const b = text.ok ? parseBuildings(text.value.text, req.buildings.name, req.crs) : text;
  const boundaryText = req.boundary ? decodeText(req.boundary.bytes, req.boundary.name) : null;
  const boundary = boundaryText?.ok
    ? parseBoundary(boundaryText.value.text, req.boundary!.name, req.crs)
    : boundaryText;
  const errors = new ErrorCollector();
  if (!b.ok) errors.addAll(b);
  if (boundary && !boundary.ok) errors.addAll(boundary);
  if (!b.ok || !text.ok || (boundary && !boundary.ok)) return errors.fail();
  const outline = boundary?.ok ? boundary.value : null;
  const inside = outline ? outsideBoundary(b.value, outline, req.buildings.name, req.boundary!.name) : b;
  if (!inside.ok) return inside;
  return {
    ok: true,
    value: {
      code: ownCommunityCode(b.value),
      buildings: b.value,
      boundary: outline,
      estimated: b.value.buildings.filter((x) => x.estimated).length,
      encoding: text.value.encoding,
      implausible: implausibleCommunity(b.value)
    }
  };
}

/** Without a boundary file: the buildings' box grown by ~50 m, so the map and the engine have an outline. */
function paddedBox(buildings: readonly BuildingFeature[]): Polygon {
  const [x0, y0, x1, y1] = bbox({ type: 'FeatureCollection', features: [...buildings] });
  const dy = 50 / METRES_PER_DEGREE;
  const dx = dy / Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
  return {
    type: 'Polygon',
    coordinates: [
      [
        [x0 - dx, y0 - dy],
        [x1 + dx, y0 - dy],
        [x1 + dx, y1 + dy],
        [x0 - dx, y1 + dy],
        [x0 - dx, y0 - dy]
      ]
    ]
  };
}

/** The imported buildings as the planner's community data (no compounds; no roads, so no barriers). */
export function ownCommunity(imp: OwnImport, name: string): CommunityData {
  const buildings: BuildingFeature[] = imp.buildings.buildings.map((x) => ({
    type: 'Feature',
    properties: {
      id: x.id,
      households: x.households,
      community: imp.code,
      grid: null,
      ...(x.name ? { name: x.name } : {})
    },
    geometry: x.geometry
  }));
  return {
    code: imp.code,
    name,
    street: '',
    boundary: {
      type: 'Feature',
      properties: { code: imp.code, name },
      geometry: imp.boundary?.geometry ?? paddedBox(buildings)
    },
    buildings,
    compounds: { type: 'FeatureCollection', features: [] },
    roads: { type: 'FeatureCollection', features: [] }
  };
}
