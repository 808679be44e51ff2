/**
 * `<district>/figures.json`, written by `npm run data` beside the Parquet it was computed from
 * (scripts/generate/figures.ts): the named SQL the pages run, answered by Node DuckDB when the data
 * was built — /compare's figures and /heatmap's numbers for its opening filter (every incident).
 * The pages show these at once, while DuckDB-wasm starts, and then check them against the
 * browser's own answer over the Parquet (`sameNumbers`): the browser's answer is what stays shown.
 */
import type { DistrictFigures } from './compare-figures';
import type { IncidentNumbers } from './incident-numbers';
import type { IncidentFilter } from './queries';

export interface PrecomputedHeatmap {
  /** The filter the numbers are for: every incident over the district's period. */
  filter: IncidentFilter;
  numbers: IncidentNumbers;
  /** Incidents per day of the period (the timeline), index = day from INCIDENT_DAY0. */
  daily: number[];
}

export interface PrecomputedFigures {
  /** The engine that ran the SQL, e.g. "DuckDB v1.5.5 (Node, npm run data)". */
  engine: string;
  figures: DistrictFigures;
  heatmap: PrecomputedHeatmap;
}

/** Throws (naming the field) unless `json` has the shape of PrecomputedFigures: a bad file is never shown. */
export function readPrecomputed(json: unknown): PrecomputedFigures {
  const o = json as Partial<PrecomputedFigures> | null;
  const bad = (field: string) => new Error(`figures.json: ${field} missing or malformed`);
  if (typeof o?.engine !== 'string') throw bad('engine');
  const f = o.figures as Partial<DistrictFigures> | undefined;
  if (!f || typeof f.summary !== 'object' || f.summary === null) throw bad('figures.summary');
  for (const k of ['households', 'grids', 'median_hh_grid', 'incidents', 'incidents_per_1000_yr'] as const)
    if (typeof f.summary[k] !== 'number') throw bad(`figures.summary.${k}`);
  for (const k of ['gridHouseholds', 'stationKinds', 'categories', 'closeDays', 'monthly'] as const)
    if (!Array.isArray(f[k])) throw bad(`figures.${k}`);
  const h = o.heatmap as Partial<PrecomputedHeatmap> | undefined;
  if (!h?.filter || !Array.isArray(h.filter.categories)) throw bad('heatmap.filter');
  if (typeof h.numbers?.kpis?.incidents !== 'number') throw bad('heatmap.numbers.kpis.incidents');
  if (!Array.isArray(h.numbers.top) || !Array.isArray(h.numbers.hotspots)) throw bad('heatmap.numbers');
  if (!Array.isArray(h.daily) || !h.daily.every((n) => Number.isInteger(n))) throw bad('heatmap.daily');
  return o as PrecomputedFigures;
}

/**
 * The same answer: equal structure, strings and nulls, numbers equal to 1e-9 relative (two DuckDB
 * builds may round a median or a rate in the last bits). The check of a precomputed answer against the browser's.
 */
export function sameNumbers(x: unknown, y: unknown): boolean {
  if (typeof x === 'number' && typeof y === 'number')
    return x === y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
  if (Array.isArray(x) || Array.isArray(y))
    return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => sameNumbers(v, y[i]));
  if (x && y && typeof x === 'object' && typeof y === 'object') {
    const kx = Object.keys(x).sort();
    const ky = Object.keys(y).sort();
    return (
      sameNumbers(kx, ky) &&
      kx.every((k) => sameNumbers((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k]))
    );
  }
  return x === y;
}
