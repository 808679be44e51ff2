/**
 * deck.gl layers of /heatmap, built from the filtered incidents and the current mode. Cheap to
 * rebuild on every change: the data objects are kept, only props change.
 */
import { GeoJsonLayer } from '@deck.gl/layers';
import { GridLayer, HeatmapLayer, HexagonLayer } from '@deck.gl/aggregation-layers';
import type { Layer } from '@deck.gl/core';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { PointBuffer } from './deck-layers';
import { binPoints } from './heatmap-data';
import { classColor, type HeatmapMode } from './heatmap-legend';
import { FOCUS_COLOR, HEATMAP_LAYER, INCIDENT_RAMP } from './legend';

/** Aggregation sizes (the legend titles say them too). */
const HEX_RADIUS_M = 200;
const GRID_CELL_M = 300;
const HEATMAP_RADIUS_PX = 30;
/**
 * Under software WebGL the heatmap sums incidents into cells of this size first: every point is
 * a 60-pixel sprite blended on the CPU (400,000 of them took 7–18 s a draw), every cell one.
 */
export const HEATMAP_LOW_RES_CELL_M = 50;

export interface GridProps {
  code: string;
  households: number;
  community?: string;
}
export type GridFeature = Feature<Polygon | MultiPolygon, GridProps>;

export interface HeatmapLayerInput {
  mode: HeatmapMode;
  points: PointBuffer;
  /** Grid polygons (choropleth). */
  grids?: FeatureCollection<Polygon | MultiPolygon, GridProps> | null;
  /** Incidents per 1,000 households by grid code (choropleth). */
  rates?: ReadonlyMap<string, number>;
  breaks?: readonly number[];
  /** Changes whenever `rates` change: the choropleth's update trigger. */
  version: number;
  focus?: GridFeature | null;
  onColorDomain?: (domain: [number, number]) => void;
  /** Draw the heatmap from incidents summed into HEATMAP_LOW_RES_CELL_M cells (software WebGL). */
  lowResolution?: boolean;
}

const rampRgb = INCIDENT_RAMP.map((c) => [...c]) as [number, number, number][];

/** One deck.gl binary data object per point buffer: deck.gl re-aggregates only when it changes. */
const dataCache = new WeakMap<
  PointBuffer,
  { length: number; attributes: { getPosition: { value: Float64Array; size: number } } }
>();
function binaryData(points: PointBuffer) {
  let d = dataCache.get(points);
  if (!d)
    dataCache.set(
      points,
      (d = { length: points.length, attributes: { getPosition: { value: points.positions, size: 2 } } })
    );
  return d;
}

/** The same, summed into cells (one weighted point per cell). */
const binnedCache = new WeakMap<
  PointBuffer,
  {
    length: number;
    attributes: {
      getPosition: { value: Float64Array; size: number };
      getWeight: { value: Float32Array; size: number };
    };
  }
>();
function binnedData(points: PointBuffer) {
  let d = binnedCache.get(points);
  if (!d) {
    const b = binPoints(points, HEATMAP_LOW_RES_CELL_M);
    binnedCache.set(
      points,
      (d = {
        length: b.length,
        attributes: { getPosition: { value: b.positions, size: 2 }, getWeight: { value: b.weights, size: 1 } }
      })
    );
  }
  return d;
}

const lengthCache = new WeakMap<PointBuffer, { length: number }>();
function lengthData(points: PointBuffer) {
  let d = lengthCache.get(points);
  if (!d) lengthCache.set(points, (d = { length: points.length }));
  return d;
}

export function heatmapLayers(input: HeatmapLayerInput): Layer[] {
  const { mode, points, version } = input;
  const layers: Layer[] = [];
  if (mode === 'heatmap') {
    layers.push(
      new HeatmapLayer({
        id: HEATMAP_LAYER.heatmap,
        // Binary weights (binned) take the place of the constant.
        data: input.lowResolution ? binnedData(points) : binaryData(points),
        getWeight: 1,
        radiusPixels: HEATMAP_RADIUS_PX,
        intensity: 1,
        threshold: 0.03,
        aggregation: 'SUM',
        colorRange: rampRgb
      }) as unknown as Layer
    );
  } else if (mode === 'hexagon' || mode === 'grid') {
    // Aggregation layers fill their own (3-component) position attribute from an accessor that
    // reads the typed array; binary attributes of size 2 are not aggregated correctly in deck.gl 9.4.
    const pos = points.positions;
    const common = {
      data: lengthData(points),
      getPosition: (_: unknown, { index, target }: { index: number; target: number[] }) => {
        target[0] = pos[2 * index];
        target[1] = pos[2 * index + 1];
        target[2] = 0;
        return target as [number, number, number];
      },
      colorRange: rampRgb,
      colorScaleType: 'quantize' as const,
      extruded: false,
      opacity: 0.75,
      gpuAggregation: false,
      onSetColorDomain: (d: [number, number]) => input.onColorDomain?.(d)
    };
    layers.push(
      (mode === 'hexagon'
        ? new HexagonLayer({ id: HEATMAP_LAYER.hexagon, radius: HEX_RADIUS_M, coverage: 0.92, ...common })
        : new GridLayer({
            id: HEATMAP_LAYER.grid,
            cellSize: GRID_CELL_M,
            coverage: 0.92,
            ...common
          })) as unknown as Layer
    );
  } else if (mode === 'choropleth' && input.grids) {
    const rates = input.rates ?? new Map<string, number>();
    const breaks = input.breaks ?? [];
    layers.push(
      new GeoJsonLayer<GridProps>({
        id: HEATMAP_LAYER.choropleth,
        data: input.grids as FeatureCollection<Polygon | MultiPolygon, GridProps>,
        filled: true,
        stroked: true,
        getFillColor: (f) => [...classColor(rates.get(f.properties.code) ?? 0, breaks), 210],
        getLineColor: [255, 255, 255, 200],
        lineWidthUnits: 'pixels',
        getLineWidth: 0.5,
        pickable: true,
        updateTriggers: { getFillColor: [version, breaks.join(',')] }
      }) as unknown as Layer
    );
  }
  if (input.focus) {
    layers.push(
      new GeoJsonLayer({
        id: HEATMAP_LAYER.focus,
        data: [input.focus],
        filled: false,
        stroked: true,
        getLineColor: [...FOCUS_COLOR, 255],
        lineWidthUnits: 'pixels',
        getLineWidth: 3
      }) as unknown as Layer
    );
  }
  return layers;
}
