/** deck.gl layers built from data; components only hand them to the overlay. */
import { IconLayer, ScatterplotLayer } from '@deck.gl/layers';
import type { PickingInfo } from '@deck.gl/core';
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { StationKind } from '../data/schema';
import { COVERAGE_COLORS, stationSymbolSvg } from './legend';

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

/** The 15-minute service circle on the map: each building by walk time to a station, and the suggested site. */
export function coverageLayers(
  buildings: readonly { lon: number; lat: number; households: number }[],
  distance: Float64Array,
  site: { lon: number; lat: number } | null
) {
  const colour = (d: number): [number, number, number] =>
    [
      ...(d <= 400
        ? COVERAGE_COLORS[5]
        : d <= 800
          ? COVERAGE_COLORS[10]
          : d <= 1200
            ? COVERAGE_COLORS[15]
            : COVERAGE_COLORS.uncovered)
    ] as [number, number, number];
  const layers = [
    new ScatterplotLayer<number>({
      id: 'coverage-buildings',
      data: buildings.map((_, i) => i),
      getPosition: (i) => [buildings[i].lon, buildings[i].lat],
      getFillColor: (i) => [...colour(distance[i]), 220],
      getRadius: (i) => 6 + Math.sqrt(buildings[i].households),
      radiusUnits: 'meters',
      radiusMinPixels: 1.5,
      radiusMaxPixels: 8,
      updateTriggers: { getFillColor: distance }
    })
  ];
  if (site)
    layers.push(
      new ScatterplotLayer<number>({
        id: 'coverage-site',
        data: [0],
        getPosition: () => [site.lon, site.lat],
        getFillColor: [255, 255, 255, 0],
        getLineColor: [...COVERAGE_COLORS.site, 255],
        stroked: true,
        filled: true,
        getRadius: 1200,
        radiusUnits: 'meters',
        lineWidthUnits: 'pixels',
        getLineWidth: 3
      })
    );
  return layers;
}
