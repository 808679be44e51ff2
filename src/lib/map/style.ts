/**
 * The basemap as a style document built from data: every source is a GeoJSON file of the
 * embedded dataset, so the map works offline. Glyphs are omitted on purpose: MapLibre then
 * renders all labels (CJK included) with local fonts, so no glyph server is needed.
 */
import type { ExpressionSpecification, LayerSpecification, SourceSpecification, StyleSpecification } from 'maplibre-gl';
import type { MapLayerName, OptionalMapLayerName } from '../data/schema';
import { COLORS, GRID_PALETTE, LAYER, SEQUENTIAL } from './legend';

/** Which job the map serves: decides emphasis (e.g. buildings by grid for planners). */
export type MapTheme = 'plan' | 'heatmap' | 'compare' | 'rider';

export interface StyleOptions {
  theme: MapTheme;
  /** Absolute URL of one map layer of the current district. */
  layerUrl: (layer: MapLayerName | OptionalMapLayerName) => string;
  /** The district's optional layers (index.json's `optionalLayers`): only these get a source, so none is fetched in vain. */
  optionalLayers?: readonly OptionalMapLayerName[];
  /** Optional raster tile template ({z}/{x}/{y}); off (null) by default. */
  externalTiles?: string | null;
  /** Credit the district's data requires (e.g. '© OpenStreetMap contributors, ODbL'), shown by maplibre's attribution control. */
  attribution?: string | null;
}

export const LABEL_FONT = ['Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', 'PingFang SC', 'sans-serif'];

const VECTOR_SOURCES: MapLayerName[] = [
  'outline',
  'streets',
  'communities',
  'compounds',
  'roads',
  'buildings',
  'grids'
];

export function isValidTileTemplate(url: string): boolean {
  return /^https?:\/\/\S+$/.test(url) && ['{z}', '{x}', '{y}'].every((t) => url.includes(t));
}

/** Colour of a building by the sequence number at the end of its 15-digit grid code; neutral without a grid. */
export function gridColorExpression(): ExpressionSpecification {
  const grid: ExpressionSpecification = ['get', 'grid'];
  const seq: ExpressionSpecification = ['to-number', ['slice', ['to-string', grid], 12], 0];
  const cases: (string | number)[] = [];
  GRID_PALETTE.forEach((c, i) => cases.push(i, c));
  return [
    'case',
    ['==', ['typeof', grid], 'string'],
    ['match', ['%', seq, GRID_PALETTE.length], ...cases, COLORS.building],
    COLORS.building
  ] as unknown as ExpressionSpecification;
}

/** A road's colour by its class; the base map and the planner's map draw roads alike (widths differ). */
export const ROAD_COLOUR: ExpressionSpecification = [
  'match',
  ['get', 'class'],
  'primary',
  COLORS.road.primary,
  'secondary',
  COLORS.road.secondary,
  COLORS.road.tertiary
];

function householdsRamp(): ExpressionSpecification {
  return [
    'interpolate',
    ['linear'],
    ['get', 'households'],
    0,
    SEQUENTIAL[0],
    1500,
    SEQUENTIAL[1],
    3000,
    SEQUENTIAL[2],
    5000,
    SEQUENTIAL[3],
    8000,
    SEQUENTIAL[4]
  ];
}

/**
 * The scheme of map layer URLs in a style: maplibre hands them to the app (create-map.ts), which
 * answers through the data seam, so a district's own layers kept in the browser are drawn too.
 */
export const DATA_PROTOCOL = 'gridatlas-data';
// The layer's URL goes in the path: as the host part, `http://a/b` lost its colon to URL
// normalisation (`gridatlas-data://http//a/b`) and every layer answered 404.
const DATA_PREFIX = `${DATA_PROTOCOL}://layer/`;
export const dataProtocolUrl = (url: string) => `${DATA_PREFIX}${url}`;
/** The layer URL inside a `dataProtocolUrl`. */
export const layerUrlOf = (protocolUrl: string) => protocolUrl.slice(DATA_PREFIX.length);

const WATER_AREA: ExpressionSpecification = ['==', ['get', 'kind'], 'water'];

/** Water areas and river lines: over the district's land, under everything else (kind 'water' is an area, the rest lines). */
function waterLayers(overTiles: boolean): LayerSpecification[] {
  return [
    // Faint over an external basemap, which draws its own water, as the land is.
    {
      id: LAYER.waterFill,
      type: 'fill',
      source: 'water',
      filter: WATER_AREA,
      paint: { 'fill-color': COLORS.water.fill, 'fill-opacity': overTiles ? 0.3 : 1 }
    },
    {
      id: LAYER.waterLines,
      type: 'line',
      source: 'water',
      filter: ['!', WATER_AREA],
      layout: { 'line-join': 'round', 'line-cap': 'round' },
      paint: {
        'line-color': COLORS.water.line,
        'line-width': [
          'interpolate',
          ['linear'],
          ['zoom'],
          10,
          ['match', ['get', 'kind'], 'river', 1.2, 0.6],
          16,
          ['match', ['get', 'kind'], 'river', 5, 2.5]
        ]
      }
    }
  ];
}

/** A river's name along its line (local fonts, as every label: 松花江 needs CJK glyphs). */
function waterLabels(): LayerSpecification {
  return {
    id: LAYER.waterLabels,
    type: 'symbol',
    source: 'water',
    minzoom: 11,
    filter: ['all', ['!', WATER_AREA], ['has', 'name']],
    layout: {
      'symbol-placement': 'line',
      'symbol-spacing': 350,
      'text-field': ['get', 'name'],
      'text-font': LABEL_FONT,
      'text-size': ['interpolate', ['linear'], ['zoom'], 11, 11, 15, 14],
      'text-letter-spacing': 0.3
    },
    paint: { 'text-color': COLORS.water.label, 'text-halo-color': COLORS.labelHalo, 'text-halo-width': 1.5 }
  };
}

export function buildStyle(o: StyleOptions): StyleSpecification {
  const sources: Record<string, SourceSpecification> = {};
  const water = o.optionalLayers?.includes('water') ?? false;
  for (const name of [...VECTOR_SOURCES, ...(water ? (['water'] as const) : [])])
    sources[name] = {
      type: 'geojson',
      data: dataProtocolUrl(o.layerUrl(name)),
      ...(o.attribution ? { attribution: o.attribution } : {})
    };
  if (o.externalTiles) {
    sources.external = { type: 'raster', tiles: [o.externalTiles], tileSize: 256 };
  }
  const plan = o.theme === 'plan';
  const muted = o.theme === 'heatmap';

  const layers: LayerSpecification[] = [
    { id: LAYER.background, type: 'background', paint: { 'background-color': COLORS.background } }
  ];
  if (o.externalTiles) layers.push({ id: LAYER.external, type: 'raster', source: 'external' });
  layers.push(
    {
      id: LAYER.outlineFill,
      type: 'fill',
      source: 'outline',
      paint: { 'fill-color': COLORS.land, 'fill-opacity': o.externalTiles ? 0.2 : 1 }
    },
    ...(water ? waterLayers(!!o.externalTiles) : []),
    {
      id: LAYER.communityFill,
      type: 'fill',
      source: 'communities',
      layout: { visibility: o.theme === 'compare' ? 'visible' : 'none' },
      paint: { 'fill-color': householdsRamp(), 'fill-opacity': 0.75 }
    },
    {
      id: LAYER.compounds,
      type: 'fill',
      source: 'compounds',
      minzoom: 12,
      paint: { 'fill-color': COLORS.compound, 'fill-opacity': muted ? 0.4 : 0.8 }
    },
    {
      id: LAYER.roads,
      type: 'line',
      source: 'roads',
      paint: {
        'line-color': ROAD_COLOUR,
        'line-width': [
          'interpolate',
          ['linear'],
          ['zoom'],
          10,
          ['match', ['get', 'class'], 'primary', 1.5, 'secondary', 1, 0.3],
          16,
          ['match', ['get', 'class'], 'primary', 10, 'secondary', 7, 4]
        ]
      }
    },
    {
      id: LAYER.buildings,
      type: 'fill',
      source: 'buildings',
      minzoom: 12,
      paint: {
        'fill-color': plan ? gridColorExpression() : COLORS.building,
        'fill-opacity': muted ? 0.5 : 0.9,
        'fill-outline-color': '#8a8274'
      }
    },
    {
      id: LAYER.grids,
      type: 'line',
      source: 'grids',
      minzoom: 12.5,
      layout: { visibility: plan ? 'visible' : 'none' },
      paint: { 'line-color': COLORS.grid, 'line-width': 1.2, 'line-dasharray': [3, 2] }
    },
    {
      id: LAYER.communities,
      type: 'line',
      source: 'communities',
      paint: { 'line-color': COLORS.community, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 0.4, 15, 1.5] }
    },
    {
      id: LAYER.streets,
      type: 'line',
      source: 'streets',
      paint: { 'line-color': COLORS.street, 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 1, 15, 3] }
    },
    {
      id: LAYER.outline,
      type: 'line',
      source: 'outline',
      paint: { 'line-color': COLORS.outline, 'line-width': ['interpolate', ['linear'], ['zoom'], 8, 2, 14, 4] }
    },
    {
      id: LAYER.gridLabels,
      type: 'symbol',
      source: 'grids',
      minzoom: 14,
      layout: {
        visibility: plan ? 'visible' : 'none',
        'text-field': ['concat', ['slice', ['get', 'code'], 12], '\n', ['to-string', ['get', 'households']], '户'],
        'text-font': LABEL_FONT,
        'text-size': 11
      },
      paint: { 'text-color': COLORS.grid, 'text-halo-color': COLORS.labelHalo, 'text-halo-width': 1.5 }
    },
    ...(water ? [waterLabels()] : []),
    {
      id: LAYER.communityLabels,
      type: 'symbol',
      source: 'communities',
      minzoom: 12.5,
      layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONT, 'text-size': 12 },
      paint: { 'text-color': COLORS.label, 'text-halo-color': COLORS.labelHalo, 'text-halo-width': 1.5 }
    },
    {
      id: LAYER.streetLabels,
      type: 'symbol',
      source: 'streets',
      maxzoom: 13,
      layout: { 'text-field': ['get', 'name'], 'text-font': LABEL_FONT, 'text-size': 14 },
      paint: { 'text-color': COLORS.street, 'text-halo-color': COLORS.labelHalo, 'text-halo-width': 2 }
    }
  );
  return { version: 8, name: `gridatlas-${o.theme}`, sources, layers };
}
