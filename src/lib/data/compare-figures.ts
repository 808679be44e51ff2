/**
 * One district's figures for /compare: the named comparison SQL of queries.ts (COMPARE_QUERIES)
 * run through a Connector and put together. The page's state (state/compare.svelte.ts) calls it
 * with DuckDB-wasm; the unit tests call it with Node DuckDB over the same Parquet.
 */
import type { Connector } from './connector';
import { COMPARE_QUERIES, type CompareQueryName } from './queries';
import type { DistrictCode, IncidentCategory, StationKind } from './schema';

export interface CompareSummary {
  households: number;
  communities: number;
  grids: number;
  compounds: number;
  median_hh_grid: number;
  grids_in_band: number;
  stations: number;
  stations_per_10k: number;
  incidents: number;
  /** Incidents per 1,000 households a year, over the district's period (`period_days` from INCIDENT_DAY0). */
  incidents_per_1000_yr: number;
  period_days: number;
  closed: number;
  closed_rate: number | null;
  median_close_hours: number | null;
}

export interface DistrictFigures {
  summary: CompareSummary;
  gridHouseholds: number[];
  stationKinds: { kind: StationKind; n: number }[];
  categories: { category: IncidentCategory; n: number; per_1000_yr: number }[];
  closeDays: { days: number; n: number }[];
  monthly: { month: string; n: number }[];
}

/** Runs every comparison query for one district (its tables already `use`d) and assembles the figures. */
export async function districtFigures(db: Connector, code: DistrictCode): Promise<DistrictFigures> {
  const run = <T>(name: CompareQueryName) => db.rows<T>(COMPARE_QUERIES[name](db.source, code));
  const [summary] = await run<CompareSummary>('summary');
  return {
    summary,
    gridHouseholds: (await run<{ households: number }>('gridHouseholds')).map((r) => r.households),
    stationKinds: await run('stationKinds'),
    categories: await run('categories'),
    closeDays: await run('closeDays'),
    monthly: await run('monthly')
  };
}

