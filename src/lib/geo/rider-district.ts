/**
 * Which district a rider is in: the one whose box holds the location, else the nearest box and
 * how far it is. Boxes, not outlines: the rider page stays light (index.json has them), and a
 * rider near a border gets the district with stations near them either way.
 */
import { haversine } from './nearest';

export interface DistrictBox {
  code: string;
  bbox: [number, number, number, number];
}

export interface RiderDistrict {
  code: string;
  /** 0 when the location is inside the district's box. */
  km: number;
}

export function districtFor(districts: readonly DistrictBox[], lon: number, lat: number): RiderDistrict | null {
  let best: RiderDistrict | null = null;
  for (const d of districts) {
    const [w, s, e, n] = d.bbox;
    const cx = Math.min(e, Math.max(w, lon));
    const cy = Math.min(n, Math.max(s, lat));
    const km = cx === lon && cy === lat ? 0 : haversine(lon, lat, cx, cy) / 1000;
    if (!best || km < best.km) best = { code: d.code, km };
  }
  return best;
}
