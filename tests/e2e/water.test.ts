/**
 * Water on the maps (issue #15): /heatmap of Daoli draws OSM's water (the Songhua, 松花江, along the
 * district's north) under everything else, with the river's name along its line, and the map key
 * says 水系; Qufu (schematic geography) has no water layer, asks for no water file and shows no key.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { heatmapReady, hex, openPage, screenshot, settled, waitForMap, watchErrors } from './browser';
import { COLORS, LAYER } from '../../src/lib/map/legend';
import { zh } from '../../src/lib/i18n/messages';

const baseUrl = inject('baseUrl');
let browser: Browser;
let page: Page;
const errors: string[] = [];
/** Every answer of 400 or more, and every request for a water layer, by URL. */
const failed: string[] = [];
const waterAsked: string[] = [];

type TestMap = {
  getLayer(id: string): unknown;
  getSource(id: string): unknown;
  queryRenderedFeatures(o: { layers: string[] }): { properties: { name?: string; kind?: string } }[];
  jumpTo(o: { center: [number, number]; zoom: number }): void;
  project(p: [number, number]): { x: number; y: number };
};
const rendered = (layer: string) =>
  page.evaluate((l) => {
    const m = (window as unknown as { __gridatlasMap: TestMap }).__gridatlasMap;
    return m.getLayer(l)
      ? m
          .queryRenderedFeatures({ layers: [l] })
          .map((f) => ({ name: f.properties.name ?? null, kind: f.properties.kind ?? null }))
      : null;
  }, layer);

beforeAll(async () => {
  ({ browser, page } = await openPage(errors, { locale: 'zh-CN' }));
  page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
  page.on('request', (r) => void (r.url().includes('water') && waterAsked.push(r.url())));
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('water on the maps', () => {
  it('/heatmap of Daoli draws the Songhua under everything else, named along its line, and the key says 水系', async () => {
    await page.goto(`${baseUrl}/heatmap?d=230102`);
    await heatmapReady(page);
    // At the district's fitted view: water areas and river lines drawn.
    await expect
      .poll(async () => (await rendered(LAYER.waterFill))?.length ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect((await rendered(LAYER.waterLines))!.some((f) => f.kind === 'river' && f.name === '松花江')).toBe(true);
    const ids = await page.evaluate(() =>
      (window as unknown as { __gridatlasMap: { getStyle(): { layers: { id: string }[] } } }).__gridatlasMap
        .getStyle()
        .layers.map((l) => l.id)
    );
    expect(ids.indexOf(LAYER.waterFill)).toBe(ids.indexOf(LAYER.outlineFill) + 1);
    expect(ids.indexOf(LAYER.roads)).toBeGreaterThan(ids.indexOf(LAYER.waterLines));
    await expect.poll(() => page.getByTestId('water-key').innerText(), { timeout: 10_000 }).toContain('水系');
    // The numbers first: once DuckDB-wasm's are in (heatmapReady above), the panel's layout is final
    // and the map keeps the view set below.
    await expect
      .poll(() => page.locator('.heatmap aside [data-kpi="incidents"] .value').innerText(), { timeout: 60_000 })
      .toBe('400,000');
    await settled(page);
    await screenshot(page, 'water-heatmap-daoli');

    // Closer, where the old town meets the river (Zhongyang Dajie's flood-control monument): the name is written along the line.
    await page.evaluate(() =>
      (window as unknown as { __gridatlasMap: TestMap }).__gridatlasMap.jumpTo({
        center: [126.615, 45.781],
        zoom: 13.5
      })
    );
    await settled(page);
    await expect
      .poll(async () => (await rendered(LAYER.waterLabels))?.map((f) => f.name) ?? [], { timeout: 20_000 })
      .toContain('松花江');
    // The river's middle is painted in the water colour (the heat is drawn elsewhere: no incidents fall in the river).
    const { x, y } = await page.evaluate(() =>
      (window as unknown as { __gridatlasMap: TestMap }).__gridatlasMap.project([126.615, 45.785])
    );
    const canvas = (await page.locator('.maplibregl-canvas').boundingBox())!;
    const png = await page.screenshot({ clip: { x: canvas.x + x - 2, y: canvas.y + y - 2, width: 4, height: 4 } });
    await screenshot(page, 'water-heatmap-daoli-songhua');
    const { PNG } = await import('pngjs');
    const px = PNG.sync.read(png).data;
    const [r, g, b] = hex(COLORS.water.fill);
    expect(Math.abs(px[0] - r) + Math.abs(px[1] - g) + Math.abs(px[2] - b)).toBeLessThan(30);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
  }, 180_000);

  it('/heatmap of Qufu has no water layer, asks for no water file and shows no water key', async () => {
    waterAsked.length = 0;
    await page.goto(`${baseUrl}/heatmap?d=370881`);
    await heatmapReady(page);
    const state = await page.evaluate(() => {
      const m = (window as unknown as { __gridatlasMap: TestMap }).__gridatlasMap;
      return { source: !!m.getSource('water'), layer: !!m.getLayer('water-fill') };
    });
    expect(state).toEqual({ source: false, layer: false });
    expect(await page.getByTestId('water-key').count()).toBe(0);
    await screenshot(page, 'water-heatmap-qufu-none');
    expect(waterAsked).toEqual([]);
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);

  it("/plan's and /compare's maps of Daoli draw the water from the same style, with the key", async () => {
    for (const path of ['/plan', '/compare']) {
      await page.goto(`${baseUrl}${path}?d=230102`);
      await waitForMap(page);
      await expect
        .poll(async () => (await rendered(LAYER.waterFill))?.length ?? 0, { timeout: 20_000 })
        .toBeGreaterThan(0);
      expect(await page.getByTestId('water-key').isVisible(), path).toBe(true);
    }
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);
  }, 120_000);

  it("/rider's phone map draws the water under the roads by the Songhua, and none in Qufu", async () => {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      geolocation: { longitude: 126.6155, latitude: 45.7775 },
      permissions: ['geolocation'],
      locale: 'zh-CN'
    });
    const phone = await ctx.newPage();
    const own: string[] = [];
    await watchErrors(phone, own);
    await phone.goto(`${baseUrl}/rider?d=230102`);
    // Once the roads (and with them the water) are in, the map draws both.
    await expect
      .poll(() => phone.getByTestId('road-source').innerText(), { timeout: 60_000 })
      .toContain('OpenStreetMap');
    await expect
      .poll(
        async () =>
          (
            (await phone
              .getByTestId('rider-water')
              .getAttribute('d')
              .catch(() => null)) ?? ''
          ).length,
        { timeout: 20_000 }
      )
      .toBeGreaterThan(100);
    await screenshot(phone, 'water-rider-daoli');
    // A rider's location picks the district it lies in: stand in Qufu.
    await ctx.setGeolocation({ longitude: 117.03, latitude: 35.585 });
    await phone.goto(`${baseUrl}/rider?d=370881`);
    await expect
      .poll(() => phone.getByTestId('road-source').innerText(), { timeout: 60_000 })
      .toBe(zh['rider.roads.synthetic']);
    await expect.poll(() => phone.getByTestId('rider-dot').count(), { timeout: 20_000 }).toBe(1);
    expect(await phone.getByTestId('rider-water').count()).toBe(0);
    expect(own).toEqual([]);
    await ctx.close();
  }, 120_000);
});
