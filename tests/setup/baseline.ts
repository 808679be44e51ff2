/**
 * Screenshot baselines for the key views (plan split, heatmap, briefing, compare, rider): a test's
 * screenshot is reduced to a thumbnail of 16×16-pixel block means and compared with the committed
 * thumbnail in tests/baselines/. Block means forgive anti-aliasing, a changed digit or a font's
 * hinting; a blank map, a missing layer or a page laid out differently changes many blocks and fails.
 * Thumbnails (80×50 for 1280×800) keep the baselines a few kilobytes each.
 *
 * A missing baseline fails (it is never written and then compared with itself); to record or
 * re-record after a deliberate change, run the test with UPDATE_BASELINES=1 and look at the
 * screenshot in tests/screenshots/ before committing the new thumbnail.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

export const BASELINES = 'tests/baselines';
export const BLOCK = 16;
/** A block differs when one of its channel means moved by more than this (of 255). */
export const CHANNEL_TOLERANCE = 40;
/** The share of differing blocks above which a view no longer looks like its baseline. */
export const MAX_DIFFERING = 0.1;

/** Each BLOCK×BLOCK block's mean colour (partial blocks at the right and bottom edges included). */
export function thumbnail(png: Buffer | PNG, block = BLOCK): PNG {
  const img = png instanceof PNG ? png : PNG.sync.read(png);
  const w = Math.ceil(img.width / block);
  const h = Math.ceil(img.height / block);
  const sum = new Float64Array(w * h * 3);
  const count = new Uint32Array(w * h);
  for (let y = 0; y < img.height; y++) {
    const row = Math.floor(y / block) * w;
    for (let x = 0; x < img.width; x++) {
      const t = row + Math.floor(x / block);
      const o = (y * img.width + x) * 4;
      sum[t * 3] += img.data[o];
      sum[t * 3 + 1] += img.data[o + 1];
      sum[t * 3 + 2] += img.data[o + 2];
      count[t]++;
    }
  }
  const out = new PNG({ width: w, height: h });
  for (let t = 0; t < w * h; t++) {
    for (let c = 0; c < 3; c++) out.data[t * 4 + c] = Math.round(sum[t * 3 + c] / count[t]);
    out.data[t * 4 + 3] = 255;
  }
  return out;
}

export interface ThumbDiff {
  /** Share of blocks whose colour moved by more than the tolerance in some channel. */
  differing: number;
  /** The largest channel difference of any block. */
  worst: number;
}

export function compareThumbnails(a: PNG, b: PNG, tolerance = CHANNEL_TOLERANCE): ThumbDiff {
  assert(
    a.width === b.width && a.height === b.height,
    `thumbnails differ in size: ${a.width}×${a.height} and ${b.width}×${b.height}`
  );
  let differing = 0;
  let worst = 0;
  const n = a.width * a.height;
  for (let t = 0; t < n; t++) {
    let d = 0;
    for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(a.data[t * 4 + c] - b.data[t * 4 + c]));
    worst = Math.max(worst, d);
    if (d > tolerance) differing++;
  }
  return { differing: differing / n, worst };
}

/**
 * Throws unless `png` looks like the baseline `name` (at most MAX_DIFFERING of its blocks changed).
 * With UPDATE_BASELINES=1 it records the thumbnail instead.
 */
export function expectLikeBaseline(png: Buffer, name: string, maxDiffering = MAX_DIFFERING): ThumbDiff {
  const thumb = thumbnail(png);
  const file = join(BASELINES, `${name}.png`);
  if (process.env.UPDATE_BASELINES === '1') {
    mkdirSync(BASELINES, { recursive: true });
    writeFileSync(file, PNG.sync.write(thumb));
    return { differing: 0, worst: 0 };
  }
  assert(
    existsSync(file),
    `no baseline ${file}: run this test with UPDATE_BASELINES=1, look at the screenshot, commit the thumbnail`
  );
  const diff = compareThumbnails(thumb, PNG.sync.read(readFileSync(file)));
  const seen = join('tests/screenshots', `${name}-thumbnail.png`);
  if (diff.differing > maxDiffering) {
    mkdirSync('tests/screenshots', { recursive: true });
    writeFileSync(seen, PNG.sync.write(thumb));
  }
  assert(
    diff.differing <= maxDiffering,
    `${name} no longer looks like ${file}: ${(diff.differing * 100).toFixed(1)} % of its ${BLOCK}-pixel blocks changed ` +
      `(at most ${(maxDiffering * 100).toFixed(0)} %); this run's thumbnail is ${seen}`
  );
  return diff;
}
