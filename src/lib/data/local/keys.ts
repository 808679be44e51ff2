/**
 * Names and keys of a district's own data (the files an import replaces), and how its summary
 * changes index.json. Tiny on purpose: the rider page and every worker import it through the
 * data seam (../source.ts), so nothing heavy (Parquet writer, zip) may come in here.
 */
import type { DatasetIndex, DistrictCode, TableName } from '../schema';

/**
 * The tables a district's own data replaces (its files, or worked out again from them: compounds'
 * households when the buildings are its own); everything else stays the demo's.
 */
export const LOCAL_TABLES = ['streets', 'communities', 'compounds', 'buildings', 'grids', 'stations', 'incidents'] as const satisfies readonly TableName[];
export type LocalTable = (typeof LOCAL_TABLES)[number];
/** The tables read from a district's files on the Data page (compounds are only worked out again). */
export type OwnTable = Exclude<LocalTable, 'compounds'>;
/** Geometry tables: given ones replace the demo's, and the others are placed again on them (geography.ts). */
export const GEO_TABLES = ['streets', 'communities', 'compounds', 'buildings', 'grids'] as const satisfies readonly LocalTable[];

/** Files (paths under static/data/<adcode>/) that an import replaces. */
export const LOCAL_FILES = [
  'streets.parquet',
  'communities.parquet',
  'compounds.parquet',
  'buildings.parquet',
  'grids.parquet',
  'stations.parquet',
  'incidents.parquet',
  'map/streets.geojson',
  'map/communities.geojson',
  'map/compounds.geojson',
  'map/buildings.geojson',
  'map/grids.geojson',
  'map/stations.geojson',
  'rider/stations.json',
  'manifest.json'
] as const;
export type LocalFile = (typeof LOCAL_FILES)[number];

/** The files that hold each table's own data. */
export const TABLE_FILES: Record<LocalTable, readonly LocalFile[]> = {
  streets: ['streets.parquet', 'map/streets.geojson'],
  communities: ['communities.parquet', 'map/communities.geojson'],
  compounds: ['compounds.parquet', 'map/compounds.geojson'],
  buildings: ['buildings.parquet', 'map/buildings.geojson'],
  grids: ['grids.parquet', 'map/grids.geojson'],
  stations: ['stations.parquet', 'map/stations.geojson', 'rider/stations.json'],
  incidents: ['incidents.parquet']
};

/** The storage key of one district's file: `<adcode>/<path>`. */
export const fileKey = (district: DistrictCode, file: LocalFile): string => `${district}/${file}`;

/**
 * The storage key a data URL would be answered from, or null when no import can hold it
 * (index.json, other tables, map layers, roads): `…/data/230102/incidents.parquet` → `230102/incidents.parquet`.
 */
export function localKey(url: string): string | null {
  let path: string;
  try {
    path = new URL(url, 'http://x').pathname;
  } catch {
    return null;
  }
  const m = /\/data\/(\d{6})\/(.+)$/.exec(path);
  if (!m) return null;
  return (LOCAL_FILES as readonly string[]).includes(m[2]) ? `${m[1]}/${m[2]}` : null;
}

/** What the header, badges and /compare need to know about an imported district (kept beside its files). */
export interface LocalSummary {
  district: DistrictCode;
  /** ISO time of the save. */
  savedAt: string;
  stations: number;
  incidents: number;
  /** With its own geometry: the package's counts, for index.json (absent: the demo's stand). */
  communities?: number;
  grids?: number;
  households?: number;
  /** The tables that came from the district's own files. */
  tables: LocalTable[];
}

/** index.json with the imported districts' counts and synthetic tables in place of the demo's. */
export function mergeIndex(index: DatasetIndex, local: readonly LocalSummary[]): DatasetIndex {
  if (!local.length) return index;
  const districts = index.districts.map((d) => {
    const own = local.find((l) => l.district === d.code);
    if (!own) return d;
    return {
      ...d,
      stations: own.tables.includes('stations') ? own.stations : d.stations,
      incidents: own.tables.includes('incidents') ? own.incidents : d.incidents,
      communities: own.communities ?? d.communities,
      grids: own.grids ?? d.grids,
      households: own.households ?? d.households,
      syntheticTables: d.syntheticTables.filter((t) => !(own.tables as readonly string[]).includes(t))
    };
  });
  return { ...index, synthetic: districts.some((d) => d.syntheticTables.length > 0), districts };
}
