/** deck.gl layers built from data; components only hand them to the overlay. */
import { IconLayer } from '@deck.gl/layers';
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { PickingInfo } from '@deck.gl/core';
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { StationKind } from '../data/schema';
import { stationSymbolSvg } from './legend';

export interface StationProps {
  id: string;
  kind: StationKind;
  name: string;
  services: string;
  opens: string;
  closes: string;
}
export type StationFeature = Feature<Point, StationProps>;

/** Dispatched on window when a station symbol is clicked (detail: the station id); StationCard listens. */
export const STATION_CLICK_EVENT = 'gridatlas:station-click';

function dispatchStationClick(id: string) {
  if (typeof window !== 'undefined') window.dispatchEvent(new CustomEvent(STATION_CLICK_EVENT, { detail: id }));
}

const ICON_PX = 48;
const iconCache = new Map<StationKind, { id: string; url: string; width: number; height: number; mask: boolean }>();
function stationIcon(kind: StationKind) {
  let icon = iconCache.get(kind);
  if (!icon) {
    icon = {
      id: kind,
      url: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(stationSymbolSvg(kind, ICON_PX))}`,
      width: ICON_PX,
      height: ICON_PX,
      mask: false
    };
    iconCache.set(kind, icon);
  }
  return icon;
}

/** Station symbols, one shape per kind (legend.ts); a click selects the station (card with details). */
export function stationsLayer(
  fc: FeatureCollection<Point, StationProps>,
  kinds: ReadonlySet<StationKind>,
  onSelect: (id: string) => void = dispatchStationClick
) {
  return new IconLayer<StationFeature>({
    id: 'stations',
    data: fc.features.filter((f) => kinds.has(f.properties.kind)),
    getPosition: (f) => f.geometry.coordinates as [number, number],
    getIcon: (f) => stationIcon(f.properties.kind),
    // Pixels: small over a whole district, still clear in a street.
    getSize: (f) => (f.properties.kind === 'compound_station' ? 13 : 17),
    sizeUnits: 'pixels',
    pickable: true,
    onClick: (info: PickingInfo<StationFeature>) => {
      if (!info.object) return false;
      onSelect(info.object.properties.id);
      return true;
    },
    updateTriggers: { getIcon: [...kinds].join(',') }
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
