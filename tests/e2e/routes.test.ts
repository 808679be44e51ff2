/**
 * Every page of the app in real Chromium: the shared navigation reaches it, the district map
 * renders (non-blank canvas, district outline visible), the synthetic-data badge is shown.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import type { DatasetIndex } from '../../src/lib/data/schema';
import { COLORS, LAYER } from '../../src/lib/map/legend';
import { failOnPageErrors, heatmapReady, hex, openPage, pixelStats, screenshot, settled, waitForMap } from './browser';

const baseUrl = inject('baseUrl');
const index = JSON.parse(readFileSync('static/data/index.json', 'utf8')) as DatasetIndex;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
failOnPageErrors(consoleErrors);

beforeAll(async () => ({ browser, page } = await openPage(consoleErrors)));
afterAll(async () => browser?.close());

async function mapShot(name: string) {
  const el = page.locator('.map canvas.maplibregl-canvas');
  const png = await el.screenshot();
  await screenshot(page, name);
  return pixelStats(png);
}

async function outlineRendered(): Promise<number> {
  return page.evaluate(
    (layer) =>
      (
        window as unknown as { __gridatlasMap: { queryRenderedFeatures(o: { layers: string[] }): unknown[] } }
      ).__gridatlasMap.queryRenderedFeatures({ layers: [layer] }).length,
    LAYER.outline
  );
}

describe('pages', () => {
  it('home lists the four jobs and the embedded dataset', async () => {
    await page.goto(`${baseUrl}/`);
    await expect.poll(() => page.getByTestId('home-synthetic').count(), { timeout: 20_000 }).toBe(3);
    const text = await page.locator('main').innerText();
    for (const name of ['道里区', '曲阜市', '滨城区', '网格规划', '事件热力', '区域对比', '骑手驿站'])
      expect(text).toContain(name);
    // Who each page is for; the pictures and the real/synthetic link: tests/e2e/first-look.test.ts.
    expect(await page.getByTestId('home-job').locator('.who').allInnerTexts()).toEqual([
      '给网格规划人员',
      '给领导',
      '给领导、分析人员',
      '给外卖骑手、快递员',
      '给区县工作人员'
    ]);
    await page.getByRole('link', { name: '哪些是真实数据，哪些是合成数据' }).click();
    await page.waitForURL(/#real-synthetic$/);
    expect(await page.getByTestId('real-synthetic-table').locator('tbody tr').count()).toBe(7);
    await screenshot(page, 'home');
  });

  for (const [route, navText, district] of [
    ['plan', '网格规划', '230102'],
    ['heatmap', '事件热力', '370881'],
    ['compare', '区域对比', '371602']
    // /rider draws a light SVG map of its own (no maplibre): tests/e2e/rider.test.ts.
  ] as const) {
    it(`${route}: reached from the navigation, draws the ${district} map with its outline`, async () => {
      await page.goto(`${baseUrl}/?d=${district}`);
      await page.getByRole('link', { name: navText }).first().click();
      await page.waitForURL(new RegExp(`/${route}`));
      // /heatmap's numbers computed at build time come before its map and DuckDB-wasm's: wait for the page as a user finally has it.
      await (route === 'heatmap' ? heatmapReady(page) : waitForMap(page));
      if (route === 'heatmap') {
        // Every incident of the district, read by DuckDB-wasm from the Parquet export.
        const expected = index.districts.find((d) => d.code === district)!.incidents.toLocaleString('zh-CN');
        await expect.poll(() => page.locator('[data-stat]').first().innerText(), { timeout: 60_000 }).toBe(expected);
        await settled(page);
      }
      expect(await page.getByTestId('synthetic-badge').isVisible()).toBe(true);
      expect(await outlineRendered()).toBeGreaterThan(0);
      const stats = await mapShot(`${route}-${district}`);
      expect(stats.nonBackground).toBeGreaterThan(0.05);
      expect(stats.colours).toBeGreaterThan(20);
      expect(stats.near(hex(COLORS.outline), 60)).toBeGreaterThan(200);
      expect(await page.locator('[role=alert]').count()).toBe(0);
    });
  }

  it('plan at street level: buildings coloured by grid, grid outlines and labels', async () => {
    await page.goto(`${baseUrl}/plan?d=230102`);
    await waitForMap(page);
    const target = await page.evaluate(async () => {
      const fc = await (await fetch('/data/230102/map/grids.geojson')).json();
      const ring = fc.features[0].geometry.coordinates.flat(Infinity) as number[];
      let x = 0,
        y = 0;
      for (let i = 0; i < ring.length; i += 2) {
        x += ring[i];
        y += ring[i + 1];
      }
      return [(2 * x) / ring.length, (2 * y) / ring.length] as [number, number];
    });
    await page.evaluate(
      (c) =>
        (window as unknown as { __gridatlasMap: { jumpTo(o: object): void } }).__gridatlasMap.jumpTo({
          center: c,
          zoom: 15.5
        }),
      target
    );
    await waitForMap(page);
    const rendered = await page.evaluate((ids) => {
      const m = (
        window as unknown as {
          __gridatlasMap: { queryRenderedFeatures(o: { layers: string[] }): { properties: { grid?: string } }[] };
        }
      ).__gridatlasMap;
      const b = m.queryRenderedFeatures({ layers: [ids.buildings] });
      return {
        buildings: b.length,
        grids: new Set(b.map((f) => f.properties.grid)).size,
        labels: m.queryRenderedFeatures({ layers: [ids.gridLabels] }).length
      };
    }, LAYER);
    expect(rendered.buildings).toBeGreaterThan(10);
    expect(rendered.grids).toBeGreaterThan(1);
    expect(rendered.labels).toBeGreaterThan(0);
    const stats = await mapShot('plan-230102-street');
    expect(stats.colours).toBeGreaterThan(30);
  });

  it('a link to a district the page cannot open says which one, what is shown instead, and where it opens', async () => {
    await page.goto(`${baseUrl}/rider?d=370102`);
    const note = page.getByTestId('not-opened');
    await expect.poll(() => note.count(), { timeout: 20_000 }).toBe(1);
    const shown = await page.locator('header select').first().locator('option:checked').innerText();
    const text = await note.innerText();
    expect(text).toContain('370102');
    // The district shown instead, by the name the header's picker gives it (e.g. 道里区 of 哈尔滨市道里区).
    expect(shown).toContain(text.split('这里显示的是')[1].split('。')[0]);
    expect(await note.getByRole('link').getAttribute('href')).toMatch(/\/compare\?ds=370102$/);
    // Without a position (no location permission here) the rider map shows the district to tap on, not an empty box.
    await expect.poll(() => page.getByTestId('rider-station-dot').count(), { timeout: 30_000 }).toBeGreaterThan(100);
    await expect
      .poll(async () => ((await page.getByTestId('rider-roads').getAttribute('d')) ?? '').length, { timeout: 30_000 })
      .toBeGreaterThan(1000);
    await screenshot(page, 'routes-not-opened');
    // "请在地图上点一下": a tap on that map gives the rider a position and the nearest stations.
    await page.getByTestId('rider-map').click();
    await expect.poll(() => page.getByTestId('rider-dot').count(), { timeout: 10_000 }).toBe(1);
    await expect.poll(() => page.getByTestId('rider-result').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await note.getByRole('button').click();
    expect(await note.count()).toBe(0);
    // Not a district code at all: said too, with no link to follow.
    await page.goto(`${baseUrl}/rider?d=abc`);
    await expect.poll(() => note.count(), { timeout: 20_000 }).toBe(1);
    expect(await note.innerText()).toContain('abc');
    expect(await note.getByRole('link').count()).toBe(0);
  });

  it('the district picker switches the map to another district', async () => {
    await page.goto(`${baseUrl}/plan?d=230102`);
    await waitForMap(page);
    await page.locator('header select').selectOption('370881');
    await expect.poll(() => page.locator('h1 small').innerText()).toBe('曲阜市');
    await waitForMap(page);
    const center = await page.evaluate(() =>
      (
        window as unknown as { __gridatlasMap: { getCenter(): { lng: number; lat: number } } }
      ).__gridatlasMap.getCenter()
    );
    expect(center.lng).toBeGreaterThan(116.8);
    expect(center.lng).toBeLessThan(117.3);
    expect(page.url()).toContain('d=370881');
  });

  it('English is one click away and numbers follow the locale', async () => {
    await page.goto(`${baseUrl}/`);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('nav').innerText()).toContain('Grid planning');
    expect(await page.title()).toBe('GridAtlas');
    const cell = await page.locator('table tbody tr').first().locator('td').first().innerText();
    expect(cell).toMatch(/^\d{1,3}(,\d{3})+$/);
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => page.title()).toBe('网格地图 GridAtlas');
  });
});
