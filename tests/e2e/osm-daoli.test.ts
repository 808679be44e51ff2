/**
 * Daoli's default dataset is drawn from OpenStreetMap: /plan, /heatmap and /compare show
 * "© OpenStreetMap contributors, ODbL" on their maps and draw the real street pattern; /rider's
 * map credits OSM and measures along its roads. Qufu (synthetic) shows no such credit.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { heatmapReady, openPage, pixelStats, screenshot, waitForMap } from './browser';

const baseUrl = inject('baseUrl');
const CREDIT = '© OpenStreetMap contributors, ODbL';
let browser: Browser;
let page: Page;
const errors: string[] = [];

/** The text of maplibre's attribution control (empty when it shows none). */
const attribution = () =>
  page.evaluate(() => document.querySelector('.maplibregl-ctrl-attrib-inner')?.textContent ?? '');

beforeAll(async () => {
  ({ browser, page } = await openPage(errors, { locale: 'zh-CN' }));
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('Daoli from OpenStreetMap', () => {
  it('credits OSM on the planner map and draws the real streets', async () => {
    await page.goto(`${baseUrl}/plan?d=230102`);
    await waitForMap(page);
    await expect.poll(attribution, { timeout: 20_000 }).toContain(CREDIT);
    expect(await page.locator('.maplibregl-ctrl-attrib').isVisible()).toBe(true);
    // The roads layer holds OSM ways.
    const ids = await page.evaluate(() => {
      const m = (
        window as unknown as { __gridatlasMap: { querySourceFeatures(s: string): { properties: { id?: string } }[] } }
      ).__gridatlasMap;
      return m.querySourceFeatures('roads').map((f) => String(f.properties.id ?? ''));
    });
    expect(ids.length).toBeGreaterThan(100);
    expect(ids.filter((id) => id.startsWith('osm-way-')).length / ids.length).toBeGreaterThan(0.9);
    const png = await screenshot(page, 'osm-daoli-plan');
    expect(pixelStats(png).colours).toBeGreaterThan(20);
    expect(errors).toEqual([]);
  }, 120_000);

  it('credits OSM on the heatmap, and not on a synthetic district', async () => {
    await page.goto(`${baseUrl}/heatmap?d=230102`);
    await heatmapReady(page);
    await expect.poll(attribution, { timeout: 20_000 }).toContain(CREDIT);
    // What a leader reads: the incident count of the synthetic incidents at Daoli's real buildings.
    await expect
      .poll(() => page.locator('.heatmap aside [data-kpi="incidents"] .value').innerText(), { timeout: 60_000 })
      .toBe('400,000');
    const png = await screenshot(page, 'osm-daoli-heatmap');
    expect(pixelStats(png).colours).toBeGreaterThan(20);
    await page.goto(`${baseUrl}/heatmap?d=370881`);
    await heatmapReady(page);
    // …which says instead that its streets and buildings are schematic.
    await expect.poll(attribution, { timeout: 20_000 }).toContain('示意地理');
    expect(await attribution()).not.toContain('OpenStreetMap');
    await screenshot(page, 'heatmap-370881-schematic');
    expect(errors).toEqual([]);
  }, 180_000);

  it('credits OSM under the small multiple of Daoli on /compare', async () => {
    await page.goto(`${baseUrl}/compare?d=230102`);
    await expect.poll(() => page.getByTestId('map-attribution').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('map-attribution').first().textContent()).toBe(CREDIT);
    expect(errors).toEqual([]);
  }, 120_000);

  it('credits OSM on the rider map, whose distances follow OSM roads', async () => {
    const ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      geolocation: { longitude: 126.6165, latitude: 45.7745 },
      permissions: ['geolocation'],
      locale: 'zh-CN'
    });
    const phone = await ctx.newPage();
    const own: string[] = [];
    phone.on('pageerror', (e) => own.push(e.message));
    await phone.goto(`${baseUrl}/rider?d=230102`);
    await expect
      .poll(() => phone.getByTestId('road-source').innerText(), { timeout: 60_000 })
      .toContain('OpenStreetMap');
    await expect.poll(() => phone.getByTestId('map-attribution').count(), { timeout: 20_000 }).toBe(1);
    expect(await phone.getByTestId('map-attribution').textContent()).toBe(CREDIT);
    await screenshot(phone, 'osm-daoli-rider');
    expect(own).toEqual([]);
    await ctx.close();
  }, 120_000);
});
