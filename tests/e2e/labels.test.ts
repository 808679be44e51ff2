/**
 * Honest labels (issue #12 part 4) as a user reads them: the header badge names what is synthetic
 * for the district and the page, and disappears when nothing shown is; the home table and the
 * /compare note say the same per district; /rider's demo stations say 演示站点 with no navigation
 * link, real ones keep the link; a chart's PNG and CSV carry the label. A district whose tables
 * are flagged differently is served by rewriting index.json (or the rider stations file) with
 * Playwright's page.route: the app reads the flags only from there.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import type { DatasetIndex, TableName } from '../../src/lib/data/schema';
import type { RiderStations } from '../../src/lib/geo/nearest-data';
import { failOnPageErrors, launch, pixelStats, screenshot, watchErrors } from './browser';

const baseUrl = inject('baseUrl');
const index = JSON.parse(readFileSync('static/data/index.json', 'utf8')) as DatasetIndex;
const errors: string[] = [];
failOnPageErrors(errors);
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** A fresh page (no service worker: it would answer before page.route) whose index flags the tables of `district` (Daoli) as `flags`. */
async function open(
  flags: TableName[] | null,
  options: Parameters<Browser['newContext']>[0] = {},
  district = '230102'
): Promise<void> {
  await context?.close();
  context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    serviceWorkers: 'block',
    acceptDownloads: true,
    locale: 'zh-CN',
    ...options
  });
  page = await context.newPage();
  await watchErrors(page, errors);
  // Canvas text as drawn, to read what an exported image says.
  await page.addInitScript(() => {
    const drawn: string[] = ((window as unknown as { __drawn: string[] }).__drawn = []);
    const fillText = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text: string, x: number, y: number, max?: number) {
      drawn.push(String(text));
      return max === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, max);
    };
  });
  if (flags)
    await page.route('**/data/index.json', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as DatasetIndex;
      for (const d of body.districts) if (d.code === district) d.syntheticTables = flags;
      await route.fulfill({ response: res, json: body });
    });
}

const badge = () => page.getByTestId('synthetic-badge');

beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe('synthetic labels', () => {
  it('the embedded data: Daoli’s badge names what is synthetic (its geography is OpenStreetMap’s), Qufu and Bincheng are all synthetic', async () => {
    expect(index.districts.map((d) => [d.code, d.syntheticTables.length])).toEqual([
      ['230102', 3],
      ['370881', 7],
      ['371602', 7]
    ]);
    await open(null);
    await page.goto(`${baseUrl}/?d=230102`);
    await expect.poll(() => badge().innerText(), { timeout: 20_000 }).toBe('社区边界、站点、事件为合成数据');
    const title = (await badge().getAttribute('title'))!;
    expect(title).toContain('合成数据（按公开数字校准生成）：社区边界、站点、事件。');
    expect(title).toContain('真实数据：街道边界、小区、楼栋与户数、网格。');
    expect(await page.getByTestId('home-synthetic').allInnerTexts()).toEqual([
      '社区边界、站点、事件为合成数据',
      '合成演示数据',
      '合成演示数据'
    ]);
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => badge().innerText()).toBe('Community boundaries, stations and incidents are synthetic');
    await page.getByRole('button', { name: '中文' }).click();
    await page.getByRole('combobox', { name: '区县' }).selectOption('370881');
    await expect.poll(() => badge().innerText()).toBe('合成演示数据');
    expect(await badge().getAttribute('title')).toContain(
      '合成数据（按公开数字校准生成）：街道边界、社区边界、小区、楼栋与户数、网格、站点、事件。'
    );
  });

  it('real geography, synthetic stations and incidents: the badge names them, the title says what is real', async () => {
    await open(['stations', 'incidents']);
    await page.goto(`${baseUrl}/?d=230102`);
    await expect.poll(() => badge().innerText(), { timeout: 20_000 }).toBe('站点、事件为合成数据');
    const title = (await badge().getAttribute('title'))!;
    expect(title).toContain('合成数据（按公开数字校准生成）：站点、事件。');
    expect(title).toContain('真实数据：街道边界、社区边界、小区、楼栋与户数、网格。');
    await expect
      .poll(() => page.locator('[data-testid=home-synthetic][data-district="230102"]').innerText())
      .toBe('站点、事件为合成数据');
    expect(await page.locator('[data-testid=home-synthetic][data-district="370881"]').innerText()).toBe('合成演示数据');
    await screenshot(page, 'labels-home-partial');
    // Another district in the picker: its own flags.
    await page.getByRole('combobox', { name: '区县' }).selectOption('370881');
    await expect.poll(() => badge().innerText()).toBe('合成演示数据');
    await page.getByRole('combobox', { name: '区县' }).selectOption('230102');
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => badge().innerText()).toBe('Stations and incidents are synthetic');
    await page.getByRole('button', { name: '中文' }).click();
  });

  it('the rider page counts what it shows: stations (and street and community centres)', async () => {
    await open(['incidents']);
    await page.goto(`${baseUrl}/?d=230102`);
    await expect.poll(() => badge().innerText(), { timeout: 20_000 }).toBe('事件为合成数据');
    await page.getByRole('link', { name: '骑手' }).first().click();
    await expect.poll(() => page.url()).toContain('/rider');
    await expect.poll(() => badge().count()).toBe(0);
  });

  it('nothing synthetic: no badge, and the home table says so', async () => {
    await open([]);
    await page.goto(`${baseUrl}/?d=230102`);
    await expect
      .poll(() => page.locator('[data-testid=home-synthetic][data-district="230102"]').innerText(), { timeout: 20_000 })
      .toBe('无合成数据');
    expect(await badge().count()).toBe(0);
    await screenshot(page, 'labels-home-real');
    await page.getByRole('combobox', { name: '区县' }).selectOption('371602');
    await expect.poll(() => badge().innerText()).toBe('合成演示数据');
  });

  it('/rider: demo stations say 演示站点 and have no navigation link; real stations keep it', async () => {
    const phone = {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      geolocation: { longitude: 126.5502, latitude: 45.7301 },
      permissions: ['geolocation']
    };
    await open(null, phone);
    await page.goto(`${baseUrl}/rider?d=230102`);
    await page.getByRole('button', { name: '定位我' }).click();
    // A locator of the page open now (open() makes a new one).
    const cards = () => page.getByTestId('rider-result');
    await expect.poll(() => cards().count(), { timeout: 30_000 }).toBeGreaterThan(0);
    const n = await cards().count();
    expect(await cards().getByTestId('demo-station').allInnerTexts()).toEqual(Array(n).fill('演示站点'));
    expect(await cards().getByTestId('no-nav').allInnerTexts()).toEqual(Array(n).fill('演示数据，不可导航'));
    expect(await page.locator('a[href*="amap"]').count()).toBe(0);
    await screenshot(page, 'labels-rider-demo');

    // The same stations served as a district's real register (synthetic: false).
    await open(['incidents'], phone);
    await page.route('**/230102/rider/stations.json', async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, json: { ...((await res.json()) as RiderStations), synthetic: false } });
    });
    await page.goto(`${baseUrl}/rider?d=230102`);
    await page.getByRole('button', { name: '定位我' }).click();
    await expect.poll(() => cards().count(), { timeout: 30_000 }).toBe(n);
    expect(await cards().getByTestId('demo-station').count()).toBe(0);
    expect(await cards().getByTestId('no-nav').count()).toBe(0);
    const links = await page
      .getByRole('link', { name: '导航' })
      .evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    expect(links).toHaveLength(n);
    for (const href of links) expect(href).toMatch(/^https:\/\/uri\.amap\.com\/navigation\?to=126\.\d+%2C45\.\d+/);
    // Nothing the rider page shows is synthetic now: no badge either.
    await expect.poll(() => badge().count()).toBe(0);
    await screenshot(page, 'labels-rider-real');
  });

  it('/compare: the note and the exports say what is synthetic per district', async () => {
    await open(['stations', 'incidents']);
    await page.goto(`${baseUrl}/compare?ds=230102,370881`);
    const note = page.getByTestId('compare-synthetic');
    await expect
      .poll(() => note.innerText(), { timeout: 30_000 })
      .toBe('注意：道里区：站点、事件为合成数据；曲阜市：合成演示数据。基于合成数据的计算值不是各区县的实际统计。');
    const label = '道里区：站点、事件为合成数据；曲阜市：合成演示数据';
    await screenshot(page, 'labels-compare');

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('button[data-export="csv"][data-name="published-figures"]').click()
    ]);
    const lines = readFileSync((await csv.path())!, 'utf8').split('\r\n');
    expect(lines[0]).toBe(`\ufeff# ${label} / Daoli: Stations and incidents are synthetic; Qufu: Synthetic demo data`);
    expect(lines[1].startsWith('district,')).toBe(true);

    const png = page.locator('button[data-export="png"][data-name="households-per-grid-370881"]');
    await png.waitFor({ timeout: 60_000 });
    const [image] = await Promise.all([page.waitForEvent('download'), png.click()]);
    expect(image.suggestedFilename()).toBe('households-per-grid-370881.png');
    const drawn = await page.evaluate(() => (window as unknown as { __drawn: string[] }).__drawn);
    expect(drawn).toContain(`${label} · GridAtlas 网格地图`);
    // The chart and the footer line under it (22 CSS px, drawn at 2×).
    const file = readFileSync((await image.path())!);
    writeFileSync('tests/screenshots/labels-compare-chart-export.png', file);
    const { width, height } = pixelStats(file);
    expect(width).toBeGreaterThan(400);
    expect(height).toBeGreaterThan(44);
  });

  it('/heatmap: the briefing PNG’s source line says what is synthetic', async () => {
    await open(['incidents'], { viewport: { width: 1400, height: 900 } }, '370881');
    await page.goto(`${baseUrl}/heatmap?d=370881`);
    await expect
      .poll(() => page.locator('.heatmap aside [data-kpi="incidents"] .value').innerText(), { timeout: 60_000 })
      .toBe('350,000');
    await expect.poll(() => badge().innerText()).toBe('事件为合成数据');
    await page.locator('[data-testid=briefing-enter]').click();
    await expect.poll(() => page.locator('.heatmap.briefing').count()).toBe(1);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-testid=briefing-export]').click()
    ]);
    writeFileSync('tests/screenshots/labels-heatmap-export.png', readFileSync((await download.path())!));
    const drawn = await page.evaluate(() => (window as unknown as { __drawn: string[] }).__drawn);
    expect(drawn).toContain('数据来源：事件为合成数据 · GridAtlas 网格地图');
  });
});
