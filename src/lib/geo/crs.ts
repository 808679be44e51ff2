/**
 * Coordinate systems met in Chinese data: WGS-84 (GPS, OSM), GCJ-02 (Amap, Tencent; the
 * "Mars" offset of a few hundred metres) and BD-09 (Baidu). Everything inside GridAtlas is
 * WGS-84; inputs in the others are converted at the boundary with gcoord, never mixed.
 */
import gcoord from 'gcoord';
import type { Geometry, Position } from 'geojson';

export const CRS_NAMES = ['wgs84', 'gcj02', 'bd09'] as const;
export type Crs = (typeof CRS_NAMES)[number];

/**
 * gcoord's system for a name. A function, not a module-level table: reading gcoord's properties at
 * load time would keep gcoord (≈ 8 KB gzipped) in every bundle that imports this module, such as
 * /rider's, which needs only the projection below.
 */
function system(c: Crs) {
  return c === 'wgs84' ? gcoord.WGS84 : c === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09;
}

export function isCrs(s: string): s is Crs {
  return (CRS_NAMES as readonly string[]).includes(s);
}

/** Converts one [lon, lat] to WGS-84. */
export function toWgs84(p: Position, from: Crs): [number, number] {
  if (from === 'wgs84') return [p[0], p[1]];
  const [lon, lat] = gcoord.transform([p[0], p[1]] as [number, number], system(from), gcoord.WGS84);
  return [lon, lat];
}

function mapCoords(c: unknown, f: (p: Position) => Position): unknown {
  if (Array.isArray(c) && typeof c[0] === 'number') return f(c as Position);
  return (c as unknown[]).map((x) => mapCoords(x, f));
}

/** Converts every coordinate of a geometry to WGS-84 (returns a new geometry). */
export function toWgs84Geometry<G extends Geometry>(g: G, from: Crs): G {
  if (from === 'wgs84') return g;
  if (g.type === 'GeometryCollection') {
    return { ...g, geometries: g.geometries.map((x) => toWgs84Geometry(x, from)) };
  }
  return { ...g, coordinates: mapCoords(g.coordinates, (p) => toWgs84(p, from)) } as G;
}

/** Converts one WGS-84 [lon, lat] to `to` (for test fixtures and exports to Amap/Baidu tiles). */
export function fromWgs84(p: Position, to: Crs): [number, number] {
  if (to === 'wgs84') return [p[0], p[1]];
  const [lon, lat] = gcoord.transform([p[0], p[1]] as [number, number], gcoord.WGS84, system(to));
  return [lon, lat];
}

/**
 * The one earth model for planar work: Turf's sphere (mean radius 6,371,008.8 m). Distances
 * measured in local metres then agree with Turf's and with `haversine` (the tests compare them),
 * and one model means a building is the same number of metres from an outline in the importer,
 * the engine and the generator. (111,320/110,574 m per degree, an ellipsoid's figures at the
 * equator, were used in some places and differ from the sphere by up to 0.6 %.)
 */
export const EARTH_RADIUS_M = 6_371_008.8;
/** Metres per degree of latitude (and of longitude at the equator) on that sphere. */
export const METRES_PER_DEGREE = (Math.PI / 180) * EARTH_RADIUS_M;

/** Metres around (lon0, lat0), x east, y north. */
export interface LocalProjection {
  readonly lon0: number;
  readonly lat0: number;
  /** Metres per degree of longitude at lat0. */
  readonly kx: number;
  /** Metres per degree of latitude. */
  readonly ky: number;
  forward(lon: number, lat: number): [number, number];
  inverse(x: number, y: number): [number, number];
  /** forward's x alone (hot loops that keep x and y in separate arrays). */
  x(lon: number): number;
  y(lat: number): number;
}

/**
 * Equirectangular projection around (lon0, lat0) on the sphere above: errors < 0.1 % within
 * ~20 km, which is a district; far beyond that, measure great-circle distances instead.
 */
export function localProjection(lon0: number, lat0: number): LocalProjection {
  return equirectangular(lon0, lat0, METRES_PER_DEGREE * Math.cos((lat0 * Math.PI) / 180), METRES_PER_DEGREE);
}

/** Equirectangular projection with given metres per degree (kx of longitude at lat0, ky of latitude). */
export function equirectangular(lon0: number, lat0: number, kx: number, ky: number): LocalProjection {
  return {
    lon0,
    lat0,
    kx,
    ky,
    forward: (lon, lat) => [(lon - lon0) * kx, (lat - lat0) * ky],
    inverse: (x, y) => [lon0 + x / kx, lat0 + y / ky],
    x: (lon) => (lon - lon0) * kx,
    y: (lat) => (lat - lat0) * ky
  };
}
