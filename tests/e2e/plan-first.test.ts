/**
 * What the planner meets first on /plan (issue #15): on the district map, the community under the
 * pointer is outlined and a click opens it; a click on a station symbol shows that station's card
 * and opens no community. After a bad move the warning is at the top of the panel, the map marks
 * the grid (red outline, badge on its label) and the warning zooms to it; grid borders are drawn
 * once per shared edge.
 */
import { describe, expect, inject } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { SCREENSHOTS, hex, pixelStats, screenshot, waitForMap } from './browser';
import { journey } from './journey';
import { CODE, buildings, planPage, selectForMove, toScreen, type LngLat, type W } from './plan-helpers';
import { GRID_LABEL_PX, PLAN_LAYER, PLAN_SOURCE, SELECTED_COLOR } from '../../src/lib/map/plan-layers';
import { bbox, booleanPointInPolygon, pointToLineDistance, polygonToLine } from '@turf/turf';
import type { Feature, FeatureCollection, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';

const baseUrl = inject('baseUrl');
const { page } = planPage({ width: 1440, height: 900 });
const step = journey();

type CommunityFeature = Feature<Polygon | MultiPolygon, { code: string }>;
const community = (
  JSON.parse(readFileSync('static/data/230102/map/communities.geojson', 'utf8')) as FeatureCollection<
    Polygon | MultiPolygon,
    { code: string }
  >
).features.find((f) => f.properties.code === CODE)! as CommunityFeature;
type Station = { id: string; kind: string; lon: number; lat: number };
const stations = (JSON.parse(readFileSync('static/data/230102/rider/stations.json', 'utf8')) as { stations: Station[] })
  .stations;
const metres = (a: LngLat, b: LngLat) =>
  Math.hypot((a[0] - b[0]) * 111_320 * Math.cos((a[1] * Math.PI) / 180), (a[1] - b[1]) * 110_540);
const nearestStation = (p: LngLat) => stations.reduce((best, s) => Math.min(best, metres(p, [s.lon, s.lat])), Infinity);
/**
 * A point well inside the community: of a 40 × 40 lattice over its bounding box, the point inside
 * the outline (which is not convex: a union of Voronoi cells) farthest from both its edge and the
 * nearest station symbol, so that the pointer is on the community and on no station.
 */
const inside: LngLat = (() => {
  const [w, s, e, n] = bbox(community);
  const edge = polygonToLine(community) as
    Feature<LineString | MultiLineString> | FeatureCollection<LineString | MultiLineString>;
  const lines = 'features' in edge ? edge.features : [edge];
  const clearance = (p: LngLat) =>
    Math.min(
      nearestStation(p),
      ...lines.map((l) => pointToLineDistance(p, l as Feature<LineString>, { units: 'meters' }))
    );
  let best: LngLat = [NaN, NaN];
  let bestClearance = -1;
  for (let i = 1; i < 40; i++)
    for (let j = 1; j < 40; j++) {
      const p: LngLat = [w + ((e - w) * i) / 40, s + ((n - s) * j) / 40];
      if (!booleanPointInPolygon(p, community)) continue;
      const c = clearance(p);
      if (c > bestClearance) [best, bestClearance] = [p, c];
    }
  return best;
})();
const nearStation = nearestStation(inside);
// A station inside the same community, so that a click on it would otherwise open the community.
const station = stations.find((s) => booleanPointInPolygon([s.lon, s.lat], community));
/** The building moved on its own into a new grid: fewer households than the planner's minimum (300). */
const BUILDING = 'osm-way-338583738';
const households = buildings.find((b) => b.properties.id === BUILDING)?.properties.households ?? 0;

const jump = (c: LngLat, zoom: number) =>
  page.evaluate(
    ([lon, lat, zoom]) =>
      (window as unknown as { __gridatlasMap: { jumpTo(o: object): void } }).__gridatlasMap.jumpTo({
        center: [lon, lat],
        zoom
      }),
    [c[0], c[1], zoom] as const
  );

describe('planner: the district map', () => {
  // Set by the 'warning' step, for the steps that start from it.
  let newGrid = '';
  step(
    'district',
    'outlines the community under the pointer; a click on a station shows its card, a click on the community opens it',
    [],
    async () => {
      expect(booleanPointInPolygon(inside, community)).toBe(true);
      expect(nearStation).toBeGreaterThan(60);
      expect(station).toBeTruthy();
      await page.goto(`${baseUrl}/plan?d=230102`);
      await waitForMap(page);
      await jump(inside, 15);
      await waitForMap(page);
      const at = await toScreen(page, inside);
      await page.mouse.move(at.x, at.y);
      const wrap = page.locator('[data-hovered]');
      await expect.poll(() => wrap.getAttribute('data-hovered'), { timeout: 10_000 }).toBe(CODE);
      await screenshot(page, 'plan-first-1-hover');

      // A station symbol inside the community: its card, no community opened.
      const s = await toScreen(page, [station!.lon, station!.lat]);
      await page.mouse.click(s.x, s.y);
      const card = page.getByTestId('station-card');
      await card.waitFor({ timeout: 10_000 });
      expect(await card.getAttribute('data-id')).toBe(station!.id);
      expect(await page.getByTestId('community-name').count()).toBe(0);
      expect(page.url()).not.toContain('c=');

      await page.mouse.click(at.x, at.y);
      await expect.poll(() => page.getByTestId('community-name').count(), { timeout: 20_000 }).toBe(1);
      expect(await page.getByTestId('community-name').innerText()).toContain('省报社社区');
      expect(page.url()).toContain(`c=${CODE}`);
      await waitForMap(page);
      await screenshot(page, 'plan-first-2-opened');
    }
  );

  step(
    'warning',
    'a move into a new grid of one building: the warning is at the top of the panel, the grid outlined and badged on the map, a click zooms to it',
    ['district'],
    async () => {
      expect(households).toBeGreaterThan(0);
      expect(households).toBeLessThan(300);
      const { before } = await selectForMove(page, BUILDING);
      await page.getByTestId('move-target').selectOption('new');
      await page.getByTestId('move').click();
      const warnings = page.locator('ul[data-testid=plan-warnings] li');
      await expect.poll(() => warnings.count(), { timeout: 10_000 }).toBeGreaterThan(0);
      // The new grid holds the one building (141 households): under the minimum.
      const code = (
        await page
          .locator('ul[data-testid=plan-warnings] li[data-rule=below-min]')
          .evaluateAll((els) => els.map((e) => e.getAttribute('data-grid')!))
      ).find((c) => !(c in before))!;
      expect(code).toBeTruthy();
      newGrid = code;
      const below = page.locator(`ul[data-testid=plan-warnings] li[data-rule=below-min][data-grid="${code}"]`);
      expect(await below.innerText()).toContain(`▼ 网格 ${code.slice(-3)}`);
      expect(await below.innerText()).toContain(` ${households} `);
      // At the top of the panel: above the automatic split, within the first screen.
      const warnBox = (await page.locator('ul[data-testid=plan-warnings]').boundingBox())!;
      const splitBox = (await page.getByTestId('plan-split').boundingBox())!;
      expect(warnBox.y).toBeLessThan(splitBox.y);
      expect(warnBox.y).toBeLessThan(400);
      const marked = () =>
        page.evaluate(
          (l) =>
            (window as unknown as W).__gridatlasMap
              .queryRenderedFeatures({ layers: [l] })
              .map((f) => (f as { properties: { code: string } }).properties.code),
          PLAN_LAYER.warn
        );
      await expect.poll(marked, { timeout: 10_000 }).toContain(code);
      const label = () =>
        page.evaluate(
          ([l, code]) =>
            (window as unknown as W).__gridatlasMap
              .queryRenderedFeatures({ layers: [l] })
              .map((f) => (f as { properties: { code: string; mark: string } }).properties)
              .find((p) => p.code === code)?.mark,
          [PLAN_LAYER.labels, code] as const
        );
      await expect.poll(label, { timeout: 10_000 }).toBe('under');
      await screenshot(page, 'plan-first-3-warning');
      const zoom = () =>
        page.evaluate(() => (window as unknown as { __gridatlasMap: { getZoom(): number } }).__gridatlasMap.getZoom());
      const z0 = await zoom();
      await below.getByRole('button').click();
      await expect.poll(zoom, { timeout: 10_000 }).toBeGreaterThan(z0 + 0.5);
      await waitForMap(page);
      await screenshot(page, 'plan-first-4-zoomed');
    }
  );

  step(
    'borders',
    'grid borders: each shared edge drawn once (one dashed line, not two on top of each other)',
    ['warning'],
    async () => {
      // What the border layer draws: the lines of its source, as the page set them after the move.
      const src = await page.evaluate(
        (l) =>
          (
            window as unknown as { __gridatlasMap: { getLayer(id: string): { source: string } } }
          ).__gridatlasMap.getLayer(l).source,
        PLAN_LAYER.grids
      );
      expect(src).toBe(PLAN_SOURCE.borders);
      const edges = await page.evaluate(async (s) => {
        const m = (
          window as unknown as {
            __gridatlasMap: {
              getSource(id: string): { getData(): Promise<{ features: { geometry: { coordinates: number[][] } }[] }> };
            };
          }
        ).__gridatlasMap;
        const seen = new Map<string, number>();
        for (const f of (await m.getSource(s).getData()).features) {
          const c = f.geometry.coordinates;
          for (let i = 1; i < c.length; i++) {
            const k = [c[i - 1].join(','), c[i].join(',')].sort().join('|');
            seen.set(k, (seen.get(k) ?? 0) + 1);
          }
        }
        return [...seen.values()];
      }, PLAN_SOURCE.borders);
      expect(edges.length).toBeGreaterThan(20);
      expect(edges.every((n) => n === 1)).toBe(true);
    }
  );

  step('chips', "the grid and staffing tables' chips carry the grid's number on its colour", ['district'], async () => {
    const chips = await page.$$eval('[data-testid=grid-table] tbody tr', (trs) =>
      trs.map((tr) => ({
        code: tr.getAttribute('data-grid')!,
        text: tr.querySelector('[data-colour]')!.textContent!.trim(),
        colour: tr.querySelector('[data-colour]')!.getAttribute('data-colour')
      }))
    );
    expect(chips.length).toBeGreaterThan(5);
    for (const c of chips) expect(c.text).toBe(c.code.slice(-3));
    // Colours repeat between grids (neighbours differ), numbers do not.
    expect(new Set(chips.map((c) => c.colour)).size).toBeLessThan(chips.length);
    const staff = await page.$$eval('[data-testid=staff-table] tbody tr [data-colour]', (els) =>
      els.map((e) => e.textContent!.trim())
    );
    expect(staff.sort()).toEqual(chips.map((c) => c.code.slice(-3)).sort());
    await page.getByTestId('grid-table').screenshot({ path: `${SCREENSHOTS}/plan-first-5-chips.png` });
  });

  step(
    'print',
    'prints without the on-screen selection: the selected red outline is on the screen, not on the paper',
    ['warning'],
    async () => {
      await page.keyboard.press('Control+z');
      await expect
        .poll(() => page.locator(`[data-testid=grid-table] tr[data-grid="${newGrid}"]`).count(), { timeout: 10_000 })
        .toBe(0);
      await selectForMove(page, BUILDING);
      await waitForMap(page);
      const red = hex(SELECTED_COLOR);
      const onScreen = pixelStats(await page.locator('.map canvas.maplibregl-canvas').screenshot()).near(red, 30);
      expect(onScreen).toBeGreaterThan(20);
      await page.getByTestId('print').scrollIntoViewIfNeeded();
      const [dl] = await Promise.all([
        page.waitForEvent('download', { timeout: 60_000 }),
        page.getByTestId('print-png').click()
      ]);
      const png = readFileSync((await dl.path())!);
      writeFileSync(`${SCREENSHOTS}/plan-first-6-print.png`, png);
      const printed = pixelStats(png).near(red, 30);
      console.log('selected red pixels', { onScreen, printed });
      expect(printed).toBe(0);
      // The screen has its selection and label size back.
      expect(await page.locator('[data-testid=selection] li[data-building]').count()).toBe(1);
      expect(
        await page.evaluate(
          (l) => (window as unknown as W).__gridatlasMap.getLayoutProperty(l, 'text-size'),
          PLAN_LAYER.labels
        )
      ).toBe(GRID_LABEL_PX);
      await expect
        .poll(
          () =>
            page.evaluate(() =>
              (
                window as unknown as { __gridatlasMap: { getLayoutProperty(l: string, p: string): unknown } }
              ).__gridatlasMap.getLayoutProperty('plan-buildings-selected', 'visibility')
            ),
          { timeout: 5_000 }
        )
        .toBe('visible');
    }
  );
});
