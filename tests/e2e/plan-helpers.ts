/**
 * What the planner's browser tests share: one page in a fresh Chromium, the community they work
 * on (Daoli 省报社社区), the grid table as the panel shows it, clicks on buildings of the map,
 * and a recorder of what a progress bar showed while a worker ran.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { failOnPageErrors, launch, watchErrors } from './browser';
import { openRing, ringCentroid } from '../../src/lib/geo/partition/planar';

export const CODE = '230102001001';
export type LngLat = [number, number];

/** The parts of the page's maplibre map (window.__gridatlasMap) the tests read. */
export type MapHandle = {
  project(c: LngLat): { x: number; y: number };
  getFeatureState(f: object): { seq?: number; changed?: boolean };
  queryRenderedFeatures(o: object): unknown[];
  querySourceFeatures(s: string, o?: object): { geometry: { coordinates: unknown } }[];
  hasImage(id: string): boolean;
  getLayoutProperty(layer: string, name: string): unknown;
};
export type W = { __gridatlasMap: MapHandle };

type BuildingFeature = {
  properties: { id: string; community: string; households: number };
  geometry: { type: 'Polygon'; coordinates: number[][][] } | { type: 'MultiPolygon'; coordinates: number[][][][] };
};
/** The community's buildings from the built dataset. */
export const buildings = (
  JSON.parse(readFileSync('static/data/230102/map/buildings.geojson', 'utf8')) as { features: BuildingFeature[] }
).features.filter((f) => f.properties.community === CODE);
assert(
  buildings.length > 0,
  `community ${CODE} has no buildings in static/data/230102/map/buildings.geojson: the dataset changed, pick another community`
);

/**
 * Centre of a building's footprint: the area centroid of its outer ring, the point the planner
 * itself uses (lasso, labels). A real (OSM) footprint is irregular: the mean of its vertices is not it.
 */
export function centre(id: string): LngLat {
  const g = buildings.find((f) => f.properties.id === id)!.geometry;
  const ring = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
  return ringCentroid(openRing(ring)) as LngLat;
}

/**
 * The test file's page: a fresh Chromium (downloads allowed) opened before its tests and closed
 * after them; page errors are collected in `errors`, and so are maplibre's warnings of a style image
 * it could not load (the locked grids' hatch once came too late). Each test fails if the page raised
 * any while it ran. `page` stands for the real page from then on.
 */
export function planPage(viewport: { width: number; height: number }): { page: Page; errors: string[] } {
  let browser: Browser | undefined;
  let real: Page | undefined;
  const errors: string[] = [];
  beforeAll(async () => {
    browser = await launch();
    real = await (await browser.newContext({ viewport, acceptDownloads: true })).newPage();
    await watchErrors(real, errors);
    real.on(
      'console',
      (m) => void (m.type() === 'warning' && /could not be loaded/.test(m.text()) && errors.push(m.text()))
    );
  });
  failOnPageErrors(errors);
  afterAll(async () => browser?.close());
  const page = new Proxy({} as Page, {
    get: (_, key) => {
      const v = Reflect.get(real!, key) as unknown;
      return typeof v === 'function' ? v.bind(real) : v;
    }
  });
  return { page, errors };
}

/** Households per grid code, as the panel shows them. */
export async function rows(page: Page): Promise<Record<string, number>> {
  return page.$$eval('[data-testid=grid-table] tbody tr', (trs) =>
    Object.fromEntries(
      trs.map((tr) => [
        tr.getAttribute('data-grid')!,
        Number(tr.querySelector('[data-households]')!.textContent!.replace(/[^\d]/g, ''))
      ])
    )
  );
}

/** Screen position (page pixels) of a WGS-84 point. */
export async function toScreen(page: Page, c: LngLat): Promise<{ x: number; y: number }> {
  const pt = await page.evaluate((c) => (window as unknown as W).__gridatlasMap.project(c), c);
  const box = (await page.locator('.map canvas.maplibregl-canvas').boundingBox())!;
  return { x: box.x + pt.x, y: box.y + pt.y };
}

/** Clicks a building of the community where the map draws it. */
export async function clickBuilding(page: Page, id: string) {
  const p = await toScreen(page, centre(id));
  await page.mouse.click(p.x, p.y);
}

/**
 * Clicks a building, waits for it in the selection and picks another grid as the move target
 * (not moved yet): the grid it is in, the target and the table before the move.
 */
export async function selectForMove(
  page: Page,
  id: string
): Promise<{ from: string; to: string; before: Record<string, number> }> {
  await clickBuilding(page, id);
  await expect.poll(() => page.locator(`[data-testid=selection] li[data-building="${id}"]`).count()).toBe(1);
  const before = await rows(page);
  const text = await page.locator(`li[data-building="${id}"]`).innerText();
  const from = Object.keys(before).find((c) => text.endsWith(c.slice(-3)))!;
  const to = Object.keys(before).find((c) => c !== from)!;
  await page.getByTestId('move-target').selectOption(to);
  return { from, to, before };
}

/**
 * Starts recording, on every change of the page, what the element `selector` shows: the given
 * attributes (or `value` for a progress bar's value) and its next sibling's text. Read with `recorded`.
 */
export async function recordProgress(page: Page, selector: string, attrs: readonly string[]) {
  await page.evaluate(
    ([selector, attrs]) => {
      const seen: string[][] = [];
      (window as unknown as { __progress: string[][] }).__progress = seen;
      new MutationObserver(() => {
        const p = document.querySelector(selector);
        if (p)
          seen.push([
            ...attrs.map((a) => (a === 'value' ? String((p as HTMLProgressElement).value) : (p.getAttribute(a) ?? ''))),
            p.nextElementSibling?.textContent ?? ''
          ]);
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    },
    [selector, attrs] as const
  );
}

export async function recorded(page: Page): Promise<string[][]> {
  return page.evaluate(() => (window as unknown as { __progress: string[][] }).__progress);
}

/**
 * What an autosave of an older app version holds: the community's dataset grids with its first
 * building moved to another grid (`other`), and the households a grid then has.
 */
export function firstBuildingMoved(): {
  other: string;
  assignment: Record<string, string>;
  households(grid: string): number;
} {
  const gridOf = (i: number) => (buildings[i].properties as unknown as { grid: string }).grid;
  const other = gridOf(buildings.findIndex((_, i) => gridOf(i) !== gridOf(0)));
  const assignment = Object.fromEntries(buildings.map((b, i) => [b.properties.id, i === 0 ? other : gridOf(i)]));
  const households = (grid: string) =>
    buildings.filter((b) => assignment[b.properties.id] === grid).reduce((t, b) => t + b.properties.households, 0);
  return { other, assignment, households };
}

/**
 * Writes an autosave record as an older app version did: the planner's database at `version`
 * with only the stores that version had (1: plans; 3: plans, versions, own data), so that the
 * page's next open runs the upgrade from there.
 */
export async function writeOldAutosave(page: Page, version: 1 | 3, record: object): Promise<void> {
  await page.evaluate(
    ({ version, record }) =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.open('gridatlas-plans', version);
        req.onupgradeneeded = () => {
          req.result.createObjectStore('plans', { keyPath: 'community' });
          if (version < 3) return;
          req.result.createObjectStore('versions', { keyPath: 'id' }).createIndex('community', 'community');
          req.result.createObjectStore('own', { keyPath: 'code' });
        };
        req.onsuccess = () => {
          const tx = req.result.transaction('plans', 'readwrite');
          tx.objectStore('plans').put(record);
          tx.oncomplete = () => (req.result.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
        req.onerror = () => reject(req.error);
      }),
    { version, record }
  );
}
