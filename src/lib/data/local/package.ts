/**
 * A district's own data as the browser keeps it (pure: no DOM, no IndexedDB). The Data page turns
 * the accepted stations and incidents into the very files the app serves from static/data/<adcode>/
 * (Parquet tables, the stations map layer, the rider page's stations, manifest.json), so every page
 * reads them through one seam (src/lib/data/source.ts) without knowing where they came from.
 * A data package (zip) holds the Parquet tables and manifest.json, like the CLI's output folder.
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { unzipSync, zipSync, strToU8, strFromU8 } from 'fflate';
import { PARQUET_COLUMNS, type ColumnDef } from '../columns';
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES, STATION_KINDS, STATION_SERVICES, TABLES } from '../schema';
import type { DistrictCode, Incident, Manifest, Station, TableProvenance } from '../schema';
import { GEO_TABLES, LOCAL_TABLES, TABLE_FILES, type LocalFile, type LocalSummary, type LocalTable } from './keys';
import type { Geography } from '../import/geography';
import { parquetLabel } from '../provenance';
import { type Msg, msg, renderMsg } from '../import/errors';
import { RIDER_DATA_VERSION, type RiderPlace, type RiderStations } from '../../geo/nearest-data';

/**
 * Columns a district's files have that the generator's do not, after the schema's, as the data
 * package command line writes them (scripts/import/package.ts): the register's phone, the log's own number.
 */
export const EXTRA_COLUMNS: Record<LocalTable, readonly ColumnDef[]> = {
  streets: [],
  communities: [],
  compounds: [],
  buildings: [],
  grids: [],
  stations: [{ name: 'phone', type: 'VARCHAR' }],
  incidents: [{ name: 'ref', type: 'VARCHAR' }]
};

/** Places a row could not be given (outside every grid) are NULL, as the command line writes them, not ''. */
const NULL_WHEN_EMPTY = new Set(['community', 'street', 'grid']);

/** One Parquet table with the schema's columns (columns.ts) and the package's extra ones, written in the browser. */
export function tableParquet(table: LocalTable, rows: readonly Record<string, unknown>[]): ArrayBuffer {
  const defs = [...PARQUET_COLUMNS[table], ...EXTRA_COLUMNS[table]];
  const schema: Record<string, unknown>[] = [{ name: 'root', num_children: defs.length }];
  for (const c of defs) schema.push(...schemaOf(c));
  return parquetWriteBuffer({
    // Numbers and times mostly differ row to row: a dictionary gains nothing there and the writer's
    // attempt at one was most of the time (2.5 s of 3 for 300,000 timestamps); text keeps it.
    columnData: defs.map((c) => ({ name: c.name, data: rows.map((r) => cell(c, r[c.name])), ...(PLAIN.has(c.type) ? { encoding: 'PLAIN' as const } : {}) })),
    schema: schema as never,
    // Min/max statistics were most of the write time of string columns, and nothing reads them:
    // DuckDB and the app's decoder read whole columns of a district's table.
    statistics: false,
    kvMetadata: [
      { key: 'gridatlas', value: `${table}: a district's own data, imported on the Data page` },
      // The same footer keys as every Parquet the app writes: nothing in an imported table is synthetic.
      ...parquetLabel([{ name: '', nameEn: '', syntheticTables: [] }], [table])
    ]
  });
}

const PLAIN = new Set<ColumnDef['type']>(['DOUBLE', 'TIMESTAMP', 'INTEGER', 'BIGINT']);

function schemaOf(c: ColumnDef): Record<string, unknown>[] {
  const opt = { repetition_type: 'OPTIONAL' };
  switch (c.type) {
    case 'VARCHAR':
      return [{ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', ...opt }];
    case 'VARCHAR[]':
      return [
        { name: c.name, converted_type: 'LIST', num_children: 1, ...opt },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', ...opt }
      ];
    case 'INTEGER':
    case 'UTINYINT':
      return [{ name: c.name, type: 'INT32', ...opt }];
    case 'BIGINT':
      return [{ name: c.name, type: 'INT64', ...opt }];
    case 'DOUBLE':
      return [{ name: c.name, type: 'DOUBLE', ...opt }];
    case 'BOOLEAN':
      return [{ name: c.name, type: 'BOOLEAN', ...opt }];
    case 'TIMESTAMP':
      return [{ name: c.name, type: 'INT64', converted_type: 'TIMESTAMP_MILLIS', ...opt }];
  }
}

function cell(c: ColumnDef, v: unknown): unknown {
  if (v === null || v === undefined || (v === '' && NULL_WHEN_EMPTY.has(c.name))) return null;
  if (c.type === 'TIMESTAMP') return new Date(v as number);
  if (c.type === 'BIGINT') return BigInt(v as number);
  return v;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);

/** Schema records (camelCase) → Parquet rows (snake_case), and back. */
function toRow(o: object): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) r[snake(k)] = v;
  return r;
}

export const stationsParquet = (s: readonly Station[]) => tableParquet('stations', s.map(toRow));
export const incidentsParquet = (s: readonly Incident[]) => tableParquet('incidents', s.map(toRow));

/** A geometry table of the package's geography; footprints as GeoJSON text, as the generator writes them. */
function geoParquet(t: (typeof GEO_TABLES)[number], g: Geography): ArrayBuffer {
  if (t === 'buildings') return tableParquet(t, g.buildings.map((b) => ({ ...toRow(b), footprint: JSON.stringify(b.footprint) })));
  return tableParquet(t, (g[t] as readonly object[]).map(toRow));
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The stations map layer, as scripts/generate writes it (map/stations.geojson). */
export function stationsGeojson(stations: readonly Station[]) {
  return {
    type: 'FeatureCollection' as const,
    features: stations.map((s) => ({
      type: 'Feature' as const,
      properties: { id: s.id, kind: s.kind, name: s.name, services: s.services.join(','), opens: s.opens, closes: s.closes },
      geometry: { type: 'Point' as const, coordinates: [round6(s.lon), round6(s.lat)] }
    }))
  };
}

/** The rider page's stations file; the places (community and street centres) stay the district's. */
export function riderStations(district: DistrictCode, stations: readonly Station[], places: RiderPlace[]): RiderStations {
  return {
    version: RIDER_DATA_VERSION,
    district,
    // The district's own register: real places, so the rider page keeps their navigation links.
    synthetic: false,
    stations: stations.map((s) => ({
      id: s.id,
      kind: s.kind,
      name: s.name,
      address: s.address,
      services: s.services,
      opens: s.opens,
      closes: s.closes,
      lon: round6(s.lon),
      lat: round6(s.lat)
    })),
    places
  };
}

/** The district's manifest with the imported tables' provenance and counts in place of the demo's. */
export function localManifest(demo: Manifest, own: Partial<Record<LocalTable, { rows: number; provenance: TableProvenance }>>): Manifest {
  const tables = { ...demo.tables };
  const counts = { ...demo.counts };
  for (const t of LOCAL_TABLES) {
    const o = own[t];
    if (!o) continue;
    tables[t] = o.provenance;
    counts[t] = o.rows;
  }
  const synthetic = TABLES.some((t) => tables[t]?.synthetic !== false);
  const note = `Imported on the GridAtlas Data page: ${LOCAL_TABLES.filter((t) => own[t]).join(', ')}; the other tables are the demo's`;
  return { ...demo, synthetic, tables, counts, sources: [...demo.sources.filter((s) => !s.startsWith('Imported on the GridAtlas Data page')), note] };
}

export interface LocalTables {
  district: DistrictCode;
  stations: Station[] | null;
  incidents: Incident[] | null;
  /** The package's geography when the import gave some of it (geometry tables and their map layers). */
  geography?: Geography | null;
  /** Geometry files of a package zip, checked and kept byte for byte. */
  geoFiles?: Partial<Record<LocalFile, Uint8Array>>;
}

const enc = (o: unknown) => strToU8(JSON.stringify(o));

/**
 * Every file an import stores for a district (keys are LOCAL_FILES), built from its accepted rows.
 * `provenance` holds every table the import writes; `own` the ones from the district's files
 * (default: all of them), which index.json then stops calling synthetic.
 */
export function localFiles(
  t: LocalTables,
  demo: { manifest: Manifest; places: RiderPlace[] },
  provenance: Partial<Record<LocalTable, TableProvenance>>,
  own: readonly LocalTable[] = Object.keys(provenance) as LocalTable[]
): { files: Partial<Record<LocalFile, Uint8Array>>; summary: Omit<LocalSummary, 'savedAt'> } {
  const files: Partial<Record<LocalFile, Uint8Array>> = {};
  const written: Partial<Record<LocalTable, { rows: number; provenance: TableProvenance }>> = {};
  if (t.stations && provenance.stations) {
    files['stations.parquet'] = new Uint8Array(stationsParquet(t.stations));
    files['map/stations.geojson'] = enc(stationsGeojson(t.stations));
    files['rider/stations.json'] = enc(riderStations(t.district, t.stations, demo.places));
    written.stations = { rows: t.stations.length, provenance: provenance.stations };
  }
  if (t.incidents && provenance.incidents) {
    files['incidents.parquet'] = new Uint8Array(incidentsParquet(t.incidents));
    written.incidents = { rows: t.incidents.length, provenance: provenance.incidents };
  }
  const g = t.geography;
  for (const table of GEO_TABLES) {
    const p = provenance[table];
    if (g && p) {
      files[`${table}.parquet`] = new Uint8Array(geoParquet(table, g));
      files[`map/${table}.geojson`] = enc(g.layers[table]);
      written[table] = { rows: g[table].length, provenance: p };
    } else if (t.geoFiles?.[`${table}.parquet`] && p) {
      for (const f of TABLE_FILES[table]) if (t.geoFiles[f]) files[f] = t.geoFiles[f];
      written[table] = { rows: p.accepted, provenance: p };
    }
  }
  files['manifest.json'] = enc(localManifest(demo.manifest, written));
  const tables = LOCAL_TABLES.filter((x) => written[x] && own.includes(x));
  return {
    files,
    summary: {
      district: t.district,
      stations: written.stations?.rows ?? 0,
      incidents: written.incidents?.rows ?? 0,
      ...(g ? { communities: g.communities.length, grids: g.grids.length, households: g.buildings.reduce((n, b) => n + b.households, 0) } : {}),
      tables
    }
  };
}

export interface LocalData {
  files: Partial<Record<LocalFile, Uint8Array>>;
  summary: Omit<LocalSummary, 'savedAt'>;
}

/**
 * A new import over the district's stored own data: a table the new import does not hold stays as
 * stored (its files, its provenance and count in the manifest), so importing the incident log
 * after the station register keeps the stations.
 */
export function carryOver(next: LocalData, prev: LocalData | null): LocalData {
  const keep = LOCAL_TABLES.filter((t) => prev?.summary.tables.includes(t) && !next.summary.tables.includes(t));
  if (!prev || !keep.length) return next;
  const files = { ...next.files };
  // A kept table the new import worked out again (buildings placed in new grids) keeps the new files.
  for (const t of keep) for (const f of TABLE_FILES[t]) if (prev.files[f] && !next.files[f]) files[f] = prev.files[f];
  const m = JSON.parse(strFromU8(next.files['manifest.json']!)) as Manifest;
  const old = prev.files['manifest.json'] ? (JSON.parse(strFromU8(prev.files['manifest.json'])) as Manifest) : null;
  for (const t of keep) {
    if (old) m.tables[t] = old.tables[t];
    if (t === 'stations' || t === 'incidents') m.counts[t] = prev.summary[t];
    else if (old && !next.files[`${t}.parquet`]) m.counts[t] = old.counts[t];
  }
  m.synthetic = TABLES.some((t) => m.tables[t]?.synthetic !== false);
  files['manifest.json'] = enc(m);
  const summary = { ...next.summary, tables: LOCAL_TABLES.filter((t) => next.summary.tables.includes(t) || keep.includes(t)) };
  for (const t of keep) if (t === 'stations' || t === 'incidents') summary[t] = prev.summary[t];
  for (const k of ['communities', 'grids', 'households'] as const) if (summary[k] === undefined && prev.summary[k] !== undefined) summary[k] = prev.summary[k];
  return { files, summary };
}

/** "Export package": the district's Parquet tables (geometry ones with their map layers) and manifest.json as one zip (folder `<adcode>/`). */
export function packageZip(district: DistrictCode, files: Partial<Record<LocalFile, Uint8Array>>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  // The geometry tables travel with their map layers (the pages draw those, not the Parquet).
  const geo = GEO_TABLES.flatMap((t) => (files[`${t}.parquet`] ? TABLE_FILES[t] : []));
  for (const name of ['stations.parquet', 'incidents.parquet', ...geo, 'manifest.json'] as const) {
    const f = files[name];
    // Parquet is already compressed: store it as is.
    if (f) entries[`${district}/${name}`] = f;
  }
  return zipSync(entries, { level: 6, mtime: new Date('2026-01-01T00:00:00Z') });
}

/** A problem with a package zip, naming the file inside it; its message in the user's language too (`msg`). */
export class PackageError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly msg: Msg
  ) {
    super(renderMsg(msg));
  }
}

/** Rows of one Parquet table (decoded with hyparquet) as schema records. */
async function readTable(name: string, bytes: Uint8Array, table: LocalTable): Promise<Record<string, unknown>[]> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  try {
    parquetMetadata(file);
    rows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
  } catch (e) {
    throw new PackageError(name, 'file', msg('import.zip.notParquet', { detail: (e as Error).message }));
  }
  const missing = PARQUET_COLUMNS[table].filter((c) => rows.length && !(c.name in rows[0]));
  if (missing.length) throw new PackageError(name, missing[0].name, msg('import.zip.noColumn', { columns: missing.map((c) => c.name).join(', ') }));
  return rows;
}

const ms = (v: unknown): number | null =>
  v === null || v === undefined ? null : v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : Number(v);

const oneOf = <T extends string>(list: readonly T[], v: unknown, file: string, row: number, field: string): T => {
  if (list.includes(v as T)) return v as T;
  throw new PackageError(file, field, msg('import.zip.badValue', { row, found: JSON.stringify(v), list: list.join(', ') }));
};

/** The stations and incidents of a package zip (the CLI's output or an export of this page), checked. */
export async function readPackageZip(zip: Uint8Array, zipName: string): Promise<{ tables: LocalTables; manifest: Manifest | null; ignored: string[] }> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (e) {
    throw new PackageError(zipName, 'file', msg('import.zip.notZip', { detail: (e as Error).message }));
  }
  const names = Object.keys(entries).filter((n) => !n.endsWith('/'));
  const find = (file: string) => names.find((n) => n === file || n.endsWith(`/${file}`));
  const manifestName = find('manifest.json');
  let manifest: Manifest | null = null;
  if (manifestName) {
    try {
      manifest = JSON.parse(strFromU8(entries[manifestName])) as Manifest;
    } catch {
      throw new PackageError(`${zipName}/${manifestName}`, 'file', msg('import.zip.notJson'));
    }
  }
  const district = (manifest?.district ?? /(\d{6})\//.exec(names[0] ?? '')?.[1] ?? null) as DistrictCode | null;
  if (!district) throw new PackageError(zipName, 'manifest.json', msg('import.zip.noManifest'));
  const stationsName = find('stations.parquet');
  const incidentsName = find('incidents.parquet');
  const used = new Set([manifestName, stationsName, incidentsName]);
  // Geometry tables: their Parquet checked like the others, then kept byte for byte with their map layers.
  const geoFiles: Partial<Record<LocalFile, Uint8Array>> = {};
  for (const t of GEO_TABLES) {
    const name = find(`${t}.parquet`);
    if (!name) continue;
    await readTable(`${zipName}/${name}`, entries[name], t);
    const layer = find(`map/${t}.geojson`);
    if (!layer) throw new PackageError(zipName, 'file', msg('import.zip.noLayer', { file: name, layer: `map/${t}.geojson` }));
    geoFiles[`${t}.parquet`] = entries[name];
    geoFiles[`map/${t}.geojson`] = entries[layer];
    used.add(name).add(layer);
  }
  if (!stationsName && !incidentsName && !Object.keys(geoFiles).length)
    throw new PackageError(zipName, 'file', msg('import.zip.noTables', { files: ['stations', 'incidents', ...GEO_TABLES].map((t) => `${t}.parquet`).join(', ') }));
  let stations: Station[] | null = null;
  let incidents: Incident[] | null = null;
  if (stationsName) {
    const f = `${zipName}/${stationsName}`;
    stations = (await readTable(f, entries[stationsName], 'stations')).map((r, i) => ({
      id: String(r.id),
      district,
      community: String(r.community ?? ''),
      kind: oneOf(STATION_KINDS, r.kind, f, i + 1, 'kind'),
      name: String(r.name ?? ''),
      address: String(r.address ?? ''),
      services: ((r.services as unknown[] | null) ?? []).map((s) => oneOf(STATION_SERVICES, s, f, i + 1, 'services')),
      opens: String(r.opens ?? ''),
      closes: String(r.closes ?? ''),
      lon: Number(r.lon),
      lat: Number(r.lat),
      ...(typeof r.phone === 'string' && r.phone ? { phone: r.phone } : {})
    }));
  }
  if (incidentsName) {
    const f = `${zipName}/${incidentsName}`;
    incidents = (await readTable(f, entries[incidentsName], 'incidents')).map((r, i) => ({
      id: Number(r.id),
      ...(typeof r.ref === 'string' && r.ref ? { ref: r.ref } : {}),
      district,
      street: String(r.street ?? ''),
      community: String(r.community ?? ''),
      grid: String(r.grid ?? ''),
      category: oneOf(INCIDENT_CATEGORIES, r.category, f, i + 1, 'category'),
      status: oneOf(INCIDENT_STATUSES, r.status, f, i + 1, 'status'),
      reportedAt: ms(r.reported_at) ?? NaN,
      closedAt: ms(r.closed_at),
      lon: Number(r.lon),
      lat: Number(r.lat)
    }));
  }
  return { tables: { district, stations, incidents, geoFiles }, manifest, ignored: names.filter((n) => !used.has(n)) };
}
