/**
 * Measurements for `npm run bench -- heatmap` (scripts/bench/heatmap.ts), run inside the real
 * page of an instrumented build (bench-hook.ts loads this module): `window.__gridatlasHeatmapBench()`
 * first times playback steps on the page's own district, per map mode (`playback`), then loads all
 * three districts (1,000,000 incidents), times the client-side filter pass, the KPI SQL in
 * DuckDB-wasm and deck.gl's re-aggregation (filter change → the map takes it → hexagon/grid
 * aggregation done), and returns medians in milliseconds.
 */
import { openDb } from '$lib/data/duckdb-browser';
import { benchPhase as phase } from './bench-phase';
import { DISTRICT_CODES } from '$lib/data/districts';
import {
  dateToDay,
  incidentHotspots,
  incidentKpis,
  incidentTopCategories,
  type IncidentFilter
} from '$lib/data/queries';
import { concatColumns, filterIncidents, sameFilter } from '$lib/map/heatmap-data';
import { HEATMAP_MODES, type HeatmapMode } from '$lib/map/heatmap-legend';
import { dataset } from '$lib/state/dataset.svelte';
import { filters, playback } from '$lib/state/filters.svelte';
import { allIncidents } from '$lib/data/queries';
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
  /** Per map mode, on the page's district: see playbackFrames. */
  playbackFrameMs: Record<HeatmapMode, number>;
  playbackStepMs: Record<HeatmapMode, number>;
  playbackRuns: Record<HeatmapMode, number[]>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)] * 100) / 100;
};
const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** The filters the benchmark cycles through (what a leader clicks in a briefing). */
export function benchFilters(): IncidentFilter[] {
  const all = allIncidents();
  return [
    { ...all, categories: ['sanitation'], from: dateToDay('2025-03-01'), to: dateToDay('2025-04-01') },
    { ...all, categories: ['safety', 'dispute'], statuses: ['open', 'dispatched'] },
    { ...all, from: dateToDay('2025-01-01') },
    all
  ];
}

/**
 * Playback steps on the page as it stands (its district, KPI queries on), per map mode: the
 * timeline's step (filters.setMonth, what the play button's timer calls) from one month to the
 * next, `runs` times. `playbackFrameMs`: from the map taking the month's filter until the frame
 * that drew it has ended (incidents.mapMs: deck.gl's update, filtering, aggregation and draw);
 * `playbackStepMs`: from the step until then (the KPI numbers come first, so this adds their SQL).
 * Medians, ms.
 */
async function playbackFrames(runs: number) {
  playback.pause();
  const frameMs = {} as Record<HeatmapMode, number>;
  const stepMs = {} as Record<HeatmapMode, number>;
  const all = {} as Record<HeatmapMode, number[]>;
  for (const mode of HEATMAP_MODES) {
    incidents.setMode(mode);
    // A step not counted: the mode's first draw (its layer's attributes) is not a playback step's.
    for (const m of [filters.months.length - 2, 0]) {
      const before = incidents.mapVersion;
      filters.setMonth(m);
      await waitDrawn(filters.current, before);
    }
    const frame: number[] = [];
    const step: number[] = [];
    for (let m = 1; m <= runs; m++) {
      const before = incidents.mapVersion;
      const a = performance.now();
      filters.setMonth(m % (filters.months.length - 1));
      await waitDrawn(filters.current, before);
      step.push(performance.now() - a);
      frame.push(incidents.mapMs);
    }
    frameMs[mode] = median(frame);
    stepMs[mode] = median(step);
    all[mode] = frame.map((x) => Math.round(x));
  }
  incidents.setMode('heatmap');
  filters.reset();
  return { frameMs, stepMs, all };
}

/** Until the map has drawn filter `f` (mapVersion past `before`). */
async function waitDrawn(f: IncidentFilter, before: number, timeout = 120_000) {
  const end = performance.now() + timeout;
  while (!incidents.mapFilter || !sameFilter(incidents.mapFilter, f) || incidents.mapVersion <= before) {
    if (performance.now() > end) throw new Error('the map did not draw the playback step');
    await frame();
  }
}

export async function run(runs = 7): Promise<HeatmapBenchResult> {
  phase('playback');
  const pb = await playbackFrames(runs);
  phase('load-1m');
  const db = await openDb(dataset.root);
  const t0 = performance.now();
  const parts = [];
  for (const code of DISTRICT_CODES) parts.push((await readIncidentColumns(db, code)).columns);
  const all = concatColumns(parts);
  // Copied into `all`: let the districts' own arrays go (the memory figures are the page's, not the hook's).
  parts.length = 0;
  const loadMs = performance.now() - t0;
  const fs = benchFilters();

  phase('filter-1m');
  const filterT: number[] = [];
  for (let r = 0; r < runs; r++)
    for (const f of fs) {
      const a = performance.now();
      filterIncidents(all, f);
      filterT.push(performance.now() - a);
    }

  phase('kpi-sql-1m');
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
  phase('hexagon-1m');
  const hex = await reagg('hexagon');
  phase('grid-1m');
  const grid = await reagg('grid');
  phase('done');
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
    keptPerFilter: fs.map((f) => filterIncidents(all, f).length),
    playbackFrameMs: pb.frameMs,
    playbackStepMs: pb.stepMs,
    playbackRuns: pb.all
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
