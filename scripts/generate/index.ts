/**
 * The deterministic synthetic dataset of GridAtlas (`npm run data`): for each district,
 * static/data/<adcode>/{<table>.parquet, manifest.json, map/<layer>.geojson}, plus
 * static/data/index.json. Same seed → byte-identical files. Everything is written into a
 * temporary folder beside the output and moved into place file by file (scripts/lib/safe-out.ts):
 * a failed or interrupted run changes nothing, and files the generator did not write (imports,
 * rider data, a user's notes) are never touched.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { DISTRICTS, DISTRICT_CODES, districtInfo } from '../../src/lib/data/districts';
import type { DatasetIndex, DistrictCode, Manifest, OptionalMapLayerName } from '../../src/lib/data/schema';
import { MAP_LAYERS, TABLES } from '../../src/lib/data/schema';
import { openNodeDb } from '../lib/node-db';
import { type OutputOwner, openOutput } from '../lib/safe-out';
import { GENERATOR_VERSION, PLANS } from './config';
import { loadDivisions } from './divisions';
import { buildDistrict } from './district';
import { buildDaoliFromOsm } from './osm-daoli';
import { manifestOf, writeDistrict, writeJson } from './write';
import { writeFigures } from './figures';

export { GENERATOR_VERSION, SEED } from './config';

export interface GenerateOptions {
  log: (m: string) => void;
  districts?: DistrictCode[];
  /** Output folder; static/data by default. */
  outDir?: string;
  /** Multiplies the number of incidents (tests use e.g. 0.05); the rest is always full size. */
  scale?: number;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_OUT_DIR = join(ROOT, 'static', 'data');
const OUTLINES = join(ROOT, 'data', 'district-outlines.geojson');

function readIndex(outDir: string): DatasetIndex | null {
  try {
    return JSON.parse(readFileSync(join(outDir, 'index.json'), 'utf8')) as DatasetIndex;
  } catch {
    return null;
  }
}

/** The files the generator writes for one district, relative to the output folder. */
function districtFiles(code: DistrictCode, optional: readonly OptionalMapLayerName[] = []): string[] {
  return [
    `${code}/manifest.json`,
    `${code}/figures.json`,
    ...TABLES.map((t) => `${code}/${t}.parquet`),
    ...[...MAP_LAYERS, ...optional].map((l) => `${code}/map/${l}.geojson`)
  ];
}

function districtFilesExist(outDir: string, d: DatasetIndex['districts'][number]): boolean {
  return districtFiles(d.code, d.optionalLayers).every((f) => existsSync(join(outDir, f)));
}

/**
 * A content version of the dataset: sha256 of every file index.json lists (names and bytes, each
 * read from `first` when written there, else from `fallback`). The service worker keys its cached
 * data by it, so regenerated data is never answered from an older cache; same bytes, same version.
 */
export function contentVersion(districts: DatasetIndex['districts'], first: string, fallback: string): string {
  const hash = createHash('sha256');
  for (const f of districts.flatMap((d) => districtFiles(d.code, d.optionalLayers)).sort()) {
    const at = existsSync(join(first, f)) ? join(first, f) : join(fallback, f);
    hash.update(`${f}\0`).update(readFileSync(at)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** index.json lists the districts, and so the files, the generator wrote; static/data is the app's own folder even before it has one. */
export const GENERATED_OUTPUT: OutputOwner = {
  tool: 'npm run data',
  manifest: 'index.json',
  owned(dir) {
    const index = readIndex(dir);
    if (!index || !Array.isArray(index.districts)) return resolve(dir) === DEFAULT_OUT_DIR ? [] : null;
    return ['index.json', ...index.districts.flatMap((d) => districtFiles(d.code, d.optionalLayers))];
  }
};

/** True when outDir holds a full-scale dataset of every district from this generator version. */
export async function isGeneratedDataCurrent(outDir: string = DEFAULT_OUT_DIR): Promise<boolean> {
  const index = readIndex(outDir);
  // Data from before the content version would never be cached by the service worker: build it again.
  if (!index || index.generatorVersion !== GENERATOR_VERSION || !index.dataVersion) return false;
  for (const code of DISTRICT_CODES) {
    const entry = index.districts.find((d) => d.code === code);
    if (!entry || !districtFilesExist(outDir, entry)) return false;
    try {
      const m = JSON.parse(readFileSync(join(outDir, code, 'manifest.json'), 'utf8')) as Manifest;
      if (!m.generator.endsWith(GENERATOR_VERSION)) return false;
    } catch {
      return false;
    }
  }
  return true;
}

export async function generateAll(opts: GenerateOptions): Promise<void> {
  const log = opts.log;
  const outDir = resolve(opts.outDir ?? DEFAULT_OUT_DIR);
  const codes = opts.districts ?? [...DISTRICT_CODES];
  const scale = opts.scale ?? 1;
  if (!(scale > 0)) throw new Error(`scale must be > 0, got ${scale}`);
  const t0 = performance.now();
  const out = openOutput(outDir, GENERATED_OUTPUT);
  try {
    const divisions = loadDivisions(codes);
    const outlines = JSON.parse(readFileSync(OUTLINES, 'utf8')) as FeatureCollection<Polygon>;
    const previous = readIndex(outDir);
    const entries = new Map<DistrictCode, DatasetIndex['districts'][number]>();
    if (previous && previous.generatorVersion === GENERATOR_VERSION)
      for (const d of previous.districts)
        if (!codes.includes(d.code) && districtFilesExist(outDir, d)) entries.set(d.code, d);
    const db = await openNodeDb({ threads: 1 });
    try {
      for (const code of codes) {
        const info = districtInfo(code);
        const outline = outlines.features.find((f) => f.properties?.adcode === code) as Feature<Polygon> | undefined;
        if (!outline) throw new Error(`no outline for ${code} in ${OUTLINES}`);
        const streets = divisions.get(code) ?? [];
        const t1 = performance.now();
        log(`${code} ${info.name}: building the model…`);
        // Daoli's default is built on real OpenStreetMap geography (data/osm/); the others are synthetic.
        const model =
          code === '230102'
            ? buildDaoliFromOsm(info, PLANS[code], streets, outline, scale, log)
            : buildDistrict(info, PLANS[code], streets, outline.geometry.coordinates, scale, log);
        const dir = join(out.staging, code);
        mkdirSync(dir, { recursive: true });
        const t2 = performance.now();
        log(`${code} ${info.name}: writing into ${out.staging}…`);
        const res = await writeDistrict(db, dir, model, outline);
        const manifest = manifestOf(code, res, scale, model);
        writeJson(join(dir, 'manifest.json'), manifest);
        await writeFigures(db, dir, code);
        const c = res.counts;
        log(
          `${code} ${info.name}: ${c.streets} streets, ${c.communities} communities, ${c.compounds} compounds, ${c.buildings} buildings, ` +
            `${res.households} households, ${c.grids} grids, ${c.stations} stations, ${c.incidents} incidents ` +
            `(model ${Math.round(t2 - t1)} ms [${Object.entries(model.timings)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}], write ${Math.round(performance.now() - t2)} ms)`
        );
        entries.set(code, {
          code,
          name: info.name,
          nameEn: info.nameEn,
          households: res.households,
          communities: c.communities,
          grids: c.grids,
          stations: c.stations,
          incidents: c.incidents,
          bbox: res.bbox,
          syntheticTables: TABLES.filter((t) => manifest.tables[t].synthetic),
          ...(model.attribution ? { attribution: model.attribution } : {}),
          ...(model.water ? { optionalLayers: ['water'] as OptionalMapLayerName[] } : {})
        });
      }
    } finally {
      db.close();
    }
    const districts = DISTRICTS.filter((d) => entries.has(d.code)).map((d) => entries.get(d.code)!);
    const index: DatasetIndex = {
      generatorVersion: GENERATOR_VERSION,
      dataVersion: contentVersion(districts, out.staging, outDir),
      synthetic: true,
      districts
    };
    writeJson(join(out.staging, 'index.json'), index);
    out.commit();
  } finally {
    out.discard();
  }
  log(`wrote ${outDir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
