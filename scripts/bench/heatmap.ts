/**
 * `npm run bench -- heatmap [--json] [--runs N] [--build] [--scales 1,2,5]`: the /heatmap filter and aggregation
 * timings for all 1,000,000 incidents, measured in headless Chromium (tests/e2e/browser.ts) on the
 * built app served by `vite preview` (what `npm start` runs, see preview.ts): the client-side filter pass, the KPI SQL in DuckDB-wasm and
 * deck.gl's hexagon/grid re-aggregation after a filter change (medians, ms; see
 * src/routes/heatmap/bench-run.ts), and first, on Daoli's page as a user has it, per map mode a
 * category click until the KPI number is in the DOM (`filterToKpiMs`) and until the map is idle
 * again (`filterToMapIdleMs`; see heatmap-page.ts), and per map mode a playback step's frame
 * (`playbackFrameMs`, bench-run.ts). Builds the app first when `build/` (or
 * `.build/$GRIDATLAS_OUT/build`) is missing or with --build.
 *
 * `--scales 1,2,5`: the same per dataset with K times the incidents (`npm run data -- --scale K`,
 * made once into .build/scales/xK, git-ignored), served by the same preview server over the same
 * build with only its data folder swapped (scaledSite), plus the renderer's and the GPU process's
 * peak memory (proc-memory.ts): the 1 M → 5 M cost curve.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { watchMemory } from './proc-memory';
import { launch, watchErrors } from '../../tests/e2e/browser';
import type { Page } from 'playwright-core';
import type { HeatmapBenchResult } from '../../src/routes/heatmap/bench-run';
import { PHASE_LOG } from '../../src/routes/heatmap/bench-phase';
import { intArg } from './harness';
import { filterClicks } from './heatmap-page';
import { numbersOnScreen } from './page-figures';
import { builtDir, ensureBuilt, startPreview } from '../lib/preview';
import { openNodeDb } from '../lib/node-db';
import {
  incidentDailyCounts,
  incidentHotspots,
  incidentKpis,
  incidentTopCategories,
  parquetSource,
  allIncidents
} from '../../src/lib/data/queries';

const DAOLI = '230102';
/** What a leader reads first: the three KPI cards and the hotspot list. */
const NUMBERS = ['incidents', 'closed-rate', 'median-hours', 'hotspots'].map(
  (k) => `.heatmap aside [data-kpi=${k}] ${k === 'hotspots' ? 'li' : '.value'}`
);

/** Node DuckDB, the same SQL the page runs for its first numbers, straight over Daoli's Parquet. */
async function nodeSameQueries(dataDir: string): Promise<number> {
  const db = await openNodeDb();
  const src = parquetSource((t, d) => `${dataDir}/${d}/${t}.parquet`);
  const f = allIncidents();
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
  const at = args.indexOf('--scales');
  if (at < 0) return measure(runs, 'static/data');
  const scales = (args[at + 1] ?? '').split(',').map(Number);
  if (!scales.length || scales.some((k) => !(k > 0 && k <= 20)))
    throw new Error(`--scales wants numbers above 0 and at most 20, e.g. 1,2,5; got ${JSON.stringify(args[at + 1])}`);
  const out: Record<string, unknown> = {};
  for (const k of scales) {
    const saved = process.env.GRIDATLAS_OUT;
    let incidents = 0;
    try {
      const t0 = performance.now();
      const dataDir = k === 1 ? 'static/data' : scaledData(k);
      const madeS = Math.round((performance.now() - t0) / 100) / 10;
      incidents = (
        JSON.parse(readFileSync(join(dataDir, 'index.json'), 'utf8')) as { districts: { incidents: number }[] }
      ).districts.reduce((s, d) => s + d.incidents, 0);
      if (k !== 1) process.env.GRIDATLAS_OUT = scaledSite(k, dataDir);
      out[`x${k}`] = { scale: k, datasetIncidents: incidents, dataMadeS: madeS, ...(await measure(runs, dataDir)) };
    } catch (e) {
      // Where it breaks is a result too (e.g. out of memory at 5 M): say so and go on.
      out[`x${k}`] = { scale: k, datasetIncidents: incidents, failed: e instanceof Error ? e.message : String(e) };
    } finally {
      // Each scale's figures as they come (a 5 M run takes many minutes): one line on stderr.
      console.error(`heatmap x${k}: ${JSON.stringify(out[`x${k}`])}`);
      if (saved === undefined) delete process.env.GRIDATLAS_OUT;
      else process.env.GRIDATLAS_OUT = saved;
    }
  }
  return { scales: out, device: 'headless Chromium, SwiftShader WebGL (CPU)' };
}

/** The demo with K times the incidents, made once: .build/scales/xK (npm run data -- --scale K). */
function scaledData(k: number): string {
  const dir = resolve(`.build/scales/x${k}`);
  if (!existsSync(join(dir, 'index.json')))
    execFileSync('node', ['--import', 'tsx', 'scripts/data.ts', '--scale', String(k), '--out', dir], {
      stdio: ['ignore', 'ignore', 'inherit']
    });
  return dir;
}

/**
 * A site for `vite preview` that is the current build with its data folder swapped for `dataDir`:
 * `.build/<name>/.svelte-kit` (what the preview serves, svelte.config.js) made of links to the
 * build's own files, so nothing is copied or rebuilt. Returns the GRIDATLAS_OUT name.
 */
function scaledSite(k: number, dataDir: string): string {
  const built = resolve(builtDir(), '..', '.svelte-kit');
  if (!existsSync(join(built, 'output/client')))
    throw new Error(`no build at ${built}: run with GRIDATLAS_OUT set, or --build`);
  const name = `${process.env.GRIDATLAS_OUT ?? 'bench'}-x${k}`;
  const site = resolve(`.build/${name}/.svelte-kit`);
  rmSync(resolve(`.build/${name}`), { recursive: true, force: true });
  // Links to everything the build has, except the path to the data folder, which goes deeper.
  const mirror = (from: string, to: string, path: string[]) => {
    mkdirSync(to, { recursive: true });
    for (const e of readdirSync(from)) {
      if (path.length && e === path[0]) {
        if (path.length === 1) symlinkSync(dataDir, join(to, e));
        else mirror(join(from, e), join(to, e), path.slice(1));
      } else symlinkSync(join(from, e), join(to, e));
    }
  };
  mirror(built, site, ['output', 'client', 'data']);
  if (!lstatSync(join(site, 'output/client/data')).isSymbolicLink()) throw new Error('the data folder was not swapped');
  return name;
}

/** performance.now() in the page once the KPI cards hold DuckDB-wasm's own numbers (checked against the built ones, or said to differ). */
async function checkedMs(page: Page): Promise<number> {
  await page.waitForSelector('[data-testid=heatmap-provenance][data-source=browser], [data-testid=heatmap-mismatch]', {
    timeout: 240_000
  });
  return Math.round(await page.evaluate(() => performance.now()));
}

async function measure(runs: number, dataDir: string) {
  const server = await startPreview();
  const base = server.base;
  const browser = await launch();
  // Chromium is a child of this process (Playwright starts it), so are its renderer and GPU processes.
  const memory = watchMemory(process.pid);
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // What the page threw or logged as an error (e.g. a worker that failed to load): a bench of a broken page says so.
    const errors: string[] = [];
    await watchErrors(page, errors);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
      else if (m.text().startsWith(`${PHASE_LOG} `)) memory.phase(m.text().slice(PHASE_LOG.length + 1));
    });
    memory.phase('cold-open');
    await page.goto(`${base}/heatmap?d=${DAOLI}`);
    const cold = await numbersOnScreen(page, NUMBERS);
    const coldChecked = await checkedMs(page);
    // The second visit in the same browser (its HTTP cache and service worker warm).
    memory.phase('reload');
    await page.reload();
    const warm = await numbersOnScreen(page, NUMBERS);
    const warmChecked = await checkedMs(page);
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
    memory.phase('filter-clicks');
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
    const nodeSameQueriesMs = await nodeSameQueries(dataDir);
    const mem = await memory.stop();
    return {
      coldFirstNumbersMs: cold.firstNumbersMs,
      coldAllNumbersMs: cold.allNumbersMs,
      coldCheckedMs: coldChecked,
      warmMs: warm.allNumbersMs,
      warmCheckedMs: warmChecked,
      nodeSameQueriesMs,
      ratio: Math.round((coldChecked / nodeSameQueriesMs) * 10) / 10,
      peakMB: Math.max(cold.peakJsHeapMB, warm.peakJsHeapMB),
      ...mem,
      ...result,
      filterToKpiMs: perMode('filterToKpiMs'),
      filterToMapIdleMs: perMode('filterToMapIdleMs'),
      filterToKpiRuns: perMode('kpiRuns'),
      device: 'headless Chromium, SwiftShader WebGL (CPU)',
      note: "ms. Page-level, Daoli (a user's view): coldFirstNumbersMs / coldAllNumbersMs = navigation start until the incidents KPI / every KPI card and the hotspot list are in the DOM, one fresh profile (the numbers computed when the data was built, figures.json, shown first); coldCheckedMs = until DuckDB-wasm's own numbers have replaced them (the page says they match); warmMs / warmCheckedMs = the same on reloading; peakMB = the page's largest main-thread JS heap (workers not counted); nodeSameQueriesMs = Node DuckDB running the same KPI, top-category, hotspot and timeline SQL over the Parquet files; ratio = coldCheckedMs / nodeSameQueriesMs (the browser's SQL path against Node's); filterToKpiMs = a category click until the number is in the DOM, per map mode (medians). playbackFrameMs = per map mode, a playback step's frame on Daoli (the map takes the month's filter until the frame that drew it has ended; playbackStepMs from the step, KPI SQL first); rendererPeakMB / gpuProcessPeakMB / allPeakMB = largest resident memory of the page's renderer process, of the GPU process (SwiftShader) and of the whole browser, sampled every 250 ms over the run (RSS). The rest (loadMs … keptPerFilter) is the in-page hook over all three districts' incidents (1,000,000 at scale 1)",
      errors: [...new Set(errors)]
    };
  } finally {
    await memory.stop();
    await browser.close();
    server.close();
  }
}
