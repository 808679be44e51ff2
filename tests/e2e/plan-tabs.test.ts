/**
 * The planner never loses an edit, in real Chromium on Daoli 省报社社区 (230102001001):
 * a move made just before the tab is closed (inside the autosave's 150 ms wait, with the page's
 * timers stopped so that only the close can save it) is there when the community is opened
 * again; two tabs on one community: the tab behind is told at once, its edits are refused by
 * the store and the other tab is told too; "keep mine as a named version" and "reload the newer
 * plan" do what they say and nothing saved is lost; a tab that hears nothing from the others
 * (no BroadcastChannel) is still refused by the store, and closing it keeps its refused edits as
 * a named version; an autosave of database version 3 (no
 * revisions) opens and saves as revision 1 after the upgrade. No page throws.
 */
import { describe, expect, inject, it, beforeAll, afterAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { failOnPageErrors, launch, screenshot, waitForMap } from './browser';
import { CODE, buildings, firstBuildingMoved, rows, selectForMove, writeOldAutosave } from './plan-helpers';

const baseUrl = inject('baseUrl');
const errors: string[] = [];
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => browser?.close());
// Each test opens its own context; each fails if one of its pages threw.
failOnPageErrors(errors);

const id = (i: number) => buildings[i].properties.id;

async function context(): Promise<BrowserContext> {
  return browser.newContext({ viewport: { width: 1280, height: 900 } });
}

/** A new page of the context (`init` runs before the app's scripts) with the community open and its map drawn. */
async function openPlan(ctx: BrowserContext, init?: () => void): Promise<Page> {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  if (init) await page.addInitScript(init);
  await page.goto(`${baseUrl}/plan?d=230102&c=${CODE}`);
  await expect.poll(() => page.getByTestId('community-name').innerText(), { timeout: 60_000 }).toContain('省报社社区');
  await waitForMap(page);
  return page;
}

const saveState = (page: Page) => page.locator('[data-save]').getAttribute('data-save');
const banner = (page: Page) => page.getByTestId('plan-conflict');

/** Moves a building to another grid from the panel; the grid it left and the one it joined. */
async function move(page: Page, i: number): Promise<{ from: string; to: string }> {
  const { from, to, before } = await selectForMove(page, id(i));
  await page.getByTestId('move').click();
  await expect.poll(async () => (await rows(page))[to]).toBe(before[to] + buildings[i].properties.households);
  return { from, to };
}

type Stored = { revision: number; assignment: Record<string, string> } | undefined;
/** The community's autosave and the database's heads, read straight from IndexedDB. */
function stored(page: Page): Promise<{ version: number; plan: Stored; heads: unknown[] }> {
  return page.evaluate(
    (code) =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open('gridatlas-plans');
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction(['plans', 'heads']);
          const plan = tx.objectStore('plans').get(code);
          const heads = tx.objectStore('heads').getAll();
          tx.oncomplete = () => {
            db.close();
            resolve({ version: db.version, plan: plan.result as Stored, heads: heads.result });
          };
          tx.onerror = () => reject(tx.error);
        };
        req.onerror = () => reject(req.error);
      }),
    CODE
  );
}

describe('the planner never loses an edit', () => {
  it('a move made just before the tab is closed is saved by the close and is there when the community is opened again', async () => {
    const ctx = await context();
    const page = await openPlan(ctx);
    const { from, to, before } = await selectForMove(page, id(0));
    // The page's timers stop here: the autosave's 150 ms timer cannot fire, only the close can save.
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1000);
    await page.getByTestId('move').click();
    const hh = buildings[0].properties.households;
    await expect.poll(async () => (await rows(page))[to]).toBe(before[to] + hh);
    expect(await saveState(page)).toBe('saving');
    // The tab goes to the background (as it does first when a tab is closed or switched away from):
    // the pending save runs at once, with the page's timers still stopped.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await expect.poll(() => saveState(page), { timeout: 10_000 }).toBe('saved');
    await page.close();

    // The clock is the context's: time runs again for the page that reopens the community.
    await ctx.clock.resume();
    const again = await openPlan(ctx);
    await expect.poll(() => again.getByTestId('restored').count()).toBe(1);
    const after = await rows(again);
    expect(after[to]).toBe(before[to] + hh);
    expect(after[from]).toBe(before[from] - hh);
    expect((await stored(again)).plan?.assignment[id(0)]).toBe(to);
    await ctx.close();
  });

  it('a tab closed straight away (no background first) loses nothing: the close leaves its edit in localStorage and the next open saves it', async () => {
    const ctx = await context();
    const page = await openPlan(ctx);
    const { from, to, before } = await selectForMove(page, id(2));
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1000);
    await page.getByTestId('move').click();
    const hh = buildings[2].properties.households;
    await expect.poll(async () => (await rows(page))[to]).toBe(before[to] + hh);
    expect(await saveState(page)).toBe('saving');
    const revision = (await stored(page)).plan?.revision ?? 0;
    // pagehide is the only event: its IndexedDB save may or may not commit before the page is gone.
    const closed = new Promise((resolve) => page.once('close', resolve));
    await page.close({ runBeforeUnload: true });
    await closed;

    await ctx.clock.resume();
    const again = await openPlan(ctx);
    const after = await rows(again);
    expect(after[to]).toBe(before[to] + hh);
    expect(after[from]).toBe(before[from] - hh);
    const s = await stored(again);
    expect(s.plan?.assignment[id(2)]).toBe(to);
    expect(s.plan?.revision).toBe(revision + 1);
    // Either way the rescue is used once and gone.
    expect(await again.evaluate((c) => localStorage.getItem(`gridatlas.plan.rescue.${c}`), CODE)).toBeNull();
    await ctx.close();
  });

  it('two tabs on one community: both are told, each way out does what it says, nothing saved is lost', async () => {
    const ctx = await context();
    const a = await openPlan(ctx);
    const b = await openPlan(ctx);

    // Tab A moves building 0 and saves it (revision 1); tab B, still showing the older plan, is told at once.
    const x = await move(a, 0);
    await expect.poll(() => saveState(a)).toBe('saved');
    await expect.poll(() => banner(b).getAttribute('data-conflict')).toBe('newer');
    expect(await banner(b).innerText()).toContain('这个社区已在另一个标签页中修改并保存（第 1 版）');

    // Tab B moves building 1: the store refuses it, B keeps it on screen unsaved, A is told.
    const y = await move(b, 1);
    await expect.poll(() => saveState(b)).toBe('conflict');
    expect(await b.locator('[data-save]').innerText()).toBe('未保存：另一个标签页保存了更新的方案');
    await expect.poll(() => banner(a).getAttribute('data-conflict')).toBe('theirs');
    expect(await banner(a).innerText()).toContain('这个社区也在另一个标签页中打开');
    await screenshot(a, 'plan-tabs-1-a-told');
    await screenshot(b, 'plan-tabs-2-b-behind');
    let s = await stored(a);
    expect(s.plan?.revision).toBe(1);
    expect(s.plan?.assignment[id(0)]).toBe(x.to);
    expect(s.plan?.assignment[id(1)]).toBe(y.from);

    // B: "keep mine as a named version": B's plan (with its move, without A's) is a version in both tabs; B now shows A's plan.
    await b.getByTestId('conflict-keep').click();
    await expect.poll(() => b.getByTestId('conflict-resolved').count()).toBe(1);
    expect(await b.getByTestId('conflict-resolved').innerText()).toMatch(
      /^本页方案已另存为版本“本页方案 .+”，现在显示的是较新的方案（第 1 版）。$/
    );
    expect(await banner(b).count()).toBe(0);
    expect(await rows(b)).toEqual(await rows(a));
    for (const p of [a, b]) await expect.poll(() => p.locator('[data-version^="本页方案"]').count()).toBe(1);
    const kept = (await b.locator('[data-version^="本页方案"]').getAttribute('data-version'))!;
    await b.getByTestId('diff-a').selectOption({ label: kept });
    await b.getByTestId('diff-b').selectOption({ label: '当前方案' });
    await expect.poll(() => b.getByTestId('diff').getAttribute('data-moved')).toBe('2');
    expect(await b.locator(`[data-moved-building="${id(0)}"]`).innerText()).toContain(x.to.slice(-3));
    expect(await b.locator(`[data-moved-building="${id(1)}"]`).innerText()).toContain(y.to.slice(-3));
    expect((await stored(b)).plan?.revision).toBe(1);

    // B, in step again, moves building 2 (revision 2); A moves building 3 on its older plan: refused, and B is told.
    const z = await move(b, 2);
    await expect.poll(() => saveState(b)).toBe('saved');
    await expect.poll(() => banner(a).getAttribute('data-conflict')).toBe('newer');
    const w = await move(a, 3);
    await expect.poll(() => saveState(a)).toBe('conflict');
    await expect.poll(() => banner(b).getAttribute('data-conflict')).toBe('theirs');

    // A: "reload the newer plan": A shows B's plan (A's unsaved move is dropped, as the button says).
    await a.getByTestId('conflict-reload').click();
    await expect.poll(() => a.getByTestId('conflict-resolved').count()).toBe(1);
    expect(await a.getByTestId('conflict-resolved').innerText()).toBe('已载入另一个标签页保存的较新方案（第 2 版）。');
    expect(await rows(a)).toEqual(await rows(b));
    expect(await saveState(a)).toBe('saved');
    await screenshot(a, 'plan-tabs-3-a-reloaded');
    s = await stored(a);
    expect(s.plan?.revision).toBe(2);
    expect([
      s.plan?.assignment[id(0)],
      s.plan?.assignment[id(1)],
      s.plan?.assignment[id(2)],
      s.plan?.assignment[id(3)]
    ]).toEqual([x.to, y.from, z.to, w.from]);
    await b.getByTestId('conflict-dismiss').click();
    expect(await banner(b).count()).toBe(0);
    await ctx.close();
  });

  it('a tab that hears nothing from the others (no BroadcastChannel) is still refused by the store, and its refused edits are kept as a version when it is closed', async () => {
    const ctx = await context();
    const a = await openPlan(ctx);
    const deaf = await openPlan(ctx, () => {
      window.BroadcastChannel = class {
        onmessage = null;
        postMessage() {}
        close() {}
      } as unknown as typeof BroadcastChannel;
    });
    const x = await move(a, 0);
    await expect.poll(() => saveState(a)).toBe('saved');
    expect(await banner(deaf).count()).toBe(0);
    const y = await move(deaf, 1);
    await expect.poll(() => saveState(deaf)).toBe('conflict');
    await expect.poll(() => banner(deaf).getAttribute('data-conflict')).toBe('newer');
    expect(await banner(deaf).innerText()).toContain('（第 1 版）');
    const s = await stored(a);
    expect([s.plan?.revision, s.plan?.assignment[id(0)], s.plan?.assignment[id(1)]]).toEqual([1, x.to, y.from]);

    // Closing the tab keeps its refused plan (building 1 moved, building 0 where it was) as a named version.
    await deaf.close();
    const c = await openPlan(ctx);
    await expect.poll(() => c.locator('[data-version^="本页方案"]').count(), { timeout: 10_000 }).toBe(1);
    await c
      .getByTestId('diff-a')
      .selectOption({ label: (await c.locator('[data-version^="本页方案"]').getAttribute('data-version'))! });
    await c.getByTestId('diff-b').selectOption({ label: '当前方案' });
    await expect.poll(() => c.getByTestId('diff').getAttribute('data-moved')).toBe('2');
    expect(await c.locator(`[data-moved-building="${id(0)}"]`).innerText()).toContain(x.to.slice(-3));
    expect(await c.locator(`[data-moved-building="${id(1)}"]`).innerText()).toContain(y.from.slice(-3));
    await ctx.close();
  });

  it('an autosave of database version 3 (no revisions) opens after the upgrade, and its next save is revision 1', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${baseUrl}/`);
    const { other, assignment, households } = firstBuildingMoved();
    await writeOldAutosave(page, 3, {
      community: CODE,
      district: '230102',
      min: 300,
      max: 500,
      assignment,
      workers: {},
      names: {},
      locked: [],
      chiefs: {},
      savedAt: '2026-06-01T00:00:00.000Z'
    });
    await page.goto(`${baseUrl}/plan?d=230102&c=${CODE}`);
    await expect
      .poll(() => page.getByTestId('community-name').innerText(), { timeout: 60_000 })
      .toContain('省报社社区');
    await waitForMap(page);
    expect(await page.getByTestId('restored').count()).toBe(1);
    expect((await rows(page))[other]).toBe(households(other));
    let s = await stored(page);
    expect([s.version, s.plan?.revision, s.heads]).toEqual([4, 0, []]);

    const y = await move(page, 1);
    await expect.poll(() => saveState(page)).toBe('saved');
    s = await stored(page);
    expect([s.plan?.revision, s.plan?.assignment[id(0)], s.plan?.assignment[id(1)]]).toEqual([1, other, y.to]);
    expect(s.heads).toEqual([{ community: CODE, revision: 1 }]);
    await ctx.close();
  });
});
