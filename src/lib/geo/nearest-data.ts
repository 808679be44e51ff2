/** The rider page's compact data (written by scripts/rider/build.ts) and its decoding. */
import type { DistrictCode, Station } from '../data/schema';
import type { LonLat } from './network';

export const RIDER_DATA_VERSION = 3;

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
}

export function decodeRoads(r: RiderRoads): LonLat[][] {
  const [ox, oy] = r.origin;
  return r.lines.map((flat) => {
    const out: LonLat[] = [];
    for (let i = 0; i < flat.length; i += 2) out.push([ox + flat[i] / 1e5, oy + flat[i + 1] / 1e5]);
    return out;
  });
}

export function riderUrl(root: string, code: DistrictCode, file: 'stations' | 'roads'): string {
  return `${root}/${code}/rider/${file}.json`;
}
