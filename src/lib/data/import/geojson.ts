/**
 * GeoJSON input: text → FeatureCollection → `SourceFeature`s, with structural checks that name
 * the file, the feature index and the field. No I/O: the caller reads the file.
 */
import type { Geometry } from 'geojson';
import { MAX_HOUSEHOLDS_PER_BUILDING } from '../../geo/households';
import { openRing, selfIntersects } from '../../geo/partition/planar';
import { type ImportError, type ImportResult, type Msg, fail, importError, msg, ok, osmRef } from './errors';
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
      return fail([importError(file, null, 'features', msg('import.err.noFeaturesArray'))]);
    }
    features = root.features;
  } else if (isObject(root) && root.type === 'Feature') {
    features = [root];
  } else {
    const t = isObject(root) ? `type ${JSON.stringify(root.type)}` : Array.isArray(root) ? 'an array' : typeof root;
    return fail([importError(file, null, 'type', msg('import.err.notCollection', { found: t }))]);
  }
  const errors: ImportError[] = [];
  const out: SourceFeature[] = [];
  features.forEach((f, row) => {
    if (!isObject(f) || f.type !== 'Feature') {
      errors.push(importError(file, row, 'type', msg('import.err.notFeature', { type: isObject(f) ? JSON.stringify(f.type) : typeof f })));
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
 * lon −180..180 / lat −90..90, polygon rings closed with ≥ 4 positions and not crossing themselves.
 * Returns the problem, or null.
 */
export function geometryProblem(g: Geometry | null, kind: GeometryKind): Msg | null {
  if (!g) return msg('import.err.noGeometry');
  if (!KIND_TYPES[kind].includes(g.type)) return msg(kind === 'polygon' ? 'import.err.geomPolygon' : 'import.err.geomLine', { type: g.type });
  const coords = (g as { coordinates?: unknown }).coordinates;
  if (!Array.isArray(coords) || coords.length === 0) return msg('import.err.noCoords', { type: g.type });
  // Normalise to a list of parts, each a list of rings/lines.
  const parts: unknown[] = g.type === 'MultiPolygon' ? coords : g.type === 'Polygon' || g.type === 'MultiLineString' ? [coords] : [[coords]];
  for (let pi = 0; pi < parts.length; pi++) {
    const rings = parts[pi];
    if (!Array.isArray(rings) || rings.length === 0) return msg('import.err.partNoCoords', { part: pi });
    for (let ri = 0; ri < rings.length; ri++) {
      const ring = rings[ri];
      const where =
        kind === 'polygon'
          ? parts.length > 1
            ? msg('import.where.polygonRing', { polygon: pi, ring: ri })
            : msg('import.where.ring', { ring: ri })
          : rings.length > 1
            ? msg('import.where.lineN', { line: ri })
            : msg('import.where.line');
      if (!Array.isArray(ring)) return msg('import.err.notPositions', { where });
      const min = kind === 'polygon' ? 4 : 2;
      if (ring.length < min) return msg('import.err.fewPositions', { where, n: ring.length, min });
      for (let k = 0; k < ring.length; k++) {
        const problem = positionProblem(ring[k]);
        if (problem) return msg('import.err.atPosition', { where, k, problem });
      }
      if (kind === 'polygon') {
        const a = ring[0] as number[];
        const b = ring[ring.length - 1] as number[];
        if (a[0] !== b[0] || a[1] !== b[1]) return msg('import.err.notClosed', { where });
        // The grid engine's own test, so that what it would refuse is refused here, naming file and feature.
        if (selfIntersects(openRing(ring as number[][]))) return msg('import.err.selfIntersects', { where });
      }
    }
  }
  return null;
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? String(v) : JSON.stringify(v) ?? String(v);
}

export function positionProblem(p: unknown): Msg | null {
  if (!Array.isArray(p) || p.length < 2) return msg('import.err.notPair', { found: fmt(p) });
  const [lon, lat] = p as unknown[];
  if (typeof lon !== 'number' || !Number.isFinite(lon) || typeof lat !== 'number' || !Number.isFinite(lat)) {
    return msg('import.err.notFinite', { lon: fmt(lon), lat: fmt(lat) });
  }
  if (Math.abs(lon) > 180 || Math.abs(lat) > 90) {
    // With a hint where the pair looks like projected metres or like [lat, lon].
    if (Math.abs(lon) > 1000 || Math.abs(lat) > 1000) return msg('import.err.outOfRangeMetres', { lon, lat });
    if (Math.abs(lat) > 90 && Math.abs(lat) <= 180 && Math.abs(lon) <= 90) return msg('import.err.outOfRangeSwapped', { lon, lat });
    return msg('import.err.outOfRange', { lon, lat });
  }
  return null;
}

/**
 * An explicit `households` property: undefined when absent (estimate), a number when valid, an
 * error message otherwise. 0 or negative, non-integers and more than MAX_HOUSEHOLDS_PER_BUILDING
 * are rejected.
 */
export function explicitHouseholds(v: unknown): { value?: number; problem?: Msg } {
  if (v === undefined || v === null || v === '') return {};
  if (typeof v !== 'number' || !Number.isFinite(v)) return { problem: msg('import.err.hhNotNumber', { found: fmt(v) }) };
  if (!Number.isInteger(v)) return { problem: msg('import.err.hhNotWhole', { v }) };
  if (v <= 0) return { problem: msg('import.err.hhNotPositive', { v }) };
  if (v > MAX_HOUSEHOLDS_PER_BUILDING) return { problem: msg('import.err.hhTooMany', { v: v.toLocaleString('en'), max: MAX_HOUSEHOLDS_PER_BUILDING.toLocaleString('en') }) };
  return { value: v };
}

/** An explicit `floors` property: integer 1..150. */
export function explicitFloors(v: unknown): { value?: number; problem?: Msg } {
  if (v === undefined || v === null || v === '') return {};
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 150) return { problem: msg('import.err.floors', { found: fmt(v) }) };
  return { value: v };
}
