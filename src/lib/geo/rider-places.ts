/**
 * Typed-place search for the rider page: a rider without GPS types where they are. Communities
 * (社区) and streets (街道) of the district answer with their centre; stations with their own point.
 * Pure: no DOM.
 */
import type { RiderPlace, RiderStation } from './nearest-data';

export interface PlaceMatch {
  name: string;
  kind: RiderPlace['kind'] | 'station';
  lon: number;
  lat: number;
  /** The station's address (stations only), shown to tell same-named stations apart. */
  detail?: string;
}

// Riders often type 索菲亚 for 索菲亚社区, or 道里区尚志街道: the admin suffix is optional.
const SUFFIX = /(社区居民委员会|居民委员会|居委会|社区|街道办事处|街道|镇|乡)$/;
const core = (s: string) => s.replace(SUFFIX, '');

/** 0 exact, 1 exact without the suffix, 2 prefix, 3 contains, 4 the text contains the name; -1 no match. */
function rank(name: string, q: string): number {
  if (name === q) return 0;
  const n = core(name);
  const c = core(q);
  if (n && n === c) return 1;
  if (c && name.startsWith(c)) return 2;
  if (c && name.includes(c)) return 3;
  if (n.length >= 2 && q.includes(n)) return 4;
  return -1;
}

const KIND_ORDER: Record<PlaceMatch['kind'], number> = { community: 0, street: 1, station: 2 };

/**
 * Places and stations whose name (or a station's address) matches the typed text, best first:
 * closer matches first, then communities before streets before stations, then shorter names.
 */
export function matchPlaces(
  places: readonly RiderPlace[],
  stations: readonly RiderStation[],
  text: string,
  limit = 6
): PlaceMatch[] {
  const q = text.trim().replace(/\s+/g, '');
  if (!q) return [];
  const hits: { m: PlaceMatch; r: number }[] = [];
  for (const p of places) {
    const r = rank(p.name, q);
    if (r >= 0) hits.push({ m: { name: p.name, kind: p.kind, lon: p.lon, lat: p.lat }, r });
  }
  for (const s of stations) {
    const r = Math.min(...[rank(s.name, q), s.address.includes(q) ? 3 : -1].map((x) => (x < 0 ? 9 : x)));
    if (r < 9) hits.push({ m: { name: s.name, kind: 'station', lon: s.lon, lat: s.lat, detail: s.address }, r });
  }
  hits.sort(
    (a, b) =>
      a.r - b.r ||
      KIND_ORDER[a.m.kind] - KIND_ORDER[b.m.kind] ||
      a.m.name.length - b.m.name.length ||
      a.m.name.localeCompare(b.m.name)
  );
  return hits.slice(0, limit).map((h) => h.m);
}
