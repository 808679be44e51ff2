/**
 * What each user meets first (#15): the published-figures table on /compare read in Chinese and
 * English on a desktop and a phone, the home page's cards and its link to what is real and
 * synthetic, map-control tooltips in the UI language, search placeholders that fit their boxes.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { heatmapReady, launch, screenshot, watchErrors } from './browser';
import { PUBLISHED } from '../../src/lib/data/published';
import { en, zh } from '../../src/lib/i18n/messages';
import { TABLES, type DatasetIndex } from '../../src/lib/data/schema';

const baseUrl = inject('baseUrl');
let browser: Browser;
const errors: string[] = [];

beforeAll(async () => (browser = await launch()));
afterAll(async () => browser?.close());

async function open(width: number, height: number, locale: 'zh' | 'en'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  await watchErrors(page, errors);
  // The app's remembered language choice, as the language button leaves it.
  await page.addInitScript((l) => localStorage.setItem('gridatlas.locale', l), locale);
  return page;
}

/** Width of each visible cell of a table, in units of its font size (one CJK character ≈ 1). */
function cellWidths(page: Page, selector: string) {
  return page.locator(`${selector} td`).evaluateAll((tds) =>
    tds
      .filter((td) => (td as HTMLElement).offsetParent !== null)
      .map((td) => {
        const em = parseFloat(getComputedStyle(td).fontSize);
        // The content box: a card's cell holds its label and then its value.
        const value = (td.lastElementChild as HTMLElement | null) ?? td;
        return {
          text: td.textContent!.trim(),
          width: td.getBoundingClientRect().width / em,
          value: value.getBoundingClientRect().width / em
        };
      })
  );
}

/** The published-figures table on /compare as the page shows it now, at `width` px, in `locale`. */
async function checkPublished(page: Page, locale: 'zh' | 'en', width: number) {
  const table = page.getByTestId('published-table');
  await table.waitFor({ timeout: 60_000 });
  const row = (d: string, key: string) => table.locator(`tr[data-key="${d}-${key}"]`);
  const solved = PUBLISHED.find((f) => f.key === 'compound_problems_solved')!;
  const value = row('230102', 'compound_problems_solved').locator('[data-value]');
  // The computed side comes from DuckDB-wasm; a comparable row shows it (on a phone too).
  await expect
    .poll(() => row('370881', 'red_sail_stations').locator('[data-computed]').innerText(), { timeout: 120_000 })
    .toBe('83');
  expect(await row('370881', 'red_sail_stations').locator('[data-diff]').innerText()).toBe('0 (0%)');
  if (locale === 'zh') {
    // Items, units, notes and sources in Chinese; "300+" reads as a lower bound.
    expect(await value.innerText()).toBe('300 个以上');
    expect(await row('370881', 'incidents_since_2022').locator('[data-figure]').innerText()).toBe(
      '2022年以来网格员上报的民生事件\n巡查走访185,000次以上'
    );
    const text = await table.locator('tbody').innerText();
    expect(text.match(/[A-Za-z]{3,}/g)).toBeNull();
    expect(text).toContain('曲阜市党建工作报道，中文媒体，2023年');
    expect(await page.locator('.published .lead').innerText()).toContain(zh['published.atLeastNote']);
  } else {
    expect(await value.innerText()).toBe('300 or more problems');
    expect(await row('370881', 'red_sail_stations').locator('[data-figure]').innerText()).toContain(
      'Red-Sail stations'
    );
    expect(await table.locator('tbody').innerText()).not.toContain('+ (');
    expect(await page.locator('.published .lead').innerText()).toContain(en['published.atLeastNote']);
  }
  // No item ends in an unexplained "+".
  for (const t of await table.locator('[data-figure]').allInnerTexts())
    expect(t.split('\n')[0].endsWith('+')).toBe(false);
  expect(await table.locator('tbody tr').count()).toBe(
    PUBLISHED.filter((f) => f.district === '230102' || f.district === '370881').length
  );
  expect(solved.atLeast).toBe(true);

  // Nothing a user reads is squeezed: every cell (on a phone, every value beside its label)
  // is at least two characters wide, and the page never scrolls sideways.
  const cells = await cellWidths(page, '[data-testid=published-table]');
  expect(cells.length).toBeGreaterThan(50);
  for (const c of cells.filter((c) => c.text.length >= 2)) expect(c.value, c.text).toBeGreaterThanOrEqual(2);
  if (width < 600) {
    // Cards: the heading row is hidden and each cell says what it is.
    expect(await table.locator('thead').isVisible()).toBe(false);
    const first = await table
      .locator('tbody tr')
      .first()
      .locator('td')
      .first()
      .evaluate((td) => getComputedStyle(td, '::before').content);
    expect(first).toBe(`"${locale === 'zh' ? zh['published.district'] : en['published.district']}"`);
  }
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await table.scrollIntoViewIfNeeded();
  await screenshot(page, `first-look-published-${locale}-${width}`);
}

describe('/compare: published figures in the reader’s language', () => {
  // One page per language, opened on a desktop and then narrowed to a phone's width (cards).
  for (const locale of ['zh', 'en'] as const) {
    it(`${locale} at 1280 px, then at 390 px`, async () => {
      const page = await open(1280, 800, locale);
      await page.goto(`${baseUrl}/compare?ds=230102,370881`);
      await checkPublished(page, locale, 1280);
      await page.setViewportSize({ width: 390, height: 844 });
      await checkPublished(page, locale, 390);
      await page.close();
      expect(errors).toEqual([]);
    }, 180_000);
  }
});

describe('home page', () => {
  for (const [locale, width] of [
    ['zh', 1280],
    ['en', 390]
  ] as const) {
    it(`${locale} at ${width} px: which page is for whom, with a picture; the real/synthetic link works`, async () => {
      const m = locale === 'zh' ? zh : en;
      const page = await open(width, 844, locale);
      await page.goto(`${baseUrl}/`);
      const cards = page.getByTestId('home-job');
      await expect.poll(() => cards.count(), { timeout: 20_000 }).toBe(5);
      const expected = [
        ['/plan', m['home.for.plan'], m['nav.plan']],
        ['/heatmap', m['home.for.leaders'], m['nav.heatmap']],
        ['/compare', m['home.for.compare'], m['nav.compare']],
        ['/rider', m['home.for.rider'], m['nav.rider']],
        ['/data', m['home.for.data'], m['nav.data']]
      ];
      for (const [i, [path, who, title]] of expected.entries()) {
        const card = cards.nth(i);
        expect(await card.getAttribute('data-page')).toBe(path);
        expect(await card.locator('.who').innerText()).toBe(who);
        expect(await card.locator('strong').innerText()).toBe(title);
        // The picture has loaded (a broken image has no natural width).
        const img = card.locator('img');
        await img.scrollIntoViewIfNeeded();
        await expect
          .poll(() => img.evaluate((e: HTMLImageElement) => e.complete && e.naturalWidth), { timeout: 10_000 })
          .toBe(320);
      }
      await screenshot(page, `first-look-home-${locale}-${width}`);

      const inView = () =>
        page
          .locator('#real-synthetic h2')
          .evaluate(
            (e) => e.getBoundingClientRect().top >= 0 && e.getBoundingClientRect().bottom <= window.innerHeight
          );
      // On a phone the section starts far below the cards: the link is what brings it up.
      if (width < 600) expect(await inView()).toBe(false);
      await page.getByRole('link', { name: m['home.realSynthetic'] }).click();
      await page.waitForURL(/#real-synthetic$/);
      const section = page.locator('#real-synthetic');
      // The section's heading is in view (scrolled to, or as high as the page's end lets it go).
      await expect.poll(inView, { timeout: 5_000 }).toBe(true);
      expect(await section.locator('h2').innerText()).toBe(m['home.realSynthetic']);
      // Each table of each district as the served index.json flags it.
      const index = (await page.evaluate(() => fetch('/data/index.json').then((r) => r.json()))) as DatasetIndex;
      const table = page.getByTestId('real-synthetic-table');
      expect(await table.locator('tbody tr').count()).toBe(TABLES.length);
      for (const t of TABLES)
        for (const d of index.districts)
          expect(
            await table.locator(`tr[data-table="${t}"] td[data-district="${d.code}"]`).innerText(),
            `${t} ${d.code}`
          ).toBe(d.syntheticTables.includes(t) ? m['home.synthetic'] : m['home.real']);
      expect(await section.innerText()).toContain(locale === 'zh' ? '国家统计局' : 'NBS 2023');
      await screenshot(page, `first-look-real-synthetic-${locale}-${width}`);
      await page.close();
      expect(errors).toEqual([]);
    }, 60_000);
  }
});

describe('map controls and placeholders in the UI language', () => {
  it('zoom, compass and attribution tooltips follow the language switch', async () => {
    const page = await open(1280, 800, 'zh');
    await page.goto(`${baseUrl}/heatmap?d=370881`);
    await heatmapReady(page);
    const titles = () =>
      Promise.all(
        [
          '.maplibregl-ctrl-zoom-in',
          '.maplibregl-ctrl-zoom-out',
          '.maplibregl-ctrl-compass',
          '.maplibregl-ctrl-attrib-button'
        ].map((s) => page.locator(`.map ${s}`).first().getAttribute('title'))
      );
    expect(await titles()).toEqual([
      zh['map.ctl.zoomIn'],
      zh['map.ctl.zoomOut'],
      zh['map.ctl.resetBearing'],
      zh['map.ctl.attribution']
    ]);
    expect(await page.locator('.map .maplibregl-ctrl-scale').innerText()).toMatch(/^\d+\s(米|公里)$/);
    await page.getByRole('button', { name: 'English' }).click();
    await expect
      .poll(titles, { timeout: 5_000 })
      .toEqual([en['map.ctl.zoomIn'], en['map.ctl.zoomOut'], en['map.ctl.resetBearing'], en['map.ctl.attribution']]);
    expect(await page.locator('.map .maplibregl-ctrl-scale').innerText()).toMatch(/^\d+\s(m|km)$/);
    // One set of controls after the switch, not two.
    expect(await page.locator('.map .maplibregl-ctrl-zoom-in').count()).toBe(1);
    await page.locator('.map .maplibregl-ctrl-zoom-in').hover();
    await screenshot(page, 'first-look-map-controls-en');
    await page.getByRole('button', { name: '中文' }).click();
    await expect
      .poll(titles, { timeout: 5_000 })
      .toEqual([zh['map.ctl.zoomIn'], zh['map.ctl.zoomOut'], zh['map.ctl.resetBearing'], zh['map.ctl.attribution']]);
    await page.close();
    expect(errors).toEqual([]);
  }, 90_000);

  for (const locale of ['en', 'zh'] as const) {
    it(`search placeholders on /plan and /rider fit their boxes (${locale}, 390 and 1280 px)`, async () => {
      const page = await open(390, 844, locale);
      const measured: { path: string; width: number; placeholder: string; text: number; box: number }[] = [];
      for (const path of ['/plan?d=230102', '/rider?d=230102']) {
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(`${baseUrl}${path}`);
        const input = page.locator('input[type=search]').first();
        await input.waitFor({ timeout: 30_000 });
        // The same page on a phone and widened to a desktop window.
        for (const width of [390, 1280]) {
          await page.setViewportSize({ width, height: 844 });
          await expect.poll(() => page.evaluate(() => innerWidth)).toBe(width);
          measured.push({
            path,
            width,
            ...(await input.evaluate((el: HTMLInputElement) => {
              const s = getComputedStyle(el);
              const g = document.createElement('canvas').getContext('2d')!;
              g.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
              const box = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
              return { placeholder: el.placeholder, text: g.measureText(el.placeholder).width, box };
            }))
          });
        }
      }
      expect(measured.length).toBe(4);
      for (const m of measured)
        expect(
          m.text,
          `${m.path} at ${m.width} px: "${m.placeholder}" is ${m.text.toFixed(0)} px in a ${m.box.toFixed(0)} px box`
        ).toBeLessThanOrEqual(m.box);
      await page.close();
      expect(errors).toEqual([]);
    }, 90_000);
  }
});
