/**
 * All SQL of GridAtlas, as named pure functions. The same text runs in the browser
 * (DuckDB-wasm over registered Parquet files) and in Node tests and scripts (@duckdb/node-api
 * over the files on disk); `TableSource` says where a table is read from in each.
 */
import type { DistrictCode, TableName } from './schema';

/** Returns a SQL expression that reads one table of one district, e.g. read_parquet('…'). */
export type TableSource = (table: TableName, district: DistrictCode) => string;

export function parquetSource(pathOf: (table: TableName, district: DistrictCode) => string): TableSource {
  return (table, district) => `read_parquet('${pathOf(table, district).replaceAll("'", "''")}')`;
}

/** Every incident's position, for the heatmap. */
export function incidentPoints(src: TableSource, district: DistrictCode): string {
  return `SELECT lon, lat FROM ${src('incidents', district)}`;
}

/** Row counts and household totals of one district (used by summaries and the dataset test). */
export function districtTotals(src: TableSource, district: DistrictCode): string {
  return `SELECT
    (SELECT count(*) FROM ${src('communities', district)}) AS communities,
    (SELECT count(*) FROM ${src('grids', district)}) AS grids,
    (SELECT count(*) FROM ${src('buildings', district)}) AS buildings,
    (SELECT sum(households) FROM ${src('buildings', district)}) AS households,
    (SELECT count(*) FROM ${src('stations', district)}) AS stations,
    (SELECT count(*) FROM ${src('incidents', district)}) AS incidents`;
}
