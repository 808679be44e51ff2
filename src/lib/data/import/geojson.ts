/**
 * GeoJSON input: text → FeatureCollection → `SourceFeature`s, with structural checks that name
 * the file, the feature index and the field. No I/O: the caller reads the file.
 */
import type { Geometry } from 'geojson';
import { MAX_HOUSEHOLDS_PER_BUILDING } from '../../geo/households';
import { type ImportError, type ImportResult, fail, ok, osmRef } from './errors';
import { parseJsonText } from './json';

/** One feature of an input layer, before validation of its geometry and values. */
export interface SourceFeature {
  /** 0-based index in the file's `features`; null when the file is not GeoJSON (OSM PBF). */
  row: number | null;
  /** Stable id: 'osm-way-123' for OSM objects, else the feature's id. */
  id: string;
  /** 'osm way 123' or 'id B-7', for messages. */
  ref?: string;
  /** OSM-style tags (flat properties). */
  tags: Record<string, unknown>;
  geometry: Geometry | null;
  /** A defect found by the reader (e.g. an OSM relation with members missing); overrides the geometry check. */
  problem?: string;
}

export type GeometryKind = 'polygon' | 'line';

const KIND_TYPES: Record<GeometryKind, readonly string[]> = {
  polygon: ['Polygon', 'MultiPolygon'],
  line: ['LineString', 'MultiLineString']
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses GeoJSON text into the features of a FeatureCollection (a bare Feature is accepted as one). */
export function parseFeatureCollection(text: string, file: string): ImportResult<SourceFeature[]> {
  const parsed = parseJsonText(text, file);
  if (!parsed.ok) return parsed;
  const root = parsed.value;
  let features: unknown[];
  if (isObject(root) && root.type === 'FeatureCollection') {
    if (!Array.isArray(root.features)) {
      return fail([{ file, row: null, field: 'features', message: 'the FeatureCollection has no "features" array' }]);
    }
    features = root.features;
  } else if (isObject(root) && root.type === 'Feature') {
    features = [root];
  } else {
    const t = isObject(root) ? `type ${JSON.stringify(root.type)}` : Array.isArray(root) ? 'an array' : typeof root;
    return fail([{ file, row: null, field: 'type', message: `expected a GeoJSON FeatureCollection, found ${t}` }]);
  }
  const errors: ImportError[] = [];
  const out: SourceFeature[] = [];
  features.forEach((f, row) => {
    if (!isObject(f) || f.type !== 'Feature') {
      errors.push({ file, row, field: 'type', message: `not a GeoJSON Feature (type ${isObject(f) ? JSON.stringify(f.type) : typeof f})` });
      return;
    }
    const props = isObject(f.properties) ? f.properties : {};
    const { id, ref } = featureId(f, props, row);
    const geometry = isObject(f.geometry) ? (f.geometry as unknown as Geometry) : null;
    out.push({ row, id, ref, tags: props, geometry });
  });
  return errors.length ? fail(errors) : ok(out);
}

function featureId(f: Record<string, unknown>, props: Record<string, unknown>, row: number): { id: string; ref?: string } {
  const osmType = props['osm_type'];
  const osmId = props['osm_id'];
  if ((osmType === 'way' || osmType === 'relation' || osmType === 'node') && (typeof osmId === 'number' || typeof osmId === 'string')) {
    return { id: `osm-${osmType}-${osmId}`, ref: osmRef(osmType, osmId) };
  }
  // osmtogeojson / Overpass exports: id "way/123"
  const fid = f.id ?? props['@id'] ?? props['id'];
  if (typeof fid === 'string') {
    const m = /^(way|relation|node)\/(\d+)$/.exec(fid);
    if (m) return { id: `osm-${m[1]}-${m[2]}`, ref: osmRef(m[1], m[2]) };
  }
  if (typeof fid === 'string' || typeof fid === 'number') return { id: String(fid), ref: `id ${fid}` };
  return { id: `feature-${row}` };
}

/**
 * Checks one geometry: present, of the expected kind, every position two finite numbers within
 * lon −180..180 / lat −90..90, polygon rings closed with ≥ 4 positions. Returns the problem, or null.
 */
export function geometryProblem(g: Geometry | null, kind: GeometryKind): string | null {
  if (!g) return 'the feature has no geometry';
  const allowed = KIND_TYPES[kind];
  if (!allowed.includes(g.type)) {
    return `geometry is ${g.type}; ${kind === 'polygon' ? 'buildings and compounds' : 'roads'} must be ${allowed.join(' or ')}`;
  }
  const coords = (g as { coordinates?: unknown }).coordinates;
  if (!Array.isArray(coords) || coords.length === 0) return `${g.type} has no coordinates`;
  // Normalise to a list of parts, each a list of rings/lines.
  const parts: unknown[] = g.type === 'MultiPolygon' ? coords : g.type === 'Polygon' || g.type === 'MultiLineString' ? [coords] : [[coords]];
  for (let pi = 0; pi < parts.length; pi++) {
    const rings = parts[pi];
    if (!Array.isArray(rings) || rings.length === 0) return `part ${pi} has no coordinates`;
    for (let ri = 0; ri < rings.length; ri++) {
      const ring = rings[ri];
      const where = kind === 'polygon' ? `${parts.length > 1 ? `polygon ${pi}, ` : ''}ring ${ri}` : `${rings.length > 1 ? `line ${ri}` : 'line'}`;
      if (!Array.isArray(ring)) return `${where} is not an array of positions`;
      const min = kind === 'polygon' ? 4 : 2;
      if (ring.length < min) return `${where} has ${ring.length} positions; at least ${min} are needed`;
      for (let k = 0; k < ring.length; k++) {
        const problem = positionProblem(ring[k]);
        if (problem) return `${where}, position ${k}: ${problem}`;
      }
      if (kind === 'polygon') {
        const a = ring[0] as number[];
        const b = ring[ring.length - 1] as number[];
        if (a[0] !== b[0] || a[1] !== b[1]) return `${where} is not closed (first and last positions differ)`;
      }
    }
  }
  return null;
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v);
}

export function positionProblem(p: unknown): string | null {
  if (!Array.isArray(p) || p.length < 2) return `expected [lon, lat], found ${fmt(p)}`;
  const [lon, lat] = p as unknown[];
  if (typeof lon !== 'number' || !Number.isFinite(lon) || typeof lat !== 'number' || !Number.isFinite(lat)) {
    return `coordinate [${fmt(lon)}, ${fmt(lat)}] is not a pair of finite numbers`;
  }
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    let hint = '';
    if (Math.abs(lon) > 1000 || Math.abs(lat) > 1000) hint = '; these look like projected metres — GridAtlas needs lon/lat degrees (WGS-84, GCJ-02 or BD-09)';
    else if (Math.abs(lat) > 90 && Math.abs(lat) <= 180 && Math.abs(lon) <= 90) hint = '; the pair looks like [lat, lon] — GeoJSON order is [lon, lat]';
    return `coordinate [${lon}, ${lat}] is out of range (lon −180..180, lat −90..90)${hint}`;
  }
  return null;
}

/**
 * An explicit `households` property: undefined when absent (estimate), a number when valid, an
 * error message otherwise. 0 or negative, non-integers and more than MAX_HOUSEHOLDS_PER_BUILDING
 * are rejected.
 */
export function explicitHouseholds(v: unknown): { value?: number; problem?: string } {
  if (v === undefined || v === null || v === '') return {};
  if (typeof v !== 'number' || !Number.isFinite(v)) return { problem: `households must be a number, found ${fmt(v)}` };
  if (!Number.isInteger(v)) return { problem: `households must be a whole number, found ${v}` };
  if (v <= 0) {
    return {
      problem: `households is ${v}; a building given here must have at least 1 household (leave non-residential buildings out, or omit households to estimate it)`
    };
  }
  if (v > MAX_HOUSEHOLDS_PER_BUILDING) {
    return {
      problem: `${v.toLocaleString('en')} households in one building is implausible (more than ${MAX_HOUSEHOLDS_PER_BUILDING.toLocaleString('en')}); split it into one feature per unit (单元) or check the value`
    };
  }
  return { value: v };
}

/** An explicit `floors` property: integer 1..150. */
export function explicitFloors(v: unknown): { value?: number; problem?: string } {
  if (v === undefined || v === null || v === '') return {};
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 150) return { problem: `floors must be a whole number from 1 to 150, found ${fmt(v)}` };
  return { value: v };
}
