/**
 * The one place for map layer ids and colours, shared by the style builder, deck.gl
 * layers, legends and tests.
 */
import type { StationKind } from '../data/schema';

export const LAYER = {
  background: 'background',
  external: 'external-tiles',
  outlineFill: 'district-fill',
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

/** Sequential ramp (light → dark) for choropleths such as households per community. */
export const SEQUENTIAL = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'] as const;

export const STATION_STYLE: Record<StationKind, { color: [number, number, number]; zh: string; en: string }> = {
  party_centre: { color: [200, 16, 46], zh: '党群服务中心', en: 'Party-and-people service centre' },
  compound_station: { color: [230, 120, 30], zh: '小区党群服务站', en: 'Compound service station' },
  warm_heart: { color: [214, 39, 140], zh: '暖心驿站', en: 'Warm-heart station' },
  red_sail: { color: [180, 30, 30], zh: '红帆驿站', en: 'Red-Sail station' },
  red_station: { color: [150, 20, 60], zh: '红色驿站', en: 'Red station' },
  outdoor_worker: { color: [40, 110, 200], zh: '户外劳动者服务站', en: 'Outdoor workers’ station' }
};

export function rgb(c: readonly [number, number, number]): string {
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
