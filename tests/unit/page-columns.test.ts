/**
 * The browser decodes only the columns each page's SQL reads (queries.ts: COMPARE_COLUMNS,
 * HEATMAP_COLUMNS). These lists must be enough: every query of the page runs in Node DuckDB over
 * tables that hold only those columns and gives what it gives over the full Parquet. And the
 * decoder, asked for some columns, returns exactly those with the same values.
 */
import { readFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb, readParquet, type NodeDb } from '../../scripts/lib/node-db';
import { decodeParquet as parquetToArrowIpc } from '../setup/parquet-wasm';
import {
  COMPARE_COLUMNS,
  COMPARE_QUERIES,
  HEATMAP_COLUMNS,
  INCIDENT_DAYS,
  dateToDay,
  districtCommunities,
  districtGrids,
  incidentDailyCounts,
  incidentFilterColumns,
  incidentGridCounts,
  incidentHotspots,
  incidentKpis,
  incidentTopCategories,
  parquetSource,
  type IncidentFilter,
  type TableColumns,
  type TableSource
} from '../../src/lib/data/queries';
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES, type DistrictCode, type TableName } from '../../src/lib/data/schema';

const QUFU: DistrictCode = '370881';
const path = (t: string, d: string) => `static/data/${d}/${t}.parquet`;
const full = parquetSource(path);
let db: NodeDb;

/** Tables `<table>_narrow` holding only the listed columns; the source that reads them. */
async function narrow(cols: TableColumns, d: DistrictCode): Promise<TableSource> {
  for (const [t, c] of Object.entries(cols))
    await db.run(
      `CREATE OR REPLACE TABLE "${t}_narrow" AS SELECT ${c.map((x) => `"${x}"`).join(', ')} FROM ${readParquet(path(t, d))}`
    );
  return (t: TableName) => {
    if (!(t in cols)) throw new Error(`the page does not load ${t}`);
    return `"${t}_narrow"`;
  };
}

beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(() => db.close());

describe('page column lists', () => {
  it('/compare: every comparison query answers the same over only COMPARE_COLUMNS', async () => {
    const src = await narrow(COMPARE_COLUMNS, QUFU);
    for (const q of Object.values(COMPARE_QUERIES))
      expect(await db.all(q(src, QUFU))).toEqual(await db.all(q(full, QUFU)));
  });

  it('/heatmap: filter columns, KPIs, hotspots, timeline and grid counts answer the same over only HEATMAP_COLUMNS', async () => {
    const src = await narrow(HEATMAP_COLUMNS, QUFU);
    const f: IncidentFilter = {
      categories: ['sanitation'],
      statuses: [...INCIDENT_STATUSES],
      from: dateToDay('2025-03-01'),
      to: dateToDay('2025-04-01'),
      street: null,
      community: null
    };
    const all: IncidentFilter = { ...f, categories: [...INCIDENT_CATEGORIES], from: 0, to: INCIDENT_DAYS };
    const qs = [
      (s: TableSource) => districtCommunities(s, QUFU),
      (s: TableSource) => districtGrids(s, QUFU),
      (s: TableSource) =>
        `SELECT count(*) AS n, sum(cat) AS c, sum(day) AS d, sum(gi) AS g FROM (${incidentFilterColumns(s, QUFU)})`,
      ...[f, all].flatMap((x) => [
        (s: TableSource) => incidentKpis(s, QUFU, x),
        (s: TableSource) => incidentTopCategories(s, QUFU, x),
        (s: TableSource) => incidentHotspots(s, QUFU, x),
        (s: TableSource) => incidentDailyCounts(s, QUFU, x),
        (s: TableSource) => incidentGridCounts(s, QUFU, x)
      ])
    ];
    for (const q of qs) expect(await db.all(q(src))).toEqual(await db.all(q(full)));
  }, 60_000);
});

describe('parquetToArrowIpc with a column list', () => {
  const file = readFileSync(path('incidents', QUFU));
  const buf = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;

  it('decodes only the asked columns, in the file order, with the values of the full decode', async () => {
    const some = tableFromIPC(await parquetToArrowIpc(buf, ['status', 'category']));
    const all = tableFromIPC(await parquetToArrowIpc(buf));
    expect(some.schema.fields.map((f) => f.name)).toEqual(['category', 'status']);
    expect(some.numRows).toBe(all.numRows);
    for (const i of [0, 1234, all.numRows - 1])
      for (const c of ['category', 'status']) expect(some.getChild(c)!.get(i)).toBe(all.getChild(c)!.get(i));
  }, 60_000);

  it('names a column the file lacks', async () => {
    await expect(parquetToArrowIpc(buf, ['category', 'colour'])).rejects.toThrow(/no column colour/);
  });
});
