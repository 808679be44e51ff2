/**
 * /heatmap's KPI cards, top categories and hotspots as the page gets them (incidentNumbers through
 * the Connector), run by Node DuckDB over Qufu's embedded Parquet for one month and two categories,
 * and recounted in plain TypeScript from the file read with hyparquet (China time, half-open days).
 */
import { readFileSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentNumbers, type IncidentNumbers } from '../../src/lib/data/incident-numbers';
import { dateToDay, type IncidentFilter } from '../../src/lib/data/queries';
import type { TableName } from '../../src/lib/data/schema';
import { nodeConnector, openNodeDb, type NodeDb } from '../../scripts/lib/node-db';

const CODE = '370881';
const path = (t: TableName, d: string) => `static/data/${d}/${t}.parquet`;
const read = async (t: TableName, columns: string[]) => {
  const b = readFileSync(path(t, CODE));
  return (await parquetReadObjects({
    file: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength),
    columns
  })) as Record<string, unknown>[];
};
const ms = (v: unknown) => (v instanceof Date ? v.getTime() : Number(v) / 1000);
/** Day index from 2024-01-01 in China Standard Time (UTC+8). */
const cstDay = (v: unknown) => Math.floor((ms(v) + 8 * 3_600_000 - Date.UTC(2024, 0, 1)) / 86_400_000);

const filter: IncidentFilter = {
  categories: ['safety', 'sanitation'],
  statuses: ['open', 'dispatched', 'closed'],
  from: dateToDay('2025-03-01'),
  to: dateToDay('2025-04-01'),
  street: null,
  community: null
};

let db: NodeDb;
let got: IncidentNumbers;
let kept: Record<string, unknown>[];
beforeAll(async () => {
  db = await openNodeDb({ threads: 1 });
  got = await incidentNumbers(nodeConnector(db, path), CODE, filter);
  const all = await read('incidents', ['category', 'status', 'grid', 'reported_at']);
  kept = all.filter(
    (r) =>
      (filter.categories as string[]).includes(String(r.category)) &&
      cstDay(r.reported_at) >= filter.from &&
      cstDay(r.reported_at) < filter.to
  );
});
afterAll(() => db.close());

describe('incidentNumbers (Qufu, March 2025, safety and sanitation)', () => {
  it('counts the incidents and the closed ones', () => {
    expect(kept.length).toBeGreaterThan(100);
    expect(got.kpis.incidents).toBe(kept.length);
    expect(got.kpis.closed).toBe(kept.filter((r) => r.status === 'closed').length);
    expect(got.kpis.closedRate).toBeCloseTo(got.kpis.closed / got.kpis.incidents, 12);
  });

  it('ranks the two categories by count', () => {
    const n = (c: string) => kept.filter((r) => r.category === c).length;
    const want = ['safety', 'sanitation'].map((c) => ({ category: c, n: n(c) })).sort((a, b) => b.n - a.n);
    expect(got.top).toEqual(want);
  });

  it('hotspots: the grids with most incidents per 1,000 households a year over the 31 days', async () => {
    const hh = new Map(
      (await read('grids', ['code', 'households'])).map((g) => [String(g.code), Number(g.households)])
    );
    const counts = new Map<string, number>();
    for (const r of kept) counts.set(String(r.grid), (counts.get(String(r.grid)) ?? 0) + 1);
    const rates = [...counts]
      .filter(([g]) => (hh.get(g) ?? 0) > 0)
      .map(([grid, n]) => ({ grid, n, rate: (n * 1000) / hh.get(grid)! / (31 / 365.25) }));
    rates.sort((a, b) => b.rate - a.rate || (a.grid < b.grid ? -1 : 1));
    expect(got.hotspots.length).toBe(10);
    got.hotspots.forEach((h, i) => {
      expect(h.grid).toBe(rates[i].grid);
      expect(h.n).toBe(rates[i].n);
      expect(h.households).toBe(hh.get(h.grid));
      expect(h.rate).toBeCloseTo(rates[i].rate, 6);
    });
  });
});
