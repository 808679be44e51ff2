/**
 * The site's Content-Security-Policy (scripts/csp.js) in force: the built pages carry it as a
 * <meta> tag, the preview server (`npm start`) as a header on pages, worker scripts and the service
 * worker; Chromium refuses what it forbids; and every page does its job with no violation.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readdirSync, readFileSync } from 'node:fs';
import type { DatasetIndex } from '../../src/lib/data/schema';
import { openPage, screenshot } from './browser';
import { journey } from './journey';
import { CODE } from './plan-helpers';

const baseUrl = inject('baseUrl');
const built = process.env.GRIDATLAS_OUT ? `.build/${process.env.GRIDATLAS_OUT}/build` : 'build';
const index = JSON.parse(readFileSync('static/data/index.json', 'utf8')) as DatasetIndex;

/** A policy as directive → sources. */
function parse(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([k, ...v]) => [k, v])
  );
}

const metaPolicy = (html: string) => /<meta http-equiv="content-security-policy" content="([^"]*)">/.exec(html)?.[1];

const step = journey();

describe('the policy is delivered', () => {
  it('every built page has it as a <meta> tag before any script, with hashes instead of inline-script or eval permission', () => {
    const pages = readdirSync(built).filter((f) => f.endsWith('.html'));
    expect(pages.sort()).toEqual([
      'compare.html',
      'data.html',
      'heatmap.html',
      'index.html',
      'plan.html',
      'rider.html'
    ]);
    for (const file of pages) {
      const html = readFileSync(`${built}/${file}`, 'utf8');
      const policy = metaPolicy(html);
      expect(policy, file).toBeDefined();
      expect(html.indexOf('<meta http-equiv="content-security-policy"'), file).toBeLessThan(html.indexOf('<script'));
      const d = parse(policy!);
      expect(d['default-src']).toEqual(["'self'"]);
      expect(d['connect-src']).toEqual(["'self'", 'data:']);
      expect(d['img-src']).toEqual(["'self'", 'data:', 'blob:']);
      expect(d['worker-src']).toEqual(["'self'", 'blob:']);
      expect(d['object-src']).toEqual(["'none'"]);
      expect(d['script-src'].slice(0, 2)).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(
        d['script-src'].slice(2).every((s) => /^'sha256-[A-Za-z0-9+/=]+'$/.test(s)),
        file
      ).toBe(true);
    }
  });

  it('the preview server sends it as a header: pages (with frame-ancestors), worker scripts and the service worker', async () => {
    for (const [path, file] of [
      ['/', 'index.html'],
      ['/plan', 'plan.html'],
      ['/rider', 'rider.html']
    ]) {
      const r = await fetch(`${baseUrl}${path}`);
      expect(r.status).toBe(200);
      const meta = metaPolicy(readFileSync(`${built}/${file}`, 'utf8'))!;
      expect(r.headers.get('content-security-policy')).toBe(`${meta}; frame-ancestors 'none'`);
    }
    // Worker scripts and the chunks they import (a worker's dynamic import, e.g. SheetJS, lands in workers/chunks/).
    const workers = (readdirSync(`${built}/_app/immutable/workers`, { recursive: true }) as string[])
      .filter((f) => f.endsWith('.js'))
      .map((f) => `/_app/immutable/workers/${f}`);
    const duckdb = readdirSync(`${built}/_app/immutable/assets`)
      .filter((f) => /worker.*\.m?js$/.test(f))
      .map((f) => `/_app/immutable/assets/${f}`);
    expect(duckdb.some((f) => f.includes('duckdb-browser-eh.worker'))).toBe(true);
    for (const path of ['/service-worker.js', ...workers, ...duckdb]) {
      const r = await fetch(`${baseUrl}${path}`);
      expect(r.status, path).toBe(200);
      const d = parse(r.headers.get('content-security-policy') ?? '');
      expect(d['script-src'], path).toEqual(["'self'", "'wasm-unsafe-eval'"]);
      expect(d['connect-src'], path).toEqual(["'self'", 'data:']);
      expect(d['default-src'], path).toEqual(["'self'"]);
      expect(d['frame-ancestors'], path).toEqual(["'none'"]);
    }
  });
});

describe('Chromium enforces it', () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  beforeAll(async () => ({ browser, page } = await openPage(errors)));
  afterAll(async () => browser?.close());

  step('refuse', 'refuses a fetch, an image and a worker script from elsewhere, and eval', [], async () => {
    await page.goto(`${baseUrl}/`);
    await expect.poll(() => page.getByTestId('home-synthetic').count(), { timeout: 20_000 }).toBe(3);
    const seen = await page.evaluate(async () => {
      const violations: { directive: string; blocked: string }[] = [];
      const expected = new Set(['connect-src', 'img-src', 'worker-src', 'script-src']);
      // Violation events are dispatched after the refusal: wait for one of each kind (or 10 s, then report what came).
      const reported = new Promise((resolve) => {
        document.addEventListener('securitypolicyviolation', (e) => {
          violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI });
          if ([...expected].every((d) => violations.some((v) => v.directive === d))) resolve(true);
        });
        setTimeout(resolve, 10_000);
      });
      const outcome = async (f: () => unknown) => {
        try {
          await f();
          return 'allowed';
        } catch (e) {
          return (e as Error).name;
        }
      };
      const fetched = await outcome(() => fetch('https://example.com'));
      const img = document.createElement('img');
      const imgDone = new Promise(
        (resolve) => ((img.onerror = () => resolve('error')), (img.onload = () => resolve('loaded')))
      );
      img.src = 'https://example.com/tile.png';
      const image = await imgDone;
      // A data: script is same-origin-neutral, so only worker-src can refuse it (a foreign URL is refused by the same-origin rule first).
      const worker = await outcome(
        () =>
          new Promise((resolve, reject) => {
            const w = new Worker('data:text/javascript,postMessage(1)');
            w.onmessage = resolve;
            w.onerror = () => reject(Object.assign(new Error('worker failed'), { name: 'WorkerError' }));
          })
      );
      const evaluated = await outcome(() => eval('1 + 1'));
      await reported;
      return { fetched, image, worker, evaluated, violations };
    });
    expect(seen.fetched).toBe('TypeError');
    expect(seen.image).toBe('error');
    expect(seen.worker).not.toBe('allowed');
    expect(seen.evaluated).toBe('EvalError');
    // The refusals were the policy's (no network is needed to tell): one event per directive.
    expect(seen.violations).toEqual(
      expect.arrayContaining([
        { directive: 'connect-src', blocked: 'https://example.com/' },
        { directive: 'img-src', blocked: 'https://example.com/tile.png' },
        { directive: 'worker-src', blocked: 'data' },
        { directive: 'script-src', blocked: 'eval' }
      ])
    );
    // …and the watcher every browser test relies on reported them as errors.
    expect(errors.join('\n')).toContain('CSP connect-src blocked https://example.com/');
    expect(errors.join('\n')).toContain('CSP img-src blocked https://example.com/tile.png');
    console.log('violations reported to the tests', errors);
  });

  step(
    'blob',
    'a blob: worker (worker-src allows it) inherits the page policy: its fetch elsewhere is refused and reported',
    ['refuse'],
    async () => {
      const [worker] = await Promise.all([
        page.waitForEvent('worker'),
        page.evaluate(() => {
          const src = `onmessage = () => fetch('https://example.com/from-worker').then(() => postMessage('allowed'), (e) => postMessage(e.name))`;
          (window as unknown as { __w: Worker }).__w = new Worker(
            URL.createObjectURL(new Blob([src], { type: 'text/javascript' }))
          );
        })
      ]);
      // Evaluations in one worker run in order: once this one returns, the watcher's listener is in.
      await worker.evaluate(() => 0);
      const fromWorker = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const w = (window as unknown as { __w: Worker }).__w;
            w.onmessage = (e) => resolve(e.data);
            w.postMessage('go');
          })
      );
      expect(fromWorker).toBe('TypeError');
      await expect
        .poll(() => errors.join('\n'))
        .toContain('connect-src blocked https://example.com/from-worker in a worker');
    }
  );
});

describe('every page works with the policy in force', () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  beforeAll(
    async () =>
      ({ browser, page } = await openPage(errors, {
        geolocation: { longitude: 126.5502, latitude: 45.7301 },
        permissions: ['geolocation']
      }))
  );
  afterAll(async () => browser?.close());

  it('home lists the districts', async () => {
    await page.goto(`${baseUrl}/`);
    await expect.poll(() => page.getByTestId('home-synthetic').count(), { timeout: 20_000 }).toBe(3);
    expect(errors).toEqual([]);
  });

  it('plan opens a community and splits it in the worker', async () => {
    await page.goto(`${baseUrl}/plan?d=230102`);
    await page.getByTestId('pick-street').selectOption(CODE.slice(0, 9));
    await page.getByTestId('pick-community').selectOption(CODE);
    await expect
      .poll(() => page.getByTestId('community-name').innerText(), { timeout: 60_000 })
      .toContain('省报社社区');
    await page.getByTestId('split-run').click();
    await expect.poll(() => page.getByTestId('split-status').innerText(), { timeout: 60_000 }).toMatch(/划分完成/);
    await screenshot(page, 'csp-plan');
    expect(errors).toEqual([]);
  });

  step(
    'heatmap',
    'heatmap counts the incidents with DuckDB-wasm',
    [],
    async () => {
      await page.goto(`${baseUrl}/heatmap?d=370881`);
      const expected = index.districts.find((d) => d.code === '370881')!.incidents.toLocaleString('zh-CN');
      // DuckDB-wasm's first query took 83 s on this shared 2-core host under load (a few seconds idle).
      await expect.poll(() => page.locator('[data-stat]').first().innerText(), { timeout: 170_000 }).toBe(expected);
      await screenshot(page, 'csp-heatmap');
      expect(errors).toEqual([]);
    },
    180_000
  );

  step(
    'basemap',
    'basemap settings refuse a tile URL the policy blocks and say why, instead of a map of refused tiles',
    ['heatmap'],
    async () => {
      await page.getByText('底图设置').click();
      await page.getByTestId('tiles-url').fill('https://tile.openstreetmap.org/{z}/{x}/{y}.png');
      await page.getByTestId('tiles-apply').click();
      const notice = page.getByTestId('tiles-blocked');
      await expect.poll(() => notice.innerText()).toContain('不允许从 https://tile.openstreetmap.org 加载瓦片');
      expect(await notice.innerText()).toContain('本站允许的瓦片来源：无');
      const sources = await page.evaluate(() =>
        Object.keys(
          (window as unknown as { __gridatlasMap: { getStyle(): { sources: object } } }).__gridatlasMap.getStyle()
            .sources
        )
      );
      expect(sources).not.toContain('external');
      expect(await page.evaluate(() => localStorage.getItem('gridatlas.externalTiles'))).toBeNull();
      await notice.scrollIntoViewIfNeeded();
      await screenshot(page, 'csp-tiles-blocked');
      expect(errors).toEqual([]);
    }
  );

  it('compare shows the figures of two districts', async () => {
    await page.goto(`${baseUrl}/compare?ds=230102,370881`);
    for (const d of ['230102', '370881']) {
      await expect
        .poll(() => page.getByTestId(`metric-median_hh_grid-${d}`).innerText(), { timeout: 120_000 })
        .toMatch(/^\d/);
    }
    await screenshot(page, 'csp-compare');
    expect(errors).toEqual([]);
  });

  it('rider answers with the nearest stations and registers its service worker', async () => {
    await page.goto(`${baseUrl}/rider?d=230102`);
    await expect
      .poll(() => page.getByTestId('distance').first().innerText(), { timeout: 30_000 })
      .toMatch(/^[\d,.]+ (米|公里)$/);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller, undefined, { timeout: 20_000 });
    await screenshot(page, 'csp-rider');
    expect(errors).toEqual([]);
  });
});
