/**
 * The planner's data side in real Chromium, on Daoli 省报社社区 (230102001001, 34 OSM buildings,
 * 2,514 households): save version A, move two buildings, save version B, and read the diff
 * (those two buildings, from → to, on the small map); set grid workers and chiefs and read the
 * staffing counts and the flag for one chief of two grids; export Parquet (read back with
 * hyparquet) and print A4 PNG/PDF (page size, ink in the legend and table); a bad own-data CSV
 * lists its row errors and leaves the plan as it was; a good GCJ-02 CSV with a boundary opens
 * as an own-data community whose buildings are on the map, which splits automatically, takes a
 * hand move (undone) and comes back after a reload. First: an autosave of the first IndexedDB
 * version survives the upgrade to the versions store.
 */
import { describe, expect, inject } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PNG } from 'pngjs';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { pixelStats, screenshot, SCREENSHOTS, settled, waitForMap } from './browser';
import { journey } from './journey';
import {
  CODE,
  buildings,
  clickBuilding as clickOn,
  firstBuildingMoved,
  planPage,
  rows as gridRows,
  writeOldAutosave,
  type W
} from './plan-helpers';
import { PLAN_LAYER, PLAN_SOURCE } from '../../src/lib/map/plan-layers';
import { printLayout, type Box } from '../../src/lib/plan/print';

const baseUrl = inject('baseUrl');
const FIX = 'tests/fixtures/import/planner/';
const { page } = planPage({ width: 1280, height: 900 });
const step = journey();

const rows = () => gridRows(page);
const clickBuilding = (id: string) => clickOn(page, id);

async function download(testid: string) {
  const t0 = Date.now();
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  const ms = Date.now() - t0;
  return { name: dl.suggestedFilename(), bytes: readFileSync((await dl.path())!), ms };
}

/** Pixels that differ clearly between two screenshots of the same size. */
function differing(a: Buffer, b: Buffer): number {
  const [x, y] = [PNG.sync.read(a).data, PNG.sync.read(b).data];
  let n = 0;
  for (let i = 0; i < x.length; i += 4)
    if (Math.abs(x[i] - y[i]) + Math.abs(x[i + 1] - y[i + 1]) + Math.abs(x[i + 2] - y[i + 2]) > 60) n++;
  return n;
}

/** Share of non-white pixels in a box of a decoded PNG. */
function ink(img: PNG, b: Box): number {
  let n = 0;
  let dark = 0;
  for (let y = Math.round(b.y); y < b.y + b.height; y += 2)
    for (let x = Math.round(b.x); x < b.x + b.width; x += 2) {
      const o = (y * img.width + x) * 4;
      n++;
      if (img.data[o] + img.data[o + 1] + img.data[o + 2] < 600) dark++;
    }
  return dark / n;
}

describe('planner data: versions, staffing, export, print, own data', () => {
  const two = [buildings[0].properties.id, buildings[1].properties.id];
  // Set by the 'versions' step: the grids of version A, which the steps after it start from.
  let planBefore: Record<string, number>;

  step(
    'upgrade',
    'an autosave written by the first database version (no versions store) is restored after the upgrade',
    [],
    async () => {
      await page.goto(`${baseUrl}/`);
      const { other, assignment, households } = firstBuildingMoved();
      await writeOldAutosave(page, 1, {
        community: CODE,
        district: '230102',
        min: 300,
        max: 500,
        assignment,
        workers: { [other]: '旧版网格员' },
        savedAt: '2026-01-01T00:00:00.000Z'
      });
      await page.goto(`${baseUrl}/plan?d=230102&c=${CODE}`);
      await expect
        .poll(() => page.getByTestId('community-name').innerText(), { timeout: 60_000 })
        .toContain('省报社社区');
      await waitForMap(page);
      expect(await page.getByTestId('restored').count()).toBe(1);
      expect(await page.locator(`input[data-worker="${other}"]`).inputValue()).toBe('旧版网格员');
      expect((await rows())[other]).toBe(households(other));
    }
  );

  step(
    'versions',
    'saves version A, moves two buildings, saves version B; the diff lists them',
    ['upgrade'],
    async () => {
      expect(await page.getByTestId('versions').innerText()).toContain('还没有保存的版本');
      await page.getByTestId('version-name').fill('方案A');
      await page.getByTestId('version-save').click();
      await expect.poll(() => page.getByTestId('version-note').innerText()).toContain('已保存版本“方案A”');

      const before = await rows();
      const gridOf = async (id: string) => {
        await clickBuilding(id);
        const li = page.locator(`[data-testid=selection] li[data-building="${id}"]`);
        await expect.poll(() => li.count()).toBe(1);
        return (await li.innerText()).slice(-3);
      };
      const seqs = [await gridOf(two[0]), await gridOf(two[1])];
      const to = Object.keys(before).find((c) => !seqs.includes(c.slice(-3)))!;
      for (const id of two) {
        await gridOf(id);
        await page.getByTestId('move-target').selectOption(to);
        await page.getByTestId('move').click();
      }
      const hh = buildings[0].properties.households + buildings[1].properties.households;
      await expect.poll(async () => (await rows())[to]).toBe(before[to] + hh);

      await page.getByTestId('version-name').fill('方案B');
      await page.getByTestId('version-save').click();
      await expect.poll(() => page.locator('[data-version]').count()).toBe(2);
      await page.getByTestId('diff-a').selectOption({ label: '方案A' });
      await page.getByTestId('diff-b').selectOption({ label: '方案B' });
      const diff = page.getByTestId('diff');
      await expect.poll(() => diff.getAttribute('data-moved')).toBe('2');
      const text = await diff.innerText();
      expect(text).toContain(`2 栋楼换了网格，共 ${hh.toLocaleString('en')} 户`);
      for (const id of two)
        expect(await page.locator(`[data-moved-building="${id}"]`).innerText()).toContain(to.slice(-3));
      expect(await page.locator('[data-testid=diff-map] path.moved').count()).toBe(2);
      expect(await page.locator('[data-testid=diff-map] path').count()).toBe(34);
      // The minimap paints version B (= the current plan) in the grid table's colours, as the main map does.
      const swatches = await page.$$eval('[data-testid=grid-table] tbody tr', (trs) =>
        Object.fromEntries(
          trs.map((tr) => [
            tr.getAttribute('data-grid')!,
            tr.querySelector('[data-colour]')!.getAttribute('data-colour')!
          ])
        )
      );
      const fills = await page.$$eval('[data-testid=diff-map] path[data-grid]', (ps) =>
        ps.map((p) => [p.getAttribute('data-grid')!, p.getAttribute('fill')!] as const)
      );
      expect(fills.length).toBe(34);
      for (const [grid, fill] of fills) expect(fill).toBe(swatches[grid]);
      expect(await page.locator(`[data-testid=diff-grids] tr[data-grid="${to}"]`).innerText()).toContain(
        String(before[to] + hh)
      );
      // "Select them on the map": both buildings selected in the planner.
      await page.getByTestId('diff-select').click();
      await expect.poll(() => page.locator('[data-testid=selection] li[data-building]').count()).toBe(2);
      await diff.scrollIntoViewIfNeeded();
      await settled(page);
      await screenshot(page, 'plan-data-1-diff');
      // The diff on the main map: the two buildings tinted and outlined there, and off again.
      await page.getByRole('button', { name: '取消选择' }).click();
      await page.getByTestId('diff-on-map').check();
      const changed = (id: string) =>
        page.evaluate(
          ([src, id]) => (window as unknown as W).__gridatlasMap.getFeatureState({ source: src, id }).changed,
          [PLAN_SOURCE.buildings, id] as const
        );
      for (const id of two) await expect.poll(() => changed(id)).toBe(true);
      expect(await changed(buildings[5].properties.id)).toBeFalsy();
      await settled(page);
      const shown = await screenshot(page, 'plan-data-1b-diff-on-map');
      await page.getByTestId('diff-on-map').uncheck();
      for (const id of two) await expect.poll(() => changed(id)).toBe(false);
      await settled(page);
      // Only the two buildings change on screen (their tint and outline), and they do.
      const changedPx = differing(shown, await page.screenshot());
      console.log('diff on the map: pixels that change when it is turned off', changedPx);
      expect(changedPx).toBeGreaterThan(500);
      expect(changedPx).toBeLessThan(20_000);
      planBefore = await rows();
    }
  );

  step(
    'reload',
    'versions survive a reload; opening version A brings its grids back (undoable)',
    ['versions'],
    async () => {
      await expect.poll(() => page.locator('[data-save]').getAttribute('data-save')).toBe('saved');
      await page.reload();
      await expect
        .poll(() => page.getByTestId('community-name').innerText(), { timeout: 60_000 })
        .toContain('省报社社区');
      await waitForMap(page);
      await expect.poll(() => page.locator('[data-version]').count()).toBe(2);
      expect(await rows()).toEqual(planBefore);
      await page.locator('[data-version="方案A"] [data-testid=version-open]').click();
      await expect.poll(() => page.getByTestId('version-note').innerText()).toContain('已打开版本“方案A”');
      expect(await rows()).not.toEqual(planBefore);
      await page.getByTestId('undo').click();
      await expect.poll(() => rows()).toEqual(planBefore);
    }
  );

  step(
    'staffing',
    'staffing: workers and chiefs per grid, counts, one chief of two grids flagged',
    ['versions'],
    async () => {
      const codes = Object.keys(planBefore);
      expect(await page.getByTestId('staff-count').getAttribute('data-staffed')).toBe('0');
      expect(await page.locator(`input[data-chief="${codes[0]}"]`).getAttribute('placeholder')).toBe('未配备');
      const set = async (attr: string, code: string, name: string) => {
        await page.locator(`input[data-${attr}="${code}"]`).fill(name);
        await page.locator(`input[data-${attr}="${code}"]`).press('Tab');
      };
      await set('worker', codes[0], '王芳');
      await set('chief', codes[0], '张伟');
      await set('worker', codes[1], '李强');
      await set('chief', codes[1], '张伟');
      await expect.poll(() => page.getByTestId('staff-count').getAttribute('data-staffed')).toBe('2');
      expect(await page.getByTestId('staff-count').innerText()).toContain(`已配齐 2/${codes.length} 个网格`);
      expect(await page.getByTestId('staff-issues').innerText()).toContain(
        `张伟 同时是网格 ${codes[0].slice(-3)}、${codes[1].slice(-3)} 的网格长`
      );
      const csv = await download('export-staffing');
      const lines = csv.bytes
        .toString('utf8')
        .replace(/^\ufeff/, '')
        .trim()
        .split(/\r?\n/);
      // Daoli's community areas and stations are synthetic: the label comes first, as a comment line.
      expect(lines[0]).toBe('# 社区边界、站点为合成数据 / Community boundaries and stations are synthetic');
      expect(lines[1]).toBe('grid,households,worker,chief');
      expect(lines[2]).toBe(`${codes[0]},${planBefore[codes[0]]},王芳,张伟`);
      expect(lines.length).toBe(codes.length + 2);
      await page.getByTestId('staff-table').scrollIntoViewIfNeeded();
      await screenshot(page, 'plan-data-2-staffing');
    }
  );

  step(
    'parquet',
    'exports Parquet with worker and chief, read back with hyparquet; GeoJSON carries the chief',
    ['staffing'],
    async () => {
      const codes = Object.keys(planBefore);
      const pq = await download('export-parquet');
      expect(pq.name).toBe(`${CODE}-grids.parquet`);
      const buf = pq.bytes.buffer.slice(pq.bytes.byteOffset, pq.bytes.byteOffset + pq.bytes.byteLength) as ArrayBuffer;
      const back = (await parquetReadObjects({ file: buf })) as {
        grid: string;
        building: string;
        households: number;
        worker: string;
        chief: string;
      }[];
      // The footer says what is synthetic, as the CSV's first line does.
      const kv = Object.fromEntries((parquetMetadata(buf).key_value_metadata ?? []).map((e) => [e.key, e.value]));
      expect(kv['gridatlas.synthetic']).toBe(
        '社区边界、站点为合成数据 / Community boundaries and stations are synthetic'
      );
      expect(kv['gridatlas.synthetic_tables']).toBe('communities,stations');
      expect(back.length).toBe(34);
      expect(back.reduce((s, r) => s + r.households, 0)).toBe(2514);
      for (const id of two)
        expect(back.find((r) => r.building === id)!.grid).toBe(
          Object.keys(planBefore).find((c) => back.find((r) => r.building === id)!.grid === c)
        );
      expect(back.filter((r) => r.chief === '张伟').length).toBe(
        back.filter((r) => r.grid === codes[0] || r.grid === codes[1]).length
      );
      const gj = JSON.parse((await download('export-geojson')).bytes.toString('utf8')) as {
        features: { properties: { code: string; worker?: string; chief?: string } }[];
      };
      expect(gj.features.find((f) => f.properties.code === codes[0])!.properties).toMatchObject({
        worker: '王芳',
        chief: '张伟'
      });
    }
  );

  step(
    'print',
    'prints A4 landscape and A3 portrait PNGs (150 dpi, map, legend and table inked) and an A4 PDF',
    ['staffing'],
    async () => {
      await page.getByTestId('print').scrollIntoViewIfNeeded();
      const png = await download('print-png');
      expect(png.name).toBe(`${CODE}-A4-landscape.png`);
      writeFileSync(`${SCREENSHOTS}/plan-data-3-print-a4.png`, png.bytes);
      const img = PNG.sync.read(png.bytes);
      expect([img.width, img.height]).toEqual([1754, 1240]);
      const stats = pixelStats(png.bytes);
      expect(stats.colours).toBeGreaterThan(20);
      const L = printLayout('A4', 'landscape');
      const inks = {
        map: ink(img, L.map),
        legend: ink(img, L.legend),
        table: ink(img, L.table),
        title: ink(img, L.title)
      };
      console.log('print ink', inks);
      expect(inks.map).toBeGreaterThan(0.05);
      expect(inks.legend).toBeGreaterThan(0.01);
      expect(inks.table).toBeGreaterThan(0.01);
      expect(inks.title).toBeGreaterThan(0.01);

      await page.getByTestId('print-orientation').selectOption('portrait');
      await page.getByTestId('print-paper').selectOption('A3');
      const a3 = await download('print-png');
      writeFileSync(`${SCREENSHOTS}/plan-data-3-print-a3-portrait.png`, a3.bytes);
      const img3 = PNG.sync.read(a3.bytes);
      expect([img3.width, img3.height]).toEqual([1754, 2480]);
      const L3 = printLayout('A3', 'portrait');
      expect(ink(img3, L3.legend)).toBeGreaterThan(0.01);
      expect(ink(img3, L3.table)).toBeGreaterThan(0.01);
      await page.getByTestId('print-paper').selectOption('A4');
      const pdf = await download('print-pdf');
      expect(pdf.name).toBe(`${CODE}-A4-portrait.pdf`);
      const text = pdf.bytes.toString('latin1');
      expect(text.startsWith('%PDF-1.4')).toBe(true);
      expect(text).toContain('/MediaBox [0 0 595.28 841.89]');
      expect(text).toContain('/Width 1240 /Height 1754');
      expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
      expect(pdf.bytes.length).toBeGreaterThan(50_000);
      console.log('print', {
        a4png: { kb: Math.round(png.bytes.length / 1024), ms: png.ms },
        a3png: { kb: Math.round(a3.bytes.length / 1024), ms: a3.ms },
        a4pdf: { kb: Math.round(pdf.bytes.length / 1024), ms: pdf.ms }
      });
    }
  );

  step('bad-csv', 'a bad own-data CSV lists its row errors; the open plan is untouched', ['versions'], async () => {
    const box = page.getByTestId('own-import');
    await box.scrollIntoViewIfNeeded();
    await page.getByTestId('own-buildings').setInputFiles(FIX + 'bad-rows.csv');
    await page.getByTestId('own-run').click();
    const errs = page.getByTestId('own-errors');
    await expect.poll(() => errs.count(), { timeout: 30_000 }).toBe(1);
    const t = await errs.innerText();
    expect(t).toContain('导入失败，当前方案未改变');
    // In the UI's language (the importer's errors carry a message key), with file, line and field.
    expect(t).toContain('bad-rows.csv · 第 3 行 · 字段 households：户数为 0；此处列出的楼栋至少应有 1 户');
    expect(t).toContain('第 5 行 · 字段 lat：坐标 [45.77, 126.6174] 的经纬度似乎填反了');
    expect(t).toContain('第 6 行 · 字段 lat：坐标 [2.35, 48.85] 不在中国境内');
    expect(t).toContain('第 7 行 · 字段 id：编号 A1 已在第 2 行使用');
    expect(await errs.locator('li').count()).toBe(7);
    expect(
      await errs.evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.top < innerHeight && r.bottom > 0;
      })
    ).toBe(true);
    expect(await page.getByTestId('community-name').innerText()).toContain('省报社社区');
    expect(await rows()).toEqual(planBefore);
    expect(await page.getByTestId('staff-count').getAttribute('data-staffed')).toBe('2');
    await page.getByTestId('own-buildings').setInputFiles(FIX + 'empty.csv');
    await page.getByTestId('own-run').click();
    await expect.poll(() => errs.innerText()).toContain('empty.csv · 字段 file：文件是空的');
    await page.getByTestId('own-buildings').setInputFiles(FIX + 'malformed.geojson');
    await page.getByTestId('own-run').click();
    await expect
      .poll(() => errs.innerText())
      .toMatch(/malformed\.geojson · 字段 json：JSON 语法错误：第 \d+ 行第 \d+ 列/);
    // From a file on disk: Chromium reads it by path, where a 21 MB buffer crosses the DevTools protocol (over a minute on a busy machine).
    const big = join(mkdtempSync(join(tmpdir(), 'gridatlas-plan-data-')), 'big.csv');
    writeFileSync(big, Buffer.alloc(21 * 1024 * 1024, 'a'));
    await page.getByTestId('own-buildings').setInputFiles(big);
    await page.getByTestId('own-run').click();
    await expect.poll(() => errs.innerText()).toContain('big.csv：文件大小 21.0 MB，超过 20 MB 的上限');
    rmSync(dirname(big), { recursive: true });
    expect(await rows()).toEqual(planBefore);
    await page.getByTestId('own-buildings').setInputFiles(FIX + 'bad-rows.csv');
    await page.getByTestId('own-run').click();
    await expect.poll(() => errs.innerText()).toContain('第 3 行');
    await settled(page);
    await screenshot(page, 'plan-data-4-bad-import');
    // The same errors in English when the UI is switched.
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => errs.innerText()).toContain('bad-rows.csv · line 3 · field households: households is 0');
    expect(await errs.innerText()).toContain('line 5 · field lat: coordinate [45.77, 126.6174] looks swapped');
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => errs.innerText()).toContain('第 3 行');
  });

  step(
    'own-data',
    'a GCJ-02 CSV with a boundary opens as own data: buildings on the map, split automatically',
    ['upgrade'],
    async () => {
      await page.getByTestId('own-crs').selectOption('gcj02');
      await page.getByTestId('own-buildings').setInputFiles(FIX + 'good-gcj02.csv');
      await page.getByTestId('own-boundary').setInputFiles(FIX + 'boundary-gcj02.geojson');
      await page.getByTestId('own-run').click();
      await expect
        .poll(() => page.getByTestId('community-name').innerText(), { timeout: 30_000 })
        .toContain('自有数据：good-gcj02.csv');
      expect(await page.getByTestId('own-badge').count()).toBe(1);
      const total = readFileSync(FIX + 'good-gcj02.csv', 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .reduce((s, l) => s + Number(l.split(',')[4]), 0);
      expect(await page.getByTestId('own-done').innerText()).toContain(
        `已导入 48 栋楼、${total.toLocaleString('en')} 户`
      );
      await waitForMap(page);
      const drawn = await page.evaluate(
        (l) => (window as unknown as W).__gridatlasMap.queryRenderedFeatures({ layers: [l] }).length,
        PLAN_LAYER.buildings
      );
      expect(drawn).toBeGreaterThanOrEqual(48);
      expect(Object.values(await rows()).reduce((a, b) => a + b, 0)).toBe(total);
      await screenshot(page, 'plan-data-5-own-data');
      await page.getByTestId('split-run').click();
      await expect.poll(() => page.getByTestId('split-status').innerText(), { timeout: 60_000 }).toMatch(/划分完成/);
      const r = await rows();
      expect(Object.keys(r).length).toBeGreaterThanOrEqual(Math.ceil(total / 500));
      for (const h of Object.values(r)) expect(h >= 300 && h <= 500).toBe(true);
      // Edited like an embedded community: click a building, move it to a new grid.
      const pt = await page.evaluate((l) => {
        const m = (
          window as unknown as {
            __gridatlasMap: {
              queryRenderedFeatures(
                o: object
              ): { properties: { id: string }; geometry: { coordinates: number[][][] } }[];
              project(c: number[]): { x: number; y: number };
            };
          }
        ).__gridatlasMap;
        const f = m.queryRenderedFeatures({ layers: [l] }).find((x) => x.properties.id === 'B01')!;
        const ring = f.geometry.coordinates[0];
        return m.project([(ring[0][0] + ring[2][0]) / 2, (ring[0][1] + ring[2][1]) / 2]);
      }, PLAN_LAYER.buildings);
      const box = (await page.locator('.map canvas.maplibregl-canvas').boundingBox())!;
      await page.mouse.click(box.x + pt.x, box.y + pt.y);
      await expect.poll(() => page.locator('[data-testid=selection] li[data-building="B01"]').count()).toBe(1);
      await page.getByTestId('move-target').selectOption('new');
      await page.getByTestId('move').click();
      await expect.poll(async () => Object.keys(await rows()).length).toBe(Object.keys(r).length + 1);
      await page.getByTestId('undo').click();
      await expect.poll(() => rows()).toEqual(r);
      await settled(page);
      await screenshot(page, 'plan-data-6-own-split');

      // A reload reopens the imported community (kept in IndexedDB, named in the URL) with its split.
      await expect.poll(() => page.locator('[data-save]').getAttribute('data-save')).toBe('saved');
      expect(page.url()).toMatch(/[?&]c=99\d{10}/);
      await page.reload();
      await expect
        .poll(() => page.getByTestId('community-name').innerText(), { timeout: 60_000 })
        .toContain('自有数据：good-gcj02.csv');
      await waitForMap(page);
      expect(await page.getByTestId('restored').count()).toBe(1);
      expect(await rows()).toEqual(r);
    }
  );
});
