/**
 * Small seeded pseudo-random toolkit (pure TS, no DOM or Node APIs). Everything synthetic in
 * GridAtlas draws from these so that the same seed gives the same data, byte for byte.
 * The generator is mulberry32: 32-bit state, fast, good enough for layout and simulation.
 */

/** A stream of uniform numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32 seeded with a 32-bit integer. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of the parts, for deriving independent streams: `mulberry32(hashSeed(seed, 'roads'))`. */
export function hashSeed(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  const s = parts.join('\u241f');
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A new stream derived from a seed and a label. */
export function substream(seed: number, ...labels: (string | number)[]): Rng {
  return mulberry32(hashSeed(seed, ...labels));
}

/** Uniform in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Integer in [lo, hi], both inclusive. */
export function randInt(rng: Rng, lo: number, hi: number): number {
  return lo + Math.floor(rng() * (hi - lo + 1));
}

/** True with probability p. */
export function chance(rng: Rng, p: number): boolean {
  return rng() < p;
}

/** Standard normal (Box–Muller; one value per call, deterministic). */
export function normal(rng: Rng): number {
  let u = rng();
  while (u <= 1e-12) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Log-normal with the given median and log-space standard deviation. */
export function logNormal(rng: Rng, median: number, sigma: number): number {
  return median * Math.exp(sigma * normal(rng));
}

export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(rng() * items.length)];
}

/** Fisher–Yates, in place; returns the same array. */
export function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** Running sums of the weights, for `pickCumulative`. */
export function cumulative(weights: ArrayLike<number>): Float64Array {
  const out = new Float64Array(weights.length);
  let s = 0;
  for (let i = 0; i < weights.length; i++) {
    s += Math.max(0, weights[i]);
    out[i] = s;
  }
  return out;
}

/** Index drawn with probability proportional to its weight (binary search in running sums). */
export function pickCumulative(rng: Rng, cum: Float64Array): number {
  const n = cum.length;
  if (n === 0) throw new Error('pick from an empty list');
  const x = rng() * cum[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index drawn with probability proportional to its weight. */
export function pickWeighted(rng: Rng, weights: readonly number[]): number {
  return pickCumulative(rng, cumulative(weights));
}

/** k distinct indices of [0, n), drawn with probability proportional to weight (without replacement). */
export function sampleWeighted(rng: Rng, weights: readonly number[], k: number): number[] {
  // Efraimidis–Spirakis: keep the k largest u^(1/w).
  const keys = weights.map((w, i) => ({ i, key: w > 0 ? Math.log(rng()) / w : -Infinity }));
  keys.sort((a, b) => b.key - a.key || a.i - b.i);
  return keys.slice(0, Math.min(k, weights.length)).map((x) => x.i);
}
