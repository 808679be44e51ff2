/**
 * The English UI in real Chromium: after the language switch a user reads English on /heatmap
 * (KPI titles, legend, category names) and /compare (figure names, charts), with numbers in
 * en-US formatting equal to the same SQL run in Node; and on a 390 px phone no page runs off the
 * screen sideways.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openNodeDb } from '../../scripts/lib/node-db';
import {
  compareSummary,
  incidentKpis,
  incidentTopCategories,
  parquetSource,
  allIncidents
} from '../../src/lib/data/queries';
import { INCIDENT_CATEGORIES } from '../../src/lib/data/schema';
import { en, type MessageKey } from '../../src/lib/i18n/messages';
import { heatmapReady, openPage, screenshot, settled } from './browser';

const baseUrl = inject('baseUrl');
const QUFU = '370881';
const CJK = /[\u3400-\u9fff]/;
const fmt = (n: number, digits = 0) =>
  new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
const src = parquetSource((t, d) => `static/data/${d}/${t}.parquet`);
const all = allIncidents();

let browser: Browser;
let page: Page;
const errors: string[] = [];
beforeAll(async () => ({ browser, page } = await openPage(errors, { viewport: { width: 1400, height: 900 } })));
afterAll(async () => browser?.close());

describe('English UI', () => {
  it('/heatmap: KPI titles, legend and categories in English, numbers as the Node SQL gives them', async () => {
    const db = await openNodeDb();
    const [k] = await db.all<{ incidents: number; closed_rate: number; median_hours: number }>(
      incidentKpis(src, QUFU, all)
    );
    const top = await db.all<{ category: string }>(incidentTopCategories(src, QUFU, all));
    db.close();

    await page.goto(`${baseUrl}/heatmap?d=${QUFU}`);
    await page.getByRole('button', { name: 'English' }).click();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await heatmapReady(page);
    const aside = page.locator('.heatmap aside');
    const kpi = (name: string) => aside.locator(`[data-kpi="${name}"]`);
    await expect.poll(() => kpi('incidents').locator('.value').innerText(), { timeout: 60_000 }).toBe(fmt(k.incidents));
    expect(await kpi('incidents').locator('.label').innerText()).toBe(en['kpi.incidents']);
    expect(await kpi('closed-rate').locator('.label').innerText()).toBe(en['kpi.closedRate']);
    expect(await kpi('closed-rate').locator('.value').innerText()).toBe(`${fmt(k.closed_rate * 100, 1)}%`);
    expect(await kpi('median-hours').locator('.label').innerText()).toBe(en['kpi.medianClose']);
    expect(await kpi('median-hours').locator('.value').innerText()).toBe(
      `${fmt(k.median_hours, 1)} ${en['kpi.hours']}`
    );
    expect(await kpi('top-categories').locator('.label').innerText()).toBe(en['kpi.topCategories']);
    expect(await kpi('hotspots').locator('.label').innerText()).toBe(en['kpi.hotspots']);
    expect(await kpi('hotspots').getByTestId('rate-period').innerText()).toBe(
      'average a year, 2024-01-01 – 2025-12-31 (731 days ÷ 365.25)'
    );
    const topText = await kpi('top-categories').locator('button').first().innerText();
    expect(topText).toContain(en[`filter.category.${top[0].category}` as MessageKey]);
    // No Chinese in the KPI titles and the top categories (hotspots name communities by their Chinese names).
    expect((await aside.locator('.kpis .label').allInnerTexts()).join(' ')).not.toMatch(CJK);
    expect(await kpi('top-categories').innerText()).not.toMatch(CJK);
    for (const c of INCIDENT_CATEGORIES) {
      const label = await page.locator(`[data-testid=filters] label:has(input[data-category=${c}])`).innerText();
      expect(label.trim()).toBe(en[`filter.category.${c}` as MessageKey]);
    }

    await page.getByLabel(en['heatmap.mode.choropleth']).check();
    const legend = aside.locator('[data-testid=heatmap-legend]');
    await expect.poll(() => legend.locator('figcaption').innerText()).toBe(en['heatmap.legend.choropleth']);
    expect(await legend.getByTestId('legend-note').innerText()).toContain('natural breaks (Jenks)');
    // Class labels: en-US numbers (thousands with a comma), grids per class in brackets.
    const labels = await legend.locator('li').allInnerTexts();
    expect(labels.length).toBeGreaterThan(3);
    for (const l of labels) expect(l).toMatch(/^(≥ )?[\d,.]+(–[\d,.]+)? \(\d+\)$/);
    expect(labels.join(' ')).toMatch(/\d,\d{3}/);
    expect(await legend.innerText()).not.toMatch(CJK);
    await settled(page);
    await screenshot(page, 'english-heatmap-370881');
  });

  it('/compare: figure names and charts in English, numbers equal to the Node SQL', async () => {
    const db = await openNodeDb();
    const [s] = await db.all<{ households: number; median_hh_grid: number; incidents_per_1000_yr: number }>(
      compareSummary(src, QUFU)
    );
    db.close();
    await page.goto(`${baseUrl}/compare?ds=230102,${QUFU}`);
    const cell = (key: string) => page.getByTestId(`metric-${key}-${QUFU}`);
    await expect.poll(() => cell('median_hh_grid').innerText(), { timeout: 120_000 }).not.toBe('…');
    // The language chosen on /heatmap is remembered.
    expect(await page.locator('h1').innerText()).toBe(en['page.compare.title']);
    const table = page.getByTestId('compare-table');
    expect(await table.locator('thead th').allInnerTexts()).toEqual([en['compare.metric'], 'Daoli', 'Qufu']);
    expect(await table.locator('tbody th').allInnerTexts()).toContain(en['compare.m.households']);
    expect(await table.innerText()).not.toMatch(CJK);
    expect(await cell('households').innerText()).toBe(fmt(s.households));
    expect(await cell('median_hh_grid').innerText()).toBe(fmt(s.median_hh_grid, 1));
    expect(await cell('incidents_per_1000_yr').innerText()).toBe(fmt(s.incidents_per_1000_yr, 1));
    expect(await table.locator('tbody th').allInnerTexts()).toContain('Incidents per 1,000 households a year');
    expect(await page.getByTestId('rate-period').innerText()).toBe(
      'Incidents per 1,000 households a year: average a year, 2024-01-01 – 2025-12-31 (731 days ÷ 365.25)'
    );
    await page
      .locator('section[aria-labelledby=compare-table-title]')
      .screenshot({ path: 'tests/screenshots/english-compare-rates-table.png' });
    const panel = page.locator(`article[data-district="${QUFU}"]`);
    expect(await panel.innerText()).toContain(en['compare.chart.histogram']);
    expect(await panel.locator('.band-label').textContent()).toBe(en['compare.chart.band']);
    // The category chart: every bar's tooltip names its category in English with an en-US number.
    const bars = await panel.locator('svg').nth(1).locator('rect.bar title').allTextContents();
    expect(bars.map((b) => b.split(': ')[0])).toEqual(
      INCIDENT_CATEGORIES.map((c) => en[`filter.category.${c}` as MessageKey])
    );
    for (const b of bars) expect(b).toMatch(/: [\d,]+\.\d$/);
    expect(await page.getByTestId('coverage-definition').innerText()).toContain('15-minute walk');
    for (const key of ['metric-median_hh_grid-230102', `metric-coverage_rest-${QUFU}`, 'metric-coverage_rest-230102'])
      await expect.poll(() => page.getByTestId(key).innerText(), { timeout: 120_000 }).not.toBe('…');
    await screenshot(page, 'english-compare');
    expect(errors.filter((m) => !m.includes('effect_update_depth_exceeded'))).toEqual([]);
  });

  it('on a 390 px phone every page fits the screen sideways in English (only tables and the nav bar scroll)', async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    // The English choice from the tests above, remembered.
    await phone.addInitScript(() => localStorage.setItem('gridatlas.locale', 'en'));
    const pages: [string, string, string][] = [
      ['home', '/', 'table'],
      ['plan', '/plan?d=230102&c=230102001001', '[data-testid=grid-table] tbody tr'],
      ['heatmap', `/heatmap?d=${QUFU}`, '[data-kpi=incidents]:not([data-value=""])'],
      ['compare', `/compare?ds=230102,${QUFU}`, `article[data-district="${QUFU}"] svg`],
      ['rider', '/rider', `button:has-text("${en['rider.locate']}")`]
    ];
    for (const [name, path, ready] of pages) {
      await phone.goto(`${baseUrl}${path}`);
      await phone.locator(ready).first().waitFor({ timeout: 60_000 });
      await settled(phone);
      const r = await phone.evaluate(() => ({
        lang: document.documentElement.lang,
        page: document.documentElement.scrollWidth - innerWidth,
        // The district picker beside the badge must stay readable ("Daoli", not "D…").
        pickerWide: (document.querySelector('header .picker select')?.clientWidth ?? 0) >= 100,
        // A box that scrolls sideways is a table's wrapper or the nav bar, never a page or a panel.
        scrollers: [...document.querySelectorAll<HTMLElement>('body *')]
          .filter(
            (e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1
          )
          .filter((e) => e.tagName !== 'NAV' && e.firstElementChild?.tagName !== 'TABLE')
          .map((e) => `${e.tagName}.${e.className} ${e.scrollWidth}>${e.clientWidth}`)
      }));
      await screenshot(phone, `english-phone-${name}`);
      expect(r, name).toEqual({ lang: 'en', page: 0, pickerWide: true, scrollers: [] });
    }
    await phone.close();
  }, 300_000);
});
