/**
 * `npm run bench -- compare-province [--json] [--loads=N] [--build]` (issue #14): /compare with three
 * districts of a province layout, when the site carries 3 districts and when it carries 100. The
 * generator puts Shandong first, so the three chosen (370102 历下区, 370103 市中区, 370104 槐荫区) are
 * the same bytes in both builds; what may grow with N is what the page fetches besides them. For
 * each size the layout is generated into the folder `vite preview` serves (scripts/lib/preview.ts
 * servedDir; removed afterwards), then fresh browser profiles open
 * `/compare?ds=370102,370103,370104`, each measuring page open → every district's numbers in the
 * DOM (page-figures.ts) and the bytes that came over the network (encoded sizes, the page's and
 * its workers' requests). Target: N = 100 within 20 % of N = 3 for both. Timings are reported here,
 * never asserted in tests.
 */
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { rmSync } from 'node:fs';
import type { Request } from 'playwright-core';
import { availableCounties, generateProvince } from '../generate/province';
import { ensureBuilt, servedDir, startPreview } from '../lib/preview';
import { launch, watchErrors } from '../../tests/e2e/browser';
import { intArg as arg } from './harness';
import { median, numbersOnScreen } from './page-figures';

const CHOSEN = ['370102', '370103', '370104'];
const SIZES = [3, 100];

interface Load {
  allNumbersMs: number;
  firstNumbersMs: number;
  checkedMs: number;
  bytes: number;
  provinceBytes: number;
  requests: number;
}

async function pageLoads(loads: number, errors: string[]): Promise<Load[]> {
  const server = await startPreview();
  const browser = await launch();
  try {
    const out: Load[] = [];
    for (let i = 0; i < loads; i++) {
      const context = await browser.newContext();
      const sizes: Promise<{ url: string; bytes: number }>[] = [];
      const count = (r: Request) =>
        void sizes.push(
          r.sizes().then(
            (s) => ({ url: r.url(), bytes: s.responseBodySize + s.responseHeadersSize }),
            () => ({ url: r.url(), bytes: 0 })
          )
        );
      context.on('requestfinished', count);
      const page = await context.newPage();
      await watchErrors(page, errors);
      await page.goto(`${server.base}/compare?ds=${CHOSEN.join(',')}`);
      const n = await numbersOnScreen(
        page,
        CHOSEN.map((d) => `[data-testid="metric-median_hh_grid-${d}"]`)
      );
      // DuckDB-wasm's own numbers (the figures computed at build time show first): the whole page's bytes.
      await page.waitForSelector('[data-testid=compare-provenance][data-settled=true]', { timeout: 240_000 });
      const checkedMs = Math.round(await page.evaluate(() => performance.now()));
      context.off('requestfinished', count);
      const got = await Promise.all(sizes);
      out.push({
        allNumbersMs: n.allNumbersMs,
        firstNumbersMs: n.firstNumbersMs,
        checkedMs,
        bytes: got.reduce((a, g) => a + g.bytes, 0),
        provinceBytes: got.filter((g) => g.url.includes('/province/')).reduce((a, g) => a + g.bytes, 0),
        requests: got.length
      });
      await context.close();
    }
    return out;
  } finally {
    await browser.close();
    server.close();
  }
}

export async function benchCompareProvince(args: string[]): Promise<unknown> {
  const loads = arg(args, '--loads', 3);
  ensureBuilt(args.includes('--build'));
  const dir = resolve(servedDir(), 'province');
  const available = availableCounties();
  const errors: string[] = [];
  const bySize: Record<string, unknown> = {};
  const figures: Record<number, { ms: number; checkedMs: number; bytes: number }> = {};
  try {
    for (const n of SIZES) {
      rmSync(dir, { recursive: true, force: true });
      const gen = await generateProvince({ districts: n, outDir: dir, available, log: () => {} });
      const runs = await pageLoads(loads, errors);
      figures[n] = {
        ms: median(runs.map((r) => r.allNumbersMs)),
        checkedMs: median(runs.map((r) => r.checkedMs)),
        bytes: median(runs.map((r) => r.bytes))
      };
      bySize[`n${n}`] = {
        districts: n,
        generateSeconds: Math.round(gen.seconds * 10) / 10,
        coldFirstNumbersMs: median(runs.map((r) => r.firstNumbersMs)),
        coldAllNumbersMs: figures[n].ms,
        coldCheckedMs: figures[n].checkedMs,
        bytes: figures[n].bytes,
        provinceBytes: median(runs.map((r) => r.provinceBytes)),
        requests: median(runs.map((r) => r.requests)),
        runs
      };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const [small, big] = SIZES;
  return {
    ...bySize,
    timeRatio: Math.round((figures[big].ms / figures[small].ms) * 100) / 100,
    checkedTimeRatio: Math.round((figures[big].checkedMs / figures[small].checkedMs) * 100) / 100,
    bytesRatio: Math.round((figures[big].bytes / figures[small].bytes) * 1000) / 1000,
    target: 'N = 100 within 20 % of N = 3 (ratios ≤ 1.2)',
    loads,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
    errors: [...new Set(errors)],
    note: "ms and bytes, medians of --loads fresh browser profiles per size. coldAllNumbersMs = navigation start until the three districts' numbers are in the DOM (those computed when the data was built, figures.json, come first); coldCheckedMs = until DuckDB-wasm's own have replaced them (timeRatio / checkedTimeRatio: N = 100 ÷ N = 3 of each); bytes = every response until then of the page and its workers (encoded body + headers); provinceBytes = those under /province/ (districts.json and the chosen districts' partitions and layers). loadavg: the machine's 1/5/15-minute load at the end"
  };
}
