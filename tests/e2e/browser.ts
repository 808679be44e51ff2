/**
 * Real headless Chromium from Debian (/usr/bin/chromium) driven by playwright-core; never a
 * downloaded browser. WebGL runs in software (SwiftShader). Playwright gives every launch a
 * fresh, empty profile directory.
 */
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = 'tests/screenshots';

export async function launch(): Promise<Browser> {
  assert(
    existsSync(CHROMIUM),
    `no Chromium at ${CHROMIUM}: apt-get install chromium fonts-noto-cjk (or set CHROMIUM_PATH)`
  );
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--ignore-gpu-blocklist',
      // Headless Chromium 156 at times keeps (re)loading its omnibox popup's WebUI in a renderer of
      // its own (hundreds of chrome:// requests during one page load), which no user's browser does
      // behind a page: on two cores that took up to a core from the page measured.
      '--disable-features=WebUIOmniboxPopup,WebUIOmniboxFullPopup,WebUIOmniboxAimPopup,OmniboxAimPopup,PreloadTopChromeWebUI'
    ]
  });
}

/**
 * Pushes to `errors` what a page must never do: throw, or break its Content-Security-Policy.
 * Violations come from the document's `securitypolicyviolation` event (listening before any page
 * script runs), from Chromium's console reports ("… violates the following Content Security
 * Policy directive …") and from each worker's own event, which Chromium does not log: that
 * listener goes in when Playwright reports the worker, so a violation at its very start can slip by.
 */
export async function watchErrors(page: Page, errors: string[]): Promise<void> {
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => void (m.text().includes('Content Security Policy') && errors.push(m.text())));
  page.on('worker', (w) =>
    w
      .evaluate(() =>
        self.addEventListener('securitypolicyviolation', (e) =>
          console.error(`Content Security Policy: ${e.effectiveDirective} blocked ${e.blockedURI} in a worker`)
        )
      )
      // A worker that already ended has nothing left to report.
      .catch(() => undefined)
  );
  await page.exposeBinding('__cspViolation', (_source, v: string) => void errors.push(v));
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as unknown as { __cspViolation(v: string): void }).__cspViolation(
        `CSP ${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`
      )
    )
  );
}

/**
 * A fresh Chromium and one page (1280×800 unless `options` say otherwise) whose uncaught errors
 * and CSP violations are pushed to `errors`, so a test can assert that the page did neither.
 */
export async function openPage(
  errors: string[],
  options: BrowserContextOptions = {}
): Promise<{ browser: Browser; page: Page }> {
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, ...options });
  await watchErrors(page, errors);
  return { browser, page };
}

/**
 * Makes every test of the calling file fail if the page pushed an error to `errors` while it ran
 * (not only a last test that checks the whole file's list, which passes when run alone).
 */
export function failOnPageErrors(errors: string[]): void {
  let seen = 0;
  beforeEach(() => {
    seen = errors.length;
  });
  afterEach(() => {
    expect(errors.slice(seen), 'uncaught page errors or CSP violations while this test ran').toEqual([]);
  });
}

export async function screenshot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Waits until the map has loaded its style and sources and finished drawing. */
/**
 * /heatmap ready as a user finally has it: the map drawn and the KPI cards holding DuckDB-wasm's own
 * numbers (those computed when the data was built show first, before the district's incidents are
 * loaded for filtering and the map).
 */
export async function heatmapReady(page: Page, timeout = 120_000): Promise<void> {
  await page.waitForSelector('.heatmap aside .kpis[data-source=browser]', { timeout });
  await waitForMap(page, timeout);
}

export async function waitForMap(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const m = (window as unknown as { __gridatlasMap?: { loaded(): boolean; isStyleLoaded(): boolean } })
        .__gridatlasMap;
      return !!m && m.isStyleLoaded() && m.loaded();
    },
    undefined,
    { timeout, polling: 250 }
  );
  await settled(page, timeout);
}

/**
 * Waits until the page has settled for a picture or a layout measurement: its fonts loaded, the
 * map (if the page has one) idle after a repaint, so every source loaded and every layer drawn,
 * then two animation frames painted (DOM changes made in answer to the last event are on screen).
 */
export async function settled(page: Page, timeout = 30_000): Promise<void> {
  await page.evaluate(async (t) => {
    await document.fonts.ready;
    type IdleMap = { once(e: 'idle', f: () => void): void; triggerRepaint(): void };
    const m = (window as unknown as { __gridatlasMap?: IdleMap }).__gridatlasMap;
    if (m)
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the map was not idle after ${t} ms`)), t);
        m.once('idle', () => {
          clearTimeout(timer);
          resolve();
        });
        m.triggerRepaint();
      });
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  }, timeout);
}

/**
 * Unchecks the /heatmap category filters except `keep`, one at a time, each after the KPI cards have
 * answered the previous one: a click is never made while the panel above the chips is re-laid out.
 */
export async function keepCategories(page: Page, keep: readonly string[], all: readonly string[]): Promise<void> {
  const version = () => page.locator('.heatmap aside .kpis').getAttribute('data-kpi-version').then(Number);
  for (const c of all) {
    if (keep.includes(c)) continue;
    const before = await version();
    await page.locator(`[data-testid=filters] input[data-category=${c}]`).uncheck();
    await expect.poll(version, { timeout: 30_000 }).toBeGreaterThan(before);
  }
}

export interface PixelStats {
  width: number;
  height: number;
  /** Distinct colours (quantised to 4 bits a channel). */
  colours: number;
  /** Share of pixels that differ from the most common colour. */
  nonBackground: number;
  /** Count of pixels close to a given RGB colour. */
  near(rgb: [number, number, number], tolerance?: number): number;
}

export function pixelStats(png: Buffer): PixelStats {
  const img = PNG.sync.read(png);
  const counts = new Map<number, number>();
  const n = img.width * img.height;
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    const key = ((img.data[o] >> 4) << 8) | ((img.data[o + 1] >> 4) << 4) | (img.data[o + 2] >> 4);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const top = Math.max(...counts.values());
  return {
    width: img.width,
    height: img.height,
    colours: counts.size,
    nonBackground: 1 - top / n,
    near([r, g, b], tol = 40) {
      let c = 0;
      for (let i = 0; i < n; i++) {
        const o = i * 4;
        if (Math.abs(img.data[o] - r) + Math.abs(img.data[o + 1] - g) + Math.abs(img.data[o + 2] - b) <= tol) c++;
      }
      return c;
    }
  };
}

export function hex(c: string): [number, number, number] {
  const v = parseInt(c.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
