/**
 * /compare's figures as the page assembles them (districtFigures through the Connector), run here
 * by Node DuckDB over the embedded Parquet and checked against the files read independently with
 * hyparquet (no SQL): households, grids, stations by kind, incidents by category and month.
 */
import { readFileSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { districtFigures, type DistrictFigures } from '../../src/lib/data/compare-figures';
import { DISTRICT_CODES } from '../../src/lib/data/districts';
import type { TableName } from '../../src/lib/data/schema';
import { nodeConnector, openNodeDb, type NodeDb } from '../../scripts/lib/node-db';

const path = (t: TableName, d: string) => `static/data/${d}/${t}.parquet`;
const read = async (t: TableName, d: string, columns: string[]) => {
  const b = readFileSync(path(t, d));
  return (await parquetReadObjects({
    file: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength),
    columns
  })) as Record<string, unknown>[];
};
const tally = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());

let db: NodeDb;
beforeAll(async () => {
  db = await openNodeDb({ threads: 1 });
});
afterAll(() => db.close());

describe.each(DISTRICT_CODES.map((c) => [c]))('districtFigures(%s) through the Node connector', (code) => {
  let f: DistrictFigures;
  beforeAll(async () => {
    f = await districtFigures(nodeConnector(db, path), code);
  });

  it('households and grids as the grid table holds them', async () => {
    const grids = await read('grids', code, ['households']);
    expect(f.summary.grids).toBe(grids.length);
    expect([...f.gridHouseholds].sort((a, b) => a - b)).toEqual(
      grids.map((g) => Number(g.households)).sort((a, b) => a - b)
    );
    const communities = await read('communities', code, ['households']);
    expect(f.summary.households).toBe(communities.reduce((s, c) => s + Number(c.households), 0));
  });

  it('stations by kind', async () => {
    const kinds = tally((await read('stations', code, ['kind'])).map((s) => String(s.kind)));
    expect(Object.fromEntries(f.stationKinds.map((k) => [k.kind, k.n]))).toEqual(Object.fromEntries(kinds));
    expect(f.summary.stations).toBe([...kinds.values()].reduce((a, b) => a + b, 0));
  });

  it('incidents by category with their yearly rate, and by month', async () => {
    const rows = await read('incidents', code, ['category', 'reported_at']);
    expect(f.summary.incidents).toBe(rows.length);
    const byCategory = tally(rows.map((r) => String(r.category)));
    for (const c of f.categories) {
      expect(c.n, c.category).toBe(byCategory.get(c.category));
      expect(c.per_1000_yr).toBeCloseTo((c.n * 1000) / f.summary.households / (f.summary.period_days / 365.25), 6);
    }
    expect(f.categories.reduce((s, c) => s + c.n, 0)).toBe(rows.length);
    expect(f.monthly.reduce((s, m) => s + m.n, 0)).toBe(rows.length);
  });
});
