/**
 * `npm run bench -- compare [--json] [--runs=N] [--loads=N] [--build]`: the comparison queries
 * of queries.ts in the browser (DuckDB-wasm in headless Chromium, the built app served by the
 * `vite preview` server `npm start` runs, see preview.ts) and in Node DuckDB over the same Parquet
 * loaded into in-memory tables.
 * Reports DuckDB-wasm start-up (instantiate → first query answered) and the wall time to load
 * every district's tables (only the columns the comparison reads) over fresh page loads,
 * per-district load times, the median ms of each query per district, browser ÷ Node ratios, and
 * `errors`: what the page threw or logged as an error (empty when the page worked as users get it).
 */
import { DISTRICT_CODES } from '../../src/lib/data/districts';
import { COMPARE_QUERIES, COMPARE_TABLES, type CompareQueryName } from '../../src/lib/data/queries';
import type { CompareBenchResult } from '../../src/routes/compare/bench-hook';
import { launch, watchErrors } from '../../tests/e2e/browser';
import { openNodeDb, readParquet } from '../lib/node-db';
import { intArg as arg, time } from './harness';
import { ensureBuilt, startPreview } from './preview';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
    let result: CompareBenchResult | null = null;
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await watchErrors(page, errors);
      page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
      await page.goto(url);
      await page.waitForFunction(() => '__gridatlasCompareBench' in window, undefined, { timeout: 60_000 });
      const r = await page.evaluate(
        (n) => (window as unknown as { __gridatlasCompareBench(n: number): Promise<CompareBenchResult> }).__gridatlasCompareBench(n),
        i === loads - 1 ? runs : 1
      );
      if (r.startMs != null) starts.push(r.startMs);
      if (r.loadAllMs != null) loadsAll.push(r.loadAllMs);
      if (i === loads - 1) result = r;
      await context.close();
    }
    return { ...result!, startMs: median(starts), startRuns: starts, loadAllMs: median(loadsAll), loadAllRuns: loadsAll, errors: [...new Set(errors)] };
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
    for (const t of COMPARE_TABLES) await db.run(`CREATE TABLE "${t}_${d}" AS SELECT * FROM ${readParquet(`static/data/${d}/${t}.parquet`)}`);
    loadMs[d] = Math.round(performance.now() - t0);
  }
  const src = (t: string, d: string) => `"${t}_${d}"`;
  const queries: Record<string, Record<string, number>> = {};
  for (const name of Object.keys(COMPARE_QUERIES) as CompareQueryName[]) {
    queries[name] = {};
    for (const d of DISTRICT_CODES) queries[name][d] = (await time(() => db.all(COMPARE_QUERIES[name](src, d)), runs)).ms;
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
    for (const [d, ms] of Object.entries(byDistrict)) ratio[name][d] = Math.round((ms / Math.max(node.queries[name][d], 0.01)) * 10) / 10;
  }
  return { runs, loads, browser, node, ratio, note: 'ms, medians; browser = DuckDB-wasm (eh bundle) in headless Chromium; node = @duckdb/node-api, same SQL over in-memory tables' };
}
