/** The rider page's compact data (written by scripts/rider/build.ts) and its decoding. */
import type { DistrictCode, Station } from '../data/schema';
import type { LonLat } from './network';

export const RIDER_DATA_VERSION = 4;

/** A station as the rider page needs it: the schema's, without its administrative keys. */
export type RiderStation = Omit<Station, 'district' | 'community'>;

/** A named place a rider can type: a community's or a street's centre (NBS names). */
export interface RiderPlace {
  name: string;
  kind: 'community' | 'street';
  lon: number;
  lat: number;
}

export interface RiderStations {
  version: number;
  district: DistrictCode;
  /**
   * True when the stations are the demo's (the manifest flags the table synthetic): the rider page
   * then marks every card 演示站点 and gives no navigation link to a place that does not exist.
   */
  synthetic: boolean;
  stations: RiderStation[];
  /** Communities and streets of the district, for the typed-place search. */
  places: RiderPlace[];
}

export interface RiderRoads {
  version: number;
  /** 'osm': real OpenStreetMap roads (ODbL); 'synthetic': the demo dataset's generated roads. */
  source: 'osm' | 'synthetic';
  /** Lines as flat [dx, dy, dx, dy, …] in 1e-5 degrees from origin. */
  origin: [number, number];
  lines: number[][];
  /**
   * Water drawn under the roads, where the district's map has a water layer (Daoli's, from OSM),
   * encoded as the lines: areas as polygons of rings (the first outer, the rest holes), and river lines.
   */
  water?: { areas: number[][][]; lines: number[][] };
}

function decodeFlat(flat: readonly number[], [ox, oy]: [number, number]): LonLat[] {
  const out: LonLat[] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([ox + flat[i] / 1e5, oy + flat[i + 1] / 1e5]);
  return out;
}

export function decodeRoads(r: RiderRoads): LonLat[][] {
  return r.lines.map((flat) => decodeFlat(flat, r.origin));
}

/** The water of a rider's roads file, or null where the district has none. */
export function decodeWater(r: RiderRoads): { areas: LonLat[][][]; lines: LonLat[][] } | null {
  if (!r.water) return null;
  return {
    areas: r.water.areas.map((p) => p.map((ring) => decodeFlat(ring, r.origin))),
    lines: r.water.lines.map((l) => decodeFlat(l, r.origin))
  };
}

export function riderUrl(root: string, code: DistrictCode, file: 'stations' | 'roads'): string {
  return `${root}/${code}/rider/${file}.json`;
}
