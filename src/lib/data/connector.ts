/**
 * What the pages' logic needs from a database, the same in the browser and in Node (the Mosaic
 * pattern): DuckDB-wasm over decoded Parquet in the browser (duckdb-browser.ts), @duckdb/node-api
 * over the files on disk in tests and scripts (scripts/lib/node-db.ts `nodeConnector`). Logic written
 * against it (compare-figures.ts, incident-numbers.ts) runs the same named SQL in both, so vitest
 * checks it without a browser.
 */
import type { TableColumns, TableSource } from './queries';
import type { DistrictCode } from './schema';

export interface Connector {
  /** Where a district's table is read from in SQL. */
  readonly source: TableSource;
  /** Makes these columns of the district's tables queryable (the browser downloads and decodes them). */
  use(columns: TableColumns, district: DistrictCode): Promise<void>;
  /** Runs one query; rows as plain objects, BIGINT as number. */
  rows<T>(sql: string): Promise<T[]>;
}
