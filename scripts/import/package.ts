/**
 * `npm run data -- --package <folder> --district <adcode> [--crs wgs84|gcj02|bd09] [--out <dir>] [--demo <dir>]`
 *
 * Builds one district's data package from the files a district has: reads whichever of
 * stations.csv|xlsx, incidents.csv|xlsx, streets.geojson, communities.geojson, grids.geojson and
 * buildings.geojson|csv|osm.pbf the folder holds (names matched case-insensitively) with the pure
 * readers of src/lib/data/import/ (package.ts, areas.ts, package-buildings.ts), and writes a folder
 * in the layout of static/data/<adcode>/ (Parquet tables, manifest.json, map/*.geojson,
 * rider/*.json). Tables the folder lacks come from the embedded demo dataset of that district
 * (--demo, static/data by default) with the demo's own flags in manifest.tables (synthetic where
 * generated); when geometry is given, what depends on it is worked out again (geography.ts:
 * buildings placed in the package's grids, households summed), and stations and incidents are
 * located in the package's grids.
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
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { PARQUET_COLUMNS, buildingRow } from '../../src/lib/data/columns';
import { DISTRICTS, isDemoDistrict } from '../../src/lib/data/districts';
import {
  type Area,
  type AreaContext,
  type AreaLayer,
  type AreaReport,
  AREA_LAYERS,
  readAreaLayer
} from '../../src/lib/data/import/areas';
import { prepareDistrict } from '../../src/lib/data/import/district';
import { type ImportError, formatImportErrors } from '../../src/lib/data/import/errors';
import { loadGeography } from '../../src/lib/data/import/base-geography';
import {
  type Geography,
  assembleGeography,
  derivedProvenance,
  ownGeoProvenance
} from '../../src/lib/data/import/geography';
import { type BuildingsReport, readPackageBuildings } from '../../src/lib/data/import/package-buildings';
import { osmToLayers } from '../../src/lib/data/import/osm';
import { decodeText } from '../../src/lib/data/text-decode';
import {
  type PackageContext,
  type PackageRead,
  type TableReport,
  errorLines,
  loadVocabulary,
  packageContext,
  readIncidentTable,
  readStationTable
} from '../../src/lib/data/import/package';
import { INCIDENT_DAY0 } from '../../src/lib/data/queries';
import {
  type Building,
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
import { type Flags, helpText, parseFlags } from '../lib/cli-args';
import { type ColumnDef, openNodeDb, sqlString } from '../lib/node-db';
import { type Output, type OutputOwner, OutputRefused, openOutput } from '../lib/safe-out';
import { REPO_ROOT, loadOutline } from './osm';
import { decodePbf } from './pbf-decode';

export const PACKAGE_GENERATOR = 'gridatlas-package 1';
const MANIFEST = 'manifest.json';
const PACKAGE_FLAGS = {
  package: { type: 'string', arg: '<folder>', help: "the district's files (names fixed, any case; see below)" },
  district: {
    type: 'string',
    arg: '<adcode>',
    help: 'the district: 230102 (道里区), 370881 (曲阜市) or 371602 (滨城区)'
  },
  crs: {
    type: 'string',
    arg: '<crs>',
    help: 'coordinate system of the files: wgs84 (default), gcj02 (Amap, Tencent), bd09 (Baidu)'
  },
  out: { type: 'string', arg: '<dir>', help: 'output folder (default static/data/imports/package-<adcode>)' },
  demo: { type: 'string', arg: '<dir>', help: 'the demo dataset the tables not given come from (default static/data)' }
} as const satisfies Flags;

export const PACKAGE_HELP = helpText(
  ['npm run data -- --package <folder> --district <adcode> [--crs wgs84|gcj02|bd09] [--out <dir>] [--demo <dir>]'],
  PACKAGE_FLAGS,
  [
    'Files read from <folder>:',
    '  stations.csv|xlsx               the station register (名称, 类型, 地址, 经度, 纬度, 开放时间, 服务, 电话)',
    '  incidents.csv|xlsx              the incident log (编号, 类别/大类, 小类, 上报时间, 办结时间, 状态, 经度, 纬度, 网格编码, 地址)',
    '  streets.geojson                 街道/镇 polygons with a 9-digit code and a name',
    '  communities.geojson             社区 polygons with a 12-digit code and a name',
    "  grids.geojson                   网格 polygons with a 15-digit code (the planner's export works)",
    '  buildings.geojson|csv|osm.pbf   residential buildings (households given, or estimated from footprint and floors)',
    'Tables not given come from the demo dataset with its own flags (synthetic where generated).',
    'Prints one JSON line (tables, errors, out). Exit codes: 0 every file was readable (refused rows are in the',
    'report), 2 bad arguments, a refused --out or a file that cannot be read (nothing written), 130 interrupted.'
  ]
);

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
    if (m?.kind !== 'package' || typeof m.generator !== 'string' || !m.generator.startsWith('gridatlas-package'))
      return null;
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

export function parsePackageArgs(
  argv: readonly string[],
  cwd = process.cwd()
): { ok: true; value: PackageArgs } | { ok: false; errors: string[] } {
  const parsed = parseFlags(argv, PACKAGE_FLAGS);
  const errors = parsed.errors.map((e) => e.message);
  const { values } = parsed;
  const folder = values.package;
  if (!folder) errors.push('--package <folder> is required');
  else if (!existsSync(resolve(cwd, folder)) || !statSync(resolve(cwd, folder)).isDirectory())
    errors.push(`--package ${folder}: not a folder`);
  const district = values.district;
  if (!district) errors.push('--district <adcode> is required');
  else if (!isDemoDistrict(district))
    errors.push(
      `unknown district ${JSON.stringify(district)}; one of ${DISTRICTS.map((d) => `${d.code} (${d.name})`).join(', ')}`
    );
  const crs = values.crs ?? 'wgs84';
  if (!isCrs(crs)) errors.push(`unknown --crs ${JSON.stringify(crs)}; one of ${CRS_NAMES.join(', ')}`);
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      folder: resolve(cwd, folder!),
      district: district as DistrictCode,
      crs: crs as InputCrs,
      out: values.out ? resolve(cwd, values.out) : resolve(REPO_ROOT, `static/data/imports/package-${district}`),
      demo: values.demo ? resolve(cwd, values.demo) : resolve(REPO_ROOT, 'static/data')
    }
  };
}

type Role = 'stations' | 'incidents';
type GeoRole = AreaLayer | 'buildings';

/** The file names each table is read from. */
const FILE_NAMES: Record<Role | GeoRole, RegExp> = {
  stations: /^stations\.(csv|xlsx)$/i,
  incidents: /^incidents\.(csv|xlsx)$/i,
  streets: /^streets\.geojson$/i,
  communities: /^communities\.geojson$/i,
  grids: /^grids\.geojson$/i,
  buildings: /^buildings\.(geojson|csv|osm\.pbf)$/i
};

export type PackageFiles = Partial<Record<Role | GeoRole, string>> & {
  /** Problems: two files for one table. */
  problems: string[];
};

/** The files of `folder` by their fixed names, case-insensitive. */
export function packageFiles(folder: string): PackageFiles {
  const out: PackageFiles = { problems: [] };
  const names = readdirSync(folder).filter((n) => statSync(join(folder, n)).isFile());
  for (const [role, re] of Object.entries(FILE_NAMES) as [Role | GeoRole, RegExp][]) {
    const found = names.filter((n) => re.test(n));
    if (found.length > 1) out.problems.push(`${folder}: both ${found.join(' and ')}; keep one ${role} file`);
    else if (found.length) out[role] = join(folder, found[0]);
  }
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
      rows.map((s) => [
        s.id,
        s.district,
        s.community || null,
        s.kind,
        s.name,
        s.address,
        s.services,
        s.opens,
        s.closes,
        s.lon,
        s.lat,
        s.phone ?? null
      ])
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
      for (const r of rows)
        yield [
          r.id,
          r.ref ?? null,
          r.street || null,
          r.community || null,
          r.grid || null,
          cat.get(r.category),
          st.get(r.status),
          r.reportedAt,
          r.closedAt,
          r.lon,
          r.lat
        ];
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
      properties: {
        id: s.id,
        kind: s.kind,
        name: s.name,
        services: s.services.join(','),
        opens: s.opens,
        closes: s.closes
      },
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] }
    }))
  };
}

/** Provenance of a table read from a district's file. */
function provenanceOf(r: TableReport, file: string, table: Role, ownGrids: boolean): TableProvenance {
  const unknown = r.unknown.reduce((s, u) => s + u.count, 0);
  const notes = [
    unknown
      ? `${n(unknown)} rows of ${r.unknown.length} ${table === 'stations' ? 'kinds' : 'categories'} not in GridAtlas's list kept as other (${r.unknown
          .slice(0, 5)
          .map((u) => `${u.value || '(empty)'} ${n(u.count)}`)
          .join(', ')}${r.unknown.length > 5 ? ', …' : ''})`
      : '',
    r.outsideGrids ? `${n(r.outsideGrids)} rows lie in no grid of the package (street, community and grid empty)` : '',
    table === 'incidents'
      ? `rows reported before ${INCIDENT_DAY0} (the start of the app's timeline) or after the day of the import refused`
      : '',
    ownGrids ? "located in the district's own grids (grids.geojson)" : 'located in the demo grids of the district'
  ].filter(Boolean);
  return {
    source: `${basename(file)} (${r.format === 'xlsx' ? `Excel, sheet ${JSON.stringify(r.sheet ?? '')}` : `CSV, ${r.encoding ?? 'utf-8'}`}), the district's own ${table === 'stations' ? 'station register' : 'incident log'}`,
    licence: OWN_LICENCE,
    crs: r.crs,
    read: r.read,
    accepted: r.accepted,
    refused: r.refused,
    synthetic: false,
    note: notes.join('; ')
  };
}

const OWN_LICENCE = 'as licensed by the file’s owner';

export interface PackageManifest extends Manifest {
  kind: 'package';
  files: string[];
  input: { folder: string; crs: InputCrs; files: Partial<Record<Role | GeoRole, string>> };
  reports: Partial<Record<Role | GeoRole, object>>;
}

interface Reads {
  stations?: PackageRead<Station>;
  incidents?: PackageRead<Incident>;
  areas: Partial<Record<AreaLayer, { rows: Area[]; report: AreaReport }>>;
  buildings?: { rows: Building[]; report: BuildingsReport };
}

type GeoTable = 'streets' | 'communities' | 'compounds' | 'buildings' | 'grids';

/** One geometry table with the schema's columns, its footer flag as the manifest says. */
async function writeGeoTable(file: string, table: GeoTable, geo: Geography, synthetic: boolean): Promise<void> {
  const values: Record<GeoTable, () => unknown[][]> = {
    streets: () => geo.streets.map((s) => [s.code, s.name, s.district, s.kind]),
    communities: () => geo.communities.map((c) => [c.code, c.name, c.street, c.district, c.households, c.buildings]),
    compounds: () =>
      geo.compounds.map((c) => [c.id, c.name, c.community, c.district, c.kind, c.households, c.buildings]),
    buildings: () => geo.buildings.map(buildingRow),
    grids: () =>
      geo.grids.map((g) => [g.code, g.district, g.community, g.seq, g.households, g.buildings, g.polsbyPopper])
  };
  const db = await openNodeDb({ threads: 1 });
  try {
    await db.load(table, PARQUET_COLUMNS[table], values[table]());
    const key = PARQUET_COLUMNS[table][0].name;
    await db.run(
      `COPY (SELECT * FROM ${table} ORDER BY ${key}) TO ${sqlString(file)} ${parquetOptions(table, synthetic)}`
    );
  } finally {
    db.close();
  }
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
    // Only the optional map layers the folder has (a package writes no water, the demo's Daoli has it).
    const optionalLayers = entry.optionalLayers?.filter((l) => existsSync(join(dir, 'map', `${l}.geojson`)));
    writeFileSync(
      join(root, 'index.json'),
      JSON.stringify({ ...demoIndex, districts: [{ ...entry, optionalLayers }] })
    );
    await buildRiderData(root, log);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

async function writePackage(
  dir: string,
  args: PackageArgs,
  demo: string,
  reads: Reads,
  files: PackageFiles,
  geo: Geography | null
): Promise<PackageManifest> {
  const demoManifest = readJson<Manifest>(join(demo, MANIFEST));
  const written: string[] = [];
  mkdirSync(join(dir, 'map'), { recursive: true });
  const tables = { ...demoManifest.tables };
  const counts = { ...demoManifest.counts };
  const ownGrids = Boolean(reads.areas.grids);
  for (const t of TABLES) {
    const file = `${t}.parquet`;
    const own = t === 'stations' ? reads.stations : t === 'incidents' ? reads.incidents : undefined;
    if (own) {
      log(`writing ${file} (${n(own.rows.length)} rows)…`);
      if (t === 'stations') await writeStations(join(dir, file), own.rows as Station[]);
      else await writeIncidents(join(dir, file), own.rows as Incident[]);
      tables[t] = provenanceOf(own.report, files[t as Role]!, t as Role, ownGrids);
      counts[t] = own.rows.length;
    } else if (geo && t !== 'stations' && t !== 'incidents' && (t === 'compounds' ? geo.notes.compounds : true)) {
      const given = t === 'buildings' ? reads.buildings : t === 'compounds' ? undefined : reads.areas[t];
      const note = geo.notes[t];
      // The district's own table, or the demo's worked out again from it (the demo's flag stays).
      tables[t] = given
        ? ownGeoProvenance(t as GeoRole, given.report, OWN_LICENCE, note)
        : derivedProvenance(demoManifest.tables[t], note);
      log(`writing ${file}…`);
      await writeGeoTable(join(dir, file), t, geo, tables[t].synthetic);
      counts[t] = geo[t].length;
    } else {
      copyFileSync(join(demo, file), join(dir, file));
      // The demo's own flag: Daoli's OSM buildings stay real, generated tables stay synthetic.
      tables[t] = { ...demoManifest.tables[t] };
    }
    written.push(file);
  }
  for (const l of MAP_LAYERS) {
    const file = `map/${l}.geojson`;
    if (l === 'stations' && reads.stations)
      writeFileSync(join(dir, file), JSON.stringify(stationLayer(reads.stations.rows)) + '\n');
    else if (geo && l !== 'outline' && l !== 'roads' && l !== 'stations')
      writeFileSync(join(dir, file), JSON.stringify(geo.layers[l]) + '\n');
    else copyFileSync(join(demo, file), join(dir, file));
    written.push(file);
  }
  const roles = [...(['stations', 'incidents'] as Role[]), ...AREA_LAYERS, 'buildings' as const];
  const given = Object.fromEntries(roles.filter((r) => files[r]).map((r) => [r, basename(files[r]!)]));
  const reportsOf: Partial<Record<Role | GeoRole, object>> = {};
  for (const [role, r] of [
    ['stations', reads.stations],
    ['incidents', reads.incidents],
    ...Object.entries(reads.areas),
    ['buildings', reads.buildings]
  ] as [Role | GeoRole, { report: { errors: unknown } } | undefined][]) {
    if (!r) continue;
    const { errors: _errors, ...rest } = r.report;
    reportsOf[role] = rest;
  }
  const manifest: PackageManifest = {
    ...demoManifest,
    kind: 'package',
    district: args.district,
    synthetic: TABLES.some((t) => tables[t].synthetic),
    tables: tables as Record<TableName, TableProvenance>,
    generator: PACKAGE_GENERATOR,
    generatedAt: new Date().toISOString(),
    counts,
    households: geo ? geo.buildings.reduce((s, b) => s + b.households, 0) : demoManifest.households,
    sources: [
      ...Object.values(given).map((f) => `${f}: the district's own file`),
      ...demoManifest.sources.map((s) => `demo dataset (${demoManifest.generator}) for the tables not given: ${s}`)
    ],
    files: [],
    input: { folder: basename(args.folder), crs: args.crs, files: given },
    reports: reportsOf
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
  log(PACKAGE_HELP.split('\n')[0]);
  for (const l of lines) log(`  ${l}`);
  return 2;
}

/** Prints a file's fatal problems (file and column named); exit code 2. */
function unreadable(errors: ImportError[]): number {
  log(`import failed: ${errors.length === 1 ? 'a file cannot' : 'files cannot'} be read; nothing was written`);
  for (const l of formatImportErrors(errors, 50)) log(`  ${l}`);
  return 2;
}

/** Reads the geometry files given (fatal problems into `fatal`). */
function readGeometry(
  files: PackageFiles,
  area: AreaContext,
  fatal: ImportError[]
): Pick<Reads, 'areas' | 'buildings'> {
  const out: Pick<Reads, 'areas' | 'buildings'> = { areas: {} };
  for (const layer of AREA_LAYERS) {
    const path = files[layer];
    if (!path) continue;
    log(`reading ${basename(path)}…`);
    const text = decodeText(readFileSync(path), basename(path));
    const r = text.ok ? readAreaLayer(basename(path), text.value.text, layer, area) : text;
    if (r.ok) out.areas[layer] = r.value;
    else fatal.push(...r.errors);
  }
  const path = files.buildings;
  if (path) {
    const file = basename(path);
    log(`reading ${file}…`);
    let r: ReturnType<typeof readPackageBuildings>;
    if (/\.osm\.pbf$/i.test(file)) {
      if (area.crs !== 'wgs84')
        r = {
          ok: false,
          errors: [
            {
              file,
              row: null,
              field: 'crs',
              message: `OSM data is WGS-84; --crs ${area.crs} would move every building by about 500 m (the other files may keep their --crs: put them in another package run, or convert)`
            }
          ]
        };
      else {
        const elements = decodePbf(new Uint8Array(readFileSync(path)), file);
        const layers = elements.ok ? osmToLayers({ elements: elements.value }, file) : elements;
        r = layers.ok ? readPackageBuildings(file, { format: 'osm', buildings: layers.value.buildings }, area) : layers;
      }
    } else {
      const text = decodeText(readFileSync(path), file);
      r = text.ok
        ? readPackageBuildings(file, { format: /\.csv$/i.test(file) ? 'csv' : 'geojson', text: text.value.text }, area)
        : text;
    }
    if (r.ok) out.buildings = r.value;
    else fatal.push(...r.errors);
  }
  return out;
}

/** The CLI; returns the exit code and throws only on internal errors. */
export async function importPackageCli(argv: string[]): Promise<number> {
  const t0 = performance.now();
  if (parseFlags(argv, PACKAGE_FLAGS).help) {
    process.stdout.write(`${PACKAGE_HELP}\n`);
    return 0;
  }
  const parsed = parsePackageArgs(argv);
  if (!parsed.ok) return refuse(parsed.errors);
  const args = parsed.value;
  const files = packageFiles(args.folder);
  if (files.problems.length) return refuse(files.problems);
  if (!Object.keys(FILE_NAMES).some((r) => files[r as Role | GeoRole]))
    return refuse([
      `${args.folder} holds none of stations.csv|xlsx, incidents.csv|xlsx, streets.geojson, communities.geojson, grids.geojson, buildings.geojson|csv|osm.pbf`
    ]);
  const demo = demoDir(args);
  if (!demo)
    return refuse([
      `${join(args.demo, args.district)} lacks the demo dataset the absent tables come from; run npm run data first`
    ]);
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
    const outline = loadOutline(args.district);
    const area: AreaContext = {
      district: args.district,
      name: info.name,
      area: prepareDistrict(args.district, info.name, outline),
      crs: args.crs
    };
    const fatal: ImportError[] = [];
    const geoReads = readGeometry(files, area, fatal);
    if (fatal.length) return unreadable(fatal);
    const hasGeo = Boolean(geoReads.buildings || Object.keys(geoReads.areas).length);
    const geo = hasGeo
      ? assembleGeography(
          args.district,
          await loadGeography(async (f) => new Uint8Array(readFileSync(join(demo, f))).buffer),
          {
            ...(geoReads.buildings ? { buildings: geoReads.buildings.rows } : {}),
            ...Object.fromEntries(Object.entries(geoReads.areas).map(([k, v]) => [k, v.rows]))
          }
        )
      : null;
    const ctx: PackageContext = packageContext({
      district: args.district,
      name: info.name,
      outline,
      grids: geo
        ? geo.layers.grids
        : readJson<FeatureCollection<Polygon | MultiPolygon>>(join(demo, 'map', 'grids.geojson')),
      crs: args.crs,
      vocabulary: loadVocabulary(
        readFileSync(join(REPO_ROOT, 'data/station-kinds.csv'), 'utf8'),
        readFileSync(join(REPO_ROOT, 'data/incident-categories.csv'), 'utf8')
      )
    });
    const reads: Reads = { ...geoReads };
    const progress = (file: string) => (p: { read: number; fraction: number }) =>
      log(`${basename(file)}: ${n(p.read)} rows read (${Math.round(100 * p.fraction)} %)`);
    if (files.stations) {
      log(`reading ${basename(files.stations)}…`);
      const r = await readStationTable(basename(files.stations), readFileSync(files.stations), ctx, {
        onProgress: progress(files.stations)
      });
      if (r.ok) reads.stations = r.value;
      else fatal.push(...r.errors);
    }
    if (files.incidents) {
      log(`reading ${basename(files.incidents)}…`);
      const r = await readIncidentTable(basename(files.incidents), readFileSync(files.incidents), ctx, {
        onProgress: progress(files.incidents)
      });
      if (r.ok) reads.incidents = r.value;
      else fatal.push(...r.errors);
    }
    if (fatal.length) return unreadable(fatal);
    const manifest = await writePackage(output.staging, args, demo, reads, files, geo);
    output.commit();
    const reports = [
      reads.stations?.report,
      reads.incidents?.report,
      ...AREA_LAYERS.map((l) => reads.areas[l]?.report),
      reads.buildings?.report
    ];
    const errors = reports.flatMap((r) => r?.errors ?? []).slice(0, 100);
    const warnings = [...(reads.stations?.report.warnings ?? []), ...(reads.incidents?.report.warnings ?? [])];
    for (const w of warnings) log(`warning: ${w.file}: ${w.message}`);
    const line = {
      district: args.district,
      tables: Object.fromEntries(
        TABLES.map((t) => [
          t,
          {
            read: manifest.tables[t].read,
            accepted: manifest.tables[t].accepted,
            refused: manifest.tables[t].refused,
            synthetic: manifest.tables[t].synthetic
          }
        ])
      ),
      errors: errorLines(errors),
      unknown: {
        ...(reads.stations ? { stations: reads.stations.report.unknown } : {}),
        ...(reads.incidents ? { incidents: reads.incidents.report.unknown } : {})
      },
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
