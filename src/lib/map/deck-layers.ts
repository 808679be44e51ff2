/** deck.gl layers built from data; components only hand them to the overlay. */
import { ScatterplotLayer } from '@deck.gl/layers';
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { StationKind } from '../data/schema';
import { STATION_STYLE } from './legend';

export interface StationProps {
  id: string;
  kind: StationKind;
  name: string;
  services: string;
  opens: string;
  closes: string;
}
export type StationFeature = Feature<Point, StationProps>;

export function stationsLayer(fc: FeatureCollection<Point, StationProps>, kinds: ReadonlySet<StationKind>) {
  return new ScatterplotLayer<StationFeature>({
    id: 'stations',
    data: fc.features.filter((f) => kinds.has(f.properties.kind)),
    getPosition: (f) => f.geometry.coordinates as [number, number],
    getFillColor: (f) => [...STATION_STYLE[f.properties.kind].color, 230],
    getLineColor: [255, 255, 255, 255],
    // Metres, clamped in pixels: small dots over a whole district, clear symbols in a street.
    getRadius: (f) => (f.properties.kind === 'compound_station' ? 25 : 40),
    radiusUnits: 'meters',
    radiusMinPixels: 2.5,
    radiusMaxPixels: 10,
    stroked: true,
    lineWidthUnits: 'pixels',
    getLineWidth: 1,
    pickable: true,
    updateTriggers: { getFillColor: [...kinds].join(',') }
  });
}

/** Points as one interleaved [lon, lat, lon, lat, …] array: what a DuckDB/Arrow query gives cheaply. */
export interface PointBuffer {
  positions: Float64Array;
  length: number;
}

export function incidentHeatmapLayer(points: PointBuffer) {
  return new HeatmapLayer({
    id: 'incident-heatmap',
    data: { length: points.length, attributes: { getPosition: { value: points.positions, size: 2 } } },
    getWeight: 1,
    radiusPixels: 30,
    intensity: 1,
    threshold: 0.03,
    aggregation: 'SUM'
  });
}
