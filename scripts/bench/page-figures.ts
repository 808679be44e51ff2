/**
 * Page-level figures as a user meets them: from the page's navigation start (performance.now()
 * in the page) until the first and until all of its numbers are in the DOM, checked every
 * animation frame, and the largest main-thread JS heap seen meanwhile (Chromium's
 * performance.memory; the DuckDB-wasm and decoder workers' memory is not in it).
 */
import type { BrowserContext, Page, Request } from 'playwright-core';

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

/**
 * Bytes on the wire while a browser context is watched: every response that came from the server
 * (the page's, its workers' and the service worker's own fetches; not those the service worker
 * answered from its cache, nor the browser's memory or disk cache), headers and encoded body as
 * Chromium's network events count them. `take()` returns the sum since the last call and the
 * largest files, waiting for responses still arriving.
 */
export function wireBytes(context: BrowserContext) {
  let pending: Promise<{ path: string; bytes: number }>[] = [];
  const count = async (r: Request) => {
    const res = await r.response().catch(() => null);
    if (!res || res.fromServiceWorker()) return { path: '', bytes: 0 };
    const timing = r.timing();
    // A response from the HTTP cache made no connection: its timing has no request start.
    if (timing.requestStart < 0 && timing.responseStart <= 0) return { path: '', bytes: 0 };
    const s = await r.sizes().catch(() => null);
    return { path: new URL(r.url()).pathname, bytes: s ? Math.max(0, s.responseBodySize) + s.responseHeadersSize : 0 };
  };
  context.on('requestfinished', (r) => void pending.push(count(r)));
  return {
    async take(): Promise<{ bytes: number; top: Record<string, number> }> {
      const got = await Promise.all(pending);
      pending = [];
      const by = new Map<string, number>();
      for (const g of got) if (g.bytes) by.set(g.path, (by.get(g.path) ?? 0) + g.bytes);
      const top = Object.fromEntries([...by].sort((a, b) => b[1] - a[1]).slice(0, 5));
      return { bytes: got.reduce((a, g) => a + g.bytes, 0), top };
    }
  };
}
