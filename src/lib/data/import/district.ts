/**
 * Where imported features may lie: the target district's outline (data/district-outlines.geojson,
 * WGS-84, about 100 m precise), its bounding box with a 2 km margin, and a check for coordinates
 * in GCJ-02 or BD-09 that were labelled WGS-84 (or the reverse).
 */
import { bbox as turfBbox, booleanPointInPolygon, distance } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { type Crs, CRS_NAMES, equirectangular, type LocalProjection, localProjection, toWgs84 } from '../../geo/crs';

export type BBox = [number, number, number, number];

/** The outline is ~100 m precise: a feature whose centroid is within this of it counts as inside. */
export const OUTLINE_TOLERANCE_KM = 0.1;
/** Margin around the district's box within which coordinates are plausible at all. */
export const BBOX_MARGIN_KM = 2;

export interface DistrictArea {
  code: string;
  name: string;
  outline: Feature<Polygon | MultiPolygon>;
  /** The outline's bbox. */
  bbox: BBox;
  /** bbox grown by BBOX_MARGIN_KM. */
  marginBox: BBox;
  /** bbox grown by OUTLINE_TOLERANCE_KM. */
  innerBox: BBox;
  /** The outline's edges in local metres (`origin`: about the bbox centre), for distances. */
  edges: Float64Array;
  origin: LocalProjection;
}

export function growBox(b: BBox, km: number): BBox {
  const { kx, ky } = localProjection((b[0] + b[2]) / 2, (b[1] + b[3]) / 2);
  const dLat = (km * 1000) / ky;
  const dLon = (km * 1000) / kx;
  return [b[0] - dLon, b[1] - dLat, b[2] + dLon, b[3] + dLat];
}

export function inBox(p: Position, b: BBox): boolean {
  return p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3];
}

/** Distance in km from p to the box (0 inside). */
export function kmOutsideBox(p: Position, b: BBox): number {
  const lon = Math.min(Math.max(p[0], b[0]), b[2]);
  const lat = Math.min(Math.max(p[1], b[1]), b[3]);
  if (lon === p[0] && lat === p[1]) return 0;
  return distance([p[0], p[1]], [lon, lat], { units: 'kilometers' });
}

/**
 * The outline's metres are the one exception to `crs.localProjection`'s sphere: the 100 m
 * tolerance was set, and the embedded Daoli dataset built, with 111,320 m per degree of
 * longitude at the equator and 110,574 m per degree of latitude (an ellipsoid's figures, 0.56 %
 * more north–south than the sphere). On the sphere one OSM road of Daoli (osm-way-1214250198,
 * 康宁头道街), whose midpoint lies at the 100 m line, comes in and 58 synthetic stations move;
 * the dataset is kept byte for byte until it is rebuilt on purpose.
 */
function outlineProjection(lon0: number, lat0: number): LocalProjection {
  return equirectangular(lon0, lat0, 111_320 * Math.cos((lat0 * Math.PI) / 180), 110_574);
}

/**
 * Prepares the outline for point tests. Distances to the outline are computed directly (planar,
 * local metres; < 0.1 % error over a district) rather than by buffering the polygon: turf.buffer
 * leaves spurious holes in a 2 km buffer of this ~1,300-vertex outline.
 */
export function prepareDistrict(code: string, name: string, outline: Feature<Polygon | MultiPolygon>): DistrictArea {
  const bbox = turfBbox(outline) as BBox;
  const origin = outlineProjection((bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2);
  const polys = outline.geometry.type === 'Polygon' ? [outline.geometry.coordinates] : outline.geometry.coordinates;
  const e: number[] = [];
  for (const poly of polys) {
    for (const ring of poly) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i];
        const b = ring[i + 1];
        e.push(origin.x(a[0]), origin.y(a[1]), origin.x(b[0]), origin.y(b[1]));
      }
    }
  }
  return {
    code,
    name,
    outline,
    bbox,
    marginBox: growBox(bbox, BBOX_MARGIN_KM),
    innerBox: growBox(bbox, OUTLINE_TOLERANCE_KM),
    edges: Float64Array.from(e),
    origin
  };
}

/** Distance in metres from p to the outline's boundary. */
export function metresToOutline(d: DistrictArea, p: Position): number {
  const x = d.origin.x(p[0]);
  const y = d.origin.y(p[1]);
  const e = d.edges;
  let best = Infinity;
  for (let i = 0; i < e.length; i += 4) {
    const ax = e[i];
    const ay = e[i + 1];
    const dx = e[i + 2] - ax;
    const dy = e[i + 3] - ay;
    const len2 = dx * dx + dy * dy;
    let t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const qx = ax + t * dx - x;
    const qy = ay + t * dy - y;
    const d2 = qx * qx + qy * qy;
    if (d2 < best) best = d2;
  }
  return Math.sqrt(best);
}

function withinOutline(d: DistrictArea, p: Position, toleranceM: number): boolean {
  return booleanPointInPolygon([p[0], p[1]], d.outline) || metresToOutline(d, p) <= toleranceM;
}

/** True when p (WGS-84) is inside the outline or within OUTLINE_TOLERANCE_KM of it. */
export function insideDistrict(d: DistrictArea, p: Position): boolean {
  return inBox(p, d.innerBox) && withinOutline(d, p, OUTLINE_TOLERANCE_KM * 1000);
}

/** True when p is inside the outline or within BBOX_MARGIN_KM of it. */
function nearDistrict(d: DistrictArea, p: Position): boolean {
  return inBox(p, d.marginBox) && withinOutline(d, p, BBOX_MARGIN_KM * 1000);
}

export interface PlacementStats {
  crs: Crs;
  n: number;
  /** Inside the outline (with tolerance). */
  inside: number;
  /** Outside, but within BBOX_MARGIN_KM of the outline. */
  justOff: number;
  /** Mean distance in metres between the points as given and as converted from `crs`. */
  offsetM: number;
}

/** How points would fall if their coordinates were in `crs` (converted to WGS-84 first). */
export function placement(d: DistrictArea, points: readonly Position[], crs: Crs): PlacementStats {
  let inside = 0;
  let justOff = 0;
  let offset = 0;
  for (const p of points) {
    const q = toWgs84(p, crs);
    if (crs !== 'wgs84') offset += distance([p[0], p[1]], q, { units: 'meters' });
    if (insideDistrict(d, q)) inside++;
    else if (nearDistrict(d, q)) justOff++;
  }
  return { crs, n: points.length, inside, justOff, offsetM: points.length ? offset / points.length : 0 };
}

export interface CrsSuspicion {
  declared: PlacementStats;
  likely: PlacementStats;
  /** Mean offset in metres between the declared and the likely reading. */
  offsetM: number;
}

/** Fewer points than this are not judged (a handful straddling the boundary proves nothing). */
const MIN_POINTS = 10;
const MIN_JUST_OFF = 5;

function evenSample<T>(xs: readonly T[], max: number): T[] {
  if (xs.length <= max) return [...xs];
  const out: T[] = [];
  const step = xs.length / max;
  for (let i = 0; i < max; i++) out.push(xs[Math.floor(i * step)]);
  return out;
}

/**
 * Detects coordinates in one of the Chinese offset systems labelled as another. `points` are
 * positions as found in the file (before conversion), `declared` the CRS the user said.
 *
 * The signature of a mislabel: a sizeable share of the points lies *just off* the district
 * (within 2 km outside its outline) under the declared CRS, while reading them in another CRS
 * puts nearly all of those inside. Data that simply extends past the district (a city-wide
 * extract, a bounding-box export) keeps its just-off points under every reading, so it is not
 * flagged. Data that lies wholly in the interior cannot be checked this way (offsets of
 * 0.5–1 km move nothing across the boundary) and is not flagged either. A small, legitimate data
 * set that happens to end a few hundred metres past the boundary could be flagged: the CLI's
 * --trust-crs skips this check.
 */
export function detectCrsMislabel(d: DistrictArea, points: readonly Position[], declared: Crs, maxSample = 3000): CrsSuspicion | null {
  const sample = evenSample(points, maxSample);
  if (sample.length < MIN_POINTS) return null;
  // Positions relative to the declared system: convert to WGS-84 as declared, then try reading
  // the raw numbers in each other system.
  const asDeclared = placement(d, sample, declared);
  const minOff = Math.max(MIN_JUST_OFF, 0.05 * sample.length);
  if (asDeclared.justOff < minOff) return null;
  let best: PlacementStats | null = null;
  for (const crs of CRS_NAMES) {
    if (crs === declared) continue;
    const alt = placement(d, sample, crs);
    const fixes = alt.justOff <= 0.25 * asDeclared.justOff && alt.inside >= asDeclared.inside + 0.5 * asDeclared.justOff;
    if (fixes && (!best || alt.inside > best.inside)) best = alt;
  }
  if (!best) return null;
  let offset = 0;
  for (const p of sample) offset += distance(toWgs84(p, declared), toWgs84(p, best.crs), { units: 'meters' });
  return { declared: asDeclared, likely: best, offsetM: offset / sample.length };
}

export const CRS_LABEL: Readonly<Record<Crs, string>> = { wgs84: 'WGS-84', gcj02: 'GCJ-02', bd09: 'BD-09' };

/** "coordinates look like GCJ-02 (offset ≈ 500 m): ...; pass --crs gcj02". */
export function crsSuspicionMessage(s: CrsSuspicion, districtLabel: string): string {
  const pct = (x: number) => `${Math.round((100 * x) / s.declared.n)} %`;
  const offset = Math.round(s.offsetM / 10) * 10;
  return (
    `coordinates look like ${CRS_LABEL[s.likely.crs]} (offset ≈ ${offset} m), not ${CRS_LABEL[s.declared.crs]}: ` +
    `read as ${CRS_LABEL[s.declared.crs]}, ${pct(s.declared.justOff)} of the buildings lie just outside ${districtLabel} ` +
    `and ${pct(s.declared.inside)} inside; read as ${CRS_LABEL[s.likely.crs]}, ${pct(s.likely.inside)} lie inside; ` +
    `pass --crs ${s.likely.crs} (or --trust-crs if they really are ${CRS_LABEL[s.declared.crs]})`
  );
}
