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

// ---------------------------------------------------------------------------------------------
// District comparison (/compare). One row or a small table per district; households are the
// communities' totals, rates are per 1,000 (incidents) and per 10,000 (stations) households.

/** Headline figures of one district for the comparison table. */
export function compareSummary(src: TableSource, district: DistrictCode): string {
  return `WITH hh AS (SELECT sum(households)::BIGINT AS households, count(*)::INTEGER AS communities FROM ${src('communities', district)}),
  g AS (SELECT count(*)::INTEGER AS grids, median(households)::DOUBLE AS median_hh_grid,
    (count(*) FILTER (WHERE households BETWEEN 300 AND 500))::DOUBLE / count(*) AS grids_in_band FROM ${src('grids', district)}),
  c AS (SELECT count(*)::INTEGER AS compounds FROM ${src('compounds', district)}),
  s AS (SELECT count(*)::INTEGER AS stations FROM ${src('stations', district)}),
  i AS (SELECT count(*)::INTEGER AS incidents, count(*) FILTER (WHERE status = 'closed')::INTEGER AS closed,
    quantile_cont((epoch_ms(closed_at) - epoch_ms(reported_at)) / 3600000.0, 0.5)
      FILTER (WHERE status = 'closed' AND closed_at IS NOT NULL) AS median_close_hours
    FROM ${src('incidents', district)})
  SELECT hh.households, hh.communities, g.grids, c.compounds, g.median_hh_grid, g.grids_in_band,
    s.stations, s.stations * 10000.0 / hh.households AS stations_per_10k,
    i.incidents, i.incidents * 1000.0 / hh.households AS incidents_per_1000,
    i.closed, CASE WHEN i.incidents = 0 THEN NULL ELSE i.closed / i.incidents END AS closed_rate, i.median_close_hours
  FROM hh, g, c, s, i`;
}

/** Households of every grid (the histogram's values), ordered by code. */
export function compareGridHouseholds(src: TableSource, district: DistrictCode): string {
  return `SELECT code, households FROM ${src('grids', district)} ORDER BY code`;
}

/** Stations by kind. */
export function compareStationKinds(src: TableSource, district: DistrictCode): string {
  return `SELECT kind, count(*)::INTEGER AS n FROM ${src('stations', district)} GROUP BY kind ORDER BY kind`;
}

/** Incidents by category, with the rate per 1,000 households of the district. */
export function compareCategories(src: TableSource, district: DistrictCode): string {
  return `SELECT i.category, i.n, i.n * 1000.0 / hh.households AS per_1000
  FROM (SELECT category, count(*)::INTEGER AS n FROM ${src('incidents', district)} GROUP BY category) i,
    (SELECT sum(households) AS households FROM ${src('communities', district)}) hh
  ORDER BY i.category`;
}

/** Time to close of closed incidents in whole days (0 … 14; 14 = 14 days or more). */
export function compareCloseDays(src: TableSource, district: DistrictCode): string {
  return `SELECT least(floor((epoch_ms(closed_at) - epoch_ms(reported_at)) / 86400000.0), 14)::INTEGER AS days, count(*)::INTEGER AS n
  FROM ${src('incidents', district)} WHERE status = 'closed' AND closed_at IS NOT NULL GROUP BY 1 ORDER BY 1`;
}

/** Incidents per month (China time), 'YYYY-MM'. */
export function compareMonthly(src: TableSource, district: DistrictCode): string {
  return `SELECT strftime(CAST(reported_at AS TIMESTAMP) + INTERVAL 8 HOUR, '%Y-%m') AS month, count(*)::INTEGER AS n
  FROM ${src('incidents', district)} GROUP BY 1 ORDER BY 1`;
}

/** The named comparison queries, in the order the page and the benchmark run them. */
export const COMPARE_QUERIES = {
  summary: compareSummary,
  gridHouseholds: compareGridHouseholds,
  stationKinds: compareStationKinds,
  categories: compareCategories,
  closeDays: compareCloseDays,
  monthly: compareMonthly
} as const;
export type CompareQueryName = keyof typeof COMPARE_QUERIES;
/** The tables the comparison queries read (buildings are not needed). */
export const COMPARE_TABLES = ['communities', 'grids', 'compounds', 'stations', 'incidents'] as const;
