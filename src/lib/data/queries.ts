/**
 * All SQL of GridAtlas, as named pure functions. The same text runs in the browser
 * (DuckDB-wasm over registered Parquet files) and in Node tests and scripts (@duckdb/node-api
 * over the files on disk); `TableSource` says where a table is read from in each.
 */
import { DEFAULT_MAX, DEFAULT_MIN } from '../geo/partition/defaults';
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES, type DistrictCode, type IncidentCategory, type IncidentStatus, type TableName } from './schema';

/** Returns a SQL expression that reads one table of one district, e.g. read_parquet('…'). */
export type TableSource = (table: TableName, district: DistrictCode) => string;

export function parquetSource(pathOf: (table: TableName, district: DistrictCode) => string): TableSource {
  return (table, district) => `read_parquet('${pathOf(table, district).replaceAll("'", "''")}')`;
}

/**
 * One table of every district of the province layout (`npm run data -- --districts N`:
 * `<root>/<table>/district=<adcode>/part-0.parquet`) as one relation. `district` is read as text:
 * DuckDB would otherwise type the folder's `district=370102` as a BIGINT over the files' VARCHAR.
 */
export function hiveTable(root: string, table: TableName): string {
  return `read_parquet('${`${root}/${table}/*/*.parquet`.replaceAll("'", "''")}', hive_partitioning = true, hive_types = {'district': VARCHAR})`;
}

/** The named SQL over the province layout: a district's rows of the whole table, so DuckDB reads only its folder. */
export function hiveSource(root: string): TableSource {
  return (table, district) => `(SELECT * FROM ${hiveTable(root, table)} WHERE district = '${district.replaceAll("'", "''")}')`;
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
// Incident heatmap, KPIs and timeline (/heatmap). Times: `reported_at`/`closed_at` are UTC;
// days are counted in China Standard Time (UTC+8) from INCIDENT_DAY0.

/** Day 0 of the incident period (China time); day indices count from here. */
export const INCIDENT_DAY0 = '2024-01-01';
/**
 * Days in the demo's incident period 2024-01-01 … 2025-12-31 (2024 is a leap year): the shortest
 * period a page shows. A district's own log may run on (periodDays); it starts on INCIDENT_DAY0 too.
 */
export const INCIDENT_DAYS = 731;

/** The period a page shows for data whose last incident is on day `lastDay`: to the end of that month, at least INCIDENT_DAYS. */
export function periodDays(lastDay: number | null): number {
  if (lastDay === null || !(lastDay >= INCIDENT_DAYS)) return INCIDENT_DAYS;
  const d = new Date(Date.UTC(2024, 0, 1 + lastDay));
  return dateToDay(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10));
}

/** The shared selection every view of /heatmap reads (see src/lib/state/filters.svelte.ts). */
export interface IncidentFilter {
  /** Categories kept (INCIDENT_CATEGORIES keys); all of them means no condition. */
  categories: readonly IncidentCategory[];
  statuses: readonly IncidentStatus[];
  /** Day indices from INCIDENT_DAY0, half-open [from, to). */
  from: number;
  to: number;
  /** Days in the period shown (periodDays), when longer than INCIDENT_DAYS. */
  days?: number;
  /** NBS street code (9 digits) or null for all. */
  street: string | null;
  /** NBS community code (12 digits) or null for all. */
  community: string | null;
}

/** The filter that keeps every incident: all categories and statuses, the whole default period, every place. */
export function allIncidents(): IncidentFilter {
  return {
    categories: [...INCIDENT_CATEGORIES],
    statuses: [...INCIDENT_STATUSES],
    from: 0,
    to: INCIDENT_DAYS,
    street: null,
    community: null
  };
}

/**
 * Days in a year for the yearly averages: every incident rate per 1,000 households is
 * count × 1000 ÷ households ÷ (days in its period ÷ 365.25), so a two-year view and a one-month
 * filter read on one scale (the Julian year: leap years averaged in).
 */
export const DAYS_PER_YEAR = 365.25;

/**
 * Days a filter's time range covers, clipped to the period shown ([0, f.days)); at least 1 (a range
 * is never empty, filters.svelte.ts setRange): the time base of the filter's yearly rates.
 */
export function filterDays(f: IncidentFilter): number {
  return Math.max(1, Math.min(f.to, f.days ?? INCIDENT_DAYS) - Math.max(0, f.from));
}

/** Years a filter's time range covers (filterDays ÷ DAYS_PER_YEAR): what a count is divided by to read "a year". */
export function filterYears(f: IncidentFilter): number {
  return filterDays(f) / DAYS_PER_YEAR;
}

/** 'YYYY-MM-DD' of a day index (China time). */
export function dayToDate(day: number): string {
  return new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(0, 10);
}

/** Day index of a 'YYYY-MM-DD' date (China time). */
export function dateToDay(date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.UTC(2024, 0, 1)) / 86_400_000);
}

/** First day of each month of a period of `days` days from INCIDENT_DAY0, and `days` last. */
export function monthStarts(days: number): number[] {
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const d = dateToDay(new Date(Date.UTC(2024, i, 1)).toISOString().slice(0, 10));
    if (d >= days) break;
    out.push(d);
  }
  out.push(days);
  return out;
}

/** Month index (0 = 2024-01) of a day index, within `starts` (monthStarts). */
export function monthOf(day: number, starts: readonly number[]): number {
  let m = 0;
  while (m < starts.length - 2 && starts[m + 1] <= day) m++;
  return m;
}

/** 'YYYY-MM' of a month index. */
export function monthLabel(m: number): string {
  return new Date(Date.UTC(2024, m, 1)).toISOString().slice(0, 7);
}

const sqlList = (xs: readonly string[]) => xs.map((x) => `'${x.replaceAll("'", "''")}'`).join(', ');
const CST = `(CAST(reported_at AS TIMESTAMP) + INTERVAL 8 HOUR)`;

/** The WHERE clause of a filter; `time: false` leaves out the time range (for the timeline). */
export function incidentWhere(f: IncidentFilter, time = true): string {
  const c: string[] = [];
  if (f.categories.length < INCIDENT_CATEGORIES.length)
    c.push(f.categories.length ? `category IN (${sqlList(f.categories)})` : 'FALSE');
  if (f.statuses.length < INCIDENT_STATUSES.length) c.push(f.statuses.length ? `status IN (${sqlList(f.statuses)})` : 'FALSE');
  if (time) {
    // China midnight as UTC (reported_at is a TIMESTAMP in UTC: columns.ts): the same rows as
    // comparing the China time, but a comparison on the column itself, which DuckDB checks
    // against each row group's min/max and skips what cannot match. A month of Daoli at 2 M
    // incidents: 148 → 23 ms for the three KPI queries (Node DuckDB, one thread).
    const utc = (day: number) => `TIMESTAMP '${dayToDate(day)} 00:00:00' - INTERVAL 8 HOUR`;
    if (f.from > 0) c.push(`reported_at >= ${utc(f.from)}`);
    if (f.to < (f.days ?? INCIDENT_DAYS)) c.push(`reported_at < ${utc(f.to)}`);
  }
  if (f.street) c.push(`street = ${sqlList([f.street])}`);
  if (f.community) c.push(`community = ${sqlList([f.community])}`);
  return c.length ? `WHERE ${c.join(' AND ')}` : '';
}

/** KPI cards: incidents in range, closed, closed rate, median hours from report to close. */
export function incidentKpis(src: TableSource, district: DistrictCode, f: IncidentFilter): string {
  return `SELECT count(*)::INTEGER AS incidents,
    count(*) FILTER (WHERE status = 'closed')::INTEGER AS closed,
    CASE WHEN count(*) = 0 THEN NULL ELSE count(*) FILTER (WHERE status = 'closed') / count(*) END AS closed_rate,
    quantile_cont((epoch_ms(closed_at) - epoch_ms(reported_at)) / 3600000.0, 0.5)
      FILTER (WHERE status = 'closed' AND closed_at IS NOT NULL) AS median_hours
  FROM ${src('incidents', district)} ${incidentWhere(f)}`;
}

/** The most frequent categories in the selection. */
export function incidentTopCategories(src: TableSource, district: DistrictCode, f: IncidentFilter, limit = 3): string {
  return `SELECT category, count(*)::INTEGER AS n FROM ${src('incidents', district)} ${incidentWhere(f)}
  GROUP BY category ORDER BY n DESC, category LIMIT ${Math.trunc(limit)}`;
}

/** Hotspots: grids by incidents per 1,000 households a year (grids table; filterYears), highest first. */
export function incidentHotspots(src: TableSource, district: DistrictCode, f: IncidentFilter, limit = 10): string {
  return `SELECT c.grid, c.n, g.households, c.n * 1000.0 / g.households / (${filterDays(f)} / ${DAYS_PER_YEAR}) AS rate
  FROM (SELECT grid, count(*)::INTEGER AS n FROM ${src('incidents', district)} ${incidentWhere(f)} GROUP BY grid) c
  JOIN ${src('grids', district)} g ON g.code = c.grid
  WHERE g.households > 0
  ORDER BY rate DESC, c.grid LIMIT ${Math.trunc(limit)}`;
}

/** The day of the last incident (China time), for the period a page shows (periodDays). */
export function incidentLastDay(src: TableSource, district: DistrictCode): string {
  return `SELECT max(date_diff('day', DATE '${INCIDENT_DAY0}', CAST(${CST} AS DATE)))::INTEGER AS last FROM ${src('incidents', district)}`;
}

/** Daily counts (China time) for the timeline: every filter but the time range. */
export function incidentDailyCounts(src: TableSource, district: DistrictCode, f: IncidentFilter): string {
  return `SELECT date_diff('day', DATE '${INCIDENT_DAY0}', CAST(${CST} AS DATE))::INTEGER AS day, count(*)::INTEGER AS n
  FROM ${src('incidents', district)} ${incidentWhere(f, false)} GROUP BY 1 ORDER BY 1`;
}

/** Incidents per grid in the selection (the choropleth's numerator). */
export function incidentGridCounts(src: TableSource, district: DistrictCode, f: IncidentFilter): string {
  return `SELECT grid, count(*)::INTEGER AS n FROM ${src('incidents', district)} ${incidentWhere(f)} GROUP BY grid ORDER BY grid`;
}

/** Communities (ordered by code; the order of `ci` in incidentFilterColumns) with their street. */
export function districtCommunities(src: TableSource, district: DistrictCode): string {
  return `SELECT c.code, c.name, c.street, s.name AS street_name, c.households
  FROM ${src('communities', district)} c JOIN ${src('streets', district)} s ON s.code = c.street ORDER BY c.code`;
}

/** Grids ordered by code (the order of `gi` in incidentFilterColumns). */
export function districtGrids(src: TableSource, district: DistrictCode): string {
  return `SELECT code, community, households FROM ${src('grids', district)} ORDER BY code`;
}

/**
 * One small typed column per incident for filtering on the client: position, category and
 * status as their index in INCIDENT_CATEGORIES / INCIDENT_STATUSES, day index (China time),
 * community and grid as their index in districtCommunities / districtGrids.
 */
export function incidentFilterColumns(src: TableSource, district: DistrictCode): string {
  return `SELECT i.lon, i.lat,
    (list_position([${sqlList(INCIDENT_CATEGORIES)}], i.category) - 1)::TINYINT AS cat,
    (list_position([${sqlList(INCIDENT_STATUSES)}], i.status) - 1)::TINYINT AS st,
    date_diff('day', DATE '${INCIDENT_DAY0}', CAST(CAST(i.reported_at AS TIMESTAMP) + INTERVAL 8 HOUR AS DATE))::SMALLINT AS day,
    c.ci, g.gi
  FROM ${src('incidents', district)} i
  JOIN (SELECT code, (row_number() OVER (ORDER BY code) - 1)::SMALLINT AS ci FROM ${src('communities', district)}) c ON c.code = i.community
  JOIN (SELECT code, (row_number() OVER (ORDER BY code) - 1)::SMALLINT AS gi FROM ${src('grids', district)}) g ON g.code = i.grid`;
}

// ---------------------------------------------------------------------------------------------
// District comparison (/compare). One row or a small table per district; households are the
// communities' totals, rates are per 1,000 (incidents, a year: over the district's whole period,
// periodDaysSql) and per 10,000 (stations) households.

/**
 * periodDays in SQL, as a scalar subquery: the days from INCIDENT_DAY0 to the end of the month of
 * the district's last incident, at least INCIDENT_DAYS (the demo's two years). The comparison's
 * yearly rates divide by it ÷ DAYS_PER_YEAR.
 */
function periodDaysSql(src: TableSource, district: DistrictCode): string {
  return `(SELECT greatest(${INCIDENT_DAYS}, coalesce(date_diff('day', DATE '${INCIDENT_DAY0}',
    CAST(date_trunc('month', max(CAST(${CST} AS DATE))) + INTERVAL 1 MONTH AS DATE)), 0))::INTEGER FROM ${src('incidents', district)})`;
}

/** Headline figures of one district for the comparison table. */
export function compareSummary(src: TableSource, district: DistrictCode): string {
  return `WITH hh AS (SELECT sum(households)::BIGINT AS households, count(*)::INTEGER AS communities FROM ${src('communities', district)}),
  g AS (SELECT count(*)::INTEGER AS grids, median(households)::DOUBLE AS median_hh_grid,
    (count(*) FILTER (WHERE households BETWEEN ${DEFAULT_MIN} AND ${DEFAULT_MAX}))::DOUBLE / count(*) AS grids_in_band FROM ${src('grids', district)}),
  c AS (SELECT count(*)::INTEGER AS compounds FROM ${src('compounds', district)}),
  s AS (SELECT count(*)::INTEGER AS stations FROM ${src('stations', district)}),
  i AS (SELECT count(*)::INTEGER AS incidents, count(*) FILTER (WHERE status = 'closed')::INTEGER AS closed,
    quantile_cont((epoch_ms(closed_at) - epoch_ms(reported_at)) / 3600000.0, 0.5)
      FILTER (WHERE status = 'closed' AND closed_at IS NOT NULL) AS median_close_hours
    FROM ${src('incidents', district)}),
  p AS (SELECT ${periodDaysSql(src, district)} AS period_days)
  SELECT hh.households::DOUBLE AS households, hh.communities, g.grids, c.compounds, g.median_hh_grid, g.grids_in_band,
    s.stations, (s.stations * 10000 / hh.households)::DOUBLE AS stations_per_10k,
    i.incidents, (i.incidents * 1000 / hh.households / (p.period_days / ${DAYS_PER_YEAR}))::DOUBLE AS incidents_per_1000_yr, p.period_days,
    i.closed, (CASE WHEN i.incidents = 0 THEN NULL ELSE i.closed / i.incidents END)::DOUBLE AS closed_rate, i.median_close_hours::DOUBLE AS median_close_hours
  FROM hh, g, c, s, i, p`;
}

/** Households of every grid (the histogram's values), ordered by code. */
export function compareGridHouseholds(src: TableSource, district: DistrictCode): string {
  return `SELECT code, households FROM ${src('grids', district)} ORDER BY code`;
}

/** Stations by kind. */
export function compareStationKinds(src: TableSource, district: DistrictCode): string {
  return `SELECT kind, count(*)::INTEGER AS n FROM ${src('stations', district)} GROUP BY kind ORDER BY kind`;
}

/** Incidents by category, with the rate per 1,000 households of the district a year (over its period, as compareSummary). */
export function compareCategories(src: TableSource, district: DistrictCode): string {
  return `SELECT i.category, i.n, (i.n * 1000 / hh.households / (p.period_days / ${DAYS_PER_YEAR}))::DOUBLE AS per_1000_yr
  FROM (SELECT category, count(*)::INTEGER AS n FROM ${src('incidents', district)} GROUP BY category) i,
    (SELECT sum(households) AS households FROM ${src('communities', district)}) hh,
    (SELECT ${periodDaysSql(src, district)} AS period_days) p
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
/**
 * The columns a page's queries read, per table. The browser decodes only these from the Parquet
 * (decoding every column of a district's incidents costs seconds); counting rows needs one column.
 */
export type TableColumns = Partial<Record<TableName, readonly string[]>>;

/** What the comparison queries read (buildings are not needed). */
export const COMPARE_COLUMNS = {
  communities: ['households'],
  grids: ['code', 'households'],
  compounds: ['id'],
  stations: ['kind'],
  incidents: ['category', 'status', 'reported_at', 'closed_at']
} as const satisfies TableColumns;
export const COMPARE_TABLES = Object.keys(COMPARE_COLUMNS) as (keyof typeof COMPARE_COLUMNS)[];

/** What /heatmap's queries read: districtCommunities, districtGrids, incidentFilterColumns, KPIs, hotspots. */
export const HEATMAP_COLUMNS = {
  incidents: ['street', 'community', 'grid', 'category', 'status', 'reported_at', 'closed_at', 'lon', 'lat'],
  communities: ['code', 'name', 'street', 'households'],
  streets: ['code', 'name'],
  grids: ['code', 'community', 'households']
} as const satisfies TableColumns;
