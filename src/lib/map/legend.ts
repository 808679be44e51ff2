/**
 * The one place for map layer ids and colours, shared by the style builder, deck.gl
 * layers, legends and tests.
 */
import type { StationKind } from '../data/schema';

export const LAYER = {
  background: 'background',
  external: 'external-tiles',
  outlineFill: 'district-fill',
  waterFill: 'water-fill',
  waterLines: 'water-lines',
  waterLabels: 'water-labels',
  outline: 'district-outline',
  streets: 'street-borders',
  streetLabels: 'street-labels',
  communities: 'community-borders',
  communityFill: 'community-fill',
  communityLabels: 'community-labels',
  compounds: 'compounds',
  roads: 'roads',
  buildings: 'buildings',
  grids: 'grid-borders',
  gridLabels: 'grid-labels'
} as const;

export const COLORS = {
  background: '#eef0eb',
  land: '#f8f7f2',
  outline: '#c0392b',
  street: '#7d5a9e',
  community: '#8c8c8c',
  compound: '#e4e0d4',
  water: { fill: '#b5d3ee', line: '#8bb8e0', label: '#2f6a9e' },
  building: '#b9b3a5',
  grid: '#2c3e50',
  road: { primary: '#f2b35b', secondary: '#f7d38b', tertiary: '#ffffff', residential: '#ffffff' },
  roadCasing: '#d0c8b8',
  label: '#333333',
  labelHalo: '#ffffff'
} as const;

/** Categorical palette for grids (colour-blind friendly, Okabe–Ito plus tints). */
export const GRID_PALETTE = [
  '#E69F00',
  '#56B4E9',
  '#009E73',
  '#F0E442',
  '#0072B2',
  '#D55E00',
  '#CC79A7',
  '#999933'
] as const;

/** Ink for a grid's number written on its palette colour (table chips, print legend): dark on light colours, white on dark. */
export function inkOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((k) => parseInt(hex.slice(k, k + 2), 16) / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 ? '#111' : '#fff';
}

/** Sequential ramp (light → dark) for choropleths such as households per community. */
export const SEQUENTIAL = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'] as const;

/**
 * Station kinds: colour, names and a symbol of its own (an SVG path in a 24×24 box centred on
 * 12,12), used by the map overlay (as icons), the legend and the rider page's map.
 */
export const STATION_STYLE: Record<
  StationKind,
  { color: [number, number, number]; zh: string; en: string; shape: string; symbol: string }
> = {
  party_centre: {
    color: [200, 16, 46],
    zh: '党群服务中心',
    en: 'Party-and-people service centre',
    shape: 'star',
    symbol: 'M12 1.5l3.1 6.9 7.4.7-5.6 5 1.7 7.4L12 17.6l-6.6 3.9 1.7-7.4-5.6-5 7.4-.7z'
  },
  compound_station: {
    color: [230, 120, 30],
    zh: '小区党群服务站',
    en: 'Compound service station',
    shape: 'square',
    symbol: 'M4 4h16v16H4z'
  },
  warm_heart: {
    color: [214, 39, 140],
    zh: '暖心驿站',
    en: 'Warm-heart station',
    shape: 'heart',
    symbol:
      'M12 21.5L3.2 12.6C.6 10 1 5.6 4.3 4.1 6.9 2.9 9.9 3.9 12 6.6c2.1-2.7 5.1-3.7 7.7-2.5 3.3 1.5 3.7 5.9 1.1 8.5z'
  },
  red_sail: {
    color: [180, 30, 30],
    zh: '红帆驿站',
    en: 'Red-Sail station',
    shape: 'sail',
    symbol: 'M5 2h2.5v20H5zM8.5 2.5l12 7.5-12 7.5z'
  },
  red_station: {
    color: [150, 20, 60],
    zh: '红色驿站',
    en: 'Red station',
    shape: 'diamond',
    symbol: 'M12 1.5L22.5 12 12 22.5 1.5 12z'
  },
  outdoor_worker: {
    color: [40, 110, 200],
    zh: '户外劳动者服务站',
    en: 'Outdoor workers’ station',
    shape: 'hexagon',
    symbol: 'M12 1.5l9.1 5.25v10.5L12 22.5l-9.1-5.25V6.75z'
  },
  other: {
    color: [110, 110, 110],
    zh: '其他站点',
    en: 'Other station',
    shape: 'circle',
    symbol: 'M12 3a9 9 0 1 0 0 18a9 9 0 1 0 0-18z'
  }
};

/** Kinds meant for riders and outdoor workers (the rider page's default filter). */
export const RIDER_KINDS: readonly StationKind[] = ['warm_heart', 'red_sail', 'red_station', 'outdoor_worker'];

/** A station kind's symbol as a standalone SVG (white outline), e.g. for map icons. */
export function stationSymbolSvg(kind: StationKind, size = 48): string {
  const st = STATION_STYLE[kind];
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 24 24">` +
    `<path d="${st.symbol}" fill="${rgb(st.color)}" stroke="#fff" stroke-width="1.5" stroke-linejoin="round"/></svg>`
  );
}

/** Colours of the 15-minute service circle: walk-time bands and uncovered. */
export const COVERAGE_COLORS = {
  5: [26, 152, 80],
  10: [145, 207, 96],
  15: [217, 239, 139],
  uncovered: [215, 48, 39],
  site: [40, 40, 40]
} as const;

// Incident map (/heatmap) -------------------------------------------------------------------

export type Rgb = [number, number, number];

/** deck.gl layer ids of the incident map, one per mode, and the outline of a zoomed-to grid. */
export const HEATMAP_LAYER = {
  heatmap: 'incident-heatmap',
  hexagon: 'incident-hexagon',
  grid: 'incident-grid',
  choropleth: 'incident-choropleth',
  focus: 'incident-focus'
} as const;

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

export function rgb(c: readonly [number, number, number]): string {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
