/**
 * The Data page end to end, as a district officer uses it: drop a station register (XLSX with a
 * title row) and a 12345 incident log (CSV) on /data, read the report (counts equal to the same
 * readers run in Node, refused rows with row and field, unknown kinds and categories), map an
 * unknown kind, look at the preview, save; then /heatmap's KPIs equal a Node DuckDB count of the
 * accepted rows (the exported package's Parquet), /rider's nearest station is an imported one
 * with a navigation link, /compare counts the imported stations, a reload keeps it all, the
 * exported zip imported again gives identical tables, and "remove" brings the demo back.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { SCREENSHOTS, launch, screenshot, waitForMap, watchErrors } from './browser';
import { journey } from './journey';
import { openNodeDb, readParquet, type NodeDb } from '../../scripts/lib/node-db';
import { loadVocabulary, packageContext, readIncidentTable, readStationTable } from '../../src/lib/data/import/package';

const baseUrl = inject('baseUrl');
const FIX = 'tests/fixtures/data-page';
const STATIONS = join(FIX, 'stations.xlsx');
const INCIDENTS = join(FIX, 'incidents.csv');
const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const GEO = (f: string) => join('tests/fixtures/package/cli-geo', f);

/** The readers on the same files in Node: what the page must report. */
async function expectedReports() {
  const ctx = packageContext({
    district: '230102',
    name: '道里区',
    outline: json('static/data/230102/map/outline.geojson').features[0],
    grids: json('static/data/230102/map/grids.geojson'),
    crs: 'wgs84',
    vocabulary: loadVocabulary(
      readFileSync('data/station-kinds.csv', 'utf8'),
      readFileSync('data/incident-categories.csv', 'utf8')
    ),
    kindMap: { 爱心加油站: 'warm_heart' }
  });
  const s = await readStationTable('stations.xlsx', readFileSync(STATIONS), ctx);
  const i = await readIncidentTable('incidents.csv', readFileSync(INCIDENTS), ctx);
  if (!s.ok || !i.ok) throw new Error('fixtures unreadable in Node');
  return { stations: s.value, incidents: i.value };
}

let browser: Browser;
let context: BrowserContext;
let page: Page;
let db: NodeDb;
const errors: string[] = [];
const tmp = mkdtempSync(join(tmpdir(), 'gridatlas-data-page-'));
let expected: Awaited<ReturnType<typeof expectedReports>>;

beforeAll(async () => {
  expected = await expectedReports();
  browser = await launch();
  // One context for the whole file: its IndexedDB is the browser's storage that must survive reloads.
  context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    geolocation: {
      longitude: expected.stations.rows[0].lon + 0.0004,
      latitude: expected.stations.rows[0].lat + 0.0003
    },
    permissions: ['geolocation']
  });
  page = await context.newPage();
  await watchErrors(page, errors);
  db = await openNodeDb();
});
afterAll(async () => {
  db?.close();
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const reportRow = (table: string) => page.getByTestId(`report-${table}`);
const attr = async (table: string, a: string) => Number(await reportRow(table).getAttribute(a));

async function kpi(name: string): Promise<string> {
  return (await page.locator(`.heatmap [data-kpi=${name}]`).first().getAttribute('data-value')) ?? '';
}

/** Export the stored package and read its Parquet back in Node DuckDB. */
async function exportPackage(name: string): Promise<{ zip: string; stations: string; incidents: string }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('data-export').click()]);
  const zip = join(tmp, `${name}.zip`);
  await download.saveAs(zip);
  const files = unzipSync(readFileSync(zip));
  const out = {
    zip,
    stations: join(tmp, `${name}-stations.parquet`),
    incidents: join(tmp, `${name}-incidents.parquet`)
  };
  writeFileSync(out.stations, files['230102/stations.parquet']);
  writeFileSync(out.incidents, files['230102/incidents.parquet']);
  writeFileSync(join(tmp, `${name}-manifest.json`), files['230102/manifest.json']);
  return out;
}

const step = journey();

describe('Data page', () => {
  // Set by the 'export' step: the package the steps after it compare with.
  let exported: Awaited<ReturnType<typeof exportPackage>>;

  step('read', 'reads a station register and an incident log in a worker and reports per file', [], async () => {
    await page.goto(`${baseUrl}/data?d=230102`);
    await expect.poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 }).toBe('no');
    await page.getByTestId('data-files').setInputFiles([STATIONS, INCIDENTS]);
    await expect.poll(() => page.getByTestId('data-picked').innerText()).toContain('站点登记表');
    await page.getByTestId('data-read').click();
    await reportRow('incidents').waitFor({ timeout: 60_000 });
    // Before the mapping: the unknown kind is listed with its count and kept as other.
    const unknownKinds = page.getByTestId('unknown-stations');
    await expect.poll(() => unknownKinds.innerText()).toContain('爱心加油站');
    expect(await page.getByTestId('unknown-incidents').innerText()).toContain('共享单车乱停放');
    // Map it to 暖心驿站 and read again.
    await unknownKinds.getByRole('combobox').selectOption('warm_heart');
    await page.getByTestId('data-remap').click();
    await expect.poll(() => page.getByTestId('unknown-stations').count(), { timeout: 60_000 }).toBe(0);
    await reportRow('stations').waitFor({ timeout: 60_000 });

    const s = expected.stations.report;
    const i = expected.incidents.report;
    expect([
      await attr('stations', 'data-read'),
      await attr('stations', 'data-accepted'),
      await attr('stations', 'data-refused')
    ]).toEqual([s.read, s.accepted, s.refused]);
    expect([
      await attr('incidents', 'data-read'),
      await attr('incidents', 'data-accepted'),
      await attr('incidents', 'data-refused')
    ]).toEqual([i.read, i.accepted, i.refused]);
    // The fixtures' known bad rows, named by row and field.
    expect([s.read, s.accepted, i.read, i.accepted]).toEqual([11, 9, 480, 476]);
    const stationErrors = await page.getByTestId('errors-stations').innerText();
    expect(stationErrors).toContain('stations.xlsx');
    expect(stationErrors).toContain('第 12 行');
    expect(stationErrors).toContain('道里区');
    const incidentErrors = await page.getByTestId('errors-incidents').innerText();
    expect(incidentErrors).toContain('字段 reported_at');
    expect(incidentErrors).toContain('字段 id');
    // The preview: every accepted point, and the two outside the district.
    expect(Number(await page.getByTestId('preview-accepted').getAttribute('data-n'))).toBe(s.accepted + i.accepted);
    expect(Number(await page.getByTestId('preview-outside').getAttribute('data-n'))).toBe(2);
    expect(await page.locator('[data-testid=data-preview] circle.out').count()).toBe(2);
    await page.screenshot({ path: join(SCREENSHOTS, 'data-page-report.png'), fullPage: true });

    await page.getByTestId('data-save').click();
    await expect
      .poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 })
      .toBe('yes');
    expect(await page.getByTestId('data-notice').innerText()).toContain('已保存');
    await screenshot(page, 'data-page-saved');
  });

  step('cancel', 'Cancel stops a long read in its worker and leaves the saved data as it was', ['read'], async () => {
    // A 300,000-row log (written here, not committed): long enough to click Cancel while it is read.
    const big = join(tmp, 'incidents.csv');
    const lines = readFileSync(INCIDENTS, 'utf8').trimEnd().split('\r\n');
    const rows = lines.slice(1);
    const out = [lines[0]];
    for (let k = 0; k < 300_000; k++) out.push(rows[k % rows.length].replace(/^12345-2025-\d+/, `B-${k}`));
    writeFileSync(big, out.join('\r\n'));
    await page.getByTestId('data-files').setInputFiles(big);
    await page.getByTestId('data-read').click();
    await page.getByTestId('data-progress').waitFor({ timeout: 15_000 });
    await page.getByTestId('data-cancel').click();
    await expect.poll(() => page.getByTestId('data-notice').innerText()).toContain('已取消');
    expect(await page.getByTestId('data-progress').count()).toBe(0);
    expect(await page.getByTestId('data-report').count()).toBe(0);
    await page.reload();
    await expect
      .poll(() => page.getByTestId('data-status').innerText(), { timeout: 15_000 })
      .toContain('站点 9 个、事件 476 条');
  });

  step('dropped', 'a dropped file with another name is listed as not read', ['read'], async () => {
    await page.getByRole('region', { name: '文件' }).evaluate((el) => {
      const dt = new DataTransfer();
      dt.items.add(new File(['名称,经度,纬度\n'], 'events.csv', { type: 'text/csv' }));
      el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => page.getByTestId('data-picked').innerText()).toContain('events.csv · 文件名不符');
    expect(await page.getByTestId('data-read').isDisabled()).toBe(true);
  });

  step('bad', 'a file that cannot be read is named with its column, and nothing is saved', ['read'], async () => {
    const bad = join(tmp, 'INCIDENTS.CSV');
    // Coordinates in one column, as some systems export them: no longitude/latitude column.
    writeFileSync(bad, '\uFEFF工单编号,大类,受理时间,坐标\r\nA-1,矛盾纠纷,2025-03-01 08:30,"126.55,45.73"\r\n');
    await page.getByTestId('data-files').setInputFiles(bad);
    await page.getByTestId('data-read').click();
    const failed = page.getByTestId('data-failed');
    await failed.waitFor({ timeout: 30_000 });
    const text = await failed.innerText();
    expect(text).toContain('本地数据未改变');
    expect(text).toContain('INCIDENTS.CSV');
    expect(text).toContain('lon');
    expect(await page.getByTestId('data-save').count()).toBe(0);
    expect(await page.getByTestId('data-status').innerText()).toContain('站点 9 个、事件 476 条');
  });

  step('english', 'speaks English when asked', ['read'], async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toBe("Data: the district's own data");
    expect(await page.getByTestId('data-status').innerText()).toContain('9 stations, 476 incidents');
    await screenshot(page, 'data-page-english');
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => page.locator('h1').innerText()).toBe('数据：本区县自有数据');
  });

  step(
    'export',
    'exports the package: Parquet and a manifest that says where each table came from',
    ['read'],
    async () => {
      exported = await exportPackage('first');
      const m = json(join(tmp, 'first-manifest.json'));
      expect(m.tables.stations).toMatchObject({
        source: 'stations.xlsx',
        crs: 'wgs84',
        read: 11,
        accepted: 9,
        refused: 2,
        synthetic: false
      });
      expect(m.tables.incidents).toMatchObject({
        source: 'incidents.csv',
        crs: 'wgs84',
        read: 480,
        accepted: 476,
        refused: 4,
        synthetic: false
      });
      // The tables not imported keep the demo's own flags (Daoli's grids are computed on OSM buildings, its community areas approximated).
      const demo = JSON.parse(readFileSync('static/data/230102/manifest.json', 'utf8')) as typeof m;
      for (const t of ['streets', 'communities', 'compounds', 'buildings', 'grids'] as const)
        expect(m.tables[t].synthetic, t).toBe(demo.tables[t].synthetic);
      expect(m.tables.communities.synthetic).toBe(true);
      expect(m.counts.incidents).toBe(476);
      expect(await db.scalar(`SELECT count(*)::INTEGER FROM ${readParquet(exported.incidents)}`)).toBe(476);
      const kinds = await db.all<{ kind: string; n: number }>(
        `SELECT kind, count(*)::INTEGER AS n FROM ${readParquet(exported.stations)} GROUP BY kind ORDER BY kind`
      );
      expect(kinds.find((k) => k.kind === 'warm_heart')?.n).toBe(5);
    }
  );

  step(
    'cli',
    'writes the same tables as the command line (npm run data -- --package) on the same files',
    ['export'],
    async () => {
      const cli = join(tmp, 'cli');
      execFileSync(
        'node',
        ['--import', 'tsx', 'scripts/data.ts', '--package', FIX, '--district', '230102', '--out', cli],
        { stdio: 'pipe' }
      );
      const same = (a: string, b: string, cols = '*') =>
        db.scalar(
          `SELECT count(*)::INTEGER FROM ((SELECT ${cols} FROM ${readParquet(a)} EXCEPT ALL SELECT ${cols} FROM ${readParquet(b)}) UNION ALL (SELECT ${cols} FROM ${readParquet(b)} EXCEPT ALL SELECT ${cols} FROM ${readParquet(a)}))`
        );
      expect(await same(exported.incidents, join(cli, 'incidents.parquet'))).toBe(0);
      // The page mapped 爱心加油站 to 暖心驿站; the command line keeps it as other: every other column is the same.
      expect(await same(exported.stations, join(cli, 'stations.parquet'), '* EXCLUDE (kind)')).toBe(0);
      expect(await db.scalar(`SELECT count(*)::INTEGER FROM ${readParquet(join(cli, 'incidents.parquet'))}`)).toBe(476);
    }
  );

  step(
    'heatmap',
    '/heatmap shows KPIs equal to a Node DuckDB count of the accepted rows',
    ['export'],
    async () => {
      const [want] = await db.all<{ n: number; closed: number }>(
        `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE status = 'closed')::INTEGER AS closed FROM ${readParquet(exported.incidents)}`
      );
      expect(want.n).toBe(expected.incidents.report.accepted);
      await page.goto(`${baseUrl}/heatmap?d=230102`);
      await expect.poll(() => kpi('incidents'), { timeout: 120_000 }).toBe(String(want.n));
      expect(Number(await kpi('closed-rate'))).toBeCloseTo(want.closed / want.n, 9);
      // The demo's numbers computed at build time were never shown for a district on its own data:
      // the browser's answer would have been reported as differing from them.
      await page.waitForSelector('.heatmap aside .kpis[data-source=browser]');
      expect(await page.getByTestId('heatmap-mismatch').count()).toBe(0);
      expect(await page.getByTestId('heatmap-provenance').count()).toBe(0);
      await screenshot(page, 'data-page-heatmap');
    },
    240_000
  );

  step(
    'rider',
    '/rider finds its nearest station among the imported ones, with a navigation link',
    ['read'],
    async () => {
      await page.goto(`${baseUrl}/rider?d=230102`);
      const first = page.getByTestId('rider-result').first();
      await first.waitFor({ timeout: 30_000 });
      const ids = new Set(expected.stations.rows.map((r) => r.id));
      expect(ids.has((await first.getAttribute('data-id'))!)).toBe(true);
      expect(await first.innerText()).toContain(expected.stations.rows[0].name);
      expect(await first.getByRole('link').getAttribute('href')).toContain('uri.amap.com/navigation');
    }
  );

  step(
    'plan',
    '/plan draws the imported stations: the legend counts them by kind',
    ['read'],
    async () => {
      await page.goto(`${baseUrl}/plan?d=230102`);
      const legend = page.locator('fieldset.legend');
      const counts = async () =>
        Object.fromEntries(
          await legend
            .locator('label')
            .evaluateAll((ls) =>
              ls.map((l) => [
                l.querySelector('input')!.dataset.stationKind!,
                Number(l.querySelector('.n')!.textContent)
              ])
            )
        );
      // 爱心加油站 was mapped to 暖心驿站; 综治中心 is 其他 by the kinds list.
      await expect
        .poll(counts, { timeout: 120_000 })
        .toEqual({ party_centre: 1, compound_station: 1, warm_heart: 5, outdoor_worker: 1, other: 1 });
    },
    240_000
  );

  step(
    'compare',
    '/compare counts the imported stations for the district',
    ['read'],
    async () => {
      await page.goto(`${baseUrl}/compare?d=230102`);
      const cell = page.getByTestId('metric-stations-230102');
      await expect.poll(() => cell.getAttribute('data-value').catch(() => ''), { timeout: 120_000 }).toBe('9');
      // Named as its own data beside the demo districts (whose figures stay the demo's).
      expect(await page.getByTestId('compare-table').locator('th').allInnerTexts()).toEqual(
        expect.arrayContaining(['道里区（本地数据）', '曲阜市', '滨城区'])
      );
      await expect
        .poll(() => page.getByTestId('metric-stations-370881').getAttribute('data-value'), { timeout: 120_000 })
        .toBe(String(json('static/data/370881/manifest.json').counts.stations));
      // Daoli's own data never showed the demo's built figures (they would have been reported as differing).
      await expect.poll(() => page.getByTestId('compare-provenance').getAttribute('data-settled')).toBe('true');
      expect(await page.getByTestId('compare-mismatch').count()).toBe(0);
      await screenshot(page, 'data-page-compare');
    },
    240_000
  );

  step(
    'reload',
    'a reload keeps the data; importing the exported zip gives identical tables; remove restores the demo',
    ['export'],
    async () => {
      await page.goto(`${baseUrl}/data?d=230102`);
      await expect
        .poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 })
        .toBe('yes');
      await page.reload();
      await expect
        .poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 })
        .toBe('yes');
      expect(await page.getByTestId('data-status').innerText()).toContain('站点 9 个、事件 476 条');

      await page.getByTestId('data-remove').click();
      await expect
        .poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 })
        .toBe('no');
      await page.goto(`${baseUrl}/heatmap?d=230102`);
      const demo = json('static/data/230102/manifest.json').counts.incidents as number;
      await expect.poll(() => kpi('incidents'), { timeout: 120_000 }).toBe(String(demo));

      // Within this tab (its DuckDB already holds the demo incidents): the header's links, as a user goes.
      await page.locator('header nav a[href*="/data"]').click();
      await page.getByTestId('data-files').waitFor();
      await page.getByTestId('data-files').setInputFiles(exported.zip);
      await page.getByTestId('data-read').click();
      await reportRow('incidents').waitFor({ timeout: 60_000 });
      expect(await attr('incidents', 'data-accepted')).toBe(476);
      await page.getByTestId('data-save').click();
      await expect
        .poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 })
        .toBe('yes');
      const again = await exportPackage('again');
      for (const t of ['stations', 'incidents'] as const) {
        const diff = await db.scalar(
          `SELECT count(*)::INTEGER FROM ((SELECT * FROM ${readParquet(exported[t])} EXCEPT ALL SELECT * FROM ${readParquet(again[t])}) UNION ALL (SELECT * FROM ${readParquet(again[t])} EXCEPT ALL SELECT * FROM ${readParquet(exported[t])}))`
        );
        expect(diff, t).toBe(0);
        expect(await db.scalar(`SELECT count(*)::INTEGER FROM ${readParquet(again[t])}`)).toBe(
          await db.scalar(`SELECT count(*)::INTEGER FROM ${readParquet(exported[t])}`)
        );
      }
      expect(json(join(tmp, 'again-manifest.json')).tables).toEqual(json(join(tmp, 'first-manifest.json')).tables);
      // Back to the heatmap by its link: the page loads afresh, so it counts the saved incidents, not the demo's it held.
      await page.locator('header nav a[href*="/heatmap"]').click();
      await expect.poll(() => kpi('incidents'), { timeout: 120_000 }).toBe('476');

      // Only the station register this time: the stored incidents stay.
      await page.goto(`${baseUrl}/data?d=230102`);
      await page.getByTestId('data-files').setInputFiles(STATIONS);
      await page.getByTestId('data-read').click();
      await reportRow('stations').waitFor({ timeout: 60_000 });
      expect(await reportRow('incidents').count()).toBe(0);
      await page.getByTestId('data-save').click();
      await expect.poll(() => page.getByTestId('data-notice').innerText(), { timeout: 15_000 }).toContain('已保存');
      expect(await page.getByTestId('data-status').innerText()).toContain('站点 9 个、事件 476 条');

      await page.getByTestId('data-remove').click();
      await expect
        .poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 })
        .toBe('no');
      expect(errors).toEqual([]);
    },
    400_000
  );

  it("the district's own grids and buildings (GCJ-02): read, saved, counted on /compare, drawn on /heatmap's map", async () => {
    await page.goto(`${baseUrl}/data?d=230102`);
    await expect.poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 }).toBe('no');
    await page.getByTestId('data-crs').selectOption('gcj02');
    await page
      .getByTestId('data-files')
      .setInputFiles([GEO('grids.geojson'), GEO('buildings.geojson'), GEO('incidents.csv')]);
    await expect.poll(() => page.getByTestId('data-picked').innerText()).toContain('网格边界');
    await page.getByTestId('data-read').click();
    await reportRow('grids').waitFor({ timeout: 60_000 });
    expect([
      await attr('grids', 'data-read'),
      await attr('grids', 'data-accepted'),
      await attr('grids', 'data-refused')
    ]).toEqual([6, 4, 2]);
    expect([
      await attr('buildings', 'data-read'),
      await attr('buildings', 'data-accepted'),
      await attr('buildings', 'data-refused')
    ]).toEqual([8, 5, 3]);
    expect(await attr('incidents', 'data-accepted')).toBe(3);
    expect(await page.getByTestId('errors-grids').innerText()).toContain('2301020130010');
    // The Nangang building is drawn among the points outside the district.
    expect(Number(await page.getByTestId('preview-outside').getAttribute('data-n'))).toBe(1);
    await screenshot(page, 'data-page-geometry');
    await page.getByTestId('data-save').click();
    await expect
      .poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 })
      .toBe('yes');

    await page.goto(`${baseUrl}/compare?d=230102`);
    await expect
      .poll(
        () =>
          page
            .getByTestId('metric-grids-230102')
            .getAttribute('data-value')
            .catch(() => ''),
        { timeout: 120_000 }
      )
      .toBe('4');
    expect(await page.getByTestId('metric-incidents-230102').getAttribute('data-value')).toBe('3');

    // The map layers come from this browser's data too: the heatmap's map holds exactly the 4 grids.
    await page.goto(`${baseUrl}/heatmap?d=230102`);
    await waitForMap(page, 120_000);
    const grids = () =>
      page.evaluate(async () => {
        type Src = { getData(): Promise<{ features: { properties: { code: string } }[] }> };
        const m = (window as unknown as { __gridatlasMap: { getSource(s: string): Src | undefined } }).__gridatlasMap;
        const data = await m.getSource('grids')?.getData();
        return (data?.features ?? []).map((f) => f.properties.code).sort();
      });
    await expect
      .poll(grids, { timeout: 60_000 })
      .toEqual(['230102013001001', '230102013001002', '230102013001003', '230102013001004']);

    await page.goto(`${baseUrl}/data?d=230102`);
    await page.getByTestId('data-remove').click();
    await expect.poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 }).toBe('no');
    expect(errors).toEqual([]);
  }, 400_000);

  it("an incident log of 2026: read, and /heatmap's timeline runs to its last month", async () => {
    // Three incidents in 2026 at the station register's first accepted place (inside Daoli).
    const { lon, lat } = expected.stations.rows[0];
    const csv = join(tmp, 'incidents.csv');
    writeFileSync(
      csv,
      [
        '编号,类别,上报时间,经度,纬度',
        ...['2026-03-02', '2026-04-10', '2026-05-20'].map((d, i) => `Y${i},矛盾纠纷,${d} 09:00,${lon},${lat}`)
      ].join('\n') + '\n'
    );
    await page.goto(`${baseUrl}/data?d=230102`);
    await expect.poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 }).toBe('no');
    await page.getByTestId('data-files').setInputFiles(csv);
    await page.getByTestId('data-read').click();
    await reportRow('incidents').waitFor({ timeout: 60_000 });
    expect(await attr('incidents', 'data-accepted')).toBe(3);
    await page.getByTestId('data-save').click();
    await expect
      .poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 })
      .toBe('yes');

    await page.goto(`${baseUrl}/heatmap?d=230102`);
    await expect.poll(() => kpi('incidents'), { timeout: 120_000 }).toBe('3');
    // Whole period selected: 2024-01-01 to the end of May 2026; the month list ends with May 2026.
    await expect.poll(() => page.getByTestId('range').innerText(), { timeout: 30_000 }).toBe('2024-01-01 – 2026-05-31');
    const months = await page.getByTestId('month').locator('option').allInnerTexts();
    expect(months).toHaveLength(1 + 29);
    expect(months.at(-1)).toMatch(/2026.*5/);
    await page.getByTestId('month').selectOption({ index: months.length - 1 });
    await expect.poll(() => kpi('incidents'), { timeout: 60_000 }).toBe('1');
    await screenshot(page, 'data-page-2026-heatmap');

    await page.goto(`${baseUrl}/data?d=230102`);
    await page.getByTestId('data-remove').click();
    await expect.poll(() => page.getByTestId('data-status').getAttribute('data-local'), { timeout: 15_000 }).toBe('no');
    expect(errors).toEqual([]);
  }, 400_000);
});
