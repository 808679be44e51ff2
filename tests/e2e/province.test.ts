/**
 * The province layout in the pages (issue #14): a small province (`npm run data -- --districts 8`,
 * through the generator's API) is built into the folder the preview serves, then a user finds its
 * districts on the home page by search, opens one on /compare, adds two more by search, and reads
 * figures equal to the same named SQL run by Node DuckDB over the Hive partitions; the network log
 * shows that only the chosen districts' partitions and map layers were fetched.
 */
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { availableCounties, generateProvince } from '../../scripts/generate/province';
import { openNodeDb } from '../../scripts/lib/node-db';
import { servedDir, startPreview, type Preview } from '../../scripts/lib/preview';
import { compareSummary, hiveSource } from '../../src/lib/data/queries';
import type { ProvinceIndex } from '../../src/lib/data/schema';
import { failOnPageErrors, launch, screenshot, watchErrors } from './browser';
import { journey } from './journey';

const step = journey();
const N = 8;
/** 历下区, 市中区, 槐荫区 of Jinan: the first three of the layout (Shandong first, in code order). */
const CHOSEN = ['370102', '370103', '370104'];
const dir = resolve(servedDir(), 'province');
let preview: Preview;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let index: ProvinceIndex;
const errors: string[] = [];
/** Every URL the page and its workers asked for. */
const requested: string[] = [];
const expected: Record<
  string,
  { households: number; grids: number; median_hh_grid: number; incidents_per_1000_yr: number }
> = {};

beforeAll(async () => {
  // Into the served folder before the preview starts (it lists its files once); a fresh one each run.
  rmSync(dir, { recursive: true, force: true });
  ({ index } = await generateProvince({ districts: N, outDir: dir, available: availableCounties(), log: () => {} }));
  const db = await openNodeDb();
  const src = hiveSource(dir);
  for (const d of CHOSEN) [expected[d]] = (await db.all(compareSummary(src, d))) as never[];
  db.close();
  // The global setup's preview listed the folder before the province was there: a preview of its own.
  preview = await startPreview();
  browser = await launch();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.on('request', (r) => void requested.push(r.url()));
  page = await context.newPage();
  await watchErrors(page, errors);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  preview?.close();
  // Later test files in this build see the site as it was (no province).
  rmSync(dir, { recursive: true, force: true });
});
failOnPageErrors(errors);

/** A number as the page shows it (zh-CN grouping) back to a number. */
const num = (s: string) => Number(s.replaceAll(',', '').replace('%', ''));

describe('province', () => {
  step('home', 'lists the province districts on the home page, flagged synthetic, with search', [], async () => {
    await page.goto(`${preview.base}/`);
    const count = page.getByTestId('province-count');
    await expect.poll(() => count.innerText(), { timeout: 30_000 }).toBe(`${N} 个区县符合`);
    const rows = page.locator('[data-testid=province-table] tbody tr');
    expect(await rows.count()).toBe(N);
    // Each row: its name and code, city and province, figures from the index, and the synthetic flag.
    const first = index.districts[0];
    const row = page.locator(`[data-testid=province-table] tr[data-district="${first.code}"]`);
    const cells = await row.locator('th, td').allInnerTexts();
    expect(cells.slice(0, 4)).toEqual([
      `历下区 ${first.code}`,
      '济南市',
      '山东省',
      first.households.toLocaleString('zh-CN')
    ]);
    expect(cells[8]).toBe('合成');
    expect(await page.getByTestId('province').innerText()).toContain('目前只有“区县对比”页能打开这些区县');
    // The three demo districts stay as they were.
    expect(await page.locator('[data-testid=home-synthetic]').count()).toBe(3);

    const search = page.getByTestId('province-search');
    await search.fill('槐荫');
    await expect.poll(() => count.innerText(), { timeout: 5_000 }).toBe('1 个区县符合');
    expect(await rows.locator('th').allInnerTexts()).toEqual(['槐荫区 370104']);
    await search.fill('山东 3701');
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(N);
    await search.fill('上海');
    await expect.poll(() => count.innerText(), { timeout: 5_000 }).toBe('没有符合的区县');
    await search.fill('历下');
    await expect.poll(() => rows.count(), { timeout: 5_000 }).toBe(1);
    await page.getByTestId('province').screenshot({ path: 'tests/screenshots/province-home.png' });
    await screenshot(page, 'province-home-page');
  });

  step(
    'compare',
    'opens three province districts on /compare with the figures Node DuckDB computes over the partitions',
    ['home'],
    async () => {
      requested.length = 0;
      await page.getByTestId('province-compare').click();
      await page.waitForURL(/\/compare\?ds=370102$/);
      await expect.poll(() => page.getByTestId('compare-add-more').isVisible(), { timeout: 10_000 }).toBe(true);
      // The other two are added by search; the header's picker (plan, heatmap, rider, data) still lists the demo three only.
      for (const [query, code] of [
        ['市中', '370103'],
        ['370104', '370104']
      ]) {
        await page.getByTestId('compare-search').fill(query);
        await page.locator(`[data-testid=compare-found] button[data-add="${code}"]`).click();
      }
      await expect.poll(() => new URL(page.url()).searchParams.get('ds'), { timeout: 5_000 }).toBe(CHOSEN.join(','));
      expect(await page.locator('header select option').count()).toBe(3);

      const cell = (key: string, d: string) => page.getByTestId(`metric-${key}-${d}`);
      for (const d of CHOSEN)
        await expect.poll(() => cell('median_hh_grid', d).innerText(), { timeout: 120_000 }).not.toBe('…');
      for (const d of CHOSEN) {
        expect(num(await cell('households', d).innerText())).toBe(expected[d].households);
        expect(num(await cell('grids', d).innerText())).toBe(expected[d].grids);
        expect(num(await cell('median_hh_grid', d).innerText())).toBeCloseTo(expected[d].median_hh_grid, 1);
        expect(num(await cell('incidents_per_1000_yr', d).innerText())).toBeCloseTo(
          expected[d].incidents_per_1000_yr,
          1
        );
        // No rider road network in the layout: no coverage, and the page says so.
        expect(await cell('coverage_rest', d).innerText()).toBe('—');
      }
      expect(await page.getByTestId('coverage-province').innerText()).toContain('不计算15分钟覆盖率');
      expect(await page.getByTestId('published-none').innerText()).toBe('历下区、市中区、槐荫区没有公布的数字。');
      expect(await page.getByTestId('published-table').count()).toBe(0);
      expect(await page.getByTestId('compare-synthetic').innerText()).toContain('合成');
      // The small maps of the three, from their own layers.
      await expect.poll(() => page.locator('.panels.maps svg').count(), { timeout: 30_000 }).toBe(3);
      await screenshot(page, 'province-compare');

      // Only the chosen districts' partitions and map layers came over the network.
      const of = (re: RegExp) => new Set(requested.flatMap((u) => re.exec(u)?.[1] ?? []));
      const partitions = of(/\/province\/[a-z]+\/district=(\d{6})\/part-0\.parquet/);
      const layers = of(/\/province\/districts\/(\d{6})\/map\//);
      expect([...partitions].sort()).toEqual(CHOSEN);
      expect([...layers].sort()).toEqual(CHOSEN);
      for (const d of CHOSEN)
        expect(requested.some((u) => u.endsWith(`/province/incidents/district=${d}/part-0.parquet`))).toBe(true);
      // Nor the layout's whole-province table.
      expect(requested.filter((u) => u.endsWith('/province/districts.parquet'))).toEqual([]);
    }
  );

  step(
    'console',
    "runs the SQL console over a province district's own tables, fetching no other district's",
    ['compare'],
    async () => {
      requested.length = 0;
      const want = index.districts.find((d) => d.code === '370103')!;
      await page
        .getByTestId('console-sql')
        .fill('SELECT (SELECT count(*) FROM incidents_370103) AS n, (SELECT count(*) FROM grids_370103) AS grids');
      await page.getByTestId('console-run').click();
      const cells = page.getByTestId('console-result').locator('tbody td');
      await expect.poll(() => cells.count(), { timeout: 60_000 }).toBe(2);
      expect((await cells.allInnerTexts()).map(num)).toEqual([want.incidents, want.grids]);
      const partitions = new Set(requested.flatMap((u) => /\/province\/[a-z]+\/district=(\d{6})\//.exec(u)?.[1] ?? []));
      expect([...partitions].every((d) => CHOSEN.includes(d))).toBe(true);
    }
  );

  step(
    'english',
    'names a province district in English with its code, and says so for a code the site lacks',
    [],
    async () => {
      const en = await context.newPage();
      await watchErrors(en, errors);
      await en.addInitScript(() => localStorage.setItem('gridatlas.locale', 'en'));
      await en.goto(`${preview.base}/compare?ds=370102,370999`);
      await expect
        .poll(() => en.locator('[role=alert]').innerText(), { timeout: 30_000 })
        .toBe("District 370999 is not in this site's province layout.");
      expect(await en.locator('.chosen[data-chosen="370102"]').innerText()).toContain('历下区 (370102)');
      await en.close();
    }
  );
});
