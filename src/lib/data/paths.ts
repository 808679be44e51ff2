/**
 * Where the built data lives in the static site. Absolute URLs: map workers need them.
 * Two layouts, one set of functions: the demo districts under `<site>/data/<adcode>/` and the
 * province layout (`npm run data -- --districts N`, static/province/) under `<site>/province/`,
 * `<table>/district=<adcode>/part-0.parquet` and `districts/<adcode>/map/<layer>.geojson`. Which one a
 * code is in follows from the code (the demo list), so every reader (the Parquet decoder, the map
 * layers, the console) fetches only the chosen district's files without knowing about provinces.
 */
import { isDemoDistrict } from './districts';
import type { DistrictCode, MapLayerName, OptionalMapLayerName, TableName } from './schema';

/** The folder of the province layout in the static site, beside `data/`. */
export const PROVINCE_DIR = 'province';

export function dataRoot(origin: string, base: string): string {
  return `${origin}${base}/data`;
}

/** The province layout's root for a data root (`…/data` → `…/province`). */
export function provinceRoot(root: string): string {
  if (!root.endsWith('/data')) throw new Error(`not a data root (…/data): ${root}`);
  return `${root.slice(0, -'data'.length)}${PROVINCE_DIR}`;
}

/** The province layout's index of districts (a 404 means the site has no province build). */
export function provinceIndexUrl(root: string): string {
  return `${provinceRoot(root)}/districts.json`;
}

export function mapLayerUrl(root: string, code: DistrictCode, layer: MapLayerName | OptionalMapLayerName): string {
  return isDemoDistrict(code)
    ? `${root}/${code}/map/${layer}.geojson`
    : `${provinceRoot(root)}/districts/${code}/map/${layer}.geojson`;
}

export function tableUrl(root: string, code: DistrictCode, table: TableName): string {
  return isDemoDistrict(code)
    ? `${root}/${code}/${table}.parquet`
    : `${provinceRoot(root)}/${table}/district=${code}/part-0.parquet`;
}

/** A district's precomputed /compare figures (compare-figures.ts PrecomputedFigures), written by `npm run data`. */
export function figuresUrl(root: string, code: DistrictCode): string {
  return isDemoDistrict(code) ? `${root}/${code}/figures.json` : `${provinceRoot(root)}/districts/${code}/figures.json`;
}

export function indexUrl(root: string): string {
  return `${root}/index.json`;
}
