/**
 * Page-level figures as a user meets them: from the page's navigation start (performance.now()
 * in the page) until the first and until all of its numbers are in the DOM, checked every
 * animation frame, and the largest main-thread JS heap seen meanwhile (Chromium's
 * performance.memory; the DuckDB-wasm and decoder workers' memory is not in it).
 */
import type { Page } from 'playwright-core';

export interface NumbersOnScreen {
  firstNumbersMs: number;
  allNumbersMs: number;
  peakJsHeapMB: number;
}

/**
 * `ready` is a list of CSS selectors, one per number group; a group counts once its element exists
 * and its text is neither empty nor the loading mark '…'.
 */
export async function numbersOnScreen(
  page: Page,
  ready: readonly string[],
  timeoutMs = 240_000
): Promise<NumbersOnScreen> {
  // In-page code is a string: tsx wraps named functions in a helper the page does not have.
  return page.evaluate(`(async () => {
    const groups = ${JSON.stringify(ready)};
    const shown = (s) => { const e = document.querySelector(s); const t = e ? e.textContent.trim() : ''; return t !== '' && t !== '…'; };
    let first = null, peak = 0;
    const end = performance.now() + ${timeoutMs};
    while (performance.now() < end) {
      peak = Math.max(peak, (performance.memory && performance.memory.usedJSHeapSize) || 0);
      const n = groups.filter(shown).length;
      if (n > 0 && first == null) first = performance.now();
      if (n === groups.length) return { firstNumbersMs: Math.round(first), allNumbersMs: Math.round(performance.now()), peakJsHeapMB: Math.round(peak / 1048576) };
      await new Promise((r) => requestAnimationFrame(r));
    }
    throw new Error('numbers not on screen within ${timeoutMs} ms: ' + groups.filter((s) => !shown(s)).join(', '));
  })()`);
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
