/**
 * Water from OpenStreetMap for a district's map layer `water`: areas (`natural=water`, the older
 * `waterway=riverbank`, `landuse=reservoir`/`basin`, as closed ways or multipolygon relations) and
 * river lines (`waterway=river|canal`), clipped to a box around the district and simplified, so
 * the file stays small. Streams, drains and ditches are left out (too fine for a district map),
 * and so are rivers in a tunnel or culvert (no water is seen there). Geometry assembly is
 * osmtogeojson's, as for the other OSM layers (./osm.ts).
 */
import osmtogeojson from 'osmtogeojson';
import { area as turfArea, bboxClip, simplify as turfSimplify } from '@turf/turf';
import type { Feature, Geometry, LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import { type ImportResult, fail, ok } from './errors';
import type { OsmElement } from './osm';

export type WaterKind = 'water' | 'river' | 'canal';

/** One feature of the `water` map layer: `kind` 'water' is an area, 'river'/'canal' a line. */
export interface WaterProps {
  kind: WaterKind;
  /** `name:zh`, else `name`; absent when untagged. */
  name?: string;
  /** The OSM element, e.g. 'way/30319750'. */
  osm: string;
}

export type WaterFeature = Feature<Polygon | MultiPolygon | LineString | MultiLineString, WaterProps>;

export interface WaterOptions {
  /** [west, south, east, north] in degrees: what lies outside is cut off. */
  bbox: [number, number, number, number];
  /** Douglas–Peucker tolerance in degrees (1e-4 ≈ 8–11 m at Harbin's latitude); 0 keeps every vertex. */
  tolerance: number;
  /** Areas smaller than this (m², after clipping) are dropped: fountains and garden ponds. */
  minAreaM2: number;
}

const AREA_KEYS: [string, string[]][] = [
  ['natural', ['water']],
  ['waterway', ['riverbank']],
  ['landuse', ['reservoir', 'basin']]
];
const LINE_KINDS = new Set(['river', 'canal']);

function isArea(tags: Record<string, string>): boolean {
  return AREA_KEYS.some(([k, vs]) => vs.includes(tags[k] ?? ''));
}

/** A river line drawn on the map: not one underground. */
function lineKind(tags: Record<string, string>): WaterKind | null {
  const w = tags['waterway'];
  if (!w || !LINE_KINDS.has(w)) return null;
  if (tags['tunnel'] && tags['tunnel'] !== 'no') return null;
  if (tags['location'] === 'underground') return null;
  return w as WaterKind;
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
function roundCoords(g: Geometry): Geometry {
  const r = (p: Position): Position => [round6(p[0]), round6(p[1])];
  switch (g.type) {
    case 'LineString':
      return { type: g.type, coordinates: g.coordinates.map(r) };
    case 'MultiLineString':
    case 'Polygon':
      return { type: g.type, coordinates: g.coordinates.map((l) => l.map(r)) } as Geometry;
    case 'MultiPolygon':
      return { type: g.type, coordinates: g.coordinates.map((p) => p.map((l) => l.map(r))) };
    default:
      return g;
  }
}

/** Drops the rings and lines that clipping emptied (bboxClip leaves them with no or too few points). */
function pruned(g: Geometry): Geometry | null {
  if (g.type === 'LineString') return g.coordinates.length >= 2 ? g : null;
  if (g.type === 'MultiLineString') {
    const ls = g.coordinates.filter((l) => l.length >= 2);
    return ls.length === 0 ? null : ls.length === 1 ? { type: 'LineString', coordinates: ls[0] } : { type: 'MultiLineString', coordinates: ls };
  }
  if (g.type === 'Polygon') {
    if (g.coordinates.length === 0 || g.coordinates[0].length < 4) return null;
    return { type: 'Polygon', coordinates: g.coordinates.filter((r) => r.length >= 4) };
  }
  if (g.type === 'MultiPolygon') {
    const ps = g.coordinates.filter((p) => p.length > 0 && p[0].length >= 4).map((p) => p.filter((r) => r.length >= 4));
    return ps.length === 0 ? null : ps.length === 1 ? { type: 'Polygon', coordinates: ps[0] } : { type: 'MultiPolygon', coordinates: ps };
  }
  return null;
}

/**
 * The water of an OSM extract inside `bbox`, sorted by OSM element (deterministic). Areas whose
 * member ways are missing from the extract (osmtogeojson's `tainted`) are kept where they still
 * close into rings: a river's area cut by the extract's edge is still the river.
 */
export function osmWater(data: { elements?: unknown }, file: string, o: WaterOptions): ImportResult<WaterFeature[]> {
  if (!Array.isArray(data.elements)) {
    return fail([{ file, row: null, field: 'elements', message: 'no OSM elements found (expected Overpass-style JSON with an "elements" array)' }]);
  }
  const elements = (data.elements as OsmElement[]).filter((e) => typeof e === 'object' && e !== null && typeof e.id === 'number');
  const wanted = (t: Record<string, string> | undefined) => !!t && (isArea(t) || lineKind(t) !== null);
  const ways = new Map<number, OsmElement>();
  const wantedWays = new Set<number>();
  const rels: OsmElement[] = [];
  for (const e of elements) {
    if (e.type === 'way') {
      ways.set(e.id, e);
      if (wanted(e.tags)) wantedWays.add(e.id);
    } else if (e.type === 'relation' && e.tags?.['type'] === 'multipolygon' && isArea(e.tags)) rels.push(e);
  }
  for (const r of rels) for (const m of r.members ?? []) if (m.type === 'way') wantedWays.add(m.ref);
  const wantedNodes = new Set<number>();
  for (const id of wantedWays) for (const n of ways.get(id)?.nodes ?? []) wantedNodes.add(n);
  const subset = elements.filter(
    (e) => (e.type === 'node' && wantedNodes.has(e.id)) || (e.type === 'way' && wantedWays.has(e.id)) || (e.type === 'relation' && rels.includes(e))
  );
  const fc = osmtogeojson({ elements: subset }, { flatProperties: false });

  const out: WaterFeature[] = [];
  for (const f of fc.features as Feature<Geometry | null>[]) {
    const p = f.properties as { type: string; id: number; tags?: Record<string, string> };
    if (p.type === 'node' || !f.geometry) continue;
    const tags = p.tags ?? {};
    const g = f.geometry;
    const polygonal = g.type === 'Polygon' || g.type === 'MultiPolygon';
    const linear = g.type === 'LineString' || g.type === 'MultiLineString';
    // A closed way tagged waterway=river is still a line; an area tag needs an area.
    const kind: WaterKind | null = polygonal && isArea(tags) ? 'water' : linear ? lineKind(tags) : null;
    if (!kind) continue;
    const clipped = pruned(bboxClip(f as Feature<Polygon | MultiPolygon | LineString | MultiLineString>, o.bbox).geometry);
    if (!clipped) continue;
    const simple = o.tolerance > 0 ? turfSimplify(clipped, { tolerance: o.tolerance, highQuality: true }) : clipped;
    const geometry = pruned(roundCoords(simple));
    if (!geometry) continue;
    if (kind === 'water' && turfArea(geometry) < o.minAreaM2) continue;
    const name = tags['name:zh'] || tags['name'];
    out.push({
      type: 'Feature',
      properties: { kind, ...(name ? { name } : {}), osm: `${p.type}/${p.id}` },
      geometry: geometry as WaterFeature['geometry']
    });
  }
  // Areas first (drawn under the lines), then by element: the same extract gives the same bytes.
  const order = (f: WaterFeature) => (f.properties.kind === 'water' ? 0 : 1);
  const key = (f: WaterFeature) => f.properties.osm.replace(/\d+/, (d) => d.padStart(12, '0'));
  return ok(out.sort((a, b) => order(a) - order(b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)));
}
