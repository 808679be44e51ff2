/**
 * deck.gl layers of /heatmap, built from the incidents and the current mode. Cheap to rebuild on
 * every change: the data objects are kept, only props change.
 *
 * Which mode filters where (deck.gl 9.4):
 * - hexagon and grid: GPU-side. Every incident of the district is given once, with its day,
 *   community, category and status as DataFilterExtension attributes (heatmap-filter.ts), and
 *   aggregated on the GPU (WebGLAggregator); a filter change sets only `filterRange` and
 *   `filterCategories` and re-runs the aggregation, no attribute is rebuilt.
 * - heatmap: CPU-side. HeatmapLayer's weight shader has no filter hooks in 9.4 (the extension's
 *   uniforms never reach it, visgl/deck.gl#9058), so it draws the filtered positions; under
 *   software WebGL summed into 50 m cells first.
 * - choropleth: per-grid counts of the CPU filter pass (heatmap-data.ts), one colour per grid; the
 *   grid borders are not part of the layer (choroplethOutlines).
 * - hexagon and grid take the CPU path where WebGL is software (the caller passes no `gpu`:
 *   incidents.gpuFilter), the GPU cannot aggregate (no float render target), a place filter is
 *   not one run of community indices, or the incidents spread over more than GPU_MAX_BINS cells
 *   (several distant districts in one layer). There the page counts the kept incidents per cell
 *   itself (cell-counts.ts) and draws the cells as columns, coloured as deck.gl would.
 */
import { ColumnLayer, GeoJsonLayer } from '@deck.gl/layers';
import { scaleQuantize } from 'd3';
import { GridLayer, HeatmapLayer, HexagonLayer } from '@deck.gl/aggregation-layers';
import { DataFilterExtension } from '@deck.gl/extensions';
import type { Layer } from '@deck.gl/core';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { IncidentFilter } from '../data/queries';
import type { PointBuffer } from './deck-layers';
import { HEATMAP_LOW_RES_CELL_M, binPoints, type IncidentColumns } from './heatmap-data';
import { countCells, type CellShape } from './cell-counts';
import {
  GPU_CATEGORY_SIZE,
  GPU_FILTER_SIZE,
  GPU_MAX_BINS,
  gpuBinCount,
  gpuFilterProps,
  gpuFilterValues
} from './heatmap-filter';
import { classColor, type HeatmapMode } from './heatmap-legend';
import { FOCUS_COLOR, HEATMAP_LAYER, INCIDENT_RAMP } from './legend';
import { indexRings, type OutlineSpec } from './outline-rings';

/** Aggregation sizes (the legend titles say them too). */
const HEX_RADIUS_M = 200;
const GRID_CELL_M = 300;
const HEATMAP_RADIUS_PX = 30;
/**
 * HeatmapLayer's weight texture side under software WebGL (deck.gl's default 2048). Every weight
 * update finds the largest weight by drawing one point per texel, 4.2 million at 2048: on
 * SwiftShader that, not the incidents, made a playback step's frame take 2.5–3 s (bench,
 * playbackFrameMs); 512 still took ~190 ms. At 256 (65,536 texels) a texel is about 4 screen
 * pixels of a district map, well under the 30-pixel kernel (bilinear between texels), on top of
 * the 50 m cells the page already states.
 */
const LOW_RES_WEIGHTS_TEXTURE = 256;

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
  /**
   * All the district's incidents and the filter the map draws: hexagon and grid filter these on
   * the GPU (then `points` is not read for them). Without it they aggregate `points` on the CPU.
   */
  gpu?: { columns: IncidentColumns; filter: IncidentFilter } | null;
  /** Called when the GPU cannot aggregate here (the caller then passes no `gpu`). */
  onGpuUnsupported?: () => void;
}

/**
 * Attribute builds of the GPU-filtered layers (instrumented build and tests read them): bumped
 * when a district's filter attributes are made and when deck.gl fills the category attribute.
 * A filter change must leave both as they are.
 */
export const gpuFilterStats = { valueBuilds: 0, categoryBuilds: 0, lastVisible: -1 };

/**
 * The extension instance is shared so that `extensions` never changes between renders (a change
 * would recreate the aggregator). `countItems` (a GPU count of the kept incidents, one extra pass
 * per filter change) only when a test or the bench asks for it: setGpuCount.
 */
const FILTER_OPTS = { filterSize: GPU_FILTER_SIZE, categorySize: GPU_CATEGORY_SIZE } as const;
const filterExt = new DataFilterExtension(FILTER_OPTS);
const countingFilterExt = new DataFilterExtension({ ...FILTER_OPTS, countItems: true });
let gpuCount = false;
export function setGpuCount(on: boolean) {
  gpuCount = on;
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

/**
 * The kept incidents counted per hexagon or square, as a deck.gl binary data object (centres and
 * colours), made once per point buffer and shape. Colours as deck.gl's 'quantize' scale gives them
 * (the legend, heatmap-legend.ts, labels the same classes): the ramp spread evenly over the
 * [fewest, most] counts.
 */
type CellLayerData = {
  domain: [number, number] | null;
  data: {
    length: number;
    attributes: {
      getPosition: { value: Float64Array; size: number };
      getFillColor: { value: Uint8Array; size: number };
    };
  };
};
const cellCache = new WeakMap<PointBuffer, Partial<Record<CellShape, CellLayerData>>>();
function cellData(points: PointBuffer, shape: CellShape): CellLayerData {
  let byShape = cellCache.get(points);
  if (!byShape) cellCache.set(points, (byShape = {}));
  let d = byShape[shape];
  if (!d) {
    const c = countCells(points, shape, shape === 'hexagon' ? HEX_RADIUS_M : GRID_CELL_M);
    const colors = new Uint8Array(3 * c.length);
    if (c.domain) {
      const color = scaleQuantize<[number, number, number]>().domain(c.domain).range(rampRgb);
      for (let i = 0; i < c.length; i++) colors.set(color(c.counts[i]), 3 * i);
    }
    byShape[shape] = d = {
      domain: c.domain,
      data: {
        length: c.length,
        attributes: { getPosition: { value: c.centers, size: 2 }, getFillColor: { value: colors, size: 3 } }
      }
    };
  }
  return d;
}

/** Every incident of a district as one deck.gl data object with its filter attributes, made once. */
const gpuDataCache = new WeakMap<
  IncidentColumns,
  { length: number; attributes: { getFilterValue: { value: Float32Array; size: number } } }
>();
function gpuData(c: IncidentColumns) {
  let d = gpuDataCache.get(c);
  if (!d) {
    gpuFilterStats.valueBuilds++;
    gpuDataCache.set(
      c,
      (d = { length: c.length, attributes: { getFilterValue: { value: gpuFilterValues(c), size: GPU_FILTER_SIZE } } })
    );
  }
  return d;
}
/** Whether the incidents' extent fits the GPU aggregation at the smaller of the two cell sizes (once per district). */
const fitsCache = new WeakMap<IncidentColumns, boolean>();
function fitsGpu(c: IncidentColumns): boolean {
  let f = fitsCache.get(c);
  if (f === undefined) fitsCache.set(c, (f = gpuBinCount(c, Math.min(HEX_RADIUS_M, GRID_CELL_M)) <= GPU_MAX_BINS));
  return f;
}

/**
 * deck.gl 9.4 hands the extension's uniforms to the layer's own models only, and an aggregation
 * layer draws through its aggregator's model (visgl/deck.gl#9058): these subclasses pass the
 * `dataFilter` props the extension computed on to the aggregator at draw time, and report when
 * the GPU cannot aggregate (the CPU aggregator ignores the extension).
 */
type AggCtor = typeof HexagonLayer | typeof GridLayer;
function withGpuFilter<C extends AggCtor>(Base: C, name: string): C {
  // deck.gl's layer classes are typed per props; the mixin only touches lifecycle methods.
  const B = Base as unknown as new (...a: unknown[]) => {
    state: Record<string, unknown>;
    props: { onGpuUnsupported?: () => void };
    setShaderModuleProps(...p: Record<string, unknown>[]): void;
    draw(opts: { shaderModuleProps: Record<string, unknown> }): void;
    updateState(p: unknown): boolean;
  };
  class Filtered extends B {
    static layerName = name;
    setShaderModuleProps(...p: Record<string, unknown>[]) {
      for (const x of p) if (x.dataFilter) this.state.dataFilterProps = x.dataFilter;
      super.setShaderModuleProps(...p);
    }
    draw(opts: { shaderModuleProps: Record<string, unknown> }) {
      const dataFilter = this.state.dataFilterProps;
      super.draw(dataFilter ? { ...opts, shaderModuleProps: { ...opts.shaderModuleProps, dataFilter } } : opts);
    }
    updateState(p: unknown) {
      const changed = super.updateState(p);
      if (this.state.aggregatorType === 'cpu') this.props.onGpuUnsupported?.();
      return changed;
    }
  }
  return Filtered as unknown as C;
}
const FilteredHexagonLayer = withGpuFilter(HexagonLayer, 'FilteredHexagonLayer');
const FilteredGridLayer = withGpuFilter(GridLayer, 'FilteredGridLayer');

/** A key that changes whenever the kept incidents change: re-runs the GPU aggregation. */
const filterKey = (f: IncidentFilter) =>
  `${f.from}:${f.to}:${f.street}:${f.community}:${f.categories.join()}:${f.statuses.join()}`;

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
        ...(input.lowResolution ? { weightsTextureSize: LOW_RES_WEIGHTS_TEXTURE } : {}),
        intensity: 1,
        threshold: 0.03,
        aggregation: 'SUM',
        colorRange: rampRgb
      }) as unknown as Layer
    );
  } else if ((mode === 'hexagon' || mode === 'grid') && input.gpu && gpuLayerProps(input.gpu)) {
    const { columns: c, filter } = input.gpu;
    const filterProps = gpuLayerProps(input.gpu)!;
    const { lon, lat, cat, st } = c;
    const props = {
      data: gpuData(c),
      getPosition: (_: unknown, { index, target }: { index: number; target: number[] }) => {
        target[0] = lon[index];
        target[1] = lat[index];
        target[2] = 0;
        return target as [number, number, number];
      },
      getFilterCategory: (_: unknown, { index }: { index: number }) => {
        if (index === 0) gpuFilterStats.categoryBuilds++;
        return [cat[index], st[index]];
      },
      ...filterProps,
      extensions: [gpuCount ? countingFilterExt : filterExt],
      onFilteredItemsChange: (e: { count: number }) => (gpuFilterStats.lastVisible = e.count),
      colorRange: rampRgb,
      colorScaleType: 'quantize' as const,
      extruded: false,
      opacity: 0.75,
      gpuAggregation: true,
      // Not an attribute's accessor: changing it only re-runs the aggregation with the new uniforms.
      updateTriggers: { getColorValue: filterKey(filter) },
      onGpuUnsupported: input.onGpuUnsupported,
      onSetColorDomain: (d: [number, number]) => input.onColorDomain?.(d)
    };
    layers.push(
      (mode === 'hexagon'
        ? new FilteredHexagonLayer({ id: HEATMAP_LAYER.hexagon, radius: HEX_RADIUS_M, coverage: 0.92, ...props })
        : new FilteredGridLayer({
            id: HEATMAP_LAYER.grid,
            cellSize: GRID_CELL_M,
            coverage: 0.92,
            ...props
          })) as unknown as Layer
    );
  } else if (mode === 'hexagon' || mode === 'grid') {
    // CPU path: the page counts the kept incidents per cell (cell-counts.ts) and draws the cells.
    const cells = cellData(points, mode === 'hexagon' ? 'hexagon' : 'square');
    const report = input.onColorDomain;
    const domain = cells.domain;
    // Reported with every build, after it, as deck.gl reports each aggregation (a mode switch clears the page's).
    if (domain && report) queueMicrotask(() => report(domain));
    layers.push(
      new ColumnLayer({
        // An id of its own: deck.gl hands a layer's state to the next layer of the same id, whatever its class.
        id: `${HEATMAP_LAYER[mode]}-cells`,
        data: cells.data,
        // A hexagon with a vertex up (as deck.gl's HexagonLayer), or an axis-aligned square (GridLayer).
        diskResolution: mode === 'hexagon' ? 6 : 4,
        angle: mode === 'hexagon' ? 90 : 45,
        radius: mode === 'hexagon' ? HEX_RADIUS_M : GRID_CELL_M / Math.SQRT2,
        coverage: 0.92,
        extruded: false,
        opacity: 0.75
      }) as unknown as Layer
    );
  } else if (mode === 'choropleth' && input.grids) {
    const rates = input.rates ?? new Map<string, number>();
    const breaks = input.breaks ?? [];
    layers.push(
      new GeoJsonLayer<GridProps>({
        id: HEATMAP_LAYER.choropleth,
        data: input.grids as FeatureCollection<Polygon | MultiPolygon, GridProps>,
        filled: true,
        stroked: false,
        getFillColor: (f) => [...classColor(rates.get(f.properties.code) ?? 0, breaks), 210],
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

/**
 * The choropleth's grid borders, drawn with Canvas 2D above the map (outline-canvas.ts) rather than
 * as the layer's stroke: a deck.gl stroke of Daoli's 859 grids cost 550 ms of SwiftShader on every
 * playback step. Indexed once per grids object.
 */
const outlineCache = new WeakMap<object, OutlineSpec>();
export function choroplethOutlines(grids: FeatureCollection<Polygon | MultiPolygon, GridProps>): OutlineSpec {
  let o = outlineCache.get(grids);
  if (!o)
    outlineCache.set(grids, (o = { rings: indexRings(grids.features), color: 'rgba(255,255,255,0.78)', width: 0.5 }));
  return o;
}

function gpuLayerProps(g: { columns: IncidentColumns; filter: IncidentFilter }) {
  return fitsGpu(g.columns) ? gpuFilterProps(g.filter, g.columns.communities) : null;
}
