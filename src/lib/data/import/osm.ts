/**
 * Overpass-style OSM JSON (`{ elements: [...] }`, as tiny-osmpbf or the Overpass API return it)
 * → the three input layers GridAtlas imports: buildings (`building=*` closed ways and multipolygon
 * relations), roads (`highway=*` ways) and compounds (`landuse=residential`, `place=neighbourhood`
 * / `quarter` areas, i.e. 小区). Geometry assembly (rings, multipolygons) is osmtogeojson's.
 *
 * OSM is mapped by volunteers: a building tagged on a node, an unclosed way or a relation with
 * members missing from the extract comes back with `problem` set; the pipeline skips it with a
 * warning (when it lies in the district) rather than failing. Roads cut by the extract's edge
 * keep the part inside it.
 */
import osmtogeojson from 'osmtogeojson';
import type { Feature, Geometry } from 'geojson';
import { type ImportResult, fail, ok, osmRef } from './errors';
import type { SourceFeature } from './geojson';

export interface OsmElement {
  type: 'node' | 'way' | 'relation';
  id: number;
  lat?: number;
  lon?: number;
  nodes?: number[];
  members?: { type: 'node' | 'way' | 'relation'; ref: number; role: string }[];
  tags?: Record<string, string>;
}

export interface OsmLayers {
  buildings: SourceFeature[];
  roads: SourceFeature[];
  compounds: SourceFeature[];
}

type Layer = 'buildings' | 'roads' | 'compounds';

function layerOf(tags: Record<string, string> | undefined): Layer | null {
  if (!tags) return null;
  if (tags['building'] && tags['building'] !== 'no') return 'buildings';
  if (tags['highway']) return 'roads';
  if (tags['landuse'] === 'residential' || tags['place'] === 'neighbourhood' || tags['place'] === 'quarter') return 'compounds';
  return null;
}

function isOsmElement(e: unknown): e is OsmElement {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return (o.type === 'node' || o.type === 'way' || o.type === 'relation') && typeof o.id === 'number';
}

/**
 * Splits OSM elements into buildings, roads and compounds. Only the wanted ways/relations and the
 * nodes and member ways they use are handed to osmtogeojson (a city extract holds much else).
 */
export function osmToLayers(data: { elements?: unknown }, file: string): ImportResult<OsmLayers> {
  if (!Array.isArray(data.elements)) {
    return fail([{ file, row: null, field: 'elements', message: 'no OSM elements found (expected Overpass-style JSON with an "elements" array)' }]);
  }
  const elements = data.elements.filter(isOsmElement);
  const out: OsmLayers = { buildings: [], roads: [], compounds: [] };
  const wantedWays = new Set<number>();
  const wantedRels = new Set<OsmElement>();
  const ways = new Map<number, OsmElement>();
  for (const e of elements) {
    if (e.type === 'way') ways.set(e.id, e);
    const layer = layerOf(e.tags);
    if (!layer) continue;
    if (e.type === 'node') {
      if (layer === 'buildings' && typeof e.lon === 'number' && typeof e.lat === 'number') {
        out.buildings.push({
          row: null,
          id: `osm-node-${e.id}`,
          ref: osmRef('node', e.id),
          tags: { ...(e.tags ?? {}) },
          geometry: { type: 'Point', coordinates: [e.lon, e.lat] },
          problem: 'building mapped as a point (no footprint); skipped'
        });
      }
    } else if (e.type === 'way') wantedWays.add(e.id);
    else if (e.tags?.['type'] === 'multipolygon') wantedRels.add(e);
  }
  for (const r of wantedRels) for (const m of r.members ?? []) if (m.type === 'way') wantedWays.add(m.ref);
  const wantedNodes = new Set<number>();
  for (const id of wantedWays) for (const n of ways.get(id)?.nodes ?? []) wantedNodes.add(n);
  const subset = elements.filter(
    (e) => (e.type === 'node' && wantedNodes.has(e.id)) || (e.type === 'way' && wantedWays.has(e.id)) || (e.type === 'relation' && wantedRels.has(e))
  );
  const fc = osmtogeojson({ elements: subset }, { flatProperties: false });

  for (const f of fc.features as Feature<Geometry>[]) {
    const p = f.properties as { type: 'node' | 'way' | 'relation'; id: number; tags?: Record<string, string>; tainted?: boolean };
    if (p.type === 'node') continue; // building nodes were taken above
    const layer = layerOf(p.tags);
    if (!layer) continue;
    const ref = osmRef(p.type, p.id);
    const id = `osm-${p.type}-${p.id}`;
    const g = f.geometry as Geometry | null;
    const tags = { ...(p.tags ?? {}) };
    const what = layer === 'buildings' ? 'building' : 'compound';
    let problem: string | undefined;
    if (layer === 'roads') {
      if (!g || (g.type !== 'LineString' && g.type !== 'MultiLineString')) continue; // pedestrian areas (area=yes) are not roads
    } else if (p.tainted) {
      problem = `${what} has ${p.type === 'relation' ? 'member ways' : 'nodes'} missing from the extract; skipped`;
    } else if (!g) {
      problem = `${what} has no geometry; skipped`;
    } else if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') {
      problem = `${what} is a ${g.type}${p.type === 'way' ? ' (an unclosed way)' : ''}, not an area; skipped`;
    }
    out[layer].push({ row: null, id, ref, tags, geometry: g, ...(problem ? { problem } : {}) });
  }
  return ok(out);
}

/**
 * Administrative areas (`boundary=administrative` relations of one `admin_level`, e.g. '8' for
 * 街道 in China) as polygons, assembled by osmtogeojson like the other layers. A relation whose
 * member ways are not all in the extract comes back with `problem` set.
 */
export function osmAdminAreas(data: { elements?: unknown }, adminLevel: string, file: string): ImportResult<SourceFeature[]> {
  if (!Array.isArray(data.elements)) {
    return fail([{ file, row: null, field: 'elements', message: 'no OSM elements found (expected Overpass-style JSON with an "elements" array)' }]);
  }
  const elements = data.elements.filter(isOsmElement);
  const rels = elements.filter((e) => e.type === 'relation' && e.tags?.['boundary'] === 'administrative' && e.tags?.['admin_level'] === adminLevel);
  const wantedWays = new Set<number>();
  for (const r of rels) for (const m of r.members ?? []) if (m.type === 'way') wantedWays.add(m.ref);
  const wantedNodes = new Set<number>();
  for (const e of elements) if (e.type === 'way' && wantedWays.has(e.id)) for (const n of e.nodes ?? []) wantedNodes.add(n);
  // Only the relations and their ways and nodes: the member ways' own tags must not make them features.
  const subset = elements
    .filter((e) => (e.type === 'node' && wantedNodes.has(e.id)) || (e.type === 'way' && wantedWays.has(e.id)) || rels.includes(e))
    .map((e) => (e.type === 'way' ? { ...e, tags: {} } : e));
  const fc = osmtogeojson({ elements: subset }, { flatProperties: false });
  const out: SourceFeature[] = [];
  for (const f of fc.features as Feature<Geometry>[]) {
    const p = f.properties as { type: string; id: number; tags?: Record<string, string>; tainted?: boolean };
    if (p.type !== 'relation') continue;
    const g = f.geometry as Geometry | null;
    const problem = p.tainted
      ? 'boundary has member ways missing from the extract; skipped'
      : !g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')
        ? 'boundary does not close into an area; skipped'
        : undefined;
    out.push({ row: null, id: `osm-relation-${p.id}`, ref: osmRef('relation', p.id), tags: { ...(p.tags ?? {}) }, geometry: g, ...(problem ? { problem } : {}) });
  }
  return ok(out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
}
