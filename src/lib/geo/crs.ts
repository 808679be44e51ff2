/**
 * Coordinate systems met in Chinese data: WGS-84 (GPS, OSM), GCJ-02 (Amap, Tencent; the
 * "Mars" offset of a few hundred metres) and BD-09 (Baidu). Everything inside GridAtlas is
 * WGS-84; inputs in the others are converted at the boundary with gcoord, never mixed.
 */
import gcoord from 'gcoord';
import type { Geometry, Position } from 'geojson';

export const CRS_NAMES = ['wgs84', 'gcj02', 'bd09'] as const;
export type Crs = (typeof CRS_NAMES)[number];

const SYSTEMS = { wgs84: gcoord.WGS84, gcj02: gcoord.GCJ02, bd09: gcoord.BD09 } as const;

export function isCrs(s: string): s is Crs {
  return (CRS_NAMES as readonly string[]).includes(s);
}

/** Converts one [lon, lat] to WGS-84. */
export function toWgs84(p: Position, from: Crs): [number, number] {
  if (from === 'wgs84') return [p[0], p[1]];
  const [lon, lat] = gcoord.transform([p[0], p[1]] as [number, number], SYSTEMS[from], gcoord.WGS84);
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
  const [lon, lat] = gcoord.transform([p[0], p[1]] as [number, number], gcoord.WGS84, SYSTEMS[to]);
  return [lon, lat];
}
