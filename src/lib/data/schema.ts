/**
 * The data schema of GridAtlas: one source of truth for scripts (generator, importer),
 * the app and the tests. Parquet columns use the snake_case names in `COLUMNS`; the
 * TypeScript records use camelCase. Coordinates are always WGS-84 lon/lat.
 */
import type { MultiPolygon, Polygon } from 'geojson';

/**
 * A county-level district's adcode (GB/T 2260): six digits, any of China's ~2,900 (the province
 * layout's), not only the demo's three. Text from outside (a URL, a file) becomes one through `isAdcode`.
 */
export type DistrictCode = string;

/** The three districts the app ships demo data for (src/lib/data/districts.ts). */
export type DemoDistrictCode = '230102' | '370881' | '371602';

/** Whether `code` is a six-digit adcode (the one check for district codes from outside). */
export function isAdcode(code: unknown): code is DistrictCode {
  return typeof code === 'string' && /^\d{6}$/.test(code);
}

/** 15 digits: the 12-digit community code + a 3-digit grid sequence (see docs/grid-codes in README). */
export type GridCode = string;

export interface District {
  code: DistrictCode;
  name: string;
  nameEn: string;
  city: string;
  province: string;
}

/** 街道 (subdistrict) or 镇/乡 (town) that holds residents' committees. Codes: NBS 9 digits. */
export interface Street {
  code: string;
  name: string;
  district: DistrictCode;
  kind: 'subdistrict' | 'town' | 'township';
}

/** 社区 (residents' committee). Code: NBS 12 digits; name is the real NBS 2023 name. */
export interface Community {
  code: string;
  name: string;
  street: string;
  district: DistrictCode;
  households: number;
  buildings: number;
}

export type CompoundKind = 'work_unit' | 'commercial' | 'resettlement' | 'old';

/** 小区 (residential compound). */
export interface Compound {
  id: string;
  name: string;
  community: string;
  district: DistrictCode;
  kind: CompoundKind;
  households: number;
  buildings: number;
}

export interface Building {
  id: string;
  district: DistrictCode;
  community: string;
  compound: string | null;
  grid: GridCode | null;
  floors: number;
  units: number;
  /** Households per floor per unit (2–4 in Chinese residential buildings). */
  perFloor: number;
  households: number;
  /** True when households were estimated (e.g. OSM footprint × floors ÷ flat size). */
  estimated: boolean;
  lon: number;
  lat: number;
  footprint: Polygon | MultiPolygon;
}

export interface Grid {
  code: GridCode;
  district: DistrictCode;
  community: string;
  seq: number;
  households: number;
  buildings: number;
  polsbyPopper: number;
}

export const STATION_KINDS = [
  'party_centre', // 党群服务中心 (community)
  'compound_station', // 小区党群服务站
  'warm_heart', // 暖心驿站
  'red_sail', // 红帆驿站
  'red_station', // 红色驿站
  'outdoor_worker', // 户外劳动者服务站
  'other' // 其他: a kind a district's register names that is none of the above (data package import)
] as const;
export type StationKind = (typeof STATION_KINDS)[number];

export const STATION_SERVICES = [
  'rest',
  'water',
  'charging',
  'microwave',
  'toilet',
  'first_aid',
  'wifi',
  'heating_cooling',
  'reading',
  'repair_kit'
] as const;
export type StationService = (typeof STATION_SERVICES)[number];

export interface Station {
  id: string;
  district: DistrictCode;
  community: string;
  kind: StationKind;
  name: string;
  address: string;
  services: StationService[];
  /** 'HH:MM' local time; opens === closes means open 24 hours. */
  opens: string;
  closes: string;
  lon: number;
  lat: number;
  /** The station's phone number as the register gives it (data package import; the generator has none). */
  phone?: string;
}

/** Classification of 民生事件 used by the districts' grid systems (see data/incident-categories.csv). */
export const INCIDENT_CATEGORIES = [
  'dispute', // 矛盾纠纷
  'safety', // 安全隐患
  'sanitation', // 环境卫生
  'property', // 物业管理
  'public_order', // 社会治安
  'livelihood', // 民生服务
  'other' // 其他
] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];

export const INCIDENT_STATUSES = ['open', 'dispatched', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export interface Incident {
  id: number;
  /** The incident's own number in the file it was imported from (编号; data package import only). */
  ref?: string;
  district: DistrictCode;
  street: string;
  community: string;
  grid: GridCode;
  category: IncidentCategory;
  status: IncidentStatus;
  /** Epoch milliseconds (UTC). */
  reportedAt: number;
  closedAt: number | null;
  lon: number;
  lat: number;
}

/** A figure a district published (newspaper report), with its source. */
export interface PublishedFigure {
  district: DistrictCode;
  key: string;
  figure: string;
  value: number;
  /** The press gave a lower bound ("300+"): at least `value`. */
  atLeast: boolean;
  unit: string;
  note: string;
  source: string;
  year: number;
  /** The same item, unit, note and source in Chinese (the UI shows the user's language). */
  figureZh: string;
  unitZh: string;
  noteZh: string;
  sourceZh: string;
}

/** Parquet tables written per district under static/data/<adcode>/<table>.parquet. */
export const TABLES = [
  'streets',
  'communities',
  'compounds',
  'buildings',
  'grids',
  'stations',
  'incidents'
] as const;
export type TableName = (typeof TABLES)[number];

/** GeoJSON layers written per district under static/data/<adcode>/map/<layer>.geojson for the map. */
export const MAP_LAYERS = [
  'outline',
  'streets',
  'communities',
  'compounds',
  'buildings',
  'grids',
  'roads',
  'stations'
] as const;
export type MapLayerName = (typeof MAP_LAYERS)[number];
/**
 * Map layers only some districts have, where their data does (water: from OpenStreetMap, so Daoli
 * only); index.json lists a district's under `optionalLayers`, so no page asks for a missing file.
 */
export const OPTIONAL_MAP_LAYERS = ['water'] as const;
export type OptionalMapLayerName = (typeof OPTIONAL_MAP_LAYERS)[number];

/** Coordinate system of a file on input; everything is stored as WGS-84. */
export type InputCrs = 'wgs84' | 'gcj02' | 'bd09';

/** Where one table of a district's package came from; every page reads `synthetic` per table. */
export interface TableProvenance {
  /** Files, services or the generator the rows came from, in words. */
  source: string;
  licence: string;
  /** Coordinate system of the input; null when the rows had no coordinates of their own (generated). */
  crs: InputCrs | null;
  read: number;
  accepted: number;
  refused: number;
  synthetic: boolean;
  /** What was estimated or approximated, when something was (e.g. households from footprints). */
  note?: string;
}

/** Written next to the tables: what the data is and where it came from. */
export interface Manifest {
  district: DistrictCode;
  /** True when any table is synthetic (see `tables`). */
  synthetic: boolean;
  tables: Record<TableName, TableProvenance>;
  generator: string;
  seed: number;
  generatedAt: string;
  counts: Record<TableName, number>;
  households: number;
  bbox: [number, number, number, number];
  sources: string[];
}

/** static/data/index.json: what the embedded dataset holds, for pickers and summaries. */
export interface DatasetIndex {
  generatorVersion: string;
  /** Content hash of the files listed (scripts/generate/index.ts contentVersion): the service worker's data cache key. */
  dataVersion?: string;
  synthetic: boolean;
  districts: {
    code: DistrictCode;
    name: string;
    nameEn: string;
    households: number;
    communities: number;
    grids: number;
    stations: number;
    incidents: number;
    bbox: [number, number, number, number];
    /** The tables of this district that are synthetic (from its manifest). */
    syntheticTables: TableName[];
    /** Credit the district's data requires on every map that shows it (OpenStreetMap's for Daoli). */
    attribution?: string;
    /** The optional map layers this district has (OPTIONAL_MAP_LAYERS); absent: none. */
    optionalLayers?: OptionalMapLayerName[];
  }[];
}

/**
 * One district of the province layout (`npm run data -- --districts N`; scripts/generate/province.ts):
 * names and codes from the NBS list, figures counted from the Parquet files written.
 */
export interface ProvinceDistrict {
  code: DistrictCode;
  name: string;
  /** No pinyin source is bundled: the adcode. */
  nameEn: string;
  city: string;
  province: string;
  synthetic: boolean;
  households: number;
  communities: number;
  grids: number;
  stations: number;
  incidents: number;
  bbox: [number, number, number, number];
}

/** <out>/districts.json of the province layout (the same rows as districts.parquet). */
export interface ProvinceIndex {
  generatorVersion: string;
  seed: number;
  synthetic: true;
  /** The districts are placed on a lattice, not where the real ones are. */
  geography: 'schematic';
  /** Where a district's table lies, relative to the index: `<table>/district=<adcode>/part-0.parquet`. */
  layout: string;
  tables: TableName[];
  districts: ProvinceDistrict[];
}
