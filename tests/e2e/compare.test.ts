/**
 * /compare in real Chromium: the figures the page reads out (DuckDB-wasm over the Parquet) are
 * the same as the same named SQL run by Node DuckDB; the SQL console refuses a write with a
 * message, explains a DuckDB error, runs a query and exports it as CSV.
 */
import { afterAll, beforeAll, describe, expect, inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import type { FeatureCollection, Point } from 'geojson';
import { compareSummary, parquetSource } from '../../src/lib/data/queries';
import type { DistrictCode } from '../../src/lib/data/schema';
import { coverage, coverageBuildings, coverageContext, share, type BuildingLayer } from '../../src/lib/geo/coverage';
import { decodeRoads, type RiderRoads } from '../../src/lib/geo/nearest-data';
import { RIDER_KINDS } from '../../src/lib/map/legend';
import { openNodeDb } from '../../scripts/lib/node-db';
import { launch, pixelStats, screenshot, watchErrors } from './browser';
import { journey } from './journey';
import { expectLikeBaseline } from '../setup/baseline';

const step = journey();

const baseUrl = inject('baseUrl');
const DISTRICTS: DistrictCode[] = ['230102', '370881'];
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const expected: Record<string, { median_hh_grid: number; incidents_per_1000_yr: number; grids: number }> = {};

/** The coverage shares the page's worker computes, here in Node with the same pure functions on the same files. */
function coverageShares(code: DistrictCode): { rest: number; all: number } {
  const read = <T>(p: string) => JSON.parse(readFileSync(`static/data/${code}/${p}`, 'utf8')) as T;
  const ctx = coverageContext(
    coverageBuildings(read<BuildingLayer>('map/buildings.geojson')),
    decodeRoads(read<RiderRoads>('rider/roads.json'))
  );
  const st = read<FeatureCollection<Point, { kind: string }>>('map/stations.geojson').features;
  const at = (kinds?: readonly string[]) =>
    share(
      coverage(
        ctx,
        st
          .filter((f) => !kinds || kinds.includes(f.properties.kind))
          .map((f) => ({ lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }))
      ).total,
      15
    );
  return { rest: at(RIDER_KINDS), all: at() };
}

beforeAll(async () => {
  const db = await openNodeDb();
  const src = parquetSource((t, d) => `static/data/${d}/${t}.parquet`);
  for (const d of DISTRICTS) [expected[d]] = (await db.all(compareSummary(src, d))) as never[];
  db.close();
  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  await watchErrors(page, pageErrors);
});
afterAll(async () => browser?.close());

/** A number as the page shows it (zh-CN grouping) back to a number. */
const num = (s: string) => Number(s.replaceAll(',', '').replace('%', ''));

describe('compare', () => {
  step('side', 'shows Daoli and Qufu side by side with the figures Node DuckDB computes', [], async () => {
    await page.goto(`${baseUrl}/compare?ds=${DISTRICTS.join(',')}`);
    const cell = (key: string, d: string) => page.getByTestId(`metric-${key}-${d}`);
    for (const d of DISTRICTS)
      await expect.poll(() => cell('median_hh_grid', d).innerText(), { timeout: 120_000 }).not.toBe('…');
    // The numbers come first from figures.json (computed when the data was built); DuckDB-wasm then
    // recomputes them here from the Parquet and the page says they match.
    const provenance = page.getByTestId('compare-provenance');
    await expect.poll(() => provenance.getAttribute('data-settled'), { timeout: 120_000 }).toBe('true');
    expect(await provenance.innerText()).toBe(
      '数字已由本浏览器内的 DuckDB-wasm 对 Parquet 重新计算，与数据构建时算出的一致。'
    );
    expect(await page.getByTestId('compare-mismatch').count()).toBe(0);
    // Bincheng was not asked for: two columns only.
    expect(await page.locator('[data-testid^="metric-median_hh_grid-"]').count()).toBe(2);
    expect(await page.locator('[data-testid="compare-panels"] article').count()).toBe(2);
    for (const d of DISTRICTS) {
      const median = num(await cell('median_hh_grid', d).innerText());
      const rate = num(await cell('incidents_per_1000_yr', d).innerText());
      expect(median).toBeCloseTo(expected[d].median_hh_grid, 1);
      expect(rate).toBeCloseTo(expected[d].incidents_per_1000_yr, 1);
      expect(num(await cell('grids', d).innerText())).toBe(expected[d].grids);
      // The panel's histogram marks the same median.
      const label = (await page.locator(`article[data-district="${d}"] .median-label`).textContent()) ?? '';
      expect(num(label.replace(/^\D+/, ''))).toBeCloseTo(expected[d].median_hh_grid, 1);
    }
    // Incident rates are yearly averages, labelled so, with the period they average over (#15).
    const table = page.getByTestId('compare-table');
    expect(await table.locator('tbody th').allInnerTexts()).toContain('每千户年均事件数');
    expect(await page.getByTestId('rate-period').innerText()).toBe(
      '每千户年均事件数：2024-01-01 至 2025-12-31，年均（731 天 ÷ 365.25）'
    );
    // Qufu's 350,000 incidents in two years for 108,206 households: about 1,616 a year, not 3,235.
    const qufu = num(await cell('incidents_per_1000_yr', '370881').innerText());
    expect(qufu).toBeGreaterThan(1000);
    expect(qufu).toBeLessThan(2000);
    const catTitle = page.locator('article[data-district="370881"] figure', { hasText: '各类事件每千户年均数' });
    expect(await catTitle.count()).toBe(1);
    const [catCsv] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('button[data-export="csv"][data-name="incidents-by-category-370881"]').click()
    ]);
    const catLines = readFileSync((await catCsv.path())!, 'utf8')
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n');
    expect(catLines[1]).toBe('category,incidents_per_1000_households_a_year');
    await page
      .locator('section[aria-labelledby=compare-table-title]')
      .screenshot({ path: 'tests/screenshots/compare-rates-table.png' });
    // 15-minute coverage: the worker's shares equal the Node computation, and the page says what they mean.
    for (const d of DISTRICTS) {
      const want = coverageShares(d);
      for (const k of ['rest', 'all'] as const) {
        await expect.poll(() => cell(`coverage_${k}`, d).innerText(), { timeout: 60_000 }).not.toBe('…');
        expect(Number(await cell(`coverage_${k}`, d).getAttribute('data-value'))).toBeCloseTo(want[k], 9);
        expect(await cell(`coverage_${k}`, d).innerText()).toBe(`${(want[k] * 100).toFixed(1)}%`);
      }
    }
    expect(await page.getByTestId('coverage-definition').innerText()).toContain('80 米/分钟');
    // Published figures: Qufu's 83 Red-Sail stations are matched, non-comparable ones show "—".
    await expect
      .poll(() => page.locator('[data-key="370881-red_sail_stations"] [data-computed]').innerText())
      .toBe('83');
    expect(await page.locator('[data-key="370881-volunteers"] [data-computed]').innerText()).toBe('—');
    expect(await page.locator('[data-key="230102-grids"] [data-diff]').innerText()).toContain(
      new Intl.NumberFormat('zh-CN').format(expected['230102'].grids - 2048)
    );
    // Small multiples at one scale: every map has the same metres per pixel.
    await expect.poll(() => page.locator('svg[data-metres-per-pixel]').count(), { timeout: 30_000 }).toBe(2);
    const mpp = await page
      .locator('svg[data-metres-per-pixel]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-metres-per-pixel')));
    expect(new Set(mpp).size).toBe(1);
    // Districts a few tens of kilometres across fit 300 px: tens of metres per pixel, not a globe.
    expect(Number(mpp[0])).toBeGreaterThan(20);
    expect(Number(mpp[0])).toBeLessThan(400);
    // Every community is drawn and coloured (not one shape for the whole map).
    expect(await page.locator('svg[data-metres-per-pixel]').first().locator('path').count()).toBe(160);
    // Histogram: the band's and the median's labels sit above the bars, and the x axis spans the data (no empty stretch).
    const spans: { first: number; last: number; axis: number }[] = [];
    for (const d of DISTRICTS) {
      const hist = page.locator(`article[data-district="${d}"] svg`).first();
      const geo = await hist.evaluate((svg) => {
        const box = (e: Element) => {
          const { x, y, width, height } = (e as SVGGraphicsElement).getBBox();
          return { x, y, width, height };
        };
        const bars = [...svg.querySelectorAll('.bar')].map(box).filter((b) => b.height > 0);
        return {
          labels: ['.band-label', '.median-label'].map((s) => box(svg.querySelector(s)!)),
          bars,
          plot: box(svg.querySelector('.band')!),
          axis: box(svg.querySelector('.axis line')!)
        };
      });
      const top = Math.min(...geo.bars.map((b) => b.y));
      for (const l of geo.labels) expect(l.y + l.height).toBeLessThanOrEqual(top + 0.5);
      spans.push({
        first: Math.min(...geo.bars.map((b) => b.x)),
        last: Math.max(...geo.bars.map((b) => b.x + b.width)),
        axis: geo.axis.width
      });
      await hist.screenshot({ path: `tests/screenshots/compare-histogram-${d}.png` });
    }
    // The panels share one x axis: from the first to the last bar of either district the data cover
    // most of it (at most ~3 empty bins at either end). Daoli's real buildings spread wider than Qufu's.
    const first = Math.min(...spans.map((x) => x.first));
    const last = Math.max(...spans.map((x) => x.last));
    expect((last - first) / spans[0].axis).toBeGreaterThan(0.75);
    expectLikeBaseline(await screenshot(page, 'compare-230102-370881'), 'compare-230102-370881');
    await page.screenshot({ path: 'tests/screenshots/compare-230102-370881-full.png', fullPage: true });
    const png = await page.locator('[data-testid="compare-panels"]').screenshot();
    expect(pixelStats(png).colours).toBeGreaterThan(10);
  });

  step('mismatch', "built figures that differ from DuckDB-wasm's are replaced, and the page says so", [], async () => {
    // Service workers off: page.route sees the page's requests, not the worker's.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
    try {
      const p = await context.newPage();
      const errors: string[] = [];
      await watchErrors(p, errors);
      // Qufu's file as if the Parquet had been replaced after the build: one grid too many.
      await p.route('**/data/370881/figures.json', async (route) => {
        const json = await (await route.fetch()).json();
        json.figures.summary.grids += 1;
        await route.fulfill({ json });
      });
      await p.goto(`${baseUrl}/compare?ds=${DISTRICTS.join(',')}`);
      const grids = p.getByTestId('metric-grids-370881');
      await expect.poll(() => grids.innerText(), { timeout: 120_000 }).not.toBe('…');
      await expect
        .poll(() => p.getByTestId('compare-provenance').getAttribute('data-settled'), { timeout: 120_000 })
        .toBe('true');
      expect(num(await grids.innerText())).toBe(expected['370881'].grids);
      expect(await p.getByTestId('compare-mismatch').innerText()).toBe(
        '曲阜市：数据构建时算出的数字与本浏览器内的计算结果不同，现显示浏览器内的结果（数据文件可能在构建后被替换）。'
      );
      // Daoli's matched: the provenance line speaks of the check, and Daoli is not named as differing.
      expect(await p.getByTestId('compare-provenance').innerText()).toContain('一致');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  step('png', 'exports a chart as PNG', ['side'], async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('button[data-export="png"][data-name="households-per-grid-370881"]').click()
    ]);
    expect(download.suggestedFilename()).toBe('households-per-grid-370881.png');
    const stats = pixelStats(readFileSync((await download.path())!));
    expect(stats.width).toBeGreaterThan(300);
    expect(stats.nonBackground).toBeGreaterThan(0.02);
  });

  step(
    'console',
    'SQL console: refuses a write, shows DuckDB errors, runs a query and exports CSV',
    ['side'],
    async () => {
      const sql = page.getByTestId('console-sql');
      const run = page.getByTestId('console-run');
      const error = page.getByTestId('console-error');

      await sql.fill('DROP TABLE grids_230102');
      await run.click();
      await expect.poll(() => error.innerText()).toContain('DROP');
      expect(await error.innerText()).toContain('只读');

      await sql.fill('SELECT nope FROM grids_230102');
      await run.click();
      await expect.poll(() => error.innerText(), { timeout: 30_000 }).toContain('DuckDB');
      expect(await error.innerText()).toContain('nope');

      // The refused DROP did not touch the table.
      await sql.fill(
        `SELECT community, count(*) AS grids, sum(households) AS households FROM grids_370881 GROUP BY community ORDER BY community`
      );
      await run.click();
      await expect
        .poll(() => page.getByTestId('console-result').locator('tbody tr').count(), { timeout: 30_000 })
        .toBe(44);
      expect(await error.count()).toBe(0);
      await screenshot(page, 'compare-console');
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.locator('button[data-export="csv"][data-name="sql-result"]').click()
      ]);
      const csv = readFileSync((await download.path())!, 'utf8')
        .replace(/^\ufeff/, '')
        .trim()
        .split('\r\n');
      // First the synthetic label as a comment line, then the header and the 44 communities.
      expect(csv[0]).toBe(
        '# 道里区：社区边界、站点、事件为合成数据；曲阜市：合成演示数据 / Daoli: Community boundaries, stations and incidents are synthetic; Qufu: Synthetic demo data'
      );
      expect(csv[1]).toBe('community,grids,households');
      expect(csv).toHaveLength(46);
      const total = csv.slice(2).reduce((s, line) => s + Number(line.split(',')[1]), 0);
      expect(total).toBe(267);
      // effect_update_depth_exceeded also comes from the shared district map on /plan (not this page's code);
      // any other page error fails the test.
      const ours = pageErrors.filter((m) => !m.includes('effect_update_depth_exceeded'));
      expect(ours, ours.join('\n')).toEqual([]);
    }
  );
});
