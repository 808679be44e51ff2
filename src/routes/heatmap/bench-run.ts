/**
 * Measurements for `npm run bench -- heatmap` (scripts/bench/heatmap.ts), run inside the real
 * page of an instrumented build (bench-hook.ts loads this module): `window.__gridatlasHeatmapBench()`
 * loads all three districts (1,000,000 incidents), times the client-side filter pass, the KPI SQL in DuckDB-wasm and deck.gl's re-aggregation
 * (filter change → the map takes it → hexagon/grid aggregation done), and returns medians in
 * milliseconds.
 */
import { openDb } from '$lib/data/duckdb-browser';
import { DISTRICT_CODES } from '$lib/data/districts';
import {
  dateToDay,
  incidentHotspots,
  incidentKpis,
  incidentTopCategories,
  type IncidentFilter
} from '$lib/data/queries';
import { concatColumns, filterIncidents, sameFilter } from '$lib/map/heatmap-data';
import { dataset } from '$lib/state/dataset.svelte';
import { defaultFilter, filters } from '$lib/state/filters.svelte';
import { incidents, readIncidentColumns } from '$lib/state/incidents.svelte';

export interface HeatmapBenchResult {
  incidents: number;
  runs: number;
  loadMs: number;
  filterMs: number;
  kpiSqlMs: number;
  reaggregateHexagonMs: number;
  reaggregateGridMs: number;
  keptPerFilter: number[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)] * 100) / 100;
};
const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** The filters the benchmark cycles through (what a leader clicks in a briefing). */
export function benchFilters(): IncidentFilter[] {
  const all = defaultFilter();
  return [
    { ...all, categories: ['sanitation'], from: dateToDay('2025-03-01'), to: dateToDay('2025-04-01') },
    { ...all, categories: ['safety', 'dispute'], statuses: ['open', 'dispatched'] },
    { ...all, from: dateToDay('2025-01-01') },
    all
  ];
}

export async function run(runs = 7): Promise<HeatmapBenchResult> {
  const db = await openDb(dataset.root);
  const t0 = performance.now();
  const parts = [];
  for (const code of DISTRICT_CODES) parts.push((await readIncidentColumns(db, code)).columns);
  const all = concatColumns(parts);
  const loadMs = performance.now() - t0;
  const fs = benchFilters();

  const filterT: number[] = [];
  for (let r = 0; r < runs; r++)
    for (const f of fs) {
      const a = performance.now();
      filterIncidents(all, f);
      filterT.push(performance.now() - a);
    }

  const kpiT: number[] = [];
  for (let r = 0; r < runs; r++) {
    const f = fs[r % fs.length];
    const a = performance.now();
    for (const code of DISTRICT_CODES) {
      await db.query(incidentKpis(db.source, code, f));
      await db.query(incidentTopCategories(db.source, code, f));
      await db.query(incidentHotspots(db.source, code, f));
    }
    kpiT.push(performance.now() - a);
  }

  // deck.gl on the page: the map gets all 1M incidents, the filter changes, we wait for the aggregation.
  incidents.suspendQueries = true;
  const saved = incidents.columns;
  const reagg = async (mode: 'hexagon' | 'grid') => {
    incidents.columns = all;
    incidents.setMode(mode);
    filters.apply(fs[3]);
    await waitAggregated(fs[3], 0);
    const t: number[] = [];
    for (let r = 0; r < runs; r++) {
      const a = performance.now();
      filters.apply(fs[r % 3]);
      await waitAggregated(fs[r % 3], a);
      t.push(performance.now() - a);
      filters.apply(fs[3]);
      await waitAggregated(fs[3], performance.now());
    }
    return median(t);
  };
  const hex = await reagg('hexagon');
  const grid = await reagg('grid');
  incidents.columns = saved;
  incidents.setMode('heatmap');
  filters.reset();
  incidents.suspendQueries = false;

  return {
    incidents: all.length,
    runs,
    loadMs: Math.round(loadMs),
    filterMs: median(filterT),
    kpiSqlMs: median(kpiT),
    reaggregateHexagonMs: hex,
    reaggregateGridMs: grid,
    keptPerFilter: fs.map((f) => filterIncidents(all, f).length)
  };
}

/**
 * Until the map shows filter `f` (it follows the KPI numbers, see incidents.follow) and deck.gl
 * has aggregated it; another aggregation (e.g. of the filter before) does not count.
 */
async function waitAggregated(f: IncidentFilter, after: number, timeout = 60_000) {
  const end = performance.now() + timeout;
  while (
    !incidents.mapFilter ||
    !sameFilter(incidents.mapFilter, f) ||
    incidents.aggregatedAt <= Math.max(after, incidents.mapFilterAt)
  ) {
    if (performance.now() > end) throw new Error('deck.gl did not aggregate');
    await frame();
  }
}
