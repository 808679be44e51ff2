/**
 * Phones (issue #15). The planner (390×844): the panel is above the map, so after "自动划分" the
 * page scrolls to the map to show the new grids; the keyboard hints (Ctrl+Z) are not shown.
 * The header on every page, in Chinese and English, at 390 and 360 wide: the link to /rider is on
 * screen, not under anything, and a tap on it opens /rider.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launch, screenshot, waitForMap, watchErrors } from './browser';
import { CODE, planPage } from './plan-helpers';
import { en, zh } from '../../src/lib/i18n/messages';

const baseUrl = inject('baseUrl');
const { page } = planPage({ width: 390, height: 844 });

describe('planner on a phone', () => {
  it('after 自动划分 the map is on screen; no Ctrl+Z hints', async () => {
    await page.goto(`${baseUrl}/plan?d=230102&c=${CODE}`);
    await expect.poll(() => page.getByTestId('community-name').count(), { timeout: 30_000 }).toBe(1);
    await waitForMap(page);
    expect(await page.getByTestId('undo').isVisible()).toBe(true);
    expect(await page.getByTestId('undo-hint').isVisible()).toBe(false);
    const map = page.getByRole('region', { name: '社区网格规划地图' });
    const mapTop = async () => (await page.locator('#map').boundingBox())!.y;
    // Before: the long panel first, the map far below the screen.
    expect(await mapTop()).toBeGreaterThan(844);
    await page.getByTestId('split-run').click();
    await expect.poll(() => page.getByTestId('split-status').innerText(), { timeout: 60_000 }).toMatch(/划分完成/);
    // The whole map on screen (it is the page's last part, 70% of the screen high: the scroll ends with it).
    await expect.poll(mapTop, { timeout: 5_000 }).toBeLessThan(844 * 0.35);
    const box = (await page.locator('#map').boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(-1);
    expect(box.y + box.height).toBeLessThanOrEqual(845);
    expect(await map.isVisible()).toBe(true);
    await waitForMap(page);
    await screenshot(page, 'plan-phone-1-after-split');
  });
});

describe('the header on a phone', () => {
  const PAGES = ['/', '/plan', '/heatmap', '/compare', '/rider', '/data'];
  let browser: Browser;
  let ctx: BrowserContext;
  let phone: Page;
  const errors: string[] = [];
  beforeAll(async () => {
    browser = await launch();
    ctx = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN'
    });
    phone = await ctx.newPage();
    await watchErrors(phone, errors);
  });
  afterAll(async () => browser?.close());

  /** The rider link's box, and whether it is what a finger at its centre touches (nothing laid over it). */
  const riderLink = () => phone.locator('header nav a[href*="/rider"]');
  async function onScreen(): Promise<{ inside: boolean; onTop: boolean; box: unknown }> {
    const box = (await riderLink().boundingBox())!;
    const vp = phone.viewportSize()!;
    const inside =
      box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width && box.y + box.height <= vp.height && box.width > 10;
    const onTop = await phone.evaluate(
      ([x, y]) => !!document.elementFromPoint(x, y)?.closest('header nav a[href*="/rider"]'),
      [box.x + box.width / 2, box.y + box.height / 2]
    );
    return { inside, onTop, box };
  }

  /**
   * Each header cell of a table as the lines a reader sees, each line its characters (spaces and
   * brackets left out): characters whose boxes start at the same height are on one line.
   */
  const headerLines = (table: string) =>
    phone.locator(`${table} th`).evaluateAll((ths) =>
      ths.map((th) => {
        const tops: [number, string][] = [];
        const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const t = n.textContent ?? '';
          for (let i = 0; i < t.length; i++) {
            if (/[\s()（）、，,.]/.test(t[i])) continue;
            const r = document.createRange();
            r.setStart(n, i);
            r.setEnd(n, i + 1);
            tops.push([r.getBoundingClientRect().top, t[i]]);
          }
        }
        const lines: string[] = [];
        let last = -Infinity;
        for (const [top, c] of tops.sort((a, b) => a[0] - b[0])) {
          if (top - last > 6) {
            lines.push('');
            last = top;
          }
          lines[lines.length - 1] += c;
        }
        return lines;
      })
    );

  for (const lang of ['zh', 'en'] as const) {
    it(`${lang}: on every page the rider link is on screen and a tap opens /rider`, async () => {
      for (const path of PAGES) {
        await phone.setViewportSize({ width: 390, height: 844 });
        await phone.goto(`${baseUrl}${path}?d=230102`);
        if (lang === 'en' && path === PAGES[0]) await phone.getByRole('button', { name: 'English' }).tap();
        await expect
          .poll(() => riderLink().innerText(), { timeout: 20_000 })
          .toBe((lang === 'zh' ? zh : en)['nav.rider']);
        expect(await onScreen(), `${path} at 390`).toMatchObject({ inside: true, onTop: true });
        if (path === '/compare') {
          // The comparison's names, while its figures load and once they are in: no line of one character.
          await expect.poll(() => phone.getByTestId('compare-table').count(), { timeout: 30_000 }).toBe(1);
          const single = async () =>
            (await headerLines('[data-testid=compare-table]')).filter(
              (l) => l.length > 1 && l.some((x) => x.length === 1)
            );
          expect(await single()).toEqual([]);
          await expect
            .poll(() => phone.locator('[data-testid=metric-households-230102]').getAttribute('data-value'), {
              timeout: 90_000
            })
            .not.toBe('');
          expect(await single()).toEqual([]);
        }
        await screenshot(phone, `phone-header-${lang}-390${path === '/' ? '-home' : path.replace('/', '-')}`);
        await phone.setViewportSize({ width: 360, height: 740 });
        await expect.poll(onScreen, { timeout: 5_000 }).toMatchObject({ inside: true, onTop: true });
        await riderLink().tap();
        await expect.poll(() => new URL(phone.url()).pathname, { timeout: 10_000 }).toBe('/rider');
      }
      expect(errors).toEqual([]);
    }, 240_000);
  }
});
