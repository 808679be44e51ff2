/**
 * `npm run bench -- heatmap [--json] [--runs N] [--build]`: the /heatmap filter and aggregation
 * timings for all 1,000,000 incidents, measured in headless Chromium (tests/e2e/browser.ts) on the
 * built app served by `vite preview` (what `npm start` runs, see preview.ts): the client-side filter pass, the KPI SQL in DuckDB-wasm and
 * deck.gl's hexagon/grid re-aggregation after a filter change (medians, ms; see
 * src/routes/heatmap/bench-run.ts), and first, on Daoli's page as a user has it, per map mode a
 * category click until the KPI number is in the DOM (`filterToKpiMs`) and until the map is idle
 * again (`filterToMapIdleMs`; see heatmap-page.ts). Builds the app first when
 * `build/` (or `.build/$GRIDATLAS_OUT/build`) is missing or with --build.
 */
import { launch, watchErrors } from '../../tests/e2e/browser';
import type { HeatmapBenchResult } from '../../src/routes/heatmap/bench-run';
import { intArg } from './harness';
import { filterClicks } from './heatmap-page';
import { numbersOnScreen } from './page-figures';
import { ensureBuilt, startPreview } from '../lib/preview';
import { openNodeDb } from '../lib/node-db';
import {
  incidentDailyCounts,
  incidentHotspots,
  incidentKpis,
  incidentTopCategories,
  parquetSource,
  INCIDENT_DAYS
} from '../../src/lib/data/queries';
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES } from '../../src/lib/data/schema';

const DAOLI = '230102';
/** What a leader reads first: the three KPI cards and the hotspot list. */
const NUMBERS = ['incidents', 'closed-rate', 'median-hours', 'hotspots'].map(
  (k) => `.heatmap aside [data-kpi=${k}] ${k === 'hotspots' ? 'li' : '.value'}`
);

/** Node DuckDB, the same SQL the page runs for its first numbers, straight over Daoli's Parquet. */
async function nodeSameQueries(): Promise<number> {
  const db = await openNodeDb();
  const src = parquetSource((t, d) => `static/data/${d}/${t}.parquet`);
  const f = {
    categories: [...INCIDENT_CATEGORIES],
    statuses: [...INCIDENT_STATUSES],
    from: 0,
    to: INCIDENT_DAYS,
    street: null,
    community: null
  };
  const t0 = performance.now();
  for (const q of [incidentKpis, incidentTopCategories, incidentHotspots, incidentDailyCounts])
    await db.all(q(src, DAOLI, f));
  const ms = performance.now() - t0;
  db.close();
  return Math.round(ms);
}

export async function benchHeatmap(args: string[]): Promise<unknown> {
  const runs = intArg(args, '--runs', 7);
  ensureBuilt(args.includes('--build'));
  const server = await startPreview();
  const base = server.base;
  const browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // What the page threw or logged as an error (e.g. a worker that failed to load): a bench of a broken page says so.
    const errors: string[] = [];
    await watchErrors(page, errors);
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(`${base}/heatmap?d=${DAOLI}`);
    const cold = await numbersOnScreen(page, NUMBERS);
    // The second visit in the same browser (its HTTP cache and service worker warm).
    await page.reload();
    const warm = await numbersOnScreen(page, NUMBERS);
    await page.waitForFunction(
      () => typeof (window as unknown as { __gridatlasHeatmapBench?: unknown }).__gridatlasHeatmapBench === 'function',
      undefined,
      {
        timeout: 60_000
      }
    );
    // Let the page finish its own first load of Daoli before measuring.
    await page.waitForFunction(
      () => !!document.querySelector('.heatmap [data-kpi=incidents]')?.getAttribute('data-value'),
      undefined,
      { timeout: 120_000 }
    );
    // Page-level first, on the page as a user has it (the hook below loads all three districts into it).
    const clicks = await filterClicks(page, Math.min(runs, 5));
    const result = await page.evaluate(
      (n) =>
        (
          window as unknown as { __gridatlasHeatmapBench(n: number): Promise<HeatmapBenchResult> }
        ).__gridatlasHeatmapBench(n),
      runs
    );
    const perMode = <K extends 'filterToKpiMs' | 'filterToMapIdleMs' | 'kpiRuns'>(k: K) =>
      Object.fromEntries(Object.entries(clicks).map(([m, c]) => [m, c[k]]));
    const nodeSameQueriesMs = await nodeSameQueries();
    return {
      coldFirstNumbersMs: cold.firstNumbersMs,
      coldAllNumbersMs: cold.allNumbersMs,
      warmMs: warm.allNumbersMs,
      nodeSameQueriesMs,
      ratio: Math.round((cold.allNumbersMs / nodeSameQueriesMs) * 10) / 10,
      peakMB: Math.max(cold.peakJsHeapMB, warm.peakJsHeapMB),
      ...result,
      filterToKpiMs: perMode('filterToKpiMs'),
      filterToMapIdleMs: perMode('filterToMapIdleMs'),
      filterToKpiRuns: perMode('kpiRuns'),
      device: 'headless Chromium, SwiftShader WebGL (CPU)',
      note: "ms. Page-level, Daoli (a user's view): coldFirstNumbersMs / coldAllNumbersMs = navigation start until the incidents KPI / every KPI card and the hotspot list are in the DOM, one fresh profile; warmMs = the same on reloading; peakMB = the page's largest main-thread JS heap (workers not counted); nodeSameQueriesMs = Node DuckDB running the same KPI, top-category, hotspot and timeline SQL over the Parquet files; ratio = coldAllNumbersMs / nodeSameQueriesMs; filterToKpiMs = a category click until the number is in the DOM, per map mode (medians). The rest (loadMs … keptPerFilter) is the in-page hook over all 1,000,000 incidents",
      errors: [...new Set(errors)]
    };
  } finally {
    await browser.close();
    server.close();
  }
}
