/**
 * The planner on a phone (390×844, issue #15): the panel is above the map, so after "自动划分"
 * the page scrolls to the map to show the new grids; the keyboard hints (Ctrl+Z) are not shown.
 */
import { describe, expect, inject, it } from 'vitest';
import { screenshot, waitForMap } from './browser';
import { CODE, planPage } from './plan-helpers';

const baseUrl = inject('baseUrl');
const { page, errors: pageErrors } = planPage({ width: 390, height: 844 });

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

  it('raised no uncaught page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
