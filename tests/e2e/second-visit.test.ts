/**
 * The second visit to /compare is answered by the service worker's caches: neither DuckDB's nor
 * parquet-wasm's wasm nor any Parquet file goes to the server again (the network log of the page,
 * its workers and the service worker), and the numbers read the same. The Parquet comes in byte
 * ranges of only the columns the page reads. Data with a new version (index.json's dataVersion,
 * as `npm run data` writes after a change) is fetched from the server again.
 */
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { statSync } from 'node:fs';
import { failOnPageErrors, launch, screenshot, watchErrors } from './browser';
import { journey } from './journey';

const step = journey();
const baseUrl = inject('baseUrl');
const URL_ = `${baseUrl}/compare?ds=230102,370881`;
const CELLS = ['230102', '370881'].flatMap((d) => [`metric-median_hh_grid-${d}`, `metric-incidents_per_1000_yr-${d}`]);

let browser: Browser;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
failOnPageErrors(pageErrors);

/** What went to the server: requests the page and its workers made that the service worker did not answer, and the service worker's own. */
interface Sent {
  path: string;
  range: string | null;
  status: number;
  bytes: number;
}
let sent: Sent[] = [];
/** Responses the page and its workers got from the service worker. */
let answered: string[] = [];
let firstNumbers: string[] = [];

function log(req: Request) {
  void req
    .response()
    .then(async (res) => {
      if (!res) return;
      const path = new URL(req.url()).pathname;
      if (res.fromServiceWorker()) return void answered.push(path);
      // The service worker's own fetches and whatever it let pass (not intercepted: a plain network request).
      const size = (await req.sizes().catch(() => null))?.responseBodySize ?? 0;
      sent.push({ path, range: req.headers()['range'] ?? null, status: res.status(), bytes: size });
    })
    // A request still open when its page or context closes has no response to log (unhandled, the
    // rejection surfaced after the test as an error of the run).
    .catch(() => {});
}

/** The numbers once DuckDB-wasm has recomputed them here (the figures computed at build time show first). */
async function numbers(): Promise<string[]> {
  await expect
    .poll(() => page.getByTestId('compare-provenance').getAttribute('data-settled'), { timeout: 120_000 })
    .toBe('true');
  for (const id of CELLS) await expect.poll(() => page.getByTestId(id).innerText(), { timeout: 120_000 }).not.toBe('…');
  return Promise.all(CELLS.map((id) => page.getByTestId(id).innerText()));
}

/** Opens /compare afresh in the same browser profile and waits for its numbers and the service worker's writes. */
async function visit(): Promise<string[]> {
  sent = [];
  answered = [];
  await page?.close();
  page = await context.newPage();
  await watchErrors(page, pageErrors);
  await page.goto(URL_);
  const shown = await numbers();
  // The service worker controls the page (installed on the first visit) before the next one.
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller != null), { timeout: 30_000 })
    .toBe(true);
  return shown;
}

const wasm = (s: { path: string }) => s.path.endsWith('.wasm');
const parquet = (s: { path: string }) => s.path.endsWith('.parquet');

beforeAll(async () => {
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.on('request', log);
});
afterAll(async () => browser?.close());

describe('second visit', () => {
  step(
    'first',
    'first visit: the incidents come in byte ranges of the four columns /compare reads, not whole',
    [],
    async () => {
      firstNumbers = await visit();
      const incidents = sent.filter((s) => s.path.endsWith('/230102/incidents.parquet'));
      expect(incidents.length).toBeGreaterThan(2);
      expect(incidents.every((s) => s.status === 206 && /^bytes=\d+-\d+$/.test(s.range ?? ''))).toBe(true);
      const size = statSync('static/data/230102/incidents.parquet').size;
      const got = incidents.reduce((a, s) => a + s.bytes, 0);
      expect(got).toBeGreaterThan(0);
      expect(got).toBeLessThan(size * 0.7);
    }
  );

  step('warm', 'second visit: no wasm and no Parquet from the server, the same numbers', ['first'], async () => {
    // The first visit may have run before the service worker took control: this one fills its caches.
    await visit();
    const again = await visit();
    expect(again).toEqual(firstNumbers);
    expect(sent.filter((s) => wasm(s) || parquet(s))).toEqual([]);
    expect(answered.filter((p) => p.endsWith('.wasm')).length).toBeGreaterThan(0);
    expect(answered.filter((p) => p.endsWith('/230102/incidents.parquet')).length).toBeGreaterThan(2);
    await screenshot(page, 'second-visit-compare');
  });

  step(
    'regenerated',
    'data with a new version (regenerated) is fetched from the server again; the code is not',
    ['warm'],
    async () => {
      // As `npm run data` after a change: index.json names another content version.
      await context.route('**/data/index.json', async (route) => {
        const res = await route.fetch();
        const index = (await res.json()) as { dataVersion: string };
        await route.fulfill({ response: res, json: { ...index, dataVersion: `${index.dataVersion}-next` } });
      });
      try {
        expect(await visit()).toEqual(firstNumbers);
        expect(sent.filter((s) => s.path.endsWith('/230102/incidents.parquet')).length).toBeGreaterThan(2);
        expect(sent.filter(wasm)).toEqual([]);
        // The older version's cache is gone.
        const names = await page.evaluate(() => caches.keys());
        expect(names.filter((n) => n.startsWith('gridatlas-data-'))).toEqual([expect.stringMatching(/-next$/)]);
      } finally {
        await context.unroute('**/data/index.json');
      }
    }
  );
});
