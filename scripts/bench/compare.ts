/**
 * `npm run bench -- compare [--json] [--runs=N] [--loads=N] [--build]`: the comparison queries
 * of queries.ts in the browser (DuckDB-wasm in headless Chromium, a private copy of the
 * built app served over HTTP) and in Node DuckDB over the same Parquet loaded into in-memory tables.
 * Reports DuckDB-wasm start-up (instantiate → first query answered) and the wall time to load
 * every district's tables (only the columns the comparison reads) over fresh page loads,
 * per-district load times, the median ms of each query per district, and browser ÷ Node ratios.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { DISTRICT_CODES } from '../../src/lib/data/districts';
import { COMPARE_QUERIES, COMPARE_TABLES, type CompareQueryName } from '../../src/lib/data/queries';
import type { CompareBenchResult } from '../../src/routes/compare/bench-hook';
import { launch } from '../../tests/e2e/browser';
import { openNodeDb, readParquet } from '../lib/node-db';
import { time } from './harness';

const PORT = 4183;

/** `--name=N` (the bench runner takes every word without `--` for a case name). */
function arg(args: string[], name: string, dflt: number): number {
  const a = args.find((x) => x.startsWith(`${name}=`));
  const n = a ? Number(a.slice(name.length + 1)) : dflt;
  return Number.isFinite(n) && n > 0 ? Math.trunc(n) : dflt;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.geojson': 'application/json',
  '.wasm': 'application/wasm',
  '.parquet': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png'
};

/** Serves a private copy of the built site (others may rebuild build/ meanwhile): path, path.html, path/index.html. */
function serve(root: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    for (const p of [join(root, path), join(root, `${path}.html`), join(root, path, 'index.html')]) {
      if (existsSync(p) && statSync(p).isFile()) {
        res.writeHead(200, { 'content-type': MIME[extname(p)] ?? 'application/octet-stream' });
        res.end(readFileSync(p));
        return;
      }
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(PORT, '127.0.0.1', () => resolve(server)));
}

async function browserSide(runs: number, loads: number) {
  // GRIDATLAS_OUT=<name>: the build lives in .build/<name>/build (see svelte.config.js).
  const built = process.env.GRIDATLAS_OUT ? `.build/${process.env.GRIDATLAS_OUT}/build` : 'build';
  if (process.argv.includes('--build') || !existsSync(`${built}/index.html`))
    execFileSync('npx', ['vite', 'build', '--config', 'scripts/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  const root = mkdtempSync(join(tmpdir(), 'gridatlas-bench-'));
  cpSync(built, root, { recursive: true });
  const server = await serve(root);
  const browser = await launch();
  try {
    const base = `http://127.0.0.1:${PORT}`;
    const url = `${base}/compare?ds=${DISTRICT_CODES.join(',')}`;
    const starts: number[] = [];
    const loadsAll: number[] = [];
    let result: CompareBenchResult | null = null;
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext();
      const page = await context.newPage();
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
    return { ...result!, startMs: median(starts), startRuns: starts, loadAllMs: median(loadsAll), loadAllRuns: loadsAll };
  } finally {
    await browser.close();
    server.close();
    rmSync(root, { recursive: true, force: true });
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
  const browser = await browserSide(runs, loads);
  const node = await nodeSide(runs);
  const ratio: Record<string, Record<string, number>> = {};
  for (const [name, byDistrict] of Object.entries(browser.queries)) {
    ratio[name] = {};
    for (const [d, ms] of Object.entries(byDistrict)) ratio[name][d] = Math.round((ms / Math.max(node.queries[name][d], 0.01)) * 10) / 10;
  }
  return { runs, loads, browser, node, ratio, note: 'ms, medians; browser = DuckDB-wasm (eh bundle) in headless Chromium; node = @duckdb/node-api, same SQL over in-memory tables' };
}
