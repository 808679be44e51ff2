/**
 * The deterministic synthetic dataset of GridAtlas (`npm run data`): for each district,
 * static/data/<adcode>/{<table>.parquet, manifest.json, map/<layer>.geojson}, plus
 * static/data/index.json. Same seed → byte-identical files. Each district is written to a
 * temporary folder and renamed into place, so a failed run never leaves half-written data.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { DISTRICTS, DISTRICT_CODES, districtInfo } from '../../src/lib/data/districts';
import type { DatasetIndex, DistrictCode, Manifest } from '../../src/lib/data/schema';
import { MAP_LAYERS, TABLES } from '../../src/lib/data/schema';
import { openNodeDb } from '../lib/node-db';
import { GENERATOR_VERSION, PLANS } from './config';
import { loadDivisions } from './divisions';
import { buildDistrict } from './district';
import { manifestOf, writeDistrict, writeJson } from './write';

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

function districtFilesExist(outDir: string, code: DistrictCode): boolean {
  const dir = join(outDir, code);
  if (!existsSync(join(dir, 'manifest.json'))) return false;
  for (const t of TABLES) if (!existsSync(join(dir, `${t}.parquet`))) return false;
  for (const l of MAP_LAYERS) if (!existsSync(join(dir, 'map', `${l}.geojson`))) return false;
  return true;
}

/** True when outDir holds a full-scale dataset of every district from this generator version. */
export async function isGeneratedDataCurrent(outDir: string = DEFAULT_OUT_DIR): Promise<boolean> {
  const index = readIndex(outDir);
  if (!index || index.generatorVersion !== GENERATOR_VERSION) return false;
  for (const code of DISTRICT_CODES) {
    if (!index.districts.some((d) => d.code === code)) return false;
    if (!districtFilesExist(outDir, code)) return false;
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
  mkdirSync(outDir, { recursive: true });
  const divisions = loadDivisions(codes);
  const outlines = JSON.parse(readFileSync(OUTLINES, 'utf8')) as FeatureCollection<Polygon>;
  const db = await openNodeDb({ threads: 1 });
  const previous = readIndex(outDir);
  const entries = new Map<DistrictCode, DatasetIndex['districts'][number]>();
  if (previous && previous.generatorVersion === GENERATOR_VERSION)
    for (const d of previous.districts) if (!codes.includes(d.code) && districtFilesExist(outDir, d.code)) entries.set(d.code, d);

  try {
    for (const code of codes) {
      const info = districtInfo(code);
      const outline = outlines.features.find((f) => f.properties?.adcode === code) as Feature<Polygon> | undefined;
      if (!outline) throw new Error(`no outline for ${code} in ${OUTLINES}`);
      const streets = divisions.get(code) ?? [];
      const t1 = performance.now();
      log(`${code} ${info.name}: building the model…`);
      const model = buildDistrict(info, PLANS[code], streets, outline.geometry.coordinates, scale, log);
      const tmp = join(outDir, `.tmp-${code}-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      try {
        mkdirSync(tmp, { recursive: true });
        const t2 = performance.now();
        const res = await writeDistrict(db, tmp, model, outline);
        writeJson(join(tmp, 'manifest.json'), manifestOf(code, res, scale));
        const final = join(outDir, code);
        const old = join(outDir, `.old-${code}-${process.pid}`);
        if (existsSync(final)) renameSync(final, old);
        renameSync(tmp, final);
        rmSync(old, { recursive: true, force: true });
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
          bbox: res.bbox
        });
      } catch (e) {
        rmSync(tmp, { recursive: true, force: true });
        throw e;
      }
    }
  } finally {
    db.close();
  }
  const index: DatasetIndex = {
    generatorVersion: GENERATOR_VERSION,
    synthetic: true,
    districts: DISTRICTS.filter((d) => entries.has(d.code)).map((d) => entries.get(d.code)!)
  };
  const tmpIndex = join(outDir, `.index-${process.pid}.json`);
  writeJson(tmpIndex, index);
  renameSync(tmpIndex, join(outDir, 'index.json'));
  log(`wrote ${outDir} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}
