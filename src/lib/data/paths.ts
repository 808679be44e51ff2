/** Where the built dataset lives in the static site. Absolute URLs: map workers need them. */
import type { DistrictCode, MapLayerName, OptionalMapLayerName, TableName } from './schema';

export function dataRoot(origin: string, base: string): string {
  return `${origin}${base}/data`;
}

export function mapLayerUrl(root: string, code: DistrictCode, layer: MapLayerName | OptionalMapLayerName): string {
  return `${root}/${code}/map/${layer}.geojson`;
}

export function tableUrl(root: string, code: DistrictCode, table: TableName): string {
  return `${root}/${code}/${table}.parquet`;
}

export function indexUrl(root: string): string {
  return `${root}/index.json`;
}
