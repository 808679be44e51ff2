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

/**
 * `<district>/figures.json`, written by `npm run data` beside the Parquet it was computed from:
 * the same `districtFigures` run by Node DuckDB when the data was built. /compare shows it at once
 * and then checks it against DuckDB-wasm's own answer over the Parquet (`sameFigures`).
 */
export interface PrecomputedFigures {
  /** The engine that ran the SQL, e.g. "DuckDB v1.5.2 (Node, npm run data)". */
  engine: string;
  figures: DistrictFigures;
}

/** Throws (with the field) unless `json` has the shape of PrecomputedFigures: a bad file is never shown. */
export function readPrecomputed(json: unknown): PrecomputedFigures {
  const o = json as Partial<PrecomputedFigures> | null;
  const f = o?.figures as Partial<DistrictFigures> | undefined;
  const bad = (field: string) => new Error(`figures.json: ${field} missing or malformed`);
  if (typeof o?.engine !== 'string') throw bad('engine');
  if (!f || typeof f.summary !== 'object' || f.summary === null) throw bad('figures.summary');
  for (const k of ['households', 'grids', 'median_hh_grid', 'incidents', 'incidents_per_1000_yr'] as const)
    if (typeof f.summary[k] !== 'number') throw bad(`figures.summary.${k}`);
  for (const k of ['gridHouseholds', 'stationKinds', 'categories', 'closeDays', 'monthly'] as const)
    if (!Array.isArray(f[k])) throw bad(`figures.${k}`);
  return o as PrecomputedFigures;
}

/**
 * The same figures, numbers equal to 1e-9 relative (two DuckDB builds may round a median or a
 * rate in the last bits): the check of a precomputed answer against the browser's.
 */
export function sameFigures(a: DistrictFigures, b: DistrictFigures): boolean {
  const same = (x: unknown, y: unknown): boolean => {
    if (typeof x === 'number' && typeof y === 'number')
      return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
    if (Array.isArray(x) && Array.isArray(y)) return x.length === y.length && x.every((v, i) => same(v, y[i]));
    if (x && y && typeof x === 'object' && typeof y === 'object') {
      const kx = Object.keys(x).sort();
      const ky = Object.keys(y).sort();
      return same(kx, ky) && kx.every((k) => same((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]));
    }
    return x === y;
  };
  return same(a, b);
}
