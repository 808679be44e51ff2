/**
 * /heatmap and /compare as a district leader sees them in a briefing, in Chinese and English:
 * the timeline's dates are in the UI language; KPI cards keep their numbers on one line inside
 * the card; /compare's top block uses the width; nothing overflows at phone width (390 px).
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DISTRICTS } from '../../src/lib/data/districts';
import { INCIDENT_CATEGORIES } from '../../src/lib/data/schema';
import { readFileSync } from 'node:fs';
import { bbox } from '@turf/turf';
import { heatmapReady, keepCategories, openPage, pixelStats, screenshot, settled } from './browser';
import { journey } from './journey';

const baseUrl = inject('baseUrl');
const QUFU = '370881';
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => ({ browser, page } = await openPage(errors)));
afterAll(async () => browser?.close());
// A test that fails half-way must not leave the next one in English.
afterEach(async () => {
  if (page.url().startsWith(baseUrl)) await setLang('zh');
});

const ticks = () =>
  page.locator('[data-testid=timeline] g.axis .tick text').evaluateAll((ts) => ts.map((t) => t.textContent ?? ''));
const setLang = (l: 'zh' | 'en') => page.evaluate((l) => localStorage.setItem('gridatlas.locale', l), l);

/** What a leader must never see: the page scrolling sideways, at the window size it has now. */
async function noSidewaysOverflow() {
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);
}

/** /compare's layout: no sideways scroll, its own box neither; figures and maps share the first screen when wide. */
async function compareFits(w: number) {
  await page.locator('.page').evaluate((e) => e.scrollTo(0, 0));
  await settled(page);
  await screenshot(page, `polish-compare-${w}`);
  await noSidewaysOverflow();
  // The page scrolls inside its own box: it must not scroll sideways either.
  expect(await page.locator('.page').evaluate((e) => e.scrollWidth <= e.clientWidth)).toBe(true);
  const table = (await page.getByTestId('compare-table').boundingBox())!;
  const map = (await page.locator('.maps figure').first().boundingBox())!;
  if (w >= 1280) expect(map.x).toBeGreaterThan(table.x + table.width);
  else expect(map.y).toBeGreaterThan(table.y + table.height);
}

const qufuKpi = () => page.locator('.heatmap aside [data-kpi=incidents] .value').innerText();

describe('leaders polish', () => {
  // A briefing's journey on Qufu's heatmap and on /compare: each page opens once, at 1280×800, and the
  // window is then widened to a projector's 1920×1080 (a phone opens its own pages, below).
  const step = journey();

  step('ticks', 'timeline ticks in Chinese and in English', [], async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${baseUrl}/heatmap?d=${QUFU}`);
    await setLang('zh');
    await page.reload();
    await heatmapReady(page);
    await expect.poll(qufuKpi, { timeout: 60_000 }).toBe('350,000');
    const zh = await ticks();
    expect(zh.length).toBeGreaterThan(4);
    for (const t of zh) expect(t).toMatch(/^(\d{4}年|\d{1,2}月)$/);
    expect(zh).toContain('2025年');
    await screenshot(page, 'polish-heatmap-zh-1280');

    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(ticks).toContain('2025');
    for (const t of await ticks())
      expect(t).toMatch(
        /^(\d{4}|January|February|March|April|May|June|July|August|September|October|November|December)$/
      );
    await screenshot(page, 'polish-heatmap-en-1280');
  });

  step('briefing', 'briefing in English lists the chosen categories the English way', ['ticks'], async () => {
    await keepCategories(page, ['dispute', 'sanitation'], INCIDENT_CATEGORIES);
    await page.locator('[data-testid=briefing-enter]').click();
    await expect
      .poll(() => page.getByTestId('briefing-range').innerText())
      .toBe('2024-01-01 – 2025-12-31 · Disputes, Sanitation');
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(ticks).toContain('2025年');
  });

  step(
    'heatmap-wide',
    '/heatmap at 1280×800 and widened to 1920×1080: nothing overflows sideways',
    ['briefing'],
    async () => {
      for (const [w, h] of [
        [1280, 800],
        [1920, 1080]
      ] as const) {
        await page.setViewportSize({ width: w, height: h });
        await settled(page);
        await screenshot(page, `polish-heatmap-${w}`);
        await noSidewaysOverflow();
      }
    }
  );

  step('compare-months', '/compare monthly trend: months written in the UI language', [], async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${baseUrl}/compare?ds=230102,370881`);
    const chart = page.locator('[data-district="370881"] figure').filter({ hasText: '每月事件数' });
    const labels = () => chart.locator('g.axis text').evaluateAll((ts) => ts.map((t) => t.textContent ?? ''));
    await expect.poll(labels, { timeout: 60_000 }).toContain('2024年1月');
    expect(await labels()).toContain('2025年7月');
    await chart.screenshot({ path: 'tests/screenshots/polish-compare-monthly-zh.png' });
    await page.getByRole('button', { name: 'English' }).click();
    const en = page.locator('[data-district="370881"] figure').filter({ hasText: 'Incidents by month' });
    await expect
      .poll(() => en.locator('g.axis text').evaluateAll((ts) => ts.map((t) => t.textContent ?? '')))
      .toContain('Jan 2024');
    await en.screenshot({ path: 'tests/screenshots/polish-compare-monthly-en.png' });
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(labels).toContain('2024年1月');
  });

  step(
    'compare-wide',
    '/compare at 1280×800 and widened to 1920×1080: nothing overflows sideways',
    ['compare-months'],
    async () => {
      await expect
        .poll(() => page.locator('[data-testid="metric-households-370881"]').innerText(), { timeout: 60_000 })
        .not.toBe('…');
      await compareFits(1280);
      await page.setViewportSize({ width: 1920, height: 1080 });
      await compareFits(1920);
    }
  );

  it('/compare opened on a 390×844 phone: nothing overflows sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/compare?ds=230102,370881`);
    await expect
      .poll(() => page.locator('[data-testid="metric-households-370881"]').innerText(), { timeout: 60_000 })
      .not.toBe('…');
    await compareFits(390);
  });

  it('/heatmap opened on a 390×844 phone: nothing overflows sideways, KPI cards in full, then a tall map', async () => {
    const [w, h] = [390, 844];
    await page.setViewportSize({ width: w, height: h });
    await page.goto(`${baseUrl}/heatmap?d=${QUFU}`);
    await heatmapReady(page);
    await expect.poll(qufuKpi, { timeout: 60_000 }).toBe('350,000');
    await settled(page);
    await screenshot(page, `polish-heatmap-${w}`);
    await noSidewaysOverflow();
    // A phone reads the KPI cards in full, then scrolls to a map of a useful height.
    const kpis = (await page.locator('.heatmap aside [data-kpi=hotspots]').boundingBox())!;
    const aside = (await page.locator('.heatmap aside').boundingBox())!;
    expect(aside.y + aside.height).toBeGreaterThanOrEqual(kpis.y + kpis.height);
    await page.locator('.heatmap section.map').scrollIntoViewIfNeeded();
    expect((await page.locator('.heatmap section.map').boundingBox())!.height).toBeGreaterThan(h * 0.6);
    await screenshot(page, `polish-heatmap-${w}-map`);
  });

  for (const { code } of DISTRICTS) {
    it(`/heatmap ${code} choropleth: the first view fits the district's data extent, centred`, async () => {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${baseUrl}/heatmap?d=${code}`);
      await heatmapReady(page);
      await expect
        .poll(() => page.locator('.heatmap aside [data-kpi=incidents] .value').innerText(), { timeout: 60_000 })
        .not.toBe('…');
      await page.getByRole('radio', { name: '网格每千户年均事件数' }).check();
      const extent = bbox(JSON.parse(readFileSync(`static/data/${code}/map/grids.geojson`, 'utf8')));
      // The extent on screen: inside the map with the 24 px fit padding, touching it along the tighter axis, centred.
      const fit = () =>
        page.evaluate((b) => {
          const m = (
            window as unknown as {
              __gridatlasMap: {
                getCanvas(): HTMLCanvasElement;
                project(p: [number, number]): { x: number; y: number };
              };
            }
          ).__gridatlasMap;
          const c = m.getCanvas();
          const p0 = m.project([b[0], b[1]]);
          const p1 = m.project([b[2], b[3]]);
          return { w: c.clientWidth, h: c.clientHeight, left: p0.x, right: p1.x, top: p1.y, bottom: p0.y };
        }, extent);
      await expect.poll(async () => Math.round((await fit()).left), { timeout: 10_000 }).toBeGreaterThanOrEqual(23);
      const f = await fit();
      const margins = [f.left, f.w - f.right, f.top, f.h - f.bottom];
      for (const m of margins) expect(m).toBeGreaterThanOrEqual(23);
      expect(
        Math.min(
          Math.abs(f.left - 24) + Math.abs(f.w - f.right - 24),
          Math.abs(f.top - 24) + Math.abs(f.h - f.bottom - 24)
        )
      ).toBeLessThan(4);
      expect(Math.abs(f.left - (f.w - f.right))).toBeLessThan(4);
      expect(Math.abs(f.top - (f.h - f.bottom))).toBeLessThan(4);
      await settled(page);
      const shot = await screenshot(page, `polish-heatmap-${code}-choropleth`);
      expect(pixelStats(shot).colours).toBeGreaterThan(40);
    });
  }
});
