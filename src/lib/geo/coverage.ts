/**
 * The 15-minute service circle: which households are within a 5/10/15-minute walk (80 m/min)
 * of a service station, per building, grid and community, and where one new station would
 * bring the most uncovered households within 15 minutes (greedy, over candidate sites).
 *
 * Walk distance: along the road network where both the building and the station are on it
 * (within SNAP_M, the off-road legs walked straight); straight line × DETOUR otherwise.
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { DETOUR, SNAP_M } from './nearest-stations';
import { PointIndex } from './nearest';
import { buildNetwork, dijkstra, snap, type LonLat, type Network, type Snap } from './network';

export const WALK_M_PER_MIN = 80;
export const BANDS = [5, 10, 15] as const;
export type Band = (typeof BANDS)[number];
const MAX_M = 15 * WALK_M_PER_MIN;

export interface CoverageBuilding {
  id: string;
  lon: number;
  lat: number;
  households: number;
  grid: string | null;
  community: string;
}

/** A district's buildings layer (static/data/<code>/map/buildings.geojson). */
export type BuildingLayer = FeatureCollection<
  Polygon | MultiPolygon,
  { id: string; households: number; grid: string | null; community: string }
>;

/** The mean of the outer ring's vertices: a building stands where its footprint is (they are small). */
function ringCentre(g: Polygon | MultiPolygon): [number, number] {
  const ring = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
  let x = 0;
  let y = 0;
  const n = ring.length > 1 ? ring.length - 1 : ring.length;
  for (let i = 0; i < n; i++) {
    x += ring[i][0];
    y += ring[i][1];
  }
  return [x / n, y / n];
}

/** The buildings layer as coverage input: one point per building with its households. */
export function coverageBuildings(layer: BuildingLayer): CoverageBuilding[] {
  return layer.features.map((f) => {
    const [lon, lat] = ringCentre(f.geometry);
    return {
      id: f.properties.id,
      lon,
      lat,
      households: f.properties.households,
      grid: f.properties.grid,
      community: f.properties.community
    };
  });
}

export interface CoverageContext {
  buildings: CoverageBuilding[];
  net: Network | null;
  snaps: (Snap | null)[];
  index: PointIndex;
  detour: number;
}

export function coverageContext(
  buildings: CoverageBuilding[],
  roads: LonLat[][] | Network | null,
  detour = DETOUR
): CoverageContext {
  const net = roads == null ? null : 'segA' in roads ? roads : roads.length ? buildNetwork(roads) : null;
  return {
    buildings,
    net,
    snaps: buildings.map((b) => (net ? snap(net, b.lon, b.lat, SNAP_M) : null)),
    index: new PointIndex(buildings.map((b) => [b.lon, b.lat] as const)),
    detour
  };
}

/**
 * Walk distance in metres from every building to its nearest station (Infinity beyond
 * `maxM`), and whether it was along roads (1) or straight × detour (0).
 */
export function walkDistances(ctx: CoverageContext, stations: readonly { lon: number; lat: number }[], maxM = MAX_M) {
  const n = ctx.buildings.length;
  const distance = new Float64Array(n).fill(Infinity);
  const byRoad = new Uint8Array(n);
  const net = ctx.net;
  const onNet: Snap[] = [];
  const offNet: { lon: number; lat: number }[] = [];
  for (const s of stations) {
    const sn = net ? snap(net, s.lon, s.lat, SNAP_M) : null;
    if (sn) onNet.push(sn);
    else offNet.push(s);
  }
  // Straight × detour from stations off the network, to every building.
  for (const s of offNet)
    for (const i of ctx.index.within(s.lon, s.lat, maxM / ctx.detour)) {
      const d = straight(ctx, i, s) * ctx.detour;
      if (d < distance[i]) {
        distance[i] = d;
        byRoad[i] = 0;
      }
    }
  if (net && onNet.length) {
    const sources = onNet.flatMap((s) => [
      { node: s.a, dist: s.offRoad + s.toA },
      { node: s.b, dist: s.offRoad + s.toB }
    ]);
    const sp = dijkstra(net, sources, maxM);
    const bySeg = new Map<number, Snap[]>();
    for (const s of onNet) {
      const l = bySeg.get(s.seg);
      if (l) l.push(s);
      else bySeg.set(s.seg, [s]);
    }
    for (let i = 0; i < n; i++) {
      const b = ctx.snaps[i];
      if (!b) continue;
      let d = b.offRoad + Math.min(sp.dist[b.a] + b.toA, sp.dist[b.b] + b.toB);
      for (const s of bySeg.get(b.seg) ?? []) d = Math.min(d, b.offRoad + Math.abs(b.toA - s.toA) + s.offRoad);
      if (d <= maxM && d < distance[i]) {
        distance[i] = d;
        byRoad[i] = 1;
      }
    }
  }
  // Buildings off the network: straight × detour to the nearest station on it too.
  if (onNet.length)
    for (let i = 0; i < n; i++) {
      if (ctx.snaps[i]) continue;
      const b = ctx.buildings[i];
      for (const s of stations) {
        const d = straightLL(b.lon, b.lat, s.lon, s.lat, ctx) * ctx.detour;
        if (d <= maxM && d < distance[i]) {
          distance[i] = d;
          byRoad[i] = 0;
        }
      }
    }
  return { distance, byRoad };
}

function straightLL(lon1: number, lat1: number, lon2: number, lat2: number, ctx: CoverageContext): number {
  const p = ctx.index.proj;
  return Math.hypot(p.x(lon1) - p.x(lon2), p.y(lat1) - p.y(lat2));
}
function straight(ctx: CoverageContext, i: number, s: { lon: number; lat: number }): number {
  const b = ctx.buildings[i];
  return straightLL(b.lon, b.lat, s.lon, s.lat, ctx);
}

export interface AreaCoverage {
  households: number;
  /** Households within 5, 10 and 15 minutes (cumulative). */
  within: Record<Band, number>;
}

export function bandOf(metres: number): Band | null {
  for (const b of BANDS) if (metres <= b * WALK_M_PER_MIN) return b;
  return null;
}

export interface CoverageResult {
  distance: Float64Array;
  byRoad: Uint8Array;
  total: AreaCoverage;
  byGrid: Map<string, AreaCoverage>;
  byCommunity: Map<string, AreaCoverage>;
}

const empty = (): AreaCoverage => ({ households: 0, within: { 5: 0, 10: 0, 15: 0 } });

export function coverage(ctx: CoverageContext, stations: readonly { lon: number; lat: number }[]): CoverageResult {
  const { distance, byRoad } = walkDistances(ctx, stations);
  const total = empty();
  const byGrid = new Map<string, AreaCoverage>();
  const byCommunity = new Map<string, AreaCoverage>();
  ctx.buildings.forEach((b, i) => {
    const areas = [total, get(byCommunity, b.community)];
    if (b.grid) areas.push(get(byGrid, b.grid));
    for (const a of areas) {
      a.households += b.households;
      for (const band of BANDS) if (distance[i] <= band * WALK_M_PER_MIN) a.within[band] += b.households;
    }
  });
  return { distance, byRoad, total, byGrid, byCommunity };
}

function get(m: Map<string, AreaCoverage>, k: string): AreaCoverage {
  let a = m.get(k);
  if (!a) m.set(k, (a = empty()));
  return a;
}

export function share(a: AreaCoverage, band: Band): number {
  return a.households ? a.within[band] / a.households : 0;
}

/**
 * Where one new station would bring the most uncovered households within 15 minutes: each
 * candidate (by default the uncovered buildings, largest first, at most `maxCandidates`) is
 * tried with the same walk model; the best one wins (ties: the first).
 */
export function bestNewSite(
  ctx: CoverageContext,
  current: CoverageResult,
  maxCandidates = 300
): { lon: number; lat: number; gain: number; building: string } | null {
  const uncovered: number[] = [];
  for (let i = 0; i < ctx.buildings.length; i++) if (!(current.distance[i] <= MAX_M)) uncovered.push(i);
  if (!uncovered.length) return null;
  const cands = [...uncovered]
    .sort((a, b) => ctx.buildings[b].households - ctx.buildings[a].households)
    .slice(0, maxCandidates);
  let best: { lon: number; lat: number; gain: number; building: string } | null = null;
  for (const c of cands) {
    const site = ctx.buildings[c];
    const { distance } = walkDistances(ctx, [site]);
    let gain = 0;
    for (const i of uncovered) if (distance[i] <= MAX_M) gain += ctx.buildings[i].households;
    if (!best || gain > best.gain) best = { lon: site.lon, lat: site.lat, gain, building: site.id };
  }
  return best;
}
