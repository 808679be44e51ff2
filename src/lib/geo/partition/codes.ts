/**
 * Grid codes (see README.md in this folder): the community's 12-digit NBS code + a 3-digit
 * sequence. A fresh partition numbers its grids in reading order (rows north → south, west →
 * east within a row); a re-partition keeps the codes of the previous grids it overlaps most.
 */
import type { XY } from './planar';

export const MAX_SEQ = 999;

export function gridCode(community: string, seq: number): string {
  if (!Number.isInteger(seq) || seq < 1 || seq > MAX_SEQ)
    throw new Error(`grid sequence ${seq} is outside 1…${MAX_SEQ}`);
  return `${community}${String(seq).padStart(3, '0')}`;
}

/** The sequence part of a code (its last 3 digits), or null when it is not this community's. */
export function seqOf(code: string, community: string): number | null {
  if (code.length !== community.length + 3 || !code.startsWith(community)) return null;
  const s = Number(code.slice(community.length));
  return Number.isInteger(s) && s >= 1 && s <= MAX_SEQ ? s : null;
}

/**
 * Reading order of grid centres: rows of equal height (round(√k) rows over the centres' north–
 * south extent), north first; west to east within a row. Returns seq (1-based) per grid.
 */
export function readingOrder(centres: readonly XY[]): number[] {
  const k = centres.length;
  if (k === 0) return [];
  const ys = centres.map((c) => c[1]);
  const top = Math.max(...ys);
  const span = top - Math.min(...ys);
  const rows = Math.max(1, Math.round(Math.sqrt(k)));
  const h = span / rows || 1;
  const row = centres.map((c) => Math.min(rows - 1, Math.floor((top - c[1]) / h)));
  const order = [...Array(k).keys()].sort(
    (a, b) => row[a] - row[b] || centres[a][0] - centres[b][0] || centres[b][1] - centres[a][1] || a - b
  );
  const seq = new Array<number>(k);
  order.forEach((g, r) => (seq[g] = r + 1));
  return seq;
}

/**
 * Sequences that keep previous codes: `overlap[g]` maps a previous seq to the households grid g
 * shares with it. Pairs are matched greedily, largest overlap first; grids left over get the
 * lowest free numbers in reading order (`fallback`). `reserved` numbers (locked grids) are never given.
 */
export function stableSequence(
  overlap: readonly ReadonlyMap<number, number>[],
  fallback: readonly number[],
  reserved: ReadonlySet<number> = new Set()
): number[] {
  const pairs: [number, number, number][] = [];
  overlap.forEach((m, g) => m.forEach((h, s) => pairs.push([h, g, s])));
  pairs.sort((a, b) => b[0] - a[0] || a[1] - b[1] || a[2] - b[2]);
  const seq = new Array<number>(overlap.length).fill(0);
  const used = new Set<number>(reserved);
  for (const [h, g, s] of pairs) {
    if (h <= 0 || seq[g] || used.has(s)) continue;
    seq[g] = s;
    used.add(s);
  }
  const rest = [...overlap.keys()].filter((g) => !seq[g]).sort((a, b) => fallback[a] - fallback[b]);
  let next = 1;
  for (const g of rest) {
    while (used.has(next)) next++;
    seq[g] = next;
    used.add(next);
  }
  return seq;
}
