/**
 * /heatmap's numbers come before its map (#14): after a filter click the KPI cards show the new
 * numbers, and the map follows with the same filter. Headless Chromium draws WebGL in software
 * (SwiftShader), so the page says the heatmap is drawn at a lower resolution; with `?debug` the
 * timing line names filter, SQL and map-drawing time apart. Timings themselves are
 * `npm run bench -- heatmap`'s (filterToKpiMs per map mode), never asserted here.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openNodeDb } from '../../scripts/lib/node-db';
import { INCIDENT_CATEGORIES } from '../../src/lib/data/schema';
import { incidentKpis, parquetSource, allIncidents } from '../../src/lib/data/queries';
import { heatmapReady, openPage, pixelStats, screenshot, waitForMap, watchErrors } from './browser';

const baseUrl = inject('baseUrl');
const DAOLI = '230102';
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => ({ browser, page } = await openPage(errors)));
afterAll(async () => browser?.close());

const kpiText = () => page.locator('.heatmap aside [data-kpi=incidents] .value').innerText();
const mapVersion = () => page.locator('.heatmap').getAttribute('data-map-version').then(Number);
const zh = (n: number) => new Intl.NumberFormat('zh-CN').format(n);

describe('/heatmap: numbers first, map after', () => {
  it("built numbers that differ from DuckDB-wasm's are replaced by the browser's, and the page says so", async () => {
    const db = await openNodeDb();
    const [total] = await db.all<{ incidents: number }>(
      incidentKpis(
        parquetSource((t, d) => `static/data/${d}/${t}.parquet`),
        DAOLI,
        allIncidents()
      )
    );
    db.close();
    // Service workers off: page.route sees the page's requests, not the worker's.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
    try {
      const p = await context.newPage();
      const seen: string[] = [];
      await watchErrors(p, seen);
      let served = false;
      await p.route(`**/data/${DAOLI}/figures.json`, async (route) => {
        const json = await (await route.fetch()).json();
        json.heatmap.numbers.kpis.incidents += 7;
        served = true;
        await route.fulfill({ json });
      });
      await p.goto(`${baseUrl}/heatmap?d=${DAOLI}`);
      const kpi = p.locator('.heatmap aside [data-kpi=incidents] .value');
      await expect.poll(() => p.getByTestId('heatmap-mismatch').count(), { timeout: 120_000 }).toBe(1);
      expect(served).toBe(true);
      expect(await kpi.innerText()).toBe(zh(total.incidents));
      expect(await p.getByTestId('heatmap-mismatch').innerText()).toContain('现显示浏览器内的结果');
      expect(await p.getByTestId('heatmap-provenance').count()).toBe(0);
      expect(seen).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('a category click: the KPI card shows the SQL count, the map then draws that filter at the stated lower resolution', async () => {
    const db = await openNodeDb();
    const src = parquetSource((t, d) => `static/data/${d}/${t}.parquet`);
    const all = allIncidents();
    const [total] = await db.all<{ incidents: number }>(incidentKpis(src, DAOLI, all));
    const [noSanitation] = await db.all<{ incidents: number }>(
      incidentKpis(src, DAOLI, { ...all, categories: INCIDENT_CATEGORIES.filter((c) => c !== 'sanitation') })
    );
    db.close();

    await page.goto(`${baseUrl}/heatmap?d=${DAOLI}&debug`);
    await heatmapReady(page);
    await expect.poll(kpiText, { timeout: 60_000 }).toBe(zh(total.incidents));
    // Shown first from figures.json (computed when the data was built), then checked by DuckDB-wasm here.
    const provenance = page.getByTestId('heatmap-provenance');
    await expect.poll(() => provenance.getAttribute('data-source'), { timeout: 120_000 }).toBe('browser');
    expect(await provenance.innerText()).toBe('数字已由本浏览器内的 DuckDB-wasm 重新计算，与数据构建时算出的一致。');
    expect(await page.getByTestId('heatmap-mismatch').count()).toBe(0);
    // The first map draw follows the first numbers.
    await expect.poll(mapVersion, { timeout: 120_000 }).toBeGreaterThan(0);
    const lowRes = page.getByTestId('low-res');
    await expect.poll(() => lowRes.innerText()).toContain('50 米方格');
    expect(await lowRes.innerText()).toContain('软件绘制');

    const drawnBefore = await mapVersion();
    await page.locator('[data-testid=filters] input[data-category=sanitation]').uncheck();
    await expect.poll(kpiText, { timeout: 30_000 }).toBe(zh(noSanitation.incidents));
    // Then the map takes the filter and draws it.
    await expect.poll(mapVersion, { timeout: 120_000 }).toBeGreaterThan(drawnBefore);
    const timing = await page.locator('.timing').innerText();
    expect(timing).toMatch(/筛选 [\d.,]+ 毫秒（JS）· 指标查询 [\d,]+ 毫秒（DuckDB-wasm）· 地图绘制 [\d,]+ 毫秒/);
    await waitForMap(page);
    const shot = await screenshot(page, 'heatmap-230102-numbers-first');
    // The heat is on the map (its ramp has many shades), not a blank canvas.
    expect(pixelStats(shot).colours).toBeGreaterThan(40);

    // Hexagons are exact aggregations: no lower-resolution note there.
    await page.locator('input[name=mode][value=hexagon]').check();
    await expect.poll(() => lowRes.count()).toBe(0);
    expect(await kpiText()).toBe(zh(noSanitation.incidents));
    expect(errors).toEqual([]);
  }, 300_000);
});
