/**
 * The SQL console on /compare as a hostile analyst meets it, in real Chromium on DuckDB-wasm:
 * every statement of the hostile list is refused or harmless with the text guard on and off
 * (the guard switched off by the test-only global), no request leaves 127.0.0.1 and a listening
 * server on 127.0.0.1 hears nothing, the tables' row counts and the comparison panels stay as
 * they were; a 100 MB string and a 5-million-element list come back cut while the page stays
 * responsive; Cancel and leaving the page stop a running query by ending its worker.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CONSOLE_TABLES, cellCap } from '../../src/lib/data/console-sql';
import { openNodeDb } from '../../scripts/lib/node-db';
import hostileSql from '../fixtures/console/hostile-sql.json';
import { launch, screenshot } from './browser';

const HOSTILE_SQL: readonly string[] = hostileSql.statements;
const hostile = (sql: string, table: string, url: string) => sql.replaceAll('{t}', table).replaceAll('{url}', url);

const baseUrl = inject('baseUrl');
const DISTRICTS = ['230102', '370881'] as const;
let browser: Browser;
let page: Page;
let server: Server;
let listener: string;
const heard: string[] = [];
const foreign: string[] = [];
const pageErrors: string[] = [];
const counts: Record<string, number> = {};

/** One row counting every console table of both districts. */
const COUNT_SQL = `SELECT ${DISTRICTS.flatMap((d) => CONSOLE_TABLES.map((t) => `(SELECT count(*) FROM ${t}_${d}) AS ${t}_${d}`)).join(', ')}`;

beforeAll(async () => {
  server = createServer((req, res) => {
    heard.push(req.url ?? '');
    res.end('x\n1\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  listener = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = await openNodeDb();
  for (const d of DISTRICTS)
    for (const t of CONSOLE_TABLES)
      counts[`${t}_${d}`] = await db.scalar<number>(
        `SELECT count(*) FROM read_parquet('static/data/${d}/${t}.parquet')`
      );
  db.close();

  browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Every request of the page and its workers: none may go anywhere but the app's own origin.
  context.on('request', (r) => {
    if (!r.url().startsWith(baseUrl) && !r.url().startsWith('data:') && !r.url().startsWith('blob:'))
      foreign.push(r.url());
  });
  await context.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.__longTasks.push(e.duration))).observe({
      type: 'longtask',
      buffered: true
    });
  });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${baseUrl}/compare?ds=${DISTRICTS.join(',')}`);
});
afterAll(async () => {
  await browser?.close();
  server?.close();
});

const ended = () => page.locator('section.console').getAttribute('data-ended').then(Number);

/** Types SQL, runs it, waits until the run has ended; returns the error shown, or the status line. */
async function runSql(sql: string, timeout = 60_000): Promise<{ error: string | null; status: string | null }> {
  const before = await ended();
  await page.getByTestId('console-sql').fill(sql);
  await page.getByTestId('console-run').click();
  await expect.poll(ended, { timeout }).toBeGreaterThan(before);
  const error = page.getByTestId('console-error');
  const status = page.getByTestId('console-status');
  return {
    error: (await error.count()) ? await error.innerText() : null,
    status: (await status.count()) ? await status.innerText() : null
  };
}

async function firstRow(sql: string): Promise<string[]> {
  const r = await runSql(sql);
  expect(r.error, sql).toBeNull();
  return page.getByTestId('console-result').locator('tbody tr').first().locator('td').allInnerTexts();
}

const panels = () => page.locator('[data-testid^="metric-"]').allInnerTexts();
const duckdbWorkers = () => page.workers().filter((w) => w.url().includes('duckdb-browser')).length;
const num = (s: string) => Number(s.replaceAll(',', ''));

describe('SQL console sandbox', () => {
  it(`refuses ${HOSTILE_SQL.length} hostile statements with the guard on and off; nothing leaves, nothing changes`, async () => {
    // Every figure of the panels, coverage shares included (they come last).
    const complete = (all: string[]) => all.length > 20 && all.every((t) => t !== '…');
    await expect.poll(async () => complete(await panels()), { timeout: 120_000 }).toBe(true);
    const shownBefore = await panels();
    // Loads the console's own copy of the tables (all columns) and checks it against the files.
    const before = (await firstRow(COUNT_SQL)).map(num);
    expect(before).toEqual(Object.values(counts));

    const outcomes: string[] = [];
    for (const guard of [true, false]) {
      await page.evaluate(
        (off) => ((window as unknown as Record<string, boolean>).__GRIDATLAS_TEST_SQL_GUARD_OFF = off),
        !guard
      );
      for (const raw of HOSTILE_SQL) {
        const sql = hostile(raw, 'grids_230102', listener);
        const r = await runSql(sql);
        outcomes.push(`${guard ? 'guard' : 'no guard'} | ${raw} → ${r.error ?? r.status}`);
        expect(r.error, `${guard ? 'guard' : 'no guard'}: ${sql} ran (${r.status})`).not.toBeNull();
        // Without the guard the refusal is DuckDB's own.
        if (!guard) expect(r.error!).toContain('DuckDB');
      }
    }
    await page.evaluate(() => delete (window as unknown as Record<string, boolean>).__GRIDATLAS_TEST_SQL_GUARD_OFF);
    if (process.env.SHOW_OUTCOMES) console.log(outcomes.join('\n'));

    expect((await firstRow(COUNT_SQL)).map(num)).toEqual(before);
    expect(
      await firstRow(
        "SELECT current_setting('enable_external_access')::VARCHAR AS ext, current_setting('lock_configuration')::VARCHAR AS locked"
      )
    ).toEqual(['false', 'true']);
    expect(await panels()).toEqual(shownBefore);
    expect(heard).toEqual([]);
    expect(foreign).toEqual([]);
  }, 300_000);

  it("keeps its tables compressed (DuckDB's own storage info), with the rows of the files", async () => {
    // Every DuckDB-wasm instance of the app holds its tables in a compressed in-memory database
    // (duckdb-browser.ts newLockedDb): the text columns dictionary/FSST-encoded, not raw.
    const [segments, raw] = await firstRow(
      "SELECT count(*)::VARCHAR, count(*) FILTER (WHERE compression = 'Uncompressed')::VARCHAR FROM pragma_storage_info('incidents_230102') WHERE segment_type = 'VARCHAR'"
    );
    expect(num(segments)).toBeGreaterThan(0);
    expect(num(raw)).toBe(0);
    expect((await firstRow('SELECT count(*) FROM incidents_230102')).map(num)).toEqual([counts.incidents_230102]);
  });

  it('a read of https://example.com from the console is refused and nothing is fetched', async () => {
    const r = await runSql("SELECT * FROM read_csv('https://example.com/rows.csv')");
    expect(r.error).toMatch(/DuckDB.*(disabled|Permission)/s);
    expect(foreign).toEqual([]);
  });

  it('cuts a 100 MB string and a 5-million-element list, and the page stays responsive', async () => {
    await page.evaluate(() => ((window as unknown as { __longTasks: number[] }).__longTasks = []));
    const r = await runSql("SELECT repeat('x', 100000000) AS s, range(5000000) AS l, 7 AS n", 120_000);
    expect(r.error).toBeNull();
    const cap = cellCap(3);
    expect(r.status).toContain(`2 个单元格超过 ${cap.toLocaleString('zh-CN')} 个字符`);
    const cells = await page.getByTestId('console-result').locator('tbody tr').first().locator('td').allInnerTexts();
    expect(cells[0]).toBe(`${'x'.repeat(cap)}…`);
    expect(cells[1]).toMatch(/^\[0, 1, 2, .*…$/);
    expect(cells[1].length).toBe(cap + 1);
    expect(cells[2]).toBe('7');
    const longest = Math.max(
      0,
      ...(await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks))
    );
    console.log(`[console] longest main-thread task while the 100 MB query ran: ${longest.toFixed(0)} ms`);
    expect(longest).toBeLessThan(200);
    await screenshot(page, 'console-cut-cells');
  });

  it('Cancel stops a running query by ending its worker; the next query runs in a fresh instance', async () => {
    const workers = duckdbWorkers();
    expect(workers).toBe(2); // the page's instance and the console's
    const before = await ended();
    await page
      .getByTestId('console-sql')
      .fill('SELECT sum(hash(a.i * b.i)) FROM range(200000) a(i), range(200000) b(i)');
    await page.getByTestId('console-run').click();
    await page.getByTestId('console-cancel').click();
    await expect.poll(ended).toBeGreaterThan(before);
    expect(await page.getByTestId('console-error').innerText()).toContain('已取消');
    await expect.poll(duckdbWorkers, { timeout: 15_000 }).toBe(1);
    expect(await page.getByTestId('console-run').isEnabled()).toBe(true);
    expect((await firstRow(COUNT_SQL)).map(num)).toEqual(Object.values(counts));
    expect(duckdbWorkers()).toBe(2);
  });

  it('leaving the page stops a running query', async () => {
    await page
      .getByTestId('console-sql')
      .fill('SELECT sum(hash(a.i * b.i)) FROM range(200000) a(i), range(200000) b(i)');
    await page.getByTestId('console-run').click();
    await expect.poll(() => page.getByTestId('console-cancel').count()).toBe(1);
    await page.locator('header a[href*="/heatmap?"]').first().click();
    await page.waitForURL(/\/heatmap/);
    // The console's instance is gone; the page's own (shared with the heatmap) stays.
    await expect.poll(duckdbWorkers, { timeout: 15_000 }).toBe(1);
    const ours = pageErrors.filter((m) => !m.includes('effect_update_depth_exceeded'));
    expect(ours, ours.join('\n')).toEqual([]);
  });
});
