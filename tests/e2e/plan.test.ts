/**
 * The planner in real Chromium, one community of Daoli (省报社社区, 230102001001: 34 OSM buildings,
 * 2,514 households): open it from the picker, split automatically in the worker, move a building
 * by clicking it on the map, read the counts change, undo and redo from the keyboard, reload
 * and find the plan intact (IndexedDB), export GeoJSON and import it back to the same grids,
 * and a bad file refused with the plan unchanged. A move's time to the updated panel and to
 * the next frame is measured in the page (over 12 moves, for the bench, in plan-edit.test.ts).
 */
import { describe, expect, inject } from 'vitest';
import { readFileSync } from 'node:fs';
import { screenshot, settled, waitForMap } from './browser';
import { journey } from './journey';
import { expectLikeBaseline } from '../setup/baseline';
import {
  CODE,
  buildings,
  clickBuilding as clickOn,
  planPage,
  recordProgress,
  recorded,
  selectForMove,
  rows as gridRows,
  type W
} from './plan-helpers';
import { PLAN_LAYER, PLAN_SOURCE } from '../../src/lib/map/plan-layers';

const baseUrl = inject('baseUrl');
const BUILDING = 'osm-way-338583738';
const { page } = planPage({ width: 1280, height: 860 });
const step = journey();

const rows = () => gridRows(page);
const clickBuilding = (id: string) => clickOn(page, id);

const seqState = (id: string) =>
  page.evaluate(([src, id]) => (window as unknown as W).__gridatlasMap.getFeatureState({ source: src, id }).seq, [
    PLAN_SOURCE.buildings,
    id
  ] as const);

describe('planner', () => {
  // Set by the 'move' step; the steps after it start from that move.
  let moved: { from: string; to: string; households: number; after: Record<string, number> };

  step('open', 'opens a community from the picker: map, grid table with every household', [], async () => {
    await page.goto(`${baseUrl}/plan?d=230102`);
    await waitForMap(page);
    await page.getByPlaceholder('按名称或代码搜索社区').fill('省报社');
    await expect.poll(() => page.locator('.matches button').count()).toBeGreaterThan(0);
    expect(await page.locator('.matches button').first().innerText()).toContain(CODE);
    await page.getByTestId('pick-street').selectOption('230102001');
    await page.getByTestId('pick-community').selectOption(CODE);
    await expect.poll(() => page.getByTestId('community-name').innerText()).toContain('省报社社区');
    await waitForMap(page);
    expect(page.url()).toContain(`c=${CODE}`);
    const r = await rows();
    const grids = JSON.parse(readFileSync('static/data/230102/map/grids.geojson', 'utf8')).features.filter(
      (f: { properties: { community: string } }) => f.properties.community === CODE
    );
    expect(Object.keys(r).length).toBe(grids.length);
    expect(Object.values(r).reduce((a, b) => a + b, 0)).toBe(2514);
    expect(await page.getByTestId('plan-summary').innerText()).toContain('2,514');
    const drawn = await page.evaluate(
      (l) => (window as unknown as W).__gridatlasMap.queryRenderedFeatures({ layers: [l] }).length,
      PLAN_LAYER.buildings
    );
    expect(drawn).toBeGreaterThanOrEqual(buildings.length);
    await screenshot(page, 'plan-1-community');
  });

  step('split', 'splits automatically in the worker: every grid within 300–500 and contiguous', ['open'], async () => {
    await page.getByTestId('split-min').fill('300');
    await page.getByTestId('split-max').fill('500');
    // Every state the progress bar shows while the worker runs (phase, fraction, the line under it).
    await recordProgress(page, '[data-testid=split-progress]', ['data-phase', 'data-fraction']);
    await page.getByTestId('split-run').click();
    await expect.poll(() => page.getByTestId('split-status').innerText(), { timeout: 60_000 }).toMatch(/划分完成/);
    const seen = await recorded(page);
    const fractions = seen.filter((x) => x[0]).map((x) => Number(x[1]));
    console.log('split progress states', fractions.length, seen.at(-1));
    expect(new Set(seen.map((x) => x[0]).filter(Boolean))).toEqual(
      new Set(['growing', 'local-search', 'recombination'])
    );
    for (let k = 1; k < fractions.length; k++) expect(fractions[k]).toBeGreaterThanOrEqual(fractions[k - 1]);
    expect(Math.max(...fractions)).toBeGreaterThan(0.9);
    expect(seen.some((x) => /相邻网格重组：已完成 \d+%/.test(x[2]))).toBe(true);
    const r = await rows();
    expect(Object.values(r).reduce((a, b) => a + b, 0)).toBe(2514);
    for (const h of Object.values(r)) expect(h >= 300 && h <= 500).toBe(true);
    expect(await page.getByTestId('plan-warnings').innerText()).toContain('所有网格户数都在范围内且连通');
    expect(await page.getByTestId('undo').isEnabled()).toBe(true);
    await settled(page);
    expectLikeBaseline(await screenshot(page, 'plan-2-split'), 'plan-2-split');
  });

  step(
    'move',
    'moves a building clicked on the map: counts, colours and warnings follow within a frame budget',
    ['split'],
    async () => {
      const { from, to, before } = await selectForMove(page, BUILDING);
      await page.getByTestId('move').click();
      await expect.poll(() => page.getByTestId('move-timing').count()).toBe(1);
      const after = await rows();
      expect(after[from]).toBe(before[from] - 141);
      expect(after[to]).toBe(before[to] + 141);
      expect(await seqState(BUILDING)).toBe(Number(to.slice(-3)));
      const t = page.getByTestId('move-timing');
      const timing = {
        syncMs: Number(await t.getAttribute('data-sync-ms')),
        frameMs: Number(await t.getAttribute('data-frame-ms'))
      };
      console.log('plan move timing', timing);
      // Measured, not asserted: `npm run bench -- plan-move` reports the frame budget over 12 moves.
      expect(timing.syncMs).toBeGreaterThan(0);
      expect(timing.frameMs).toBeGreaterThan(0);
      moved = { from, to, households: 141, after };
      if (after[from] < 300 || after[to] > 500)
        expect(await page.getByTestId('plan-warnings').innerText()).toMatch(/网格 \d{3}/);
      await settled(page);
      await screenshot(page, 'plan-3-moved');
    }
  );

  step('undo', 'undoes and redoes from the keyboard', ['move'], async () => {
    await page.locator('h1').click();
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await rows())[moved.from]).toBe(moved.after[moved.from] + 141);
    expect(await seqState(BUILDING)).toBe(Number(moved.from.slice(-3)));
    await settled(page);
    await screenshot(page, 'plan-4-undone');
    await page.keyboard.press('Control+y');
    await expect.poll(async () => (await rows())[moved.to]).toBe(moved.after[moved.to]);
  });

  step('reload', 'reload finds the plan intact (autosaved to IndexedDB)', ['move'], async () => {
    await expect.poll(() => page.locator('[data-save]').getAttribute('data-save')).toBe('saved');
    await page.reload();
    await expect
      .poll(() => page.getByTestId('community-name').innerText(), { timeout: 60_000 })
      .toContain('省报社社区');
    await waitForMap(page);
    expect(await page.getByTestId('restored').count()).toBe(1);
    expect(await rows()).toEqual(moved.after);
    expect(await seqState(BUILDING)).toBe(Number(moved.to.slice(-3)));
    await screenshot(page, 'plan-5-reloaded');
  });

  step(
    'export',
    'exports GeoJSON and CSV; the GeoJSON imports back to the same grids; a bad file changes nothing',
    ['move'],
    async () => {
      await page.locator(`input[data-worker="${moved.to}"]`).fill('王芳');
      await page.locator(`input[data-worker="${moved.to}"]`).press('Tab');
      const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-geojson').click()]);
      const text = readFileSync((await dl.path())!, 'utf8');
      const fc = JSON.parse(text) as {
        features: { properties: { code: string; households: number; buildings: string[] } }[];
      };
      expect(Object.fromEntries(fc.features.map((f) => [f.properties.code, f.properties.households]))).toEqual(
        moved.after
      );
      expect(fc.features.find((f) => f.properties.code === moved.to)!.properties.buildings).toContain(BUILDING);
      expect(fc.features.find((f) => f.properties.code === moved.to)!.properties).toMatchObject({ worker: '王芳' });
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
      const lines = readFileSync((await csv.path())!, 'utf8')
        .replace(/^\ufeff/, '')
        .trim()
        .split(/\r?\n/);
      // The synthetic label as a comment line first (Daoli's community areas and stations are generated).
      expect(lines[0]).toBe('# 社区边界、站点为合成数据 / Community boundaries and stations are synthetic');
      expect(lines[1]).toBe('grid,building,households,worker,chief,name');
      expect(lines).toContain(`${moved.to},${BUILDING},141,王芳,,`);
      expect(lines.length).toBe(36);

      // Change the plan (move the building back by hand), then import the export: back to the exported grids.
      await clickBuilding(BUILDING);
      await expect.poll(() => page.locator(`li[data-building="${BUILDING}"]`).count()).toBe(1);
      await page.getByTestId('move-target').selectOption(moved.from);
      await page.getByTestId('move').click();
      await expect.poll(async () => (await rows())[moved.from]).toBe(moved.after[moved.from] + 141);
      const bad = JSON.parse(text);
      bad.features[0].properties.buildings.push('no-such-building');
      await page.getByTestId('import-plan').setInputFiles({
        name: 'bad.geojson',
        mimeType: 'application/geo+json',
        buffer: Buffer.from(JSON.stringify(bad))
      });
      await expect
        .poll(() => page.getByTestId('import-errors').innerText())
        .toContain(`bad.geojson · 要素 0 · 字段 buildings：楼栋 no-such-building 不在社区 ${CODE} 中`);
      expect((await rows())[moved.from]).toBe(moved.after[moved.from] + 141);
      // The file field speaks the page's language (the browser's own says 'Choose File' in English).
      expect(await page.getByTestId('import-plan').locator('xpath=..').innerText()).toMatch(/选择文件\s+bad\.geojson/);
      await screenshot(page, 'plan-6-import-error');
      // Bytes that are neither UTF-8 nor GB18030: refused by the same decoder as the own-data import, plan kept.
      await page.getByTestId('import-plan').setInputFiles({
        name: 'latin1.geojson',
        mimeType: 'application/geo+json',
        buffer: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])
      });
      await expect.poll(() => page.getByTestId('import-errors').innerText()).toContain('latin1.geojson');
      expect(await page.getByTestId('import-errors').innerText()).toContain('UTF-8');
      expect((await rows())[moved.from]).toBe(moved.after[moved.from] + 141);
      await page
        .getByTestId('import-plan')
        .setInputFiles({ name: 'plan.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(text) });
      await expect.poll(() => page.getByTestId('import-done').count()).toBe(1);
      expect(await rows()).toEqual(moved.after);
      expect(await seqState(BUILDING)).toBe(Number(moved.to.slice(-3)));
      await screenshot(page, 'plan-7-imported');
    }
  );

  step(
    'english',
    'in English: households as "hh" on the map and in every list, the grid table and the picker fit the panel',
    ['reload'],
    async () => {
      await page.getByRole('button', { name: 'English' }).click();
      await clickBuilding(BUILDING);
      await expect
        .poll(() => page.locator(`[data-testid=selection] li[data-building="${BUILDING}"]`).innerText())
        .toContain('141 hh');
      const label = await page.evaluate(
        (l) => JSON.stringify((window as unknown as W).__gridatlasMap.getLayoutProperty(l, 'text-field')),
        PLAN_LAYER.labels
      );
      expect(label).toContain(' hh');
      expect(label).toContain('en-US');
      expect(label).not.toContain('户');
      expect(await page.getByTestId('own-buildings').locator('xpath=..').innerText()).toMatch(
        /Choose file\s+No file chosen/
      );
      expect(await page.getByTestId('restored').innerText()).toMatch(/^Restored the last autosaved plan \(\d/);
      for (const id of ['move-target', 'tool-grid', 'pick-community']) {
        const options = await page.getByTestId(id).locator('option:not([value=""]):not([value="new"])').allInnerTexts();
        expect(options.length).toBeGreaterThan(0);
        for (const o of options) expect(o).toMatch(/\(\d[\d,]* hh\)/);
      }
      // The Lock column (last) inside the panel: long English headers once pushed it out of view.
      const fit = await page.evaluate(() => {
        const aside = document.querySelector('aside')!.getBoundingClientRect();
        const lock = document
          .querySelector('[data-testid=grid-table] tbody tr input[type=checkbox]')!
          .getBoundingClientRect();
        // Every picker label's words end before its control starts ('Community' was cut by a fixed column).
        const labels = [...document.querySelectorAll('.picker label')].map((l) => {
          const r = document.createRange();
          r.selectNodeContents(l.firstChild!);
          return r.getBoundingClientRect().right <= l.querySelector('select, input')!.getBoundingClientRect().left;
        });
        return { lockInside: lock.right <= aside.right, labels };
      });
      expect(fit.lockInside).toBe(true);
      expect(fit.labels.length).toBeGreaterThan(1);
      expect(fit.labels.every(Boolean)).toBe(true);
      await settled(page);
      await screenshot(page, 'plan-8-english');
      await page.getByRole('button', { name: '中文' }).click();
      await expect
        .poll(() =>
          page.evaluate(
            (l) => JSON.stringify((window as unknown as W).__gridatlasMap.getLayoutProperty(l, 'text-field')),
            PLAN_LAYER.labels
          )
        )
        .toContain('户');
    }
  );

  step('fold', 'folds a panel block under its title and keeps it folded after a reload', ['open'], async () => {
    const print = page.getByTestId('print');
    expect(await page.getByTestId('print-png').isVisible()).toBe(true);
    await print.locator('summary').click();
    await expect.poll(() => page.getByTestId('print-png').isVisible()).toBe(false);
    await page.reload();
    await page.getByTestId('community-name').waitFor();
    await waitForMap(page);
    expect(await print.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await page.getByTestId('split-run').isVisible()).toBe(true);
    // A lone button in a block keeps its own width (the staffing CSV button once spanned the panel).
    expect((await page.getByTestId('export-staffing').boundingBox())!.width).toBeLessThan(200);
    await screenshot(page, 'plan-9-folded');
    await print.locator('summary').click();
    await expect.poll(() => page.getByTestId('print-png').isVisible()).toBe(true);
  });
});
