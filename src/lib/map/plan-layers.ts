/**
 * The planner's map: one community's boundary, compounds, roads, buildings coloured by grid and
 * grid outlines with labels, as a style document built from data. Buildings are coloured from
 * feature-state (`colour`: their grid's palette index, from CommunityPlan.gridColours, so that
 * neighbouring grids differ; `selected`), joined on the building id
 * (`promoteId`), so an edit restyles only the buildings it moved instead of rebuilding sources.
 */
import type { ExpressionSpecification, StyleSpecification } from 'maplibre-gl';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { GeoJsonLayer } from '@deck.gl/layers';
import type { CommunityData } from '$lib/plan/community-plan';
import { LABEL_FONT, ROAD_COLOUR } from './style';
import { COLORS, GRID_PALETTE } from './legend';
import { diffLayers } from './plan-diff-layers';
import { sharedEdgeLines } from '$lib/geo/shared-edges';

export const PLAN_SOURCE = {
  boundary: 'plan-boundary',
  compounds: 'plan-compounds',
  roads: 'plan-roads',
  buildings: 'plan-buildings',
  grids: 'plan-grids',
  /** The grid outlines as lines, each shared edge once (sharedEdgeLines): what the dashed borders draw. */
  borders: 'plan-grid-border-lines',
  labels: 'plan-grid-labels',
  sketch: 'plan-sketch'
} as const;

export const PLAN_LAYER = {
  background: 'plan-background',
  boundaryFill: 'plan-boundary-fill',
  boundary: 'plan-boundary-line',
  compounds: 'plan-compounds',
  roads: 'plan-roads',
  buildings: 'plan-buildings',
  selected: 'plan-buildings-selected',
  grids: 'plan-grid-borders',
  lockedFill: 'plan-grid-locked-fill',
  locked: 'plan-grid-locked',
  warnFill: 'plan-grid-warn-fill',
  warn: 'plan-grid-warn',
  labels: 'plan-grid-labels',
  sketch: 'plan-sketch'
} as const;

export const SELECTED_COLOR = '#d00000';
/** Locked grids: a solid dark outline over diagonal hatching (the dashed border is for open grids). */
export const LOCKED_COLOR = '#3b3b58';
/** The hatch image's id in the map's sprite (drawn by `hatchImage`, registered when the map first asks for it). */
export const LOCKED_PATTERN = 'plan-locked-hatch';
/** What the planner is drawing (lasso or cut line). */
export const SKETCH_COLOR = '#0057b8';

/** The picked street's communities on the district map (before a community is open). */
export const STREET_HIGHLIGHT: [number, number, number] = [0, 87, 184];

/** The picked street's communities, outlined and tinted over the district map (deck.gl). */
export function streetHighlightLayer(communities: FeatureCollection): GeoJsonLayer {
  return new GeoJsonLayer({
    id: 'plan-street-communities',
    data: communities,
    stroked: true,
    filled: true,
    getFillColor: [...STREET_HIGHLIGHT, 40],
    getLineColor: [...STREET_HIGHLIGHT, 230],
    getLineWidth: 3,
    lineWidthUnits: 'pixels'
  });
}

/**
 * The district's communities as click targets on /plan's district map (before one is open): a
 * click opens the community, the one under the pointer is outlined so the planner sees what a
 * click will open. The fill is all but transparent (alpha 1) so that it is still picked. Drawn
 * under the station symbols: a click on a station picks the station, not the community.
 */
export function communityPickLayers(
  communities: FeatureCollection,
  hovered: string | null,
  on: { hover: (code: string | null) => void; pick: (code: string) => void }
): GeoJsonLayer[] {
  const codeOf = (f: unknown) => String((f as { properties?: { code?: unknown } } | null)?.properties?.code ?? '');
  const layers: GeoJsonLayer[] = [
    new GeoJsonLayer({
      id: 'plan-community-targets',
      data: communities,
      pickable: true,
      stroked: false,
      filled: true,
      getFillColor: [0, 0, 0, 1],
      onHover: (info) => on.hover(info.object ? codeOf(info.object) : null),
      onClick: (info) => {
        if (!info.object) return false;
        on.pick(codeOf(info.object));
        return true;
      }
    })
  ];
  const f = hovered ? communities.features.find((x) => codeOf(x) === hovered) : undefined;
  if (f)
    layers.push(
      new GeoJsonLayer({
        id: 'plan-community-hover',
        data: { type: 'FeatureCollection', features: [f] },
        stroked: true,
        filled: true,
        getFillColor: [...STREET_HIGHLIGHT, 30],
        getLineColor: [...STREET_HIGHLIGHT, 255],
        getLineWidth: 3,
        lineWidthUnits: 'pixels'
      })
    );
  return layers;
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Fill colour of a building from its feature-state `colour` (palette index); neutral before the state is set. */
export function buildingColorByState(): ExpressionSpecification {
  const cases: (string | number)[] = [];
  GRID_PALETTE.forEach((c, i) => cases.push(i, c));
  return [
    'match',
    ['to-number', ['coalesce', ['feature-state', 'colour'], -1]],
    ...cases,
    COLORS.building
  ] as unknown as ExpressionSpecification;
}

/**
 * RGBA pixels of a tile of 45° stripes for `map.addImage` (a fill-pattern repeats it seamlessly:
 * the stripes run along x + y, which wraps at the tile size). Pure: no canvas needed, so it is
 * tested in Node.
 */
export function hatchImage(
  size = 12,
  stripe = 3,
  color = LOCKED_COLOR,
  alpha = 150
): { width: number; height: number; data: Uint8Array } {
  const [r, g, b] = [1, 3, 5].map((k) => parseInt(color.slice(k, k + 2), 16));
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      if ((x + y) % size >= stripe) continue;
      data.set([r, g, b, alpha], (y * size + x) * 4);
    }
  return { width: size, height: size, data };
}

/**
 * A grid label: its 3-digit number over its households, grouped as the UI's locale groups digits
 * (as the panel shows them), with the unit of the UI language ('户', ' hh').
 */
export function labelText(unit: string, locale: string): ExpressionSpecification {
  // A bad grid's badge before its number: ▲ over the maximum, ▼ under the minimum, ⚠ in pieces.
  const badge: ExpressionSpecification = [
    'match',
    ['coalesce', ['get', 'mark'], ''],
    'over',
    '▲ ',
    'under',
    '▼ ',
    'split',
    '⚠ ',
    ''
  ];
  return ['concat', badge, ['get', 'seq'], '\n', ['number-format', ['get', 'households'], { locale }], unit];
}

/** Grid labels' size on screen (CSS px); a print enlarges them to its minimum type size (printLabelPx). */
export const GRID_LABEL_PX = 13;

/** Grids the panel warns about (households out of the band, or in pieces): outlined in this colour on the map. */
export const WARN_COLOR = '#c0392b';
const BAD_GRID: ExpressionSpecification = ['any', ['!', ['get', 'inRange']], ['!', ['get', 'contiguous']]];

export function planStyle(
  d: CommunityData,
  grids: FeatureCollection,
  labels: FeatureCollection,
  unit = '户',
  locale = 'zh-CN'
): StyleSpecification {
  return {
    version: 8,
    name: `gridatlas-plan-${d.code}`,
    sources: {
      [PLAN_SOURCE.boundary]: {
        type: 'geojson',
        data: { type: 'FeatureCollection', features: d.boundary ? [d.boundary] : [] }
      },
      [PLAN_SOURCE.compounds]: { type: 'geojson', data: d.compounds },
      [PLAN_SOURCE.roads]: { type: 'geojson', data: d.roads },
      [PLAN_SOURCE.buildings]: {
        type: 'geojson',
        data: { type: 'FeatureCollection', features: d.buildings },
        promoteId: 'id'
      },
      [PLAN_SOURCE.grids]: { type: 'geojson', data: grids },
      [PLAN_SOURCE.borders]: {
        type: 'geojson',
        data: sharedEdgeLines(grids as FeatureCollection<Polygon | MultiPolygon>)
      },
      [PLAN_SOURCE.labels]: { type: 'geojson', data: labels },
      [PLAN_SOURCE.sketch]: { type: 'geojson', data: EMPTY }
    },
    layers: [
      { id: PLAN_LAYER.background, type: 'background', paint: { 'background-color': COLORS.background } },
      { id: PLAN_LAYER.boundaryFill, type: 'fill', source: PLAN_SOURCE.boundary, paint: { 'fill-color': COLORS.land } },
      {
        id: PLAN_LAYER.compounds,
        type: 'fill',
        source: PLAN_SOURCE.compounds,
        paint: { 'fill-color': COLORS.compound, 'fill-opacity': 0.8 }
      },
      {
        id: PLAN_LAYER.roads,
        type: 'line',
        source: PLAN_SOURCE.roads,
        paint: {
          'line-color': ROAD_COLOUR,
          'line-width': [
            'interpolate',
            ['linear'],
            ['zoom'],
            13,
            ['match', ['get', 'class'], 'primary', 3, 'secondary', 2, 1],
            17,
            ['match', ['get', 'class'], 'primary', 14, 'secondary', 10, 5]
          ]
        }
      },
      {
        id: PLAN_LAYER.buildings,
        type: 'fill',
        source: PLAN_SOURCE.buildings,
        paint: { 'fill-color': buildingColorByState(), 'fill-opacity': 0.9, 'fill-outline-color': '#8a8274' }
      },
      ...diffLayers(PLAN_SOURCE.buildings),
      {
        id: PLAN_LAYER.selected,
        type: 'line',
        source: PLAN_SOURCE.buildings,
        paint: {
          'line-color': SELECTED_COLOR,
          'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 0]
        }
      },
      {
        id: PLAN_LAYER.grids,
        type: 'line',
        source: PLAN_SOURCE.borders,
        paint: { 'line-color': COLORS.grid, 'line-width': 2, 'line-dasharray': [3, 2] }
      },
      {
        id: PLAN_LAYER.lockedFill,
        type: 'fill',
        source: PLAN_SOURCE.grids,
        filter: ['==', ['get', 'locked'], true],
        paint: { 'fill-pattern': LOCKED_PATTERN }
      },
      {
        id: PLAN_LAYER.locked,
        type: 'line',
        source: PLAN_SOURCE.grids,
        filter: ['==', ['get', 'locked'], true],
        paint: { 'line-color': LOCKED_COLOR, 'line-width': 4 }
      },
      {
        id: PLAN_LAYER.warnFill,
        type: 'fill',
        source: PLAN_SOURCE.grids,
        filter: BAD_GRID,
        paint: { 'fill-color': WARN_COLOR, 'fill-opacity': 0.12 }
      },
      {
        id: PLAN_LAYER.warn,
        type: 'line',
        source: PLAN_SOURCE.grids,
        filter: BAD_GRID,
        paint: { 'line-color': WARN_COLOR, 'line-width': 3.5 }
      },
      {
        id: PLAN_LAYER.boundary,
        type: 'line',
        source: PLAN_SOURCE.boundary,
        paint: { 'line-color': COLORS.outline, 'line-width': 3 }
      },
      {
        id: PLAN_LAYER.labels,
        type: 'symbol',
        source: PLAN_SOURCE.labels,
        layout: {
          'text-field': labelText(unit, locale),
          'text-font': LABEL_FONT,
          'text-size': GRID_LABEL_PX,
          'text-allow-overlap': true
        },
        paint: {
          'text-color': ['case', ['==', ['coalesce', ['get', 'mark'], ''], ''], COLORS.grid, WARN_COLOR],
          'text-halo-color': COLORS.labelHalo,
          'text-halo-width': 2
        }
      },
      {
        id: PLAN_LAYER.sketch,
        type: 'line',
        source: PLAN_SOURCE.sketch,
        paint: { 'line-color': SKETCH_COLOR, 'line-width': 3, 'line-dasharray': [2, 1] }
      }
    ]
  };
}
