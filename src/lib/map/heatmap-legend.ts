/**
 * What the incident map's colours mean (/heatmap): the choropleth's classes (natural breaks over
 * the grids' rates), the class of a value, and the legend model that the Legend component and
 * the PNG export both draw. Colours and layer ids are in legend.ts.
 */
import { INCIDENT_RAMP, NO_INCIDENTS, type Rgb } from './legend';

export type HeatmapMode = 'heatmap' | 'hexagon' | 'grid' | 'choropleth';
export const HEATMAP_MODES: readonly HeatmapMode[] = ['heatmap', 'hexagon', 'grid', 'choropleth'];

/**
 * Distinct rates classed exactly; beyond, natural breaks run on this many evenly spaced order
 * statistics (the classing reruns on every filter change and costs O(classes × n²)).
 */
const JENKS_MAX_VALUES = 400;

/**
 * Natural breaks (Jenks; Fisher's exact optimisation): splits sorted values into at most
 * `classes` groups with the least total squared deviation from the group means. Returns the
 * groups' first indices (after 0) into `sorted`. Equal values always share a group.
 */
export function jenksStarts(sorted: readonly number[], classes: number): number[] {
  // Distinct values with their counts: a break can only fall between different values.
  const v: number[] = [];
  const w: number[] = [];
  const first: number[] = [];
  sorted.forEach((x, i) => {
    if (v.length && v[v.length - 1] === x) w[w.length - 1]++;
    else {
      v.push(x);
      w.push(1);
      first.push(i);
    }
  });
  const n = v.length;
  const k = Math.min(classes, n);
  if (k <= 1) return [];
  const s0 = [0],
    s1 = [0],
    s2 = [0];
  for (let i = 0; i < n; i++) {
    s0.push(s0[i] + w[i]);
    s1.push(s1[i] + w[i] * v[i]);
    s2.push(s2[i] + w[i] * v[i] * v[i]);
  }
  /** Squared deviation of distinct values i..j (inclusive) from their mean. */
  const ssd = (i: number, j: number) => {
    const c = s0[j + 1] - s0[i];
    const t = s1[j + 1] - s1[i];
    return s2[j + 1] - s2[i] - (t * t) / c;
  };
  let cost = Array.from({ length: n }, (_, j) => ssd(0, j));
  const from: Int32Array[] = [];
  for (let c = 1; c < k; c++) {
    const next = new Array<number>(n).fill(Infinity);
    const arg = new Int32Array(n);
    for (let j = c; j < n; j++)
      for (let i = c; i <= j; i++) {
        const x = cost[i - 1] + ssd(i, j);
        if (x < next[j]) {
          next[j] = x;
          arg[j] = i;
        }
      }
    cost = next;
    from.push(arg);
  }
  const starts: number[] = [];
  let j = n - 1;
  for (let c = k - 1; c >= 1; c--) {
    const i = from[c - 1][j];
    starts.unshift(i);
    j = i - 1;
  }
  return starts.map((i) => first[i]);
}

/** The roundest number in (lo, hi]: a break between two classes that people can read. */
export function roundBetween(lo: number, hi: number): number {
  if (!(hi > lo)) return hi;
  for (let p = Math.pow(10, Math.ceil(Math.log10(Math.max(Math.abs(hi), 1e-9)))); p >= 1e-6; p /= 10)
    for (const m of [p, p / 2]) {
      const c = Math.floor(hi / m) * m;
      if (c > lo) return Number(c.toPrecision(12));
    }
  return hi;
}

/**
 * Class breaks for the choropleth: natural breaks (Jenks) over the grids' non-zero rates, each
 * break rounded to the roundest number between the classes it separates, so every grid keeps its
 * class. Classes are (0, b0), [b0, b1) … [b_last, ∞); fewer when there are fewer distinct rates.
 */
export function rateBreaks(rates: ArrayLike<number>, classes = INCIDENT_RAMP.length): number[] {
  const all = Array.from(rates)
    .filter((r) => r > 0)
    .sort((a, b) => a - b);
  const xs =
    all.length > JENKS_MAX_VALUES
      ? Array.from(
          { length: JENKS_MAX_VALUES },
          (_, i) => all[Math.round((i * (all.length - 1)) / (JENKS_MAX_VALUES - 1))]
        )
      : all;
  return jenksStarts(xs, classes).map((i) => {
    // Round between the class's lowest value and the largest of all values below it.
    let j = all.indexOf(xs[i]);
    while (j > 0 && all[j - 1] === xs[i]) j--;
    return roundBetween(all[j - 1], xs[i]);
  });
}

/** Grids per class: [no incidents, class 1, …, top class]. */
export function classCounts(rates: ArrayLike<number>, breaks: readonly number[]): number[] {
  const out = new Array<number>(breaks.length + 2).fill(0);
  for (let r = 0; r < rates.length; r++) {
    const v = rates[r];
    if (!(v > 0)) {
      out[0]++;
      continue;
    }
    let i = 0;
    while (i < breaks.length && v >= breaks[i]) i++;
    out[i + 1]++;
  }
  return out;
}

/** The class colour of a value given increasing breaks. */
export function classColor(value: number, breaks: readonly number[]): Rgb {
  if (!(value > 0)) return NO_INCIDENTS;
  let i = 0;
  while (i < breaks.length && value >= breaks[i]) i++;
  // Spread the classes over the ramp so that the top class is always the darkest colour.
  const k = breaks.length ? Math.round((i * (INCIDENT_RAMP.length - 1)) / breaks.length) : INCIDENT_RAMP.length - 1;
  return INCIDENT_RAMP[k];
}

export interface LegendSwatch {
  color: Rgb;
  label: string;
}
export interface LegendModel {
  mode: HeatmapMode;
  swatches: LegendSwatch[];
  /** How the classes were made (choropleth), under the swatches. */
  note?: string;
}

/**
 * What the colours mean, as swatches with labels. `domain` is the [min, max] count per cell
 * deck.gl reported (hexagon/grid); `breaks` the choropleth classes (incidents per 1,000
 * households) with `rates` (every grid's rate, to count grids per class) and `method` (the
 * classing method in words, shown under the swatches).
 */
export function legendModel(
  mode: HeatmapMode,
  opts: {
    domain?: [number, number] | null;
    breaks?: readonly number[];
    rates?: ArrayLike<number>;
    method?: string;
    fmt: (n: number) => string;
    low: string;
    high: string;
  }
): LegendModel {
  const { fmt } = opts;
  if (mode === 'choropleth') {
    const b = opts.breaks ?? [];
    const counts = opts.rates ? classCounts(opts.rates, b) : null;
    const n = (i: number) => (counts ? ` (${fmt(counts[i])})` : '');
    // The "no incidents" class only when some grid is in it (or the counts are not known).
    const swatches: LegendSwatch[] = counts && counts[0] === 0 ? [] : [{ color: NO_INCIDENTS, label: `0${n(0)}` }];
    const edges = [0, ...b];
    edges.forEach((lo, i) => {
      const hi = edges[i + 1];
      const color = classColor(lo === 0 ? Number.MIN_VALUE : lo, b);
      swatches.push({ color, label: (hi === undefined ? `≥ ${fmt(lo)}` : `${fmt(lo)}–${fmt(hi)}`) + n(i + 1) });
    });
    return { mode, swatches, note: opts.method };
  }
  if ((mode === 'hexagon' || mode === 'grid') && opts.domain) {
    // deck.gl's 'quantize' scale: class i holds the counts in [lo + i·step, lo + (i+1)·step), the
    // last one up to hi. Counts are whole numbers, so each class is labelled by the whole numbers
    // it holds (no two classes share an edge value) and a class holding none is left out.
    const [lo, hi] = opts.domain;
    const n = INCIDENT_RAMP.length;
    const step = (hi - lo) / n;
    const firstAtOrAbove = (x: number) => Math.ceil(x - 1e-9 * Math.max(1, Math.abs(x)));
    const swatches: LegendSwatch[] = [];
    INCIDENT_RAMP.forEach((color, i) => {
      const from = firstAtOrAbove(lo + step * i);
      const to = i === n - 1 ? Math.floor(hi) : firstAtOrAbove(lo + step * (i + 1)) - 1;
      if (to < from) return;
      const label = i === n - 1 ? `≥ ${fmt(from)}` : from === to ? fmt(from) : `${fmt(from)}–${fmt(to)}`;
      swatches.push({ color, label });
    });
    return { mode, swatches };
  }
  return {
    mode,
    swatches: INCIDENT_RAMP.map((color, i) => ({
      color,
      label: i === 0 ? opts.low : i === INCIDENT_RAMP.length - 1 ? opts.high : ''
    }))
  };
}
