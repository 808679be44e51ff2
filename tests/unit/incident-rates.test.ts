/**
 * Incident rates per 1,000 households a year (issue #15): the named SQL of queries.ts (hotspots,
 * comparison summary and categories) and the choropleth's client-side rates, run over a hand-made
 * fixture (tests/fixtures/rates/: two grids of 1,500 and 500 households, seven incidents, some on
 * the edges of China-time days) and checked against counts done by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb, type NodeDb } from '../../scripts/lib/node-db';
import {
  DAYS_PER_YEAR,
  compareCategories,
  compareSummary,
  dateToDay,
  filterDays,
  filterYears,
  incidentHotspots,
  periodDays,
  type IncidentFilter,
  type TableSource,
  allIncidents
} from '../../src/lib/data/queries';
import { type TableName } from '../../src/lib/data/schema';
import { gridRates } from '../../src/lib/map/heatmap-data';

const DIR = 'tests/fixtures/rates';
const G1 = '370881001001001'; // 1,500 households
const G2 = '370881001002001'; // 500 households
/** Codes stay text (read_csv would make them numbers). */
const TEXT_COLUMNS: Partial<Record<TableName, string[]>> = {
  communities: ['code', 'street', 'district'],
  grids: ['code', 'district', 'community'],
  compounds: ['id', 'community', 'district'],
  stations: ['id', 'district', 'community'],
  incidents: ['district', 'street', 'community', 'grid']
};
/** The fixture's tables as a TableSource; `incidents` names the incidents file (incidents.csv or incidents-2026.csv). */
const fixture =
  (incidents = 'incidents'): TableSource =>
  (table) => {
    const types = (TEXT_COLUMNS[table] ?? []).map((c) => `'${c}': 'VARCHAR'`).join(', ');
    const file = table === 'incidents' ? incidents : table;
    return `read_csv('${DIR}/${file}.csv', header = true, types = {${types}}${table === 'incidents' ? ", timestampformat = '%Y-%m-%d %H:%M:%S'" : ''})`;
  };
const all = allIncidents();
/** 2024-01-01 … 2024-06-30 (China time): 31 + 29 + 31 + 30 + 31 + 30 = 182 days. */
const firstHalf2024: IncidentFilter = { ...all, from: 0, to: dateToDay('2024-07-01') };
/** March 2024: 31 days. */
const march2024: IncidentFilter = { ...all, from: dateToDay('2024-03-01'), to: dateToDay('2024-04-01') };

let db: NodeDb;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(() => db?.close());

describe('the time base', () => {
  it('counts the days of a filter, clipped to the period shown, and divides by 365.25', () => {
    expect(DAYS_PER_YEAR).toBe(365.25);
    expect(filterDays(all)).toBe(731);
    expect(filterDays(firstHalf2024)).toBe(182);
    expect(filterDays(march2024)).toBe(31);
    expect(filterDays({ ...all, from: -10, to: 900 })).toBe(731);
    expect(filterDays({ ...all, to: 900, days: 790 })).toBe(790);
    expect(filterYears(all)).toBeCloseTo(731 / 365.25, 12);
  });
});

describe('hotspots: incidents per 1,000 households a year', () => {
  it('a half-year filter: 3 incidents in 182 days for 1,500 households (the 00:00 China-time incident of 1 July is out)', async () => {
    const rows = await db.all<{ grid: string; n: number; households: number; rate: number }>(
      incidentHotspots(fixture(), '370881', firstHalf2024)
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ grid: G1, n: 3, households: 1500 });
    expect(rows[0].rate).toBeCloseTo((3 * 1000) / 1500 / (182 / 365.25), 9); // 4.0137…
  });

  it('one month: 1 incident in 31 days', async () => {
    const [r] = await db.all<{ grid: string; rate: number }>(incidentHotspots(fixture(), '370881', march2024));
    expect(r.grid).toBe(G1);
    expect(r.rate).toBeCloseTo(1000 / 1500 / (31 / 365.25), 9); // 7.85…
  });

  it('the full two years: 6 and 1 incidents in 731 days', async () => {
    const rows = await db.all<{ grid: string; n: number; rate: number }>(incidentHotspots(fixture(), '370881', all));
    expect(rows.map((r) => [r.grid, r.n])).toEqual([
      [G1, 6],
      [G2, 1]
    ]);
    expect(rows[0].rate).toBeCloseTo((6 * 1000) / 1500 / (731 / 365.25), 9); // 1.9986…
    expect(rows[1].rate).toBeCloseTo(1000 / 500 / (731 / 365.25), 9); // 0.9993…
  });

  it('the choropleth computes the same rates from the client-side counts', async () => {
    const households = new Map([
      [G1, 1500],
      [G2, 500]
    ]);
    const half = gridRates([G1, G2], [3, 0], households, firstHalf2024);
    expect(half.get(G1)).toBeCloseTo((3 * 1000) / 1500 / (182 / 365.25), 9);
    expect(half.get(G2)).toBe(0);
    const [sql] = await db.all<{ rate: number }>(incidentHotspots(fixture(), '370881', firstHalf2024));
    expect(half.get(G1)).toBeCloseTo(sql.rate, 12);
    // A grid without households has no rate (no division by zero on the map).
    expect(gridRates(['x'], [4], new Map([['x', 0]]), all).has('x')).toBe(false);
  });
});

describe('comparison: over the district’s whole period', () => {
  it('the demo period: 7 incidents, 2,000 households, 731 days', async () => {
    const [s] = await db.all<{
      incidents: number;
      households: number;
      period_days: number;
      incidents_per_1000_yr: number;
    }>(compareSummary(fixture(), '370881'));
    expect(s).toMatchObject({ incidents: 7, households: 2000, period_days: 731 });
    expect(s.incidents_per_1000_yr).toBeCloseTo((7 * 1000) / 2000 / (731 / 365.25), 9); // 1.7488…
  });

  it('a log past 2025 averages over its own period, to the end of its last month (periodDays)', async () => {
    const [s] = await db.all<{ incidents: number; period_days: number; incidents_per_1000_yr: number }>(
      compareSummary(fixture('incidents-2026'), '370881')
    );
    // 2024-01-01 … 2026-02-28: 366 + 365 + 31 + 28 days.
    expect(s.period_days).toBe(790);
    expect(periodDays(dateToDay('2026-02-10'))).toBe(790);
    expect(s.incidents).toBe(8);
    expect(s.incidents_per_1000_yr).toBeCloseTo((8 * 1000) / 2000 / (790 / 365.25), 9); // 1.8494…
  });

  it('categories: each one’s count over the same period', async () => {
    const rows = await db.all<{ category: string; n: number; per_1000_yr: number }>(
      compareCategories(fixture(), '370881')
    );
    const by = Object.fromEntries(rows.map((r) => [r.category, r]));
    expect(Object.fromEntries(rows.map((r) => [r.category, r.n]))).toEqual({
      dispute: 2,
      property: 1,
      safety: 2,
      sanitation: 2
    });
    expect(by.safety.per_1000_yr).toBeCloseTo((2 * 1000) / 2000 / (731 / 365.25), 9);
    expect(by.property.per_1000_yr).toBeCloseTo(1000 / 2000 / (731 / 365.25), 9);
    const [s2026] = await db.all<{ per_1000_yr: number; category: string }>(
      `SELECT * FROM (${compareCategories(fixture('incidents-2026'), '370881')}) WHERE category = 'other'`
    );
    expect(s2026.per_1000_yr).toBeCloseTo(1000 / 2000 / (790 / 365.25), 9);
  });
});
