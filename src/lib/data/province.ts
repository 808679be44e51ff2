/**
 * The province registry: the districts of the province layout (`npm run data -- --districts N`),
 * read from its districts.json, and the search the home page and /compare run over them together
 * with the demo districts. Pure: the page state (state/province.svelte.ts) fetches the file.
 */
import { DISTRICTS } from './districts';
import { isAdcode, type ProvinceDistrict, type ProvinceIndex } from './schema';

const NUMBER_FIELDS = ['households', 'communities', 'grids', 'stations', 'incidents'] as const;
const TEXT_FIELDS = ['name', 'nameEn', 'city', 'province'] as const;

/**
 * Checks districts.json as the generator writes it; a bad file is refused with the file, the
 * district's row (1-based) and the field, so a hand-edited or truncated index never half-shows.
 */
export function parseProvinceIndex(json: unknown, file: string): ProvinceIndex {
  const fail = (where: string, why: string): never => {
    throw new Error(`${file}: ${where}: ${why}`);
  };
  if (!json || typeof json !== 'object') return fail('whole file', 'not a JSON object');
  const o = json as Record<string, unknown>;
  if (!Array.isArray(o.districts)) return fail('field districts', 'missing or not a list');
  const seen = new Set<string>();
  o.districts.forEach((d: unknown, i) => {
    const row = `district ${i + 1}`;
    if (!d || typeof d !== 'object') return fail(row, 'not an object');
    const r = d as Record<string, unknown>;
    if (!isAdcode(r.code)) return fail(`${row}, field code`, `not a six-digit adcode: ${JSON.stringify(r.code)}`);
    if (seen.has(r.code)) return fail(`${row}, field code`, `${r.code} listed twice`);
    seen.add(r.code);
    for (const f of TEXT_FIELDS)
      if (typeof r[f] !== 'string') fail(`${row} (${r.code}), field ${f}`, 'missing or not text');
    for (const f of NUMBER_FIELDS)
      if (typeof r[f] !== 'number' || !Number.isFinite(r[f]) || (r[f] as number) < 0)
        fail(`${row} (${r.code}), field ${f}`, `not a count: ${JSON.stringify(r[f])}`);
    if (typeof r.synthetic !== 'boolean') fail(`${row} (${r.code}), field synthetic`, 'missing or not true/false');
    if (!Array.isArray(r.bbox) || r.bbox.length !== 4 || !r.bbox.every((x) => typeof x === 'number'))
      fail(`${row} (${r.code}), field bbox`, 'not four numbers (west, south, east, north)');
  });
  return json as ProvinceIndex;
}

/** One row of the district search: a demo district or one of the province layout. */
export interface DistrictEntry {
  code: string;
  name: string;
  nameEn: string;
  city: string;
  province: string;
  /** True for the province layout's districts (every table synthetic, schematic geography). */
  provinceLayout: boolean;
}

/** The demo districts and then the province layout's (a province district with a demo code is left out: the demo's wins). */
export function districtEntries(index: ProvinceIndex | null): DistrictEntry[] {
  const demo: DistrictEntry[] = DISTRICTS.map((d) => ({
    code: d.code,
    name: d.name,
    nameEn: d.nameEn,
    city: d.city,
    province: d.province,
    provinceLayout: false
  }));
  const codes = new Set(demo.map((d) => d.code));
  const province = (index?.districts ?? [])
    .filter((d) => !codes.has(d.code))
    .map((d) => ({ code: d.code, name: d.name, nameEn: d.nameEn, city: d.city, province: d.province, provinceLayout: true }));
  return [...demo, ...province];
}

export interface SearchResult<T> {
  /** How many match in all. */
  total: number;
  /** The first `limit` of them, in the list's order. */
  shown: T[];
}

/**
 * Districts whose name, city, province, English name or code contain every word of `query`
 * (words split by spaces; case-insensitive). An empty query matches all.
 */
export function searchDistricts<T extends { code: string; name: string; nameEn: string; city: string; province: string }>(
  list: readonly T[],
  query: string,
  limit: number
): SearchResult<T> {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const matches = words.length
    ? list.filter((d) => {
        const text = `${d.code} ${d.name} ${d.city} ${d.province} ${d.nameEn}`.toLowerCase();
        return words.every((w) => text.includes(w));
      })
    : list;
  return { total: matches.length, shown: matches.slice(0, limit) };
}

/** The province district with this code, or undefined. */
export function provinceDistrict(index: ProvinceIndex | null, code: string): ProvinceDistrict | undefined {
  return index?.districts.find((d) => d.code === code);
}
