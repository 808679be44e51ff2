/**
 * Switching districts on /heatmap and leaving map pages must give back each map's WebGL contexts
 * (maplibre's and the deck.gl overlay's) and memory. Every WebGL context the page creates is
 * tracked (weakly, so the tracking keeps nothing alive); a context is "live" while it is not lost,
 * and "leaked" when it is live but its canvas has left the document. Chromium keeps at most 16
 * live contexts and then drops the oldest with "Too many active WebGL contexts".
 */
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import type { DatasetIndex } from '../../src/lib/data/schema';
import { DISTRICTS } from '../../src/lib/data/districts';
import { openPage, pixelStats, screenshot } from './browser';
import { journey } from './journey';

const step = journey();

const baseUrl = inject('baseUrl');
const index = JSON.parse(readFileSync('static/data/index.json', 'utf8')) as DatasetIndex;
const SWITCHES = 20;

let browser: Browser;
let page: Page;
let cdp: CDPSession;
const errors: string[] = [];
const warnings: string[] = [];

interface GlStats {
  created: number;
  live: number;
  leaked: number;
  /** Contexts not yet garbage-collected, lost or not: after a forced GC, what something still holds. */
  inMemory: number;
}

/** Runs in the page before any of its scripts: records every WebGL context as weak references. */
function trackWebGl() {
  const tracked: { ctx: WeakRef<WebGLRenderingContext>; canvas: WeakRef<HTMLCanvasElement> }[] = [];
  const seen = new WeakSet<object>();
  const getContext = HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
    const ctx = (getContext as (t: string, ...r: unknown[]) => RenderingContext | null).call(this, type, ...rest);
    if (ctx && type.includes('webgl') && !seen.has(ctx)) {
      seen.add(ctx);
      tracked.push({ ctx: new WeakRef(ctx as WebGLRenderingContext), canvas: new WeakRef(this) });
    }
    return ctx;
  } as typeof getContext;
  (window as unknown as { __glStats: () => GlStats }).__glStats = () => {
    let live = 0;
    let leaked = 0;
    let inMemory = 0;
    for (const t of tracked) {
      const ctx = t.ctx.deref();
      if (ctx) inMemory++;
      if (!ctx || ctx.isContextLost()) continue;
      live++;
      if (!t.canvas.deref()?.isConnected) leaked++;
    }
    return { created: tracked.length, live, leaked, inMemory };
  };
}

const glStats = () => page.evaluate(() => (window as unknown as { __glStats: () => GlStats }).__glStats());

/** Used JS heap (bytes) after two full garbage collections. */
async function heapAfterGc(): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

const zh = (n: number) => new Intl.NumberFormat('zh-CN').format(n);

/** The heatmap shows `code`: its map has loaded and drawn deck.gl's canvas, its KPI card reads the district's incident count. */
async function heatmapShows(code: string) {
  const d = DISTRICTS.find((x) => x.code === code)!;
  const incidents = index.districts.find((x) => x.code === code)!.incidents;
  const map = page.locator(`.heatmap [role=region][aria-label="${d.name} heatmap"][data-status=ready]`);
  // Generous: the first load of a district decodes its Parquet in DuckDB-wasm, on a busy machine.
  await expect.poll(() => map.count(), { timeout: 120_000 }).toBe(1);
  await expect.poll(() => map.locator('canvas').count(), { timeout: 60_000 }).toBe(2);
  await expect
    .poll(() => page.locator('.heatmap aside [data-kpi=incidents] .value').innerText(), { timeout: 180_000 })
    .toBe(zh(incidents));
}

beforeAll(async () => {
  ({ browser, page } = await openPage(errors, { viewport: { width: 1280, height: 800 } }));
  page.on('console', (m) => {
    if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
  });
  await page.addInitScript(trackWebGl);
  cdp = await page.context().newCDPSession(page);
});
afterAll(async () => browser?.close());

describe('/heatmap: no WebGL contexts or memory left behind', () => {
  step(
    'switches',
    `${SWITCHES} district switches keep live WebGL contexts and the JS heap flat`,
    [],
    async () => {
      const codes = DISTRICTS.map((d) => d.code);
      await page.goto(`${baseUrl}/heatmap?d=${codes[0]}`);
      await heatmapShows(codes[0]);
      const first = await glStats();
      // One context for maplibre, one for deck.gl's overlay.
      expect(first).toMatchObject({ live: 2, leaked: 0 });

      const picker = page.locator('header select');
      // The heap baseline is taken once the first switches have warmed maplibre's and the app's caches.
      const BASE = 8;
      let base: { gl: GlStats; heap: number } | null = null;
      for (let i = 1; i <= SWITCHES; i++) {
        const code = codes[i % codes.length];
        const t0 = Date.now();
        await picker.selectOption(code);
        await heatmapShows(code);
        const gl = await glStats();
        // Before any garbage collection: the maps taken down have lost their contexts already.
        expect(gl, `after switch ${i}`).toMatchObject({ live: 2, leaked: 0 });
        // Switch 8 and switch 20 show the same district (8 ≡ 20 mod 3), so their heaps compare like for like.
        const heap = i >= BASE && i % codes.length === BASE % codes.length ? await heapAfterGc() : null;
        console.log(
          `switch ${i} to ${code}: ${Date.now() - t0} ms, ${JSON.stringify(gl)}${heap ? `, heap ${(heap / 2 ** 20).toFixed(1)} MiB` : ''}`
        );
        if (i === BASE) base = { gl, heap: heap! };
        if (i === SWITCHES && heap) {
          expect(gl.live).toBe(base!.gl.live);
          expect(Math.abs(heap - base!.heap) / base!.heap).toBeLessThan(0.1);
          // Each switch made a new map: the count proves the loop really re-created them.
          expect(gl.created).toBeGreaterThanOrEqual(2 * (SWITCHES + 1));
          // After GC only the shown map's two contexts (and at most a map still being let go) are
          // held; with deck.gl's canvas observers left running, every overlay's device stayed.
          expect((await glStats()).inMemory).toBeLessThanOrEqual(4);
        }
      }
      expect(warnings.filter((w) => w.includes('Too many active WebGL contexts'))).toEqual([]);
      expect(errors).toEqual([]);
      // Each switch waits for a complete map; on a busy 2-core machine that took up to 30 s.
    },
    900_000
  );

  // Starts on /heatmap of the district the switches ended on.
  step(
    'leave',
    'leaving /heatmap for /compare and /plan and coming back leaves only the shown map’s contexts',
    ['switches'],
    async () => {
      const code = DISTRICTS[SWITCHES % DISTRICTS.length].code;
      await page.locator('header nav a[href*="/compare"]').click();
      const detail = page.locator('.detail [role=region][data-status=ready]');
      await expect.poll(() => detail.count(), { timeout: 60_000 }).toBe(1);
      await expect.poll(() => detail.locator('canvas').count(), { timeout: 30_000 }).toBe(2);
      expect(await glStats()).toMatchObject({ live: 2, leaked: 0 });

      await page.locator('header nav a[href*="/plan"]').click();
      const planMap = page.locator('.map [role=region][data-status=ready]');
      await expect.poll(() => planMap.count(), { timeout: 60_000 }).toBe(1);
      await expect.poll(() => planMap.locator('canvas').count(), { timeout: 30_000 }).toBe(2);
      expect(await glStats()).toMatchObject({ live: 2, leaked: 0 });

      await page.locator('header nav a[href*="/heatmap"]').click();
      await heatmapShows(code);
      expect(await glStats()).toMatchObject({ live: 2, leaked: 0 });

      await screenshot(page, 'heatmap-leaks-after-switches');
      // The map itself is drawn (basemap and incidents), not a blank box.
      const map = pixelStats(await page.locator('.heatmap [role=region][data-status=ready]').screenshot());
      expect(map.colours).toBeGreaterThan(40);
      console.log(`map pixels: ${map.colours} colours, ${(map.nonBackground * 100).toFixed(0)} % not background`);
      expect(map.nonBackground).toBeGreaterThan(0.3);
      expect(warnings.filter((w) => w.includes('Too many active WebGL contexts'))).toEqual([]);
      expect(errors).toEqual([]);
    },
    600_000
  );
});
