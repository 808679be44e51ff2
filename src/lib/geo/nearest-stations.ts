/**
 * Nearest stations for a rider: candidates by straight line from a grid index, then riding
 * distance along the road network where both ends are on it (within SNAP_M), else straight
 * line × DETOUR. Pure: no DOM, no fetch.
 */
import type { StationService } from '../data/schema';
import { isOpenAt } from './opening-hours';
import { PointIndex } from './nearest';
import {
  buildNetwork,
  dijkstra,
  distanceTo,
  routeTo,
  snap,
  sourcesOf,
  type LonLat,
  type Network,
  type Snap
} from './network';
import type { RiderStation } from './nearest-data';

/** Stated detour factor for straight-line distances where no road is known. */
export const DETOUR = 1.3;
/** A point farther than this from any road is "off the network". */
export const SNAP_M = 250;

export interface StationFinder {
  stations: RiderStation[];
  index: PointIndex;
  net: Network | null;
  snaps: (Snap | null | undefined)[];
}

export function stationFinder(stations: RiderStation[], roads: LonLat[][] | null = null): StationFinder {
  return {
    stations,
    index: new PointIndex(stations.map((s) => [s.lon, s.lat] as const)),
    net: roads && roads.length ? buildNetwork(roads) : null,
    snaps: new Array(stations.length)
  };
}

export interface StationFilter {
  /** Straight-line metres beyond which a station is not an answer (a rider does not ride that far). */
  maxDistance?: number;
  kinds?: ReadonlySet<string>;
  services?: readonly StationService[];
  openNow?: boolean;
  now?: Date | number;
}

export interface NearestResult {
  station: RiderStation;
  index: number;
  /** Straight-line metres. */
  straight: number;
  /** Metres used for sorting: along roads ('road') or straight × DETOUR ('straight'). */
  distance: number;
  method: 'road' | 'straight';
  open: boolean;
}

export function matches(s: RiderStation, f: StationFilter): boolean {
  if (f.kinds && !f.kinds.has(s.kind)) return false;
  if (f.services && !f.services.every((x) => s.services.includes(x))) return false;
  if (f.openNow && !isOpenAt(s.opens, s.closes, f.now ?? Date.now())) return false;
  return true;
}

function stationSnap(fd: StationFinder, i: number): Snap | null {
  if (!fd.net) return null;
  let s = fd.snaps[i];
  if (s === undefined) s = fd.snaps[i] = snap(fd.net, fd.stations[i].lon, fd.stations[i].lat, SNAP_M);
  return s;
}

/** The k nearest stations passing the filter, by riding distance where roads are known. */
export function nearestStations(
  fd: StationFinder,
  lon: number,
  lat: number,
  k = 5,
  filter: StationFilter = {}
): NearestResult[] {
  const now = filter.now ?? Date.now();
  const cands = fd.index.nearest(
    lon,
    lat,
    Math.max(k * 4, 12),
    (i) => matches(fd.stations[i], { ...filter, now }),
    filter.maxDistance
  );
  const from = fd.net ? snap(fd.net, lon, lat, SNAP_M) : null;
  let sp = null;
  if (from && fd.net && cands.length) {
    const far = cands[cands.length - 1].distance;
    sp = dijkstra(fd.net, sourcesOf(from), far * 3 + 2000);
  }
  const out = cands.map((c): NearestResult => {
    const st = fd.stations[c.index];
    const to = sp ? stationSnap(fd, c.index) : null;
    let distance = c.distance * DETOUR;
    let method: NearestResult['method'] = 'straight';
    if (sp && from && to) {
      const along = distanceTo(sp, from, to).dist;
      if (Number.isFinite(along)) {
        distance = from.offRoad + along + to.offRoad;
        method = 'road';
      }
    }
    return {
      station: st,
      index: c.index,
      straight: c.distance,
      distance,
      method,
      open: isOpenAt(st.opens, st.closes, now)
    };
  });
  return out.sort((a, b) => a.distance - b.distance).slice(0, k);
}

/** The line to draw from the rider to a station: along roads when known, else straight. */
export function routeLine(
  fd: StationFinder,
  lon: number,
  lat: number,
  stationIndex: number
): { line: LonLat[]; method: 'road' | 'straight' } {
  const st = fd.stations[stationIndex];
  const straight = {
    line: [
      [lon, lat],
      [st.lon, st.lat]
    ] as LonLat[],
    method: 'straight' as const
  };
  if (!fd.net) return straight;
  const from = snap(fd.net, lon, lat, SNAP_M);
  const to = stationSnap(fd, stationIndex);
  if (!from || !to) return straight;
  const sp = dijkstra(fd.net, sourcesOf(from));
  if (!Number.isFinite(distanceTo(sp, from, to).dist)) return straight;
  return { line: [[lon, lat], ...routeTo(fd.net, sp, from, to), [st.lon, st.lat]], method: 'road' };
}
