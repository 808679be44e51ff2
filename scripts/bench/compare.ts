/**
 * `npm run bench -- compare [--json] [--runs=N] [--loads=N] [--build]`: the comparison queries
 * of queries.ts in the browser (DuckDB-wasm in headless Chromium, the built app served by the
 * `vite preview` server `npm start` runs, see preview.ts) and in Node DuckDB over the same Parquet
 * loaded into in-memory tables.
 * Reports DuckDB-wasm start-up (instantiate → first query answered) and the wall time to load
 * every district's tables (only the columns the comparison reads) over fresh page loads,
 * per-district load times, the median ms of each query per district, browser ÷ Node ratios, the
 * page-level figures of page-figures.ts (cold, warm, peak heap; see the `note` field), and
 * `errors`: what the page threw or logged as an error (empty when the page worked as users get it).
 */
import { DISTRICT_CODES } from '../../src/lib/data/districts';
import { COMPARE_QUERIES, COMPARE_TABLES, type CompareQueryName } from '../../src/lib/data/queries';
import type { CompareBenchResult } from '../../src/routes/compare/bench-run';
import { launch, watchErrors } from '../../tests/e2e/browser';
import type { Page } from 'playwright-core';
import { openNodeDb, readParquet } from '../lib/node-db';
import { intArg as arg, time } from './harness';
import { median, numbersOnScreen, wireBytes, type NumbersOnScreen } from './page-figures';
import { ensureBuilt, startPreview } from '../lib/preview';

/** performance.now() in the page when every district's figures are DuckDB-wasm's own (the page says it has checked them). */
async function checkedMs(page: Page): Promise<number> {
  await page.waitForSelector('[data-testid=compare-provenance][data-settled=true]', { timeout: 240_000 });
  return Math.round(await page.evaluate(() => performance.now()));
}

async function browserSide(runs: number, loads: number, build: boolean) {
  ensureBuilt(build);
  const server = await startPreview();
  const browser = await launch();
  // What the page threw or logged as an error (e.g. a worker that failed to load): a bench of a broken page says so.
  const errors: string[] = [];
  try {
    const base = server.base;
    const url = `${base}/compare?ds=${DISTRICT_CODES.join(',')}`;
    const starts: number[] = [];
    const loadsAll: number[] = [];
    const cold: NumbersOnScreen[] = [];
    const coldChecked: number[] = [];
    let warm: NumbersOnScreen | null = null;
    let warmChecked = 0;
    let cached: NumbersOnScreen | null = null;
    let back: NumbersOnScreen | null = null;
    let backBytes = 0;
    const coldBytes: number[] = [];
    let warmBytes = 0;
    let cachedBytes = 0;
    let coldTop: Record<string, number> = {};
    // Each district's median households per grid: the table's numbers come with the whole summary.
    const groups = DISTRICT_CODES.map((d) => `[data-testid="metric-median_hh_grid-${d}"]`);
    let result: CompareBenchResult | null = null;
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext();
      const wire = wireBytes(context);
      const page = await context.newPage();
      await watchErrors(page, errors);
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      await page.goto(url);
      cold.push(await numbersOnScreen(page, groups));
      coldChecked.push(await checkedMs(page));
      const coldWire = await wire.take();
      coldBytes.push(coldWire.bytes);
      coldTop = coldWire.top;
      await page.waitForFunction(() => '__gridatlasCompareBench' in window, undefined, { timeout: 60_000 });
      const r = await page.evaluate(
        (n) =>
          (
            window as unknown as { __gridatlasCompareBench(n: number): Promise<CompareBenchResult> }
          ).__gridatlasCompareBench(n),
        i === loads - 1 ? runs : 1
      );
      if (r.startMs != null) starts.push(r.startMs);
      if (r.loadAllMs != null) loadsAll.push(r.loadAllMs);
      if (i === loads - 1) {
        result = r;
        // The second visit in the same browser (its HTTP cache and service worker warm).
        // The service worker installs on the first visit (Kit registers it on `load`), so the second fills its caches
        // as files pass (wasm from the HTTP cache) and the third is answered from them alone.
        await page.waitForFunction(() => navigator.serviceWorker.controller != null, undefined, { timeout: 60_000 });
        await wire.take();
        await page.reload();
        warm = await numbersOnScreen(page, groups);
        warmChecked = await checkedMs(page);
        warmBytes = (await wire.take()).bytes;
        await page.reload();
        cached = await numbersOnScreen(page, groups);
        cachedBytes = (await wire.take()).bytes;
        await checkedMs(page);
        // Coming back later: a new navigation from an empty tab. A reload's clock starts before the
        // previous page (DuckDB-wasm and decoder workers) is torn down; this one's starts after.
        await page.goto('about:blank');
        await wire.take();
        await page.goto(url);
        back = await numbersOnScreen(page, groups);
        backBytes = (await wire.take()).bytes;
      }
      await context.close();
    }
    const page = {
      coldFirstNumbersMs: median(cold.map((c) => c.firstNumbersMs)),
      coldAllNumbersMs: median(cold.map((c) => c.allNumbersMs)),
      coldRuns: cold.map((c) => c.allNumbersMs),
      coldCheckedMs: median(coldChecked),
      coldCheckedRuns: coldChecked,
      warmMs: warm!.allNumbersMs,
      warmCheckedMs: warmChecked,
      warmCachedMs: cached!.allNumbersMs,
      returnVisitMs: back!.allNumbersMs,
      returnVisitBytes: backBytes,
      coldBytes: median(coldBytes),
      warmBytes,
      warmCachedBytes: cachedBytes,
      coldTopBytes: coldTop,
      peakMB: Math.max(...cold.map((c) => c.peakJsHeapMB), warm!.peakJsHeapMB)
    };
    return {
      ...result!,
      page,
      startMs: median(starts),
      startRuns: starts,
      loadAllMs: median(loadsAll),
      loadAllRuns: loadsAll,
      errors: [...new Set(errors)]
    };
  } finally {
    await browser.close();
    server.close();
  }
}

async function nodeSide(runs: number) {
  const db = await openNodeDb();
  const loadMs: Record<string, number> = {};
  for (const d of DISTRICT_CODES) {
    const t0 = performance.now();
    for (const t of COMPARE_TABLES)
      await db.run(`CREATE TABLE "${t}_${d}" AS SELECT * FROM ${readParquet(`static/data/${d}/${t}.parquet`)}`);
    loadMs[d] = Math.round(performance.now() - t0);
  }
  const src = (t: string, d: string) => `"${t}_${d}"`;
  const queries: Record<string, Record<string, number>> = {};
  for (const name of Object.keys(COMPARE_QUERIES) as CompareQueryName[]) {
    queries[name] = {};
    for (const d of DISTRICT_CODES)
      queries[name][d] = (await time(() => db.all(COMPARE_QUERIES[name](src, d)), runs)).ms;
  }
  db.close();
  return { loadMs, queries };
}

export async function benchCompare(args: string[]): Promise<unknown> {
  const runs = arg(args, '--runs', 5);
  const loads = arg(args, '--loads', 2);
  const browser = await browserSide(runs, loads, args.includes('--build'));
  const node = await nodeSide(runs);
  const ratio: Record<string, Record<string, number>> = {};
  for (const [name, byDistrict] of Object.entries(browser.queries)) {
    ratio[name] = {};
    for (const [d, ms] of Object.entries(byDistrict))
      ratio[name][d] = Math.round((ms / Math.max(node.queries[name][d], 0.01)) * 10) / 10;
  }
  // Node's time for the same numbers: every district's tables loaded from the Parquet, then each query once.
  const nodeSameQueriesMs = Math.round(
    Object.values(node.loadMs).reduce((a, b) => a + b, 0) +
      Object.values(node.queries).reduce((a, q) => a + Object.values(q).reduce((x, y) => x + y, 0), 0)
  );
  const { page, ...rest } = browser;
  return {
    ...page,
    nodeSameQueriesMs,
    ratio: Math.round((page.coldCheckedMs / nodeSameQueriesMs) * 10) / 10,
    runs,
    loads,
    browser: rest,
    node,
    queryRatio: ratio,
    note: "ms, medians. Page-level (a user's view): coldFirstNumbersMs / coldAllNumbersMs = navigation start until the first / every district's numbers are in the DOM on a fresh browser profile (--loads of them): the figures computed when the data was built (figures.json), shown first; coldCheckedMs = until every district's figures are DuckDB-wasm's own, recomputed in the page from the Parquet (the page says so); warmMs / warmCheckedMs = the same for the second visit in that browser (a reload; the service worker, installed on the first, fills its caches), warmCachedMs for the third (a reload answered from its caches), returnVisitMs for a fourth opened from an empty tab (about:blank, then the address: coming back later, without the previous page's teardown a reload's clock includes); coldBytes (median) / warmBytes / warmCachedBytes = bytes from the server on the wire per visit (headers + encoded bodies; not what the service worker or the HTTP cache answered), coldTopBytes the largest files of the last cold visit; peakMB = the page's largest main-thread JS heap (workers not counted); nodeSameQueriesMs = Node DuckDB loading the same Parquet and running the same queries once; ratio = coldCheckedMs / nodeSameQueriesMs (the browser's SQL path against Node's). browser = DuckDB-wasm (eh bundle) in headless Chromium, per query and district; queryRatio = browser ÷ node per query"
  };
}
