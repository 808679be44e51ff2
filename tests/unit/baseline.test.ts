import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { CHANNEL_TOLERANCE, MAX_DIFFERING, compareThumbnails, thumbnail } from '../setup/baseline';

function image(w: number, h: number, colour: (x: number, y: number) => [number, number, number]): PNG {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      const [r, g, b] = colour(x, y);
      png.data[o] = r;
      png.data[o + 1] = g;
      png.data[o + 2] = b;
      png.data[o + 3] = 255;
    }
  return png;
}

const copy = (p: PNG) => PNG.sync.read(PNG.sync.write(p));

describe('thumbnail', () => {
  it('averages 16-pixel blocks, partial blocks at the edges by their own pixels', () => {
    // 20×20: red where x < 10, blue elsewhere. Block (0,0) holds 10 red and 6 blue pixels a row:
    // R = 255·10/16 = 159.4, B = 255·6/16 = 95.6. Block (1,0) is x 16–19, all blue.
    const t = thumbnail(image(20, 20, (x) => (x < 10 ? [255, 0, 0] : [0, 0, 255])));
    expect([t.width, t.height]).toEqual([2, 2]);
    const px = (x: number, y: number) => [...t.data.subarray((y * 2 + x) * 4, (y * 2 + x) * 4 + 3)];
    expect(px(0, 0)).toEqual([159, 0, 96]);
    expect(px(1, 0)).toEqual([0, 0, 255]);
    expect(px(0, 1)).toEqual([159, 0, 96]);
    expect(px(1, 1)).toEqual([0, 0, 255]);
  });
});

// A real baseline: the planner after splitting a Daoli community, as the browser test records it.
const real = PNG.sync.read(readFileSync('tests/baselines/plan-2-split.png'));

describe('compareThumbnails on a real baseline', () => {
  it('forgives small colour noise on every block', () => {
    const noisy = copy(real);
    for (let i = 0; i < noisy.data.length; i++)
      if (i % 4 !== 3) noisy.data[i] = Math.max(0, Math.min(255, noisy.data[i] + ((i * 7) % 21) - 10));
    expect(compareThumbnails(noisy, real)).toEqual({ differing: 0, worst: expect.any(Number) });
    expect(compareThumbnails(noisy, real).worst).toBeLessThanOrEqual(CHANNEL_TOLERANCE);
  });

  it('forgives a changed number (a few blocks) but not a blank map', () => {
    const changed = copy(real);
    for (let x = 2; x < 6; x++) for (let c = 0; c < 3; c++) changed.data[(10 * real.width + x) * 4 + c] ^= 0xff;
    expect(compareThumbnails(changed, real).differing).toBeLessThan(MAX_DIFFERING);

    // The map (right of the 320-pixel panel) painted in one flat colour, as when no tile or layer draws.
    const blank = copy(real);
    for (let y = 0; y < real.height; y++)
      for (let x = Math.ceil(320 / 16); x < real.width; x++) blank.data.set([240, 240, 240], (y * real.width + x) * 4);
    expect(compareThumbnails(blank, real).differing).toBeGreaterThan(MAX_DIFFERING);
  });

  it('refuses thumbnails of different sizes', () => {
    expect(() => compareThumbnails(thumbnail(image(32, 32, () => [0, 0, 0])), real)).toThrow(/differ in size/);
  });
});
