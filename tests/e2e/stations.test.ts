/**
 * Station overlays on the maplibre maps: each kind has its own symbol, and a click on one opens
 * a card with its name, address, services (translated), hours and open-now. On /heatmap they
 * start off (they would bury the heat) and a tick in the legend shows them.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { launch, screenshot, settled, waitForMap } from './browser';
import type { RiderStations } from '../../src/lib/geo/nearest-data';
import { haversine } from '../../src/lib/geo/nearest';
import { isOpenAt } from '../../src/lib/geo/opening-hours';

const baseUrl = inject('baseUrl');
const data = JSON.parse(readFileSync('static/data/230102/rider/stations.json', 'utf8')) as RiderStations;
// A warm-heart station with no other station within 300 m, so the click cannot hit another.
const target = data.stations.find(
  (s) => s.kind === 'warm_heart' && data.stations.every((o) => o === s || haversine(s.lon, s.lat, o.lon, o.lat) > 300)
)!;
const SERVICE_ZH: Record<string, string> = {
  rest: '休息',
  water: '饮水',
  charging: '充电',
  microwave: '微波炉',
  wifi: '无线网络'
};

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
});
afterAll(async () => browser?.close());

describe('station overlay', () => {
  for (const route of ['plan', 'heatmap']) {
    it(`${route}: a click on a station symbol shows its card`, async () => {
      expect(target).toBeTruthy();
      await page.goto(`${baseUrl}/${route}?d=230102`);
      await waitForMap(page);
      const kind = page.locator('input[data-station-kind=warm_heart]');
      if (route === 'heatmap') {
        // Stations start off over the heat; the legend says how to show them.
        expect(await kind.isChecked()).toBe(false);
        expect(await page.getByTestId('stations-hint').innerText()).toContain('勾选类型即可显示');
        await kind.check();
        expect(await page.getByTestId('stations-hint').count()).toBe(0);
      } else expect(await kind.isChecked()).toBe(true);
      await page.evaluate(
        ([lon, lat]) => {
          (window as unknown as { __gridatlasMap: { jumpTo(o: object): void } }).__gridatlasMap.jumpTo({
            center: [lon, lat],
            zoom: 16
          });
        },
        [target.lon, target.lat]
      );
      await waitForMap(page);
      await settled(page);
      expect(await page.getByTestId('station-card').count()).toBe(0);
      const box = (await page.locator('.map canvas.maplibregl-canvas').first().boundingBox())!;
      const xy = await page.evaluate(
        ([lon, lat]) =>
          (
            window as unknown as { __gridatlasMap: { project(p: number[]): { x: number; y: number } } }
          ).__gridatlasMap.project([lon, lat]),
        [target.lon, target.lat]
      );
      await page.mouse.click(box.x + xy.x, box.y + xy.y);
      const card = page.getByTestId('station-card');
      await card.waitFor({ timeout: 10_000 });
      expect(await card.getAttribute('data-id')).toBe(target.id);
      const text = await card.innerText();
      expect(text).toContain(target.name);
      expect(text).toContain('暖心驿站');
      // The demo's stations are synthetic: the card says so.
      expect(await card.getByTestId('demo-station').innerText()).toBe('演示站点');
      await expect.poll(() => page.getByTestId('station-address').innerText()).toBe(target.address);
      const services = await page.getByTestId('station-services').innerText();
      for (const s of target.services) if (SERVICE_ZH[s]) expect(services).toContain(SERVICE_ZH[s]);
      const hours = await page.getByTestId('station-hours').innerText();
      expect(hours).toContain(target.opens === target.closes ? '24小时开放' : `${target.opens}–${target.closes}`);
      expect(await page.getByTestId('station-open').innerText()).toBe(
        isOpenAt(target.opens, target.closes, Date.now()) ? '正在开放' : '已关闭'
      );
      await screenshot(page, `stations-card-${route}`);
      await page.getByRole('button', { name: '关闭' }).click();
      expect(await card.count()).toBe(0);
    });
  }
});
