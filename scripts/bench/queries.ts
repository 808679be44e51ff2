/** Node DuckDB over the built Parquet: the named queries of src/lib/data/queries.ts, timed per district. */
import { DISTRICT_CODES } from '../../src/lib/data/districts';
import { districtTotals, parquetSource } from '../../src/lib/data/queries';
import { openNodeDb } from '../lib/node-db';
import { time } from './harness';

export async function benchQueries(): Promise<unknown> {
  const db = await openNodeDb();
  const src = parquetSource((table, district) => `static/data/${district}/${table}.parquet`);
  const cases = [];
  for (const code of DISTRICT_CODES) {
    const sql = districtTotals(src, code);
    const [totals] = await db.all(sql);
    cases.push({ name: `totals-${code}`, ...(await time(() => db.all(sql), 7)), incidents: totals.incidents });
  }
  db.close();
  return cases;
}
