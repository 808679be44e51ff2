/**
 * Colours and legend of the incident map (/heatmap) in one place: the deck.gl layers, the
 * Legend component and the PNG export all read these.
 */
export type Rgb = [number, number, number];
export type HeatmapMode = 'heatmap' | 'hexagon' | 'grid' | 'choropleth';
export const HEATMAP_MODES: readonly HeatmapMode[] = ['heatmap', 'hexagon', 'grid', 'choropleth'];

/** ColorBrewer YlOrRd, 6 classes: light = few incidents, dark red = many. */
export const INCIDENT_RAMP: readonly Rgb[] = [
  [255, 255, 178],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [240, 59, 32],
  [189, 0, 38]
];
/** Grids without incidents in the selection. */
export const NO_INCIDENTS: Rgb = [235, 235, 235];
/** Outline of the grid a KPI click zoomed to. */
export const FOCUS_COLOR: Rgb = [0, 90, 200];

export const HEX_RADIUS_M = 200;
export const GRID_CELL_M = 300;
export const HEATMAP_RADIUS_PX = 30;

export function cssRgb(c: Rgb): string {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** Rounds to 2 significant digits (legend breaks people can read). */
export function nice(x: number): number {
  if (x <= 0) return 0;
  const p = Math.pow(10, Math.floor(Math.log10(x)) - 1);
  return Math.round(x / p) * p;
}

/**
 * Class breaks for the choropleth: quantiles of the grids' non-zero rates, rounded; classes
 * are [0, b0), [b0, b1) … [b_last, ∞). Always increasing; fewer classes when rates tie.
 */
export function rateBreaks(rates: ArrayLike<number>, classes = INCIDENT_RAMP.length): number[] {
  const xs = Array.from(rates).filter((r) => r > 0).sort((a, b) => a - b);
  if (!xs.length) return [];
  const out: number[] = [];
  for (let i = 1; i < classes; i++) {
    const b = nice(xs[Math.min(xs.length - 1, Math.floor((i / classes) * xs.length))]);
    if (b > 0 && (!out.length || b > out[out.length - 1])) out.push(b);
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
}

/**
 * What the colours mean, as swatches with labels. `domain` is the [min, max] count per cell
 * deck.gl reported (hexagon/grid); `breaks` the choropleth classes (incidents per 1,000 households).
 */
export function legendModel(
  mode: HeatmapMode,
  opts: { domain?: [number, number] | null; breaks?: readonly number[]; fmt: (n: number) => string; low: string; high: string }
): LegendModel {
  const { fmt } = opts;
  if (mode === 'choropleth') {
    const b = opts.breaks ?? [];
    const swatches: LegendSwatch[] = [{ color: NO_INCIDENTS, label: '0' }];
    const edges = [0, ...b];
    edges.forEach((lo, i) => {
      const hi = edges[i + 1];
      const color = classColor(lo === 0 ? Number.MIN_VALUE : lo, b);
      swatches.push({ color, label: hi === undefined ? `≥ ${fmt(lo)}` : `${fmt(lo)}–${fmt(hi)}` });
    });
    return { mode, swatches };
  }
  if ((mode === 'hexagon' || mode === 'grid') && opts.domain) {
    const [lo, hi] = opts.domain;
    const n = INCIDENT_RAMP.length;
    const step = (hi - lo) / n;
    return {
      mode,
      swatches: INCIDENT_RAMP.map((color, i) => ({
        color,
        label: i === n - 1 ? `≥ ${fmt(Math.round(lo + step * i))}` : `${fmt(Math.round(lo + step * i))}–${fmt(Math.round(lo + step * (i + 1)))}`
      }))
    };
  }
  return {
    mode,
    swatches: INCIDENT_RAMP.map((color, i) => ({ color, label: i === 0 ? opts.low : i === INCIDENT_RAMP.length - 1 ? opts.high : '' }))
  };
}
