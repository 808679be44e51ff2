/**
 * /heatmap in real Chromium for Qufu (350,000 incidents): filter to one category and one month,
 * read the KPI cards and check them against the same named SQL run by native DuckDB over the
 * Parquet files; hotspot click zooms; aggregation modes and legend; briefing mode steps to the
 * next saved view; the PNG export is a real picture with its legend.
 */
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { bbox as turfBbox } from '@turf/turf';
import { openNodeDb } from '../../scripts/lib/node-db';
import {
  INCIDENT_DAYS,
  dateToDay,
  incidentHotspots,
  incidentKpis,
  incidentTopCategories,
  parquetSource,
  type IncidentFilter
} from '../../src/lib/data/queries';
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES } from '../../src/lib/data/schema';
import { legendBox, kpiBox, HEADER_PX, FOOTER_PX, KPI } from '../../src/lib/export/png';
import { INCIDENT_RAMP } from '../../src/lib/map/legend';
import {
  failOnPageErrors,
  heatmapReady,
  keepCategories,
  openPage,
  pixelStats,
  screenshot,
  settled,
  waitForMap
} from './browser';
import { journey } from './journey';
import { expectLikeBaseline } from '../setup/baseline';

const baseUrl = inject('baseUrl');
const QUFU = '370881';
let browser: Browser;
let page: Page;
const errors: string[] = [];
failOnPageErrors(errors);
const step = journey();

beforeAll(
  async () =>
    ({ browser, page } = await openPage(errors, { viewport: { width: 1400, height: 900 }, acceptDownloads: true }))
);
afterAll(async () => browser?.close());

const kpiText = (k: string) => page.locator(`.heatmap aside [data-kpi="${k}"] .value`).innerText();
const zh = (n: number, digits = 0) =>
  new Intl.NumberFormat('zh-CN', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
type MapHandle = { __gridatlasMap: { getZoom(): number; getCenter(): { lng: number; lat: number } } };

describe('/heatmap (Qufu)', () => {
  step(
    'filter',
    'one category and one month: KPI cards equal the same SQL in Node over the Parquet',
    [],
    async () => {
      await page.goto(`${baseUrl}/heatmap?d=${QUFU}`);
      await heatmapReady(page);
      await expect.poll(() => kpiText('incidents'), { timeout: 60_000 }).toBe('350,000');
      // Hotspot rates are yearly averages over the period shown (#15): the whole two years here.
      const hotspots = page.locator('.heatmap aside [data-kpi=hotspots]');
      expect(await hotspots.locator('.label').innerText()).toBe('热点网格（每千户年均事件数前10）');
      expect(await hotspots.getByTestId('rate-period').innerText()).toBe(
        '2024-01-01 至 2025-12-31，年均（731 天 ÷ 365.25）'
      );

      const filter: IncidentFilter = {
        categories: ['sanitation'],
        statuses: [...INCIDENT_STATUSES],
        from: dateToDay('2025-03-01'),
        to: dateToDay('2025-04-01'),
        street: null,
        community: null
      };
      const db = await openNodeDb();
      const src = parquetSource((t, d) => `static/data/${d}/${t}.parquet`);
      const [hotAll] = await db.all<{ grid: string; rate: number }>(
        incidentHotspots(src, QUFU, { ...filter, categories: [...INCIDENT_CATEGORIES], from: 0, to: INCIDENT_DAYS }, 1)
      );
      expect(await hotspots.locator('button b').first().innerText()).toBe(zh(hotAll.rate, 1));
      // Qufu's hottest grid: about 5,271 a year (10,548 before, the two years' count read as one year's).
      expect(hotAll.rate).toBeGreaterThan(2000);
      expect(hotAll.rate).toBeLessThan(6000);
      const [k] = await db.all<{ incidents: number; closed_rate: number; median_hours: number }>(
        incidentKpis(src, QUFU, filter)
      );
      const hot = await db.all<{ grid: string; rate: number }>(incidentHotspots(src, QUFU, filter));
      const top = await db.all<{ category: string }>(incidentTopCategories(src, QUFU, filter));
      db.close();
      expect(k.incidents).toBeGreaterThan(1000);

      await keepCategories(page, ['sanitation'], INCIDENT_CATEGORIES);
      await page.locator('[data-testid=month]').selectOption('14'); // 2025-03
      await expect.poll(() => page.locator('[data-testid=range]').innerText()).toBe('2025-03-01 – 2025-03-31');

      await expect.poll(() => kpiText('incidents'), { timeout: 30_000 }).toBe(zh(k.incidents));
      expect(await kpiText('closed-rate')).toBe(`${zh(k.closed_rate * 100, 1)}%`);
      expect(await kpiText('median-hours')).toBe(`${zh(k.median_hours, 1)} 小时`);
      const shownHot = await page
        .locator('.heatmap aside [data-kpi=hotspots] button')
        .evaluateAll((bs) => bs.map((b) => b.getAttribute('data-grid')));
      expect(shownHot).toEqual(hot.map((h) => h.grid));
      // One month of one category: its count ÷ (31 ÷ 365.25) years, the same named SQL in both.
      expect(await page.locator('.heatmap aside [data-kpi=hotspots] button b').allInnerTexts()).toEqual(
        hot.map((h) => zh(h.rate, 1))
      );
      expect(await hotspots.getByTestId('rate-period').innerText()).toBe(
        '2025-03-01 至 2025-03-31，年均（31 天 ÷ 365.25）'
      );
      const shownTop = await page
        .locator('.heatmap aside [data-kpi=top-categories] button')
        .evaluateAll((bs) => bs.map((b) => b.getAttribute('data-category')));
      expect(shownTop).toEqual(top.map((t) => t.category));
      expect(shownTop).toEqual(['sanitation']);

      // The client-side filter pass over 350k incidents ran (its speed is `npm run bench -- heatmap`'s).
      const ms = Number(await page.locator('.heatmap').getAttribute('data-filter-ms'));
      expect(ms).toBeGreaterThan(0);

      await settled(page);
      const shot = await screenshot(page, 'heatmap-370881-sanitation-2025-03');
      expect(pixelStats(shot).colours).toBeGreaterThan(40);
    },
    240_000
  );

  step('hotspot', 'a hotspot click zooms the map to that grid', ['filter'], async () => {
    const before = await page.evaluate(() => (window as unknown as MapHandle).__gridatlasMap.getZoom());
    const first = page.locator('.heatmap aside [data-kpi=hotspots] button').first();
    const grid = await first.getAttribute('data-grid');
    await first.click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as MapHandle).__gridatlasMap.getZoom()))
      .toBeGreaterThan(before + 2);
    const center = await page.evaluate(() => (window as unknown as MapHandle).__gridatlasMap.getCenter());
    const bounds = await page.evaluate(async (code) => {
      const fc = await (await fetch('/data/370881/map/grids.geojson')).json();
      const f = fc.features.find((x: { properties: { code: string } }) => x.properties.code === code);
      const xs = (f.geometry.coordinates.flat(Infinity) as number[]).filter((_, i) => i % 2 === 0);
      const ys = (f.geometry.coordinates.flat(Infinity) as number[]).filter((_, i) => i % 2 === 1);
      return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
    }, grid);
    expect(center.lng).toBeGreaterThan(bounds[0]);
    expect(center.lng).toBeLessThan(bounds[2]);
    expect(center.lat).toBeGreaterThan(bounds[1]);
    expect(center.lat).toBeLessThan(bounds[3]);
    await waitForMap(page);
    await screenshot(page, 'heatmap-370881-hotspot');
  });

  step(
    'street',
    'picking a street in the filter zooms the map to that street; "all" goes back to the district',
    ['hotspot'],
    async () => {
      const zoom = () => page.evaluate(() => (window as unknown as MapHandle).__gridatlasMap.getZoom());
      // From the hotspot's grid back out to all of Qufu's incidents.
      const grid = await zoom();
      await page.getByRole('button', { name: '重置筛选' }).click();
      await page.locator('[data-kpi=incidents]').first().click();
      await expect.poll(zoom, { timeout: 10_000 }).toBeLessThan(grid - 1);
      await waitForMap(page);
      const district = await zoom();
      const street = page.getByTestId('street');
      const code = (await street.locator('option').nth(1).getAttribute('value'))!;
      const grids = JSON.parse(
        readFileSync(`static/data/${QUFU}/map/grids.geojson`, 'utf8')
      ) as GeoJSON.FeatureCollection;
      const own = grids.features.filter((f) => String(f.properties!.code).startsWith(code));
      expect(own.length).toBeGreaterThan(0);
      const [x0, y0, x1, y1] = turfBbox({ type: 'FeatureCollection', features: own });
      await street.selectOption(code);
      await expect.poll(zoom, { timeout: 10_000 }).toBeGreaterThan(district + 0.3);
      await waitForMap(page);
      // The street's grids fill the view: its centre is the street's, and the view holds all of them.
      const view = await page.evaluate(() => {
        const m = (
          window as unknown as {
            __gridatlasMap: {
              getBounds(): { getWest(): number; getSouth(): number; getEast(): number; getNorth(): number };
            };
          }
        ).__gridatlasMap;
        const b = m.getBounds();
        return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
      });
      expect(view[0]).toBeLessThanOrEqual(x0);
      expect(view[1]).toBeLessThanOrEqual(y0);
      expect(view[2]).toBeGreaterThanOrEqual(x1);
      expect(view[3]).toBeGreaterThanOrEqual(y1);
      expect(Math.abs((view[0] + view[2]) / 2 - (x0 + x1) / 2)).toBeLessThan((x1 - x0) / 4 + 0.003);
      await screenshot(page, 'heatmap-370881-street');
      await street.selectOption('');
      await expect.poll(async () => Math.abs((await zoom()) - district), { timeout: 10_000 }).toBeLessThan(0.05);
    }
  );

  step('modes', 'hexagon and choropleth modes with a legend that says what the colours mean', ['filter'], async () => {
    await page.getByRole('button', { name: '重置筛选' }).click();
    await expect.poll(() => kpiText('incidents'), { timeout: 30_000 }).toBe('350,000');
    await page.locator('[data-kpi=incidents]').first().click();
    await page.locator('input[name=mode][value=hexagon]').check();
    const legend = page.locator('aside [data-testid=heatmap-legend]');
    await expect.poll(() => legend.getAttribute('data-mode')).toBe('hexagon');
    await expect.poll(() => legend.locator('li').count(), { timeout: 20_000 }).toBe(INCIDENT_RAMP.length);
    expect(await legend.innerText()).toContain('每个六边形');
    // Whole counts, each class starting one above where the previous ends: no value in two classes.
    const ranges = (await legend.locator('li').allInnerTexts()).map((t) =>
      t.replace(/,/g, '').match(/\d+/g)!.map(Number)
    );
    for (let i = 1; i < ranges.length; i++)
      expect(ranges[i][0], `class ${i + 1}: ${ranges.map((r) => r.join('–')).join(', ')}`).toBe(
        ranges[i - 1].at(-1)! + 1
      );
    await waitForMap(page);
    await settled(page);
    expectLikeBaseline(await screenshot(page, 'heatmap-370881-hexagon'), 'heatmap-370881-hexagon');

    await page.locator('input[name=mode][value=choropleth]').check();
    await expect.poll(() => legend.innerText()).toContain('每千户年均事件数（按网格）');
    expect(await legend.locator('li').count()).toBeGreaterThan(3);
    // No class that holds no grid (every grid of Qufu has incidents: no "0 (0)").
    for (const t of await legend.locator('li').allInnerTexts()) expect(t).not.toMatch(/[（(]0[)）]/);
    // A year's rates: the class holding the most of Qufu's grids ends below 2,000 per 1,000 households
    // (the two years' counts read as one year's put it near 3,000).
    const classes = (await legend.locator('li').allInnerTexts()).map((t) =>
      t
        .replace(/,/g, '')
        .match(/[\d.]+/g)!
        .map(Number)
    );
    const biggest = classes.reduce((a, c) => (c.at(-1)! > a.at(-1)! ? c : a));
    expect(biggest.length, JSON.stringify(classes)).toBe(3);
    expect(biggest[1]).toBeLessThan(2000);
    await settled(page);
    const shot = await screenshot(page, 'heatmap-370881-choropleth');
    // The darkest class colour is on the map (some grids are hot).
    expect(pixelStats(shot).near(INCIDENT_RAMP[5], 60)).toBeGreaterThan(50);
    // The grid borders are drawn on a canvas of their own (outline-canvas.ts), the map's last: above
    // the fill, and last in the exported picture.
    const outlines = () =>
      page.evaluate(() => {
        const all = [...document.querySelectorAll('.mapbox canvas')];
        const c = document.querySelector<HTMLCanvasElement>('.mapbox canvas.outline-canvas');
        if (!c) return null;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let drawn = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]) drawn++;
        return { drawn, last: all.at(-1) === c };
      });
    expect((await outlines())?.last).toBe(true);
    expect((await outlines())!.drawn).toBeGreaterThan(2000);
    const hexClasses = ranges.map((r) => r.join('–'));
    await page.locator('input[name=mode][value=hexagon]').check();
    await expect.poll(async () => (await outlines())?.drawn, { timeout: 10_000 }).toBe(0);
    // Back in hexagon mode the legend gives the same count classes again (the colour domain is reported anew).
    await expect
      .poll(async () =>
        (await legend.locator('li').allInnerTexts()).map((t) => (t.replace(/,/g, '').match(/\d+/g) ?? []).join('–'))
      )
      .toEqual(hexClasses);
    await page.locator('input[name=mode][value=choropleth]').check();
    await expect.poll(async () => (await outlines())?.drawn, { timeout: 10_000 }).toBeGreaterThan(2000);
  });

  step('timeline', 'timeline plays month by month and pauses on a month', ['modes'], async () => {
    await page.locator('[data-testid=play]').click();
    await expect
      .poll(() => page.locator('[data-testid=range]').innerText(), { timeout: 10_000 })
      .toBe('2024-02-01 – 2024-02-29');
    await page.locator('[data-testid=play]').click();
    // Paused: the month's timer is gone (the button says so) and the range stays on that month.
    await expect.poll(() => page.locator('[data-testid=play]').getAttribute('data-playing')).toBe('false');
    expect(await page.locator('[data-testid=range]').innerText()).toMatch(/^2024-0\d-01 – 2024-0\d-\d\d$/);
    expect(await page.locator('[data-testid=month]').inputValue()).not.toBe('-1');
    await page.getByRole('button', { name: '重置筛选' }).click();
  });

  step(
    'briefing',
    'briefing mode: full screen, steps to the next saved view, exports a PNG with legend',
    [],
    async () => {
      // A fresh page shows the district's data extent (its grids): entering briefing mode must re-fit it to the larger map.
      await page.goto(`${baseUrl}/heatmap?d=${QUFU}`);
      await heatmapReady(page);
      await expect.poll(() => kpiText('incidents'), { timeout: 60_000 }).toBe('350,000');
      const bbox = turfBbox(JSON.parse(readFileSync(`static/data/${QUFU}/map/grids.geojson`, 'utf8')));
      /**
       * Canvas size, the district's top edge on screen, and how much of the room left by the fit
       * padding (24 px; in briefing mode what the title block covers above and the KPI cards and legend below, plus 16 px) the
       * district's data extent fills along its tighter axis.
       */
      const fit = (pad = { top: 24, bottom: 24 }) =>
        page.evaluate(
          ([b, pad]) => {
            const m = (
              window as unknown as {
                __gridatlasMap: {
                  getCanvas(): HTMLCanvasElement;
                  project(p: [number, number]): { x: number; y: number };
                };
              }
            ).__gridatlasMap;
            const c = m.getCanvas();
            const [w, h] = [c.clientWidth, c.clientHeight];
            const p0 = m.project([b[0], b[1]]);
            const p1 = m.project([b[2], b[3]]);
            return {
              w,
              h,
              top: p1.y,
              bottom: p0.y,
              fill: Math.max(Math.abs(p1.x - p0.x) / (w - 48), Math.abs(p1.y - p0.y) / (h - pad.top - pad.bottom))
            };
          },
          [bbox, pad] as const
        );
      /** The overlay's title block and bottom row (KPI cards, legend) as the canvas sees them, plus the 16 px margin. */
      const briefingPad = () =>
        page.evaluate(() => {
          const c = (window as unknown as { __gridatlasMap: { getCanvas(): HTMLCanvasElement } }).__gridatlasMap
            .getCanvas()
            .getBoundingClientRect();
          const r = (sel: string) => document.querySelector(`[data-testid=briefing] > ${sel}`)!.getBoundingClientRect();
          return {
            top: r('header').bottom - c.top + 16,
            bottom: c.bottom - Math.min(r('.kpis').top, r('.legend').top) + 16
          };
        });
      const before = await fit();
      expect(before.fill).toBeCloseTo(1, 1);
      expect(before.w).toBeLessThan(1400 - 200);

      await page.locator('[data-testid=briefing-enter]').click();
      await expect.poll(() => page.locator('.heatmap.briefing').count()).toBe(1);
      expect(await page.locator('.heatmap aside').isVisible()).toBe(false);
      // The canvas grows to the viewport's width and the district fills it again (not the old, smaller frame).
      await expect.poll(async () => (await fit(await briefingPad())).w, { timeout: 10_000 }).toBe(1400);
      const after = await fit(await briefingPad());
      expect(after.h).toBeGreaterThanOrEqual(before.h);
      expect(after.fill).toBeGreaterThan(0.97);
      expect(after.fill).toBeLessThan(1.03);
      // The district starts below the briefing's title block, not under it.
      const header = (await page.locator('[data-testid=briefing] header').boundingBox())!;
      const canvasTop = await page.evaluate(
        () =>
          (window as unknown as { __gridatlasMap: { getCanvas(): HTMLCanvasElement } }).__gridatlasMap
            .getCanvas()
            .getBoundingClientRect().top
      );
      expect(canvasTop + after.top).toBeGreaterThanOrEqual(header.y + header.height - 1);
      // …and ends above the KPI cards and the legend, which would otherwise hide part of it.
      const row = Math.min(
        (await page.locator('[data-testid=briefing] > .kpis').boundingBox())!.y,
        (await page.locator('[data-testid=briefing] > .legend').boundingBox())!.y
      );
      expect(canvasTop + after.bottom).toBeLessThanOrEqual(row + 1);
      // Going full screen makes the window larger after briefing mode began: the map re-fits again.
      await page.setViewportSize({ width: 1600, height: 1000 });
      await expect.poll(async () => (await fit(await briefingPad())).w, { timeout: 10_000 }).toBe(1600);
      await expect.poll(async () => (await fit(await briefingPad())).fill, { timeout: 10_000 }).toBeGreaterThan(0.97);
      expect((await fit(await briefingPad())).fill).toBeLessThan(1.03);
      await page.setViewportSize({ width: 1400, height: 900 });
      await expect.poll(async () => (await fit(await briefingPad())).w, { timeout: 10_000 }).toBe(1400);
      // The view on screen when entering is view 1 of the saved views plus itself.
      const stepText = () => page.getByTestId('briefing-step').innerText();
      const [, total] = (await stepText()).match(/^1 \/ (\d+)$/)!;
      expect(Number(total)).toBeGreaterThan(1);
      await page.keyboard.press('ArrowLeft');
      await expect.poll(stepText).toBe(`${total} / ${total}`);
      await page.keyboard.press('ArrowRight');
      await expect.poll(stepText).toBe(`1 / ${total}`);
      expect(await page.locator('[data-testid=briefing-range]').innerText()).toMatch(/^2024-01-01 – 2025-12-31/);
      await page.keyboard.press('ArrowRight');
      await expect.poll(stepText).toBe(`2 / ${total}`);
      await expect.poll(() => page.locator('[data-testid=briefing-title]').innerText()).toContain('全区全时段概况');
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => page.locator('[data-testid=briefing-title]').innerText()).toContain('冬季安全隐患');
      expect(await page.locator('[data-testid=briefing-range]').innerText()).toContain('2024-11-01 – 2025-03-31');
      expect(await page.locator('.heatmap').getAttribute('data-mode')).toBe('hexagon');
      await expect
        .poll(() => page.locator('[data-testid=briefing] [data-kpi=top-categories] button').count(), {
          timeout: 20_000
        })
        .toBe(1);
      await waitForMap(page);
      await settled(page);
      expectLikeBaseline(await screenshot(page, 'heatmap-370881-briefing'), 'heatmap-370881-briefing');

      const mapSize = await page.locator('.mapbox').evaluate((e) => [e.clientWidth, e.clientHeight]);
      const legendEl = page.locator('[data-testid=briefing] [data-testid=heatmap-legend]');
      const rows =
        (await legendEl.locator('li').count()) + (await legendEl.locator('[data-testid=legend-note]').count());
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('[data-testid=briefing-export]').click()
      ]);
      // The name says what the picture is: the district, the view and its period (no bare day numbers).
      expect(download.suggestedFilename()).toBe('GridAtlas_曲阜市_冬季安全隐患_2024-11-01至2025-03-31.png');
      const path = await download.path();
      const buf = readFileSync(path);
      writeFileSync('tests/screenshots/heatmap-370881-export.png', buf);
      const png = PNG.sync.read(buf);
      expect(png.width).toBe(mapSize[0]);
      expect(png.height).toBe(mapSize[1] + HEADER_PX + FOOTER_PX);
      const stats = pixelStats(buf);
      expect(stats.colours).toBeGreaterThan(40);
      // Briefing mode keeps the district clear of the overlay's title block and bottom row, so the
      // exported frame has plain basemap above and below the district: 0.17 of it is drawn on.
      expect(stats.nonBackground).toBeGreaterThan(0.15);
      // The legend box: mostly white, with the ramp's lightest and darkest swatches.
      const box = legendBox(mapSize[0], mapSize[1], rows);
      let white = 0,
        dark = 0,
        light = 0;
      for (let y = box.y; y < box.y + box.height; y++)
        for (let x = box.x; x < box.x + box.width; x++) {
          const o = (y * png.width + x) * 4;
          const [r, g, b] = [png.data[o], png.data[o + 1], png.data[o + 2]];
          if (r > 240 && g > 240 && b > 240) white++;
          const near = (c: readonly number[]) => Math.abs(r - c[0]) + Math.abs(g - c[1]) + Math.abs(b - c[2]) < 12;
          if (near(INCIDENT_RAMP[5])) dark++;
          if (near(INCIDENT_RAMP[0])) light++;
        }
      expect(white / (box.width * box.height)).toBeGreaterThan(0.4);
      expect(dark).toBeGreaterThan(300);
      expect(light).toBeGreaterThan(300);
      // Text has ink where the export writes it: the title and date line above the map, the legend's
      // title and labels, the source line below. Ink = near-black pixels; text covers a few % of its band.
      const ink = (x0: number, y0: number, x1: number, y1: number) => {
        let n = 0;
        for (let y = y0; y < y1; y++)
          for (let x = x0; x < x1; x++) {
            const o = (y * png.width + x) * 4;
            if (png.data[o] < 110 && png.data[o + 1] < 110 && png.data[o + 2] < 110) n++;
          }
        return n / ((x1 - x0) * (y1 - y0));
      };
      const w = png.width;
      const areas = {
        title: ink(16, 12, Math.min(w - 16, 700), 44),
        subtitle: ink(16, 50, Math.min(w - 16, 700), 72),
        legendTitle: ink(box.x + 12, box.y + 12, box.x + box.width - 12, box.y + 12 + 15),
        legendLabels: ink(box.x + 58, box.y + 35, box.x + box.width - 12, box.y + box.height - 12),
        source: ink(16, HEADER_PX + mapSize[1] + 8, Math.min(w - 16, 700), HEADER_PX + mapSize[1] + FOOTER_PX - 8),
        // The KPI cards' three figures, written in their box (kpi-figures.ts gives the screen and the picture the same text).
        ...Object.fromEntries(
          [0, 1, 2].map((i) => {
            const k = kpiBox(mapSize[0], mapSize[1], 3, rows)!;
            const x = k.x + KPI.pad + i * (k.card + KPI.gap);
            return [`kpi${i + 1}`, ink(x, k.y + KPI.pad, x + k.card - 20, k.y + k.height - KPI.pad)];
          })
        )
      };
      for (const [area, share] of Object.entries(areas)) {
        expect(share, area).toBeGreaterThan(0.01);
        expect(share, area).toBeLessThan(0.6);
      }
      // Between the lines the header and footer are blank: the ink above is text, not a filled band.
      expect(ink(16, 74, w - 16, HEADER_PX - 2)).toBeLessThan(0.002);
      await page.keyboard.press('Escape');
      await expect.poll(() => page.locator('.heatmap.briefing').count()).toBe(0);
    },
    240_000
  );
});
