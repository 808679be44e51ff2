/**
 * Page-level /heatmap figures, measured the way a user experiences them: a click on a category
 * filter (a real click event on the checkbox) until the KPI card's number is in the DOM
 * (`filterToKpiMs`), and until the map has drawn and frames flow again (`filterToMapIdleMs`: the
 * first of five frames in a row under 50 ms apart), per map mode.
 */
import type { Page } from 'playwright-core';
import { HEATMAP_MODES } from '../../src/lib/map/heatmap-legend';

export interface ClickFigures {
  filterToKpiMs: number;
  filterToMapIdleMs: number;
}

// In-page code is a string: tsx wraps named functions in a helper the page does not have.
const SETTLE = `new Promise(async (resolve) => {
  const t0 = performance.now();
  let last = t0, calm = 0, streak = t0;
  while (calm < 5 && performance.now() - t0 < 120000) {
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    if (now - last < 50) calm++; else { calm = 0; streak = now; }
    last = now;
  }
  resolve(streak);
})`;

/** One click on `selector`: ms until the incidents KPI changes in the DOM, and until the map is idle. */
async function clickOnce(page: Page, selector: string): Promise<ClickFigures> {
  return page.evaluate(`(async () => {
    const value = () => document.querySelector('.heatmap aside [data-kpi=incidents]')?.getAttribute('data-value');
    const before = value();
    let t0 = 0;
    const kpi = new Promise((resolve, reject) => {
      const obs = new MutationObserver(() => {
        if (value() !== before) { obs.disconnect(); resolve(performance.now() - t0); }
      });
      obs.observe(document.querySelector('.heatmap aside .kpis'), { attributes: true, subtree: true, childList: true, characterData: true });
      setTimeout(() => { obs.disconnect(); reject(new Error('the KPI card did not change within 120 s')); }, 120000);
    });
    t0 = performance.now();
    document.querySelector(${JSON.stringify(selector)}).click();
    const filterToKpiMs = await kpi;
    const idleAt = await ${SETTLE};
    return { filterToKpiMs, filterToMapIdleMs: Math.max(filterToKpiMs, idleAt - t0) };
  })()`);
}

const median = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);

/**
 * Per map mode: `clicks` category toggles (sanitation off, on, off, …) on the page as it stands,
 * each after the map has settled. Medians and every run, in ms.
 */
export async function filterClicks(
  page: Page,
  clicks: number
): Promise<Record<string, { filterToKpiMs: number; filterToMapIdleMs: number; kpiRuns: number[] }>> {
  const out: Record<string, { filterToKpiMs: number; filterToMapIdleMs: number; kpiRuns: number[] }> = {};
  for (const mode of HEATMAP_MODES) {
    await page.locator(`input[name=mode][value=${mode}]`).check();
    await page.evaluate(SETTLE);
    const runs: ClickFigures[] = [];
    for (let i = 0; i < clicks; i++)
      runs.push(await clickOnce(page, '[data-testid=filters] input[data-category=sanitation]'));
    // Leave the filter as it was (all categories) for the next mode.
    if (clicks % 2) await clickOnce(page, '[data-testid=filters] input[data-category=sanitation]');
    out[mode] = {
      filterToKpiMs: median(runs.map((r) => r.filterToKpiMs)),
      filterToMapIdleMs: median(runs.map((r) => r.filterToMapIdleMs)),
      kpiRuns: runs.map((r) => Math.round(r.filterToKpiMs))
    };
  }
  await page.locator('input[name=mode][value=heatmap]').check();
  return out;
}
