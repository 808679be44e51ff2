/**
 * Where an imported row lies: its coordinates (any of WGS-84, GCJ-02, BD-09) → WGS-84, checked
 * against the district's outline, and its grid (so street and community) found by
 * point-in-polygon over a static spatial index of the grids' boxes (flatbush), so that a million
 * rows do not each loop over a thousand grids. Pure.
 */
import { booleanPointInPolygon } from '@turf/turf';
import Flatbush from 'flatbush';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { localProjection, toWgs84 } from '../../geo/crs';
import type { InputCrs } from '../schema';
import { type DistrictArea, OUTLINE_TOLERANCE_KM, inBox, insideDistrict } from './district';
import { type Msg, msg } from './errors';
import { placeProblem } from './planner';
import { type Cell, parseCoordinate } from './values';

export interface GridPlace {
  grid: string;
  community: string;
  street: string;
}

export interface GridLocator {
  /** The grid holding a WGS-84 point, or null when none does. */
  find(lon: number, lat: number): GridPlace | null;
  /** The grid of a code, when the locator has it. */
  byCode(code: string): GridPlace | null;
  readonly size: number;
}

type Rings = Position[][][];

function insideRing(x: number, y: number, ring: Position[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0];
    const yi = ring[i][1];
    const xj = ring[j][0];
    const yj = ring[j][1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function insidePolys(x: number, y: number, polys: Rings): boolean {
  return polys.some((rings) => insideRing(x, y, rings[0]) && !rings.slice(1).some((h) => insideRing(x, y, h)));
}

/** Polygons found by point: a static index of their boxes (flatbush), then the exact test. */
export interface AreaIndex<T> {
  /** The value of the first polygon holding a WGS-84 point, or null when none does. */
  find(lon: number, lat: number): T | null;
  readonly size: number;
}

const isArea = (f: Feature): f is Feature<Polygon | MultiPolygon> => Boolean(f.geometry) && (f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon');

export function areaIndex<T>(features: readonly Feature[], value: (f: Feature<Polygon | MultiPolygon>) => T): AreaIndex<T> {
  const feats = features.filter(isArea);
  const polys: Rings[] = [];
  const values: T[] = [];
  const index = new Flatbush(Math.max(1, feats.length));
  for (const f of feats) {
    const p = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
    for (const poly of p)
      for (const [x, y] of poly[0]) {
        if (x < x0) x0 = x;
        if (y < y0) y0 = y;
        if (x > x1) x1 = x;
        if (y > y1) y1 = y;
      }
    index.add(x0, y0, x1, y1);
    polys.push(p);
    values.push(value(f));
  }
  if (!feats.length) index.add(0, 0, 0, 0);
  index.finish();
  return {
    size: feats.length,
    find(lon, lat) {
      if (!feats.length) return null;
      for (const i of index.search(lon, lat, lon, lat)) if (insidePolys(lon, lat, polys[i])) return values[i];
      return null;
    }
  };
}

/**
 * A locator over grid polygons with a 15-digit `code` property (the app's map/grids.geojson or a
 * planner's export): community = the code's first 12 digits, street = its first 9 (NBS codes nest).
 */
export function gridLocator(grids: FeatureCollection<Polygon | MultiPolygon> | Feature<Polygon | MultiPolygon>[]): GridLocator {
  const feats = (Array.isArray(grids) ? grids : grids.features).filter((f) => /^\d{15}$/.test(String(f.properties?.code ?? '')));
  const index = areaIndex(feats, (f): GridPlace => {
    const code = String(f.properties!.code);
    return { grid: code, community: code.slice(0, 12), street: code.slice(0, 9) };
  });
  const byCode = new Map<string, GridPlace>();
  for (const f of feats) {
    const code = String(f.properties!.code);
    byCode.set(code, { grid: code, community: code.slice(0, 12), street: code.slice(0, 9) });
  }
  return { size: index.size, byCode: (code) => byCode.get(code) ?? null, find: (lon, lat) => index.find(lon, lat) };
}

/** Cells per side of the outline's lookup raster (≈ 100 m cells over a 50 km district). */
const RASTER = 512;
const INSIDE = 1;
const OUTSIDE = 2;
const BORDER = 3;

/**
 * insideDistrict with a lookup raster: a cell farther than the tolerance from every outline edge
 * lies wholly inside or wholly outside, decided once by its centre; only points in cells near
 * the outline take the exact test. The same answers, a million points in a fraction of a second.
 */
export function districtTester(d: DistrictArea): (p: Position) => boolean {
  const [x0, y0, x1, y1] = d.innerBox;
  const w = (x1 - x0) / RASTER;
  const h = (y1 - y0) / RASTER;
  const cells = new Uint8Array(RASTER * RASTER);
  const { kx, ky } = localProjection((x0 + x1) / 2, (y0 + y1) / 2);
  const tolLat = (OUTLINE_TOLERANCE_KM * 1500) / ky;
  const tolLon = (OUTLINE_TOLERANCE_KM * 1500) / kx;
  const polys = d.outline.geometry.type === 'Polygon' ? [d.outline.geometry.coordinates] : d.outline.geometry.coordinates;
  const clamp = (v: number) => Math.max(0, Math.min(RASTER - 1, v));
  for (const poly of polys)
    for (const ring of poly)
      for (let i = 0; i + 1 < ring.length; i++) {
        const [ax, ay] = ring[i];
        const [bx, by] = ring[i + 1];
        // Cells the edge's box (grown by the tolerance, and half again for safety) touches.
        const c0 = clamp(Math.floor((Math.min(ax, bx) - tolLon - x0) / w));
        const c1 = clamp(Math.floor((Math.max(ax, bx) + tolLon - x0) / w));
        const r0 = clamp(Math.floor((Math.min(ay, by) - tolLat - y0) / h));
        const r1 = clamp(Math.floor((Math.max(ay, by) + tolLat - y0) / h));
        for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) cells[r * RASTER + c] = BORDER;
      }
  return (p) => {
    if (!inBox(p, d.innerBox)) return false;
    const c = Math.min(RASTER - 1, Math.floor((p[0] - x0) / w));
    const r = Math.min(RASTER - 1, Math.floor((p[1] - y0) / h));
    const k = r * RASTER + c;
    if (cells[k] === 0) cells[k] = booleanPointInPolygon([x0 + (c + 0.5) * w, y0 + (r + 0.5) * h], d.outline) ? INSIDE : OUTSIDE;
    return cells[k] === BORDER ? insideDistrict(d, p) : cells[k] === INSIDE;
  };
}

const testers = new WeakMap<DistrictArea, (p: Position) => boolean>();

/**
 * Raw positions (as the file gives them, before conversion) for the check that the chosen CRS
 * is the file's (detectCrsMislabel): every `stride`-th position, the stride doubling whenever
 * the sample fills up, so a million rows keep a few thousand spread over the whole file.
 */
export class PositionSample {
  readonly points: Position[] = [];
  private stride = 1;
  private seen = 0;
  constructor(private readonly max = 6000) {}
  add(lon: number, lat: number): void {
    if (this.seen++ % this.stride !== 0) return;
    this.points.push([lon, lat]);
    if (this.points.length >= this.max) {
      for (let i = 0; i < this.points.length / 2; i++) this.points[i] = this.points[2 * i];
      this.points.length = Math.floor(this.points.length / 2);
      this.stride *= 2;
    }
  }
}

export type Located = { lon: number; lat: number; place: GridPlace | null } | { field: 'lon' | 'lat'; problem: Msg };

/** Rounds to 1e-6° (≈ 0.1 m), as the generator writes coordinates. */
const r6 = (v: number) => Math.round(v * 1e6) / 1e6;

/**
 * A row's coordinate cells → a WGS-84 point inside the district with its grid, or why not
 * (field and message): empty, not a number, 0/0, outside China, swapped, outside the outline.
 */
export function locate(
  lonCell: Cell | undefined,
  latCell: Cell | undefined,
  crs: InputCrs,
  district: DistrictArea,
  grids: GridLocator,
  districtName: string,
  sample?: PositionSample
): Located {
  const empty = (c: Cell | undefined) => c === undefined || (typeof c === 'string' && c.trim() === '');
  if (empty(lonCell) || empty(latCell)) return { field: empty(lonCell) ? 'lon' : 'lat', problem: msg('import.pkg.err.noCoords') };
  const lon = parseCoordinate(lonCell!);
  if (lon === null) return { field: 'lon', problem: msg('import.err.coordNotNumber', { found: JSON.stringify(String(lonCell)) }) };
  const lat = parseCoordinate(latCell!);
  if (lat === null) return { field: 'lat', problem: msg('import.err.coordNotNumber', { found: JSON.stringify(String(latCell)) }) };
  if (lon === 0 && lat === 0) return { field: 'lon', problem: msg('import.pkg.err.zeroCoords') };
  const where = placeProblem(lon, lat);
  if (where) return { field: 'lon', problem: where };
  sample?.add(lon, lat);
  const [x, y] = toWgs84([lon, lat], crs);
  let inside = testers.get(district);
  if (!inside) testers.set(district, (inside = districtTester(district)));
  if (!inside([x, y])) return { field: 'lon', problem: msg('import.pkg.err.outsideDistrict', { lon: r6(x), lat: r6(y), district: districtName }) };
  return { lon: r6(x), lat: r6(y), place: grids.find(x, y) };
}
