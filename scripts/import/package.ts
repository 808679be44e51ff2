/**
 * `npm run data -- --package <folder> --district <adcode> [--crs wgs84|gcj02|bd09] [--out <dir>] [--demo <dir>]`
 *
 * Builds one district's data package from the files a district has: reads whichever of
 * stations.csv|xlsx and incidents.csv|xlsx the folder holds (names matched case-insensitively)
 * with the pure readers of src/lib/data/import/package.ts, and writes a folder in the layout of
 * static/data/<adcode>/ (Parquet tables, manifest.json, map/*.geojson, rider/*.json). Tables the
 * folder lacks are copied from the embedded demo dataset of that district (--demo, static/data by
 * default) and flagged synthetic in manifest.tables; imported rows are located in the demo's
 * grids. buildings, communities, streets and grids files are not read yet: the tool says so.
 *
 * Prints one JSON line on stdout:
 *   {"district", "tables": {<table>: {read, accepted, refused, synthetic}}, "errors": [{file, row,
 *    field, reason}, … first 100], "unknown": {stations: [...], incidents: [...]}, "notRead": [...],
 *    "warnings": [{file, row: null, field: "crs", reason}], "out"}
 * and progress lines on stderr. Output through scripts/lib/safe-out.ts (default
 * static/data/imports/package-<adcode>). Exit codes: 0 every given file was readable (refused
 * rows are in the report); 2 bad arguments, --out refused, or a file that cannot be read at all
 * (message naming file and column; nothing written); 130 interrupted; 1 internal error.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { PARQUET_COLUMNS } from '../../src/lib/data/columns';
import { DISTRICTS, isDistrictCode } from '../../src/lib/data/districts';
import { type ImportError, formatImportErrors } from '../../src/lib/data/import/errors';
import {
  type PackageContext,
  type PackageRead,
  type TableReport,
  INCIDENT_PERIOD,
  errorLines,
  loadVocabulary,
  packageContext,
  readIncidentTable,
  readStationTable
} from '../../src/lib/data/import/package';
import { formatChinaTime } from '../../src/lib/data/import/values';
import {
  type DatasetIndex,
  type DistrictCode,
  type Incident,
  type InputCrs,
  type Manifest,
  type Station,
  type TableName,
  type TableProvenance,
  INCIDENT_CATEGORIES,
  INCIDENT_STATUSES,
  MAP_LAYERS,
  TABLES
} from '../../src/lib/data/schema';
import { CRS_NAMES, isCrs } from '../../src/lib/geo/crs';
import { buildRiderData } from '../rider/build';
import { parquetOptions } from '../generate/write';
import { type ColumnDef, openNodeDb, sqlString } from '../lib/node-db';
import { type Output, type OutputOwner, OutputRefused, openOutput } from '../lib/safe-out';
import { REPO_ROOT, loadOutline } from './osm';

export const PACKAGE_GENERATOR = 'gridatlas-package 1';
const MANIFEST = 'manifest.json';
const USAGE = 'usage: npm run data -- --package <folder> --district <adcode> [--crs wgs84|gcj02|bd09] [--out <dir>] [--demo <dir>]';

/** A package folder is recognised by its manifest (kind "package"), which lists its files. */
export const PACKAGE_OUTPUT: OutputOwner = {
  tool: 'npm run data -- --package',
  manifest: MANIFEST,
  owned(dir) {
    let m: { kind?: unknown; generator?: unknown; files?: unknown };
    try {
      m = JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8'));
    } catch {
      return null;
    }
    if (m?.kind !== 'package' || typeof m.generator !== 'string' || !m.generator.startsWith('gridatlas-package')) return null;
    return Array.isArray(m.files) ? m.files.filter((f): f is string => typeof f === 'string') : [];
  }
};

export interface PackageArgs {
  folder: string;
  district: DistrictCode;
  crs: InputCrs;
  out: string;
  /** The embedded dataset (index.json, <adcode>/…) absent tables come from. */
  demo: string;
}

const VALUE_FLAGS = ['--package', '--district', '--crs', '--out', '--demo'] as const;

export function parsePackageArgs(argv: readonly string[], cwd = process.cwd()): { ok: true; value: PackageArgs } | { ok: false; errors: string[] } {
  const errors: string[] = [];
  const values: Partial<Record<(typeof VALUE_FLAGS)[number], string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = VALUE_FLAGS.find((f) => f === argv[i]);
    if (!flag) {
      errors.push(`unknown argument ${JSON.stringify(argv[i])}`);
      continue;
    }
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) errors.push(`${flag} needs a value`);
    else values[flag] = v;
    i++;
  }
  const folder = values['--package'];
  if (!folder) errors.push('--package <folder> is required');
  else if (!existsSync(resolve(cwd, folder)) || !statSync(resolve(cwd, folder)).isDirectory()) errors.push(`--package ${folder}: not a folder`);
  const district = values['--district'];
  if (!district) errors.push('--district <adcode> is required');
  else if (!isDistrictCode(district)) errors.push(`unknown district ${JSON.stringify(district)}; one of ${DISTRICTS.map((d) => `${d.code} (${d.name})`).join(', ')}`);
  const crs = values['--crs'] ?? 'wgs84';
  if (!isCrs(crs)) errors.push(`unknown --crs ${JSON.stringify(crs)}; one of ${CRS_NAMES.join(', ')}`);
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      folder: resolve(cwd, folder!),
      district: district as DistrictCode,
      crs: crs as InputCrs,
      out: values['--out'] ? resolve(cwd, values['--out']) : resolve(REPO_ROOT, `static/data/imports/package-${district}`),
      demo: values['--demo'] ? resolve(cwd, values['--demo']) : resolve(REPO_ROOT, 'static/data')
    }
  };
}

type Role = 'stations' | 'incidents';
/** Files the folder may hold that this version does not read yet, and why that matters. */
const NOT_YET = /^(buildings\.(geojson|csv|osm\.pbf)|communities\.geojson|streets\.geojson|grids\.geojson)$/i;

export interface PackageFiles {
  stations?: string;
  incidents?: string;
  /** Known names this version does not read (the demo's table is used instead). */
  notRead: string[];
  /** Problems: two files for one table. */
  problems: string[];
}

/** The files of `folder` by their fixed names, case-insensitive. */
export function packageFiles(folder: string): PackageFiles {
  const out: PackageFiles = { notRead: [], problems: [] };
  const names = readdirSync(folder).filter((n) => statSync(join(folder, n)).isFile());
  for (const role of ['stations', 'incidents'] as Role[]) {
    const found = names.filter((n) => new RegExp(`^${role}\\.(csv|xlsx)$`, 'i').test(n));
    if (found.length > 1) out.problems.push(`${folder}: both ${found.join(' and ')}; keep one ${role} file`);
    else if (found.length) out[role] = join(folder, found[0]);
  }
  out.notRead = names.filter((n) => NOT_YET.test(n)).sort();
  return out;
}

const log = (m: string) => process.stderr.write(`${m}\n`);
const n = (x: number) => x.toLocaleString('en');

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** The demo district folder, when complete. */
function demoDir(args: PackageArgs): string | null {
  const dir = join(args.demo, args.district);
  const need = [MANIFEST, ...TABLES.map((t) => `${t}.parquet`), ...MAP_LAYERS.map((l) => `map/${l}.geojson`)];
  return need.every((f) => existsSync(join(dir, f))) ? dir : null;
}

const STATION_COLUMNS: readonly ColumnDef[] = [...PARQUET_COLUMNS.stations, { name: 'phone', type: 'VARCHAR' }];

async function writeStations(file: string, rows: Station[]): Promise<void> {
  const db = await openNodeDb({ threads: 1 });
  try {
    await db.load(
      'stations',
      STATION_COLUMNS,
      rows.map((s) => [s.id, s.district, s.community || null, s.kind, s.name, s.address, s.services, s.opens, s.closes, s.lon, s.lat, s.phone ?? null])
    );
    // The district's own register: the footer says nothing in it is synthetic (as every table's does).
    await db.run(`COPY (SELECT * FROM stations) TO ${sqlString(file)} ${parquetOptions('stations', false)}`);
  } finally {
    db.close();
  }
}

/** Incidents: numbers appended, category and status as indices, times as epoch ms; the schema's columns in SQL (as the generator writes them), `ref` after them. */
async function writeIncidents(file: string, rows: Incident[]): Promise<void> {
  const db = await openNodeDb({ threads: 1 });
  const cat = new Map(INCIDENT_CATEGORIES.map((c, i) => [c, i]));
  const st = new Map(INCIDENT_STATUSES.map((c, i) => [c, i]));
  try {
    function* raw(): Generator<unknown[]> {
      for (const r of rows) yield [r.id, r.ref ?? null, r.street || null, r.community || null, r.grid || null, cat.get(r.category), st.get(r.status), r.reportedAt, r.closedAt, r.lon, r.lat];
    }
    await db.load(
      'raw',
      [
        { name: 'id', type: 'INTEGER' },
        { name: 'ref', type: 'VARCHAR' },
        { name: 'street', type: 'VARCHAR' },
        { name: 'community', type: 'VARCHAR' },
        { name: 'grid', type: 'VARCHAR' },
        { name: 'category', type: 'UTINYINT' },
        { name: 'status', type: 'UTINYINT' },
        { name: 'reported', type: 'DOUBLE' },
        { name: 'closed', type: 'DOUBLE' },
        { name: 'lon', type: 'DOUBLE' },
        { name: 'lat', type: 'DOUBLE' }
      ],
      raw()
    );
    const list = (xs: readonly string[]) => `[${xs.map(sqlString).join(', ')}]`;
    const district = rows[0]?.district ?? '';
    await db.run(`COPY (
      SELECT id, ${sqlString(district)} AS district, street, community, grid,
        (${list(INCIDENT_CATEGORIES)})[category + 1] AS category,
        (${list(INCIDENT_STATUSES)})[status + 1] AS status,
        epoch_ms(CAST(reported AS BIGINT)) AS reported_at,
        epoch_ms(CAST(closed AS BIGINT)) AS closed_at,
        lon, lat, ref
      FROM raw ORDER BY id
    ) TO ${sqlString(file)} ${parquetOptions('incidents', false)}`);
  } finally {
    db.close();
  }
}

function stationLayer(rows: Station[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: rows.map((s) => ({
      type: 'Feature',
      properties: { id: s.id, kind: s.kind, name: s.name, services: s.services.join(','), opens: s.opens, closes: s.closes },
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] }
    }))
  };
}

/** Provenance of a table read from a district's file. */
function provenanceOf(r: TableReport, file: string, table: Role): TableProvenance {
  const unknown = r.unknown.reduce((s, u) => s + u.count, 0);
  const notes = [
    unknown ? `${n(unknown)} rows of ${r.unknown.length} ${table === 'stations' ? 'kinds' : 'categories'} not in GridAtlas's list kept as other (${r.unknown.slice(0, 5).map((u) => `${u.value || '(empty)'} ${n(u.count)}`).join(', ')}${r.unknown.length > 5 ? ', …' : ''})` : '',
    r.outsideGrids ? `${n(r.outsideGrids)} rows lie in no grid of the package (street, community and grid empty)` : '',
    table === 'incidents' ? `rows reported outside ${formatChinaTime(INCIDENT_PERIOD.from).slice(0, 10)} … ${formatChinaTime(INCIDENT_PERIOD.to - 1).slice(0, 10)} (the app's timeline) refused` : '',
    'located in the demo grids (synthetic) of the district'
  ].filter(Boolean);
  return {
    source: `${basename(file)} (${r.format === 'xlsx' ? `Excel, sheet ${JSON.stringify(r.sheet ?? '')}` : `CSV, ${r.encoding ?? 'utf-8'}`}), the district's own ${table === 'stations' ? 'station register' : 'incident log'}`,
    licence: 'as licensed by the file’s owner',
    crs: r.crs,
    read: r.read,
    accepted: r.accepted,
    refused: r.refused,
    synthetic: false,
    note: notes.join('; ')
  };
}

export interface PackageManifest extends Manifest {
  kind: 'package';
  files: string[];
  input: { folder: string; crs: InputCrs; files: Partial<Record<Role, string>>; notRead: string[] };
  reports: Partial<Record<Role, Omit<TableReport, 'errors'>>>;
}

interface Reads {
  stations?: PackageRead<Station>;
  incidents?: PackageRead<Incident>;
}

/**
 * Rider files for the package folder with scripts/rider/build.ts's own builder: it works on a
 * dataset root (index.json, <adcode>/), so a temporary root links the folder as <adcode> (and the
 * demo's OSM import, whose real roads it prefers).
 */
async function writeRider(dir: string, args: PackageArgs, demoIndex: DatasetIndex): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'gridatlas-package-rider-'));
  try {
    symlinkSync(resolve(dir), join(root, args.district), 'dir');
    const osm = join(args.demo, 'imports', `osm-${args.district}`);
    if (existsSync(osm)) {
      mkdirSync(join(root, 'imports'));
      symlinkSync(osm, join(root, 'imports', `osm-${args.district}`), 'dir');
    }
    const entry = demoIndex.districts.find((d) => d.code === args.district)!;
    writeFileSync(join(root, 'index.json'), JSON.stringify({ ...demoIndex, districts: [entry] }));
    await buildRiderData(root, log);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function writePackage(dir: string, args: PackageArgs, demo: string, reads: Reads, files: PackageFiles): Promise<PackageManifest> {
  const demoManifest = readJson<Manifest>(join(demo, MANIFEST));
  const written: string[] = [];
  mkdirSync(join(dir, 'map'), { recursive: true });
  const tables = { ...demoManifest.tables };
  const counts = { ...demoManifest.counts };
  for (const t of TABLES) {
    const read = t === 'stations' ? reads.stations : t === 'incidents' ? reads.incidents : undefined;
    const file = `${t}.parquet`;
    if (!read) {
      copyFileSync(join(demo, file), join(dir, file));
      // The demo's own flag: Daoli's OSM buildings stay real, generated tables stay synthetic.
      tables[t] = { ...demoManifest.tables[t] };
    } else {
      log(`writing ${file} (${n(read.rows.length)} rows)…`);
      if (t === 'stations') await writeStations(join(dir, file), read.rows as Station[]);
      else await writeIncidents(join(dir, file), read.rows as Incident[]);
      tables[t] = provenanceOf(read.report, files[t as Role]!, t as Role);
      counts[t] = read.rows.length;
    }
    written.push(file);
  }
  for (const l of MAP_LAYERS) {
    const file = `map/${l}.geojson`;
    if (l === 'stations' && reads.stations) writeFileSync(join(dir, file), JSON.stringify(stationLayer(reads.stations.rows)) + '\n');
    else copyFileSync(join(demo, file), join(dir, file));
    written.push(file);
  }
  const given = Object.fromEntries((['stations', 'incidents'] as Role[]).filter((r) => files[r]).map((r) => [r, basename(files[r]!)]));
  const manifest: PackageManifest = {
    ...demoManifest,
    kind: 'package',
    district: args.district,
    synthetic: TABLES.some((t) => tables[t].synthetic),
    tables: tables as Record<TableName, TableProvenance>,
    generator: PACKAGE_GENERATOR,
    generatedAt: new Date().toISOString(),
    counts,
    sources: [
      ...Object.values(given).map((f) => `${f}: the district's own file`),
      ...demoManifest.sources.map((s) => `demo dataset (${demoManifest.generator}) for the tables not given: ${s}`)
    ],
    files: [],
    input: { folder: basename(args.folder), crs: args.crs, files: given, notRead: files.notRead },
    reports: Object.fromEntries(
      Object.entries(reads).map(([role, r]) => {
        const { errors: _errors, ...rest } = (r as PackageRead<unknown>).report;
        return [role, rest];
      })
    )
  };
  // The rider builder reads the manifest (per-table flags): write it first, then list the rider files too.
  writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest) + '\n');
  await writeRider(dir, args, readJson<DatasetIndex>(join(args.demo, 'index.json')));
  written.push('rider/stations.json', 'rider/roads.json');
  manifest.files = [...written, MANIFEST];
  writeFileSync(join(dir, MANIFEST), JSON.stringify(manifest) + '\n');
  return manifest;
}

function refuse(lines: string[]): number {
  log(USAGE);
  for (const l of lines) log(`  ${l}`);
  return 2;
}

/** Prints a file's fatal problems (file and column named); exit code 2. */
function unreadable(errors: ImportError[]): number {
  log(`import failed: ${errors.length === 1 ? 'a file cannot' : 'files cannot'} be read; nothing was written`);
  for (const l of formatImportErrors(errors, 50)) log(`  ${l}`);
  return 2;
}

/** The CLI; returns the exit code and throws only on internal errors. */
export async function importPackageCli(argv: string[]): Promise<number> {
  const t0 = performance.now();
  const parsed = parsePackageArgs(argv);
  if (!parsed.ok) return refuse(parsed.errors);
  const args = parsed.value;
  const files = packageFiles(args.folder);
  if (files.problems.length) return refuse(files.problems);
  if (!files.stations && !files.incidents)
    return refuse([`${args.folder} holds no stations.csv|xlsx or incidents.csv|xlsx${files.notRead.length ? ` (only ${files.notRead.join(', ')}, which this version does not read yet)` : ''}`]);
  const demo = demoDir(args);
  if (!demo) return refuse([`${join(args.demo, args.district)} lacks the demo dataset the absent tables come from; run npm run data first`]);
  for (const f of files.notRead) log(`${f}: not read yet by this version (buildings, communities, streets and grids come from the demo dataset, flagged synthetic)`);
  let output: Output;
  try {
    output = openOutput(args.out, PACKAGE_OUTPUT);
  } catch (e) {
    if (!(e instanceof OutputRefused)) throw e;
    log(e.message);
    return 2;
  }
  try {
    const info = DISTRICTS.find((d) => d.code === args.district)!;
    const ctx: PackageContext = packageContext({
      district: args.district,
      name: info.name,
      outline: loadOutline(args.district),
      grids: readJson<FeatureCollection<Polygon | MultiPolygon>>(join(demo, 'map', 'grids.geojson')),
      crs: args.crs,
      vocabulary: loadVocabulary(readFileSync(join(REPO_ROOT, 'data/station-kinds.csv'), 'utf8'), readFileSync(join(REPO_ROOT, 'data/incident-categories.csv'), 'utf8'))
    });
    const reads: Reads = {};
    const fatal: ImportError[] = [];
    const progress = (file: string) => (p: { read: number; fraction: number }) => log(`${basename(file)}: ${n(p.read)} rows read (${Math.round(100 * p.fraction)} %)`);
    if (files.stations) {
      log(`reading ${basename(files.stations)}…`);
      const r = await readStationTable(basename(files.stations), readFileSync(files.stations), ctx, { onProgress: progress(files.stations) });
      if (r.ok) reads.stations = r.value;
      else fatal.push(...r.errors);
    }
    if (files.incidents) {
      log(`reading ${basename(files.incidents)}…`);
      const r = await readIncidentTable(basename(files.incidents), readFileSync(files.incidents), ctx, { onProgress: progress(files.incidents) });
      if (r.ok) reads.incidents = r.value;
      else fatal.push(...r.errors);
    }
    if (fatal.length) return unreadable(fatal);
    const manifest = await writePackage(output.staging, args, demo, reads, files);
    output.commit();
    const errors = [...(reads.stations?.report.errors ?? []), ...(reads.incidents?.report.errors ?? [])].slice(0, 100);
    const warnings = [...(reads.stations?.report.warnings ?? []), ...(reads.incidents?.report.warnings ?? [])];
    for (const w of warnings) log(`warning: ${w.file}: ${w.message}`);
    const line = {
      district: args.district,
      tables: Object.fromEntries(TABLES.map((t) => [t, { read: manifest.tables[t].read, accepted: manifest.tables[t].accepted, refused: manifest.tables[t].refused, synthetic: manifest.tables[t].synthetic }])),
      errors: errorLines(errors),
      unknown: { ...(reads.stations ? { stations: reads.stations.report.unknown } : {}), ...(reads.incidents ? { incidents: reads.incidents.report.unknown } : {}) },
      notRead: files.notRead,
      warnings: errorLines(warnings),
      out: args.out
    };
    log(`wrote ${args.out} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    process.stdout.write(`${JSON.stringify(line)}\n`);
    return 0;
  } finally {
    output.discard();
  }
}
