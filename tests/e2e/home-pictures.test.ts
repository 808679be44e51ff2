/**
 * The home page's small pictures of each page (static/img/home-*.webp) are screenshots of the app
 * itself. `GRIDATLAS_PICTURES=1` with this file takes them again (after a change to a page's
 * look); without it the test checks the committed ones: WebP, 320×200, under 40 KB each.
 * Chromium encodes the WebP (canvas.toDataURL), so no image tool is needed.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { readFileSync, writeFileSync } from 'node:fs';
import { launch, waitForMap, watchErrors } from './browser';

const baseUrl = inject('baseUrl');
const W = 320;
const H = 200;

/** page, the picture's name, the viewport it is taken in, what to wait for. */
const SHOTS: readonly { path: string; name: string; phone?: boolean; ready: (p: Page) => Promise<unknown> }[] = [
  { path: '/plan?d=230102', name: 'home-plan', ready: (p) => waitForMap(p) },
  { path: '/heatmap?d=230102', name: 'home-heatmap', ready: (p) => waitForMap(p) },
  {
    path: '/compare?ds=230102,370881',
    name: 'home-compare',
    ready: (p) =>
      expect.poll(() => p.getByTestId('metric-median_hh_grid-370881').innerText(), { timeout: 120_000 }).not.toBe('…')
  },
  {
    path: '/rider?d=230102',
    name: 'home-rider',
    phone: true,
    ready: (p) => p.locator('[data-testid=rider-result]').first().waitFor({ timeout: 30_000 })
  },
  { path: '/data?d=230102', name: 'home-data', ready: (p) => p.locator('main').waitFor() }
];

/** RIFF….WEBP header and the VP8/VP8L/VP8X chunk's size fields → width × height. */
function webpSize(b: Buffer): { width: number; height: number } {
  expect(b.subarray(0, 4).toString('latin1')).toBe('RIFF');
  expect(b.subarray(8, 12).toString('latin1')).toBe('WEBP');
  const chunk = b.subarray(12, 16).toString('latin1');
  if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
}

describe.runIf(process.env.GRIDATLAS_PICTURES)('home pictures: taking them', () => {
  let browser: Browser;
  beforeAll(async () => (browser = await launch()));
  afterAll(async () => browser?.close());

  for (const s of SHOTS) {
    it(`${s.name} from ${s.path}`, async () => {
      const errors: string[] = [];
      // The rider is located in central Daoli, as on the street.
      const page = await browser.newPage(
        s.phone
          ? {
              viewport: { width: 390, height: 844 },
              isMobile: true,
              hasTouch: true,
              geolocation: { longitude: 126.5502, latitude: 45.7301 },
              permissions: ['geolocation']
            }
          : { viewport: { width: 800, height: 500 } }
      );
      await watchErrors(page, errors);
      await page.goto(`${baseUrl}${s.path}`);
      await s.ready(page);
      const png = await page.screenshot({ clip: s.phone ? { x: 0, y: 0, width: 390, height: 244 } : undefined });
      // Scaled and encoded on a blank page (no CSP there), the picture's top left kept.
      const blank = await browser.newPage();
      const url = await blank.evaluate(
        async ([b64, w, h]) => {
          const img = new Image();
          img.src = `data:image/png;base64,${b64}`;
          await img.decode();
          const c = document.createElement('canvas');
          c.width = w;
          c.height = h;
          const g = c.getContext('2d')!;
          g.imageSmoothingQuality = 'high';
          g.drawImage(img, 0, 0, w, h);
          return c.toDataURL('image/webp', 0.72);
        },
        [png.toString('base64'), W, H] as const
      );
      writeFileSync(`static/img/${s.name}.webp`, Buffer.from(url.split(',')[1], 'base64'));
      await blank.close();
      await page.close();
      expect(errors).toEqual([]);
    }, 120_000);
  }
});

describe('home pictures: the committed ones', () => {
  for (const s of SHOTS) {
    it(`${s.name}.webp is a small WebP of ${W}×${H}`, () => {
      const b = readFileSync(`static/img/${s.name}.webp`);
      expect(b.length).toBeLessThan(40_000);
      expect(webpSize(b)).toEqual({ width: W, height: H });
    });
  }
});
