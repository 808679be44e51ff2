/**
 * /heatmap filters hexagon and grid on the GPU (#14; heatmap-layers.ts, heatmap-filter.ts): the
 * district's incidents are given to deck.gl once with their day, community, category and status
 * as DataFilterExtension attributes, and a playback step or a category toggle only moves the
 * filter. Checked on Qufu (350,000 incidents) in the instrumented build: the count of incidents
 * the GPU keeps (the extension's `countItems`) equals the KPI card's SQL number after each
 * change, the map's pixels change, and the filter attributes were built once
 * (`__gridatlasHeatmapGpu`). Every map mode is photographed after a filter: none may be blank.
 * Where WebGL is software, as in this headless browser, the page itself aggregates hexagons and
 * squares on the CPU (faster there) and says so; these tests choose the GPU path through the hook.
 */
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { failOnPageErrors, heatmapReady, openPage, pixelStats, screenshot, settled } from './browser';
import { journey } from './journey';

const baseUrl = inject('baseUrl');
const QUFU = '370881';
let browser: Browser;
let page: Page;
const errors: string[] = [];
failOnPageErrors(errors);
const step = journey();

beforeAll(async () => ({ browser, page } = await openPage(errors, { viewport: { width: 1280, height: 800 } })));
afterAll(async () => browser?.close());

interface GpuStats {
  valueBuilds: number;
  categoryBuilds: number;
  lastVisible: number;
}
type GpuHandle = { __gridatlasHeatmapGpu: { stats(): GpuStats; count(on: boolean): void; prefer(on: boolean): void } };
const stats = () => page.evaluate(() => (window as unknown as GpuHandle).__gridatlasHeatmapGpu.stats());
const kpiValue = () =>
  page
    .locator('.heatmap aside [data-kpi=incidents]')
    .getAttribute('data-value')
    .then((v) => Number(v));
const kpiVersion = () => page.locator('.heatmap aside .kpis').getAttribute('data-kpi-version').then(Number);
const mapVersion = () => page.locator('.heatmap').getAttribute('data-map-version').then(Number);

/** The map's picture (the canvas area only). */
async function mapShot(name: string): Promise<Buffer> {
  await settled(page, 60_000);
  const box = (await page.locator('.mapbox').boundingBox())!;
  const full = PNG.sync.read(await screenshot(page, name));
  const out = new PNG({ width: Math.floor(box.width), height: Math.floor(box.height) });
  PNG.bitblt(full, out, Math.floor(box.x), Math.floor(box.y), out.width, out.height, 0, 0);
  return PNG.sync.write(out);
}

/** Share of pixels that differ (by more than a little) between two pictures of the same size. */
function changedShare(a: Buffer, b: Buffer): number {
  const x = PNG.sync.read(a);
  const y = PNG.sync.read(b);
  let n = 0;
  for (let i = 0; i < x.data.length; i += 4)
    if (
      Math.abs(x.data[i] - y.data[i]) +
        Math.abs(x.data[i + 1] - y.data[i + 1]) +
        Math.abs(x.data[i + 2] - y.data[i + 2]) >
      30
    )
      n++;
  return n / (x.width * x.height);
}

/** Until the map has taken the KPI cards' filter and the GPU's count of kept incidents is the KPI number. */
async function gpuCountIsKpi(): Promise<number> {
  let kpi = -1;
  await expect
    .poll(
      async () => {
        kpi = await kpiValue();
        return (await stats()).lastVisible === kpi;
      },
      { timeout: 90_000 }
    )
    .toBe(true);
  return kpi;
}

describe('/heatmap: GPU-side filtering (Qufu)', () => {
  step(
    'hexagon',
    'hexagon mode: the GPU keeps all 350,000 incidents, the filter attributes built once',
    [],
    async () => {
      await page.goto(`${baseUrl}/heatmap?d=${QUFU}`);
      await heatmapReady(page);
      await expect.poll(kpiValue, { timeout: 60_000 }).toBe(350_000);
      // Under software WebGL (this browser) the page aggregates hexagons on the CPU and says so; the
      // GPU path, what a GPU gets, is chosen here (from a fresh layer: back to the heatmap first).
      await page.locator('input[name=mode][value=hexagon]').check();
      await expect.poll(() => page.getByTestId('cpu-aggregation').count()).toBe(1);
      await page.locator('input[name=mode][value=heatmap]').check();
      await page.evaluate(() => {
        const gpu = (window as unknown as GpuHandle).__gridatlasHeatmapGpu;
        gpu.count(true);
        gpu.prefer(true);
      });
      await page.locator('input[name=mode][value=hexagon]').check();
      await expect.poll(() => page.getByTestId('cpu-aggregation').count()).toBe(0);
      expect(await gpuCountIsKpi()).toBe(350_000);
      const s = await stats();
      expect(s.valueBuilds).toBe(1);
      expect(s.categoryBuilds).toBeGreaterThanOrEqual(1);
    },
    150_000
  );

  step(
    'playback',
    'a playback step moves only the filter: the GPU keeps the month the KPI card counts, the map changes',
    ['hexagon'],
    async () => {
      const v = await kpiVersion();
      await page.locator('[data-testid=month]').selectOption('14'); // 2025-03
      await expect.poll(kpiVersion, { timeout: 30_000 }).toBeGreaterThan(v);
      const march = await gpuCountIsKpi();
      expect(march).toBeGreaterThan(1000);
      expect(march).toBeLessThan(350_000 / 10);
      const before = await stats();
      const shotBefore = await mapShot('heatmap-gpu-370881-hexagon-2025-03');
      // Play from March: the first step goes to April; pause as soon as it has.
      const v2 = await kpiVersion();
      await page.getByTestId('play').click();
      await expect.poll(() => page.locator('[data-testid=month]').inputValue(), { timeout: 30_000 }).not.toBe('14');
      await page.getByTestId('play').click();
      await expect.poll(kpiVersion, { timeout: 30_000 }).toBeGreaterThan(v2);
      expect(await page.getByTestId('play').getAttribute('data-playing')).toBe('false');
      const month = Number(await page.locator('[data-testid=month]').inputValue());
      expect(month).toBeGreaterThan(14);
      const next = await gpuCountIsKpi();
      expect(next).not.toBe(march);
      const after = await stats();
      expect(after.valueBuilds).toBe(before.valueBuilds);
      expect(after.categoryBuilds).toBe(before.categoryBuilds);
      const shotAfter = await mapShot(`heatmap-gpu-370881-hexagon-month-${month}`);
      expect(changedShare(shotBefore, shotAfter)).toBeGreaterThan(0.005);
    },
    150_000
  );

  step(
    'category',
    'a category toggle moves only the filter: the GPU keeps what the KPI card counts, the map changes',
    ['playback'],
    async () => {
      const before = await stats();
      const all = await kpiValue();
      const shotBefore = await mapShot('heatmap-gpu-370881-hexagon-before-toggle');
      const v = await kpiVersion();
      await page.locator('[data-testid=filters] input[data-category=sanitation]').uncheck();
      await expect.poll(kpiVersion, { timeout: 30_000 }).toBeGreaterThan(v);
      const kept = await gpuCountIsKpi();
      expect(kept).toBeLessThan(all);
      const after = await stats();
      expect(after.valueBuilds).toBe(before.valueBuilds);
      expect(after.categoryBuilds).toBe(before.categoryBuilds);
      expect(changedShare(shotBefore, await mapShot('heatmap-gpu-370881-hexagon-no-sanitation'))).toBeGreaterThan(
        0.002
      );
    },
    150_000
  );

  step(
    'modes',
    'every map mode draws the filtered incidents (no blank map); grid filters on the GPU too',
    ['category'],
    async () => {
      const before = await stats();
      await page.locator('input[name=mode][value=grid]').check();
      expect(await gpuCountIsKpi()).toBeGreaterThan(0);
      // Same district, same attributes: a new layer type fills its own once.
      expect((await stats()).valueBuilds).toBe(before.valueBuilds);
      // A different month per mode, so that each selection is a change.
      const months = { grid: '20', heatmap: '3', choropleth: '8', hexagon: '11' };
      for (const mode of ['grid', 'heatmap', 'choropleth', 'hexagon'] as const) {
        const drawn = await mapVersion();
        await page.locator(`input[name=mode][value=${mode}]`).check();
        await expect.poll(() => page.locator('.heatmap').getAttribute('data-mode')).toBe(mode);
        const v = await kpiVersion();
        // Another month: the map of each mode is drawn after a filter change.
        await page.locator('[data-testid=month]').selectOption(months[mode]);
        await expect.poll(kpiVersion, { timeout: 30_000 }).toBeGreaterThan(v);
        await expect.poll(mapVersion, { timeout: 120_000 }).toBeGreaterThan(drawn);
        const px = pixelStats(await mapShot(`heatmap-gpu-370881-${mode}-filtered`));
        expect(px.colours, `${mode}: colours on the map`).toBeGreaterThan(20);
        // Grid mode's September squares cover the least: ~0.19 of the picture (0.21 while deck.gl
        // drew with antialiasing, now off under software WebGL).
        expect(px.nonBackground, `${mode}: drawn share`).toBeGreaterThan(0.15);
      }
    },
    300_000
  );
});
