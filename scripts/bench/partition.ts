/**
 * Grid engine benchmark: `npm run bench -- partition [--json] [--runs N] [--district 230102] [--long all|none|case,…]`.
 * Cases (each partitioned by the engine and by the two baselines, bisection and k-means):
 *   community-3000  the Daoli (230102) community closest to 3,000 households; 3 warm-up runs, median of
 *                   --runs (default 7);
 *   district-<code> every community of the embedded district in turn (230102, 370881, 371602, or the one
 *                   given by --district); median of --runs (default 3);
 *   osm-daoli       real OpenStreetMap buildings of Daoli (../shared/data/osm-harbin-daoli/, read, never
 *                   copied), households estimated by src/lib/geo/households.ts, cut into 800 m tiles as
 *                   stand-in communities, with its OSM roads (arterials barriers, streets cuts);
 *                   skipped with a message on stderr when the folder is absent.
 *   buildings-60000, city-300000  a whole city at once (scripts/bench/partition-city.ts): the CLI in a child
 *                   process on a generated input (cached under the temp folder): wall ms, `workers`,
 *                   `peakMB` (the child's peak RSS, threads included) and for the city `speedup` (1
 *                   worker vs all cores). The city takes about 10 minutes: it runs with --city or
 *                   --case city-300000, else its entry says it was skipped.
 * `--case NAME` runs that case only. `workers` and `peakMB` of the other cases: they run in this
 * process on one thread, and their `peakMB` is this process's peak RSS so far (an upper bound).
 * Returns an array, one entry per case:
 *   { name, ms (median), grids, pctInRange, feasible, meanPolsbyPopper,
 *     baselines: { bisection: {same fields}, kmeans: {same fields} },
 *     then: households, communities, buildings, contiguous, splitCompounds, runs, minMs, maxMs,
 *     metWhereFeasible, unmet }
 * `feasible`: every grid within [min, max] and contiguous (never across a barrier). `metWhereFeasible`:
 * every rule the engine left unmet is one that no partition of the input could meet (a community or
 * piece too small, or holding a number of households no whole count of grids fits, or a building
 * over the maximum). `unmet` counts the engine's unmet rules (all, infeasible, by rule) and lists
 * the first 20 with their reasons. Needs the built dataset (npm run data).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { METRES_PER_DEGREE } from '../../src/lib/geo/crs';
import { loadDistrict } from '../grid';
import { SCALE_CASES, runScaleCase, type ScaleCase, type ScaleCaseName } from './partition-city';
import { partitionGeoJSON } from '../../src/lib/geo/partition/geojson';
import type { Method, PartitionRequest } from '../../src/lib/geo/partition/input';
import type { PartitionOutput } from '../../src/lib/geo/partition/output';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const DISTRICTS = ['230102', '370881', '371602'];
const ROAD_BARRIERS = ['motorway', 'trunk', 'primary', 'secondary', 'railway', 'rail', 'river'];
const OSM_FILE = resolve(ROOT, '../shared/data/osm-harbin-daoli/daoli_buildings.geojson');
const OSM_ROADS = resolve(ROOT, '../shared/data/osm-harbin-daoli/daoli_roads.geojson');

export interface MethodResult {
  ms: number;
  grids: number;
  pctInRange: number;
  feasible: boolean;
  meanPolsbyPopper: number;
  contiguous: boolean;
  splitCompounds: number;
  runs: number;
  minMs: number;
  maxMs: number;
}

export interface PartitionBenchCase extends Omit<
  MethodResult,
  'contiguous' | 'splitCompounds' | 'runs' | 'minMs' | 'maxMs'
> {
  name: string;
  baselines: { bisection: MethodResult; kmeans: MethodResult };
  households: number;
  communities: number;
  buildings: number;
  contiguous: boolean;
  splitCompounds: number;
  runs: number;
  minMs: number;
  maxMs: number;
  /** Threads the case ran on, and the peak resident memory (MB; see the module comment). */
  workers: number;
  peakMB: number;
  /** True when every rule the engine left unmet is one no partition of the input could meet. */
  metWhereFeasible: boolean;
  /**
   * Mean Polsby–Popper of the long run (the engine with LONG_EFFORT × its search budget, same
   * seed), its time, and the default run's gap to the better of the two, in % of it. Only for the
   * cases named by --long (default: community-3000 and district-370881).
   */
  longRun?: { effort: number; meanPolsbyPopper: number; ms: number; pctInRange: number };
  gapToBestPct?: number;
  /**
   * Where roads are known: % of the grids' area across a road from their buildings (street cuts
   * on), the same for plain Voronoi grids (`followStreets: false`, one run) and the share of the
   * area in blocks without buildings (left out of both; see partition/streets.ts).
   */
  areaAcrossRoadsPct?: number;
  areaAcrossRoadsPlainPct?: number;
  areaInEmptyBlocksPct?: number;
  unmet: {
    count: number;
    infeasible: number;
    byRule: Record<string, number>;
    list: { community: string; grid?: string; building?: string; rule: string; infeasible: boolean; reason: string }[];
  };
}

function flag(args: string[], name: string): string | undefined {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? args[k + 1] : undefined;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

function measure(
  req: PartitionRequest,
  method: Method,
  runs: number,
  warmup: number
): { out: PartitionOutput; result: MethodResult } {
  const go = () => {
    const r = partitionGeoJSON({ ...req, method }, () => performance.now());
    if (!r.ok)
      throw new Error(
        r.errors
          .slice(0, 3)
          .map((e) => `${e.layer} ${e.feature} ${e.field}: ${e.message}`)
          .join('; ')
      );
    return r.value;
  };
  for (let w = 0; w < warmup; w++) go();
  const times: number[] = [];
  let out: PartitionOutput | null = null;
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    out = go();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const g = out!.grids.features;
  const inRange = g.filter((f) => f.properties.inRange).length;
  const contiguous = g.every((f) => f.properties.contiguous);
  return {
    out: out!,
    result: {
      ms: r2(times[Math.floor(times.length / 2)]),
      grids: g.length,
      pctInRange: g.length ? r2((100 * inRange) / g.length) : 100,
      feasible: inRange === g.length && contiguous && !out!.unmet.some((u) => u.rule === 'barrier-bridged'),
      meanPolsbyPopper: g.length
        ? Math.round((10000 * g.reduce((s, f) => s + f.properties.polsbyPopper, 0)) / g.length) / 10000
        : 0,
      contiguous,
      splitCompounds: out!.communities.reduce((s, c) => s + c.splitCompounds.length, 0),
      runs,
      minMs: r2(times[0]),
      maxMs: r2(times[times.length - 1])
    }
  };
}

/** The long run's budget: 50 × the default run's kicks (EngineOptions.effort). */
export const LONG_EFFORT = 50;
const LONG_DEFAULT = ['community-3000', 'district-370881'];

function runCase(name: string, req: PartitionRequest, runs: number, warmup: number, long = false): PartitionBenchCase {
  const engine = measure(req, 'engine', runs, warmup);
  const longRun = long ? measure({ ...req, effort: LONG_EFFORT }, 'engine', 1, 0).result : undefined;
  const best = longRun ? Math.max(longRun.meanPolsbyPopper, engine.result.meanPolsbyPopper) : 0;
  const plain = req.barriers ? measure({ ...req, followStreets: false }, 'engine', 1, 0).out : undefined;
  const bisection = measure(req, 'bisection', runs, warmup).result;
  const kmeans = measure(req, 'kmeans', runs, warmup).result;
  const { out, result } = engine;
  const byRule: Record<string, number> = {};
  for (const u of out.unmet) byRule[u.rule] = (byRule[u.rule] ?? 0) + 1;
  return {
    name,
    ms: result.ms,
    grids: result.grids,
    pctInRange: result.pctInRange,
    feasible: result.feasible,
    meanPolsbyPopper: result.meanPolsbyPopper,
    baselines: { bisection, kmeans },
    households: out.communities.reduce((s, c) => s + c.households, 0),
    communities: out.communities.length,
    buildings: out.buildings.length,
    contiguous: result.contiguous,
    splitCompounds: result.splitCompounds,
    runs: result.runs,
    minMs: result.minMs,
    maxMs: result.maxMs,
    workers: 1,
    peakMB: Math.round(process.resourceUsage().maxRSS / 1024),
    metWhereFeasible: out.unmet.every((u) => u.infeasible),
    ...(out.areaAcrossRoadsPct !== undefined
      ? {
          areaAcrossRoadsPct: out.areaAcrossRoadsPct,
          areaAcrossRoadsPlainPct: plain?.areaAcrossRoadsPct,
          areaInEmptyBlocksPct: out.areaInEmptyBlocksPct
        }
      : {}),
    ...(longRun
      ? {
          longRun: {
            effort: LONG_EFFORT,
            meanPolsbyPopper: longRun.meanPolsbyPopper,
            ms: longRun.ms,
            pctInRange: longRun.pctInRange
          },
          gapToBestPct: best > 0 ? r2((100 * (best - result.meanPolsbyPopper)) / best) : 0
        }
      : {}),
    unmet: {
      count: out.unmet.length,
      infeasible: out.unmet.filter((u) => u.infeasible).length,
      byRule,
      list: out.unmet.slice(0, 20).map((u) => ({
        community: u.community,
        ...(u.grid ? { grid: u.grid } : { building: u.building }),
        rule: u.rule,
        infeasible: u.infeasible,
        reason: u.reason
      }))
    }
  };
}

/** OSM buildings of Daoli in 800 m tiles (each tile a stand-in community with the tile as boundary). */
export function osmRequest(): PartitionRequest | null {
  if (!existsSync(OSM_FILE)) return null;
  const fc = JSON.parse(readFileSync(OSM_FILE, 'utf8')) as FeatureCollection;
  const lon0 = 126.5;
  const lat0 = 45.65;
  const dLon = 800 / (METRES_PER_DEGREE * Math.cos((45.72 * Math.PI) / 180));
  const dLat = 800 / METRES_PER_DEGREE;
  const tiles = new Map<string, Feature<Polygon>>();
  const buildings: Feature[] = [];
  for (const f of fc.features) {
    if (!f.properties?.in_daoli || !f.geometry) continue;
    const c = (f.geometry as { coordinates: number[][][][] }).coordinates[0][0][0];
    const i = Math.floor((c[0] - lon0) / dLon);
    const j = Math.floor((c[1] - lat0) / dLat);
    const code = `2301029${String(i).padStart(2, '0')}${String(j).padStart(3, '0')}`;
    if (!tiles.has(code)) {
      const x0 = lon0 + i * dLon;
      const y0 = lat0 + j * dLat;
      tiles.set(code, {
        type: 'Feature',
        properties: { code },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [x0, y0],
              [x0 + dLon, y0],
              [x0 + dLon, y0 + dLat],
              [x0, y0 + dLat],
              [x0, y0]
            ]
          ]
        }
      });
    }
    buildings.push({
      ...f,
      properties: { ...f.properties, id: `${f.properties.osm_type}${f.properties.osm_id}`, community: code }
    });
  }
  // Its OSM roads: the barrier classes as barriers, streets (DEFAULT_STREET_CLASSES) as cuts.
  const roads = existsSync(OSM_ROADS) ? (JSON.parse(readFileSync(OSM_ROADS, 'utf8')) as FeatureCollection) : undefined;
  return {
    buildings: { type: 'FeatureCollection', features: buildings },
    communities: { type: 'FeatureCollection', features: [...tiles.values()] },
    ...(roads ? { barriers: roads, barrierClasses: ROAD_BARRIERS } : {})
  };
}

/** The community of a district closest to `households` (ties: the lower code). */
export function communityNear(buildings: FeatureCollection, households: number): string {
  const load = new Map<string, number>();
  for (const f of buildings.features)
    load.set(f.properties!.community, (load.get(f.properties!.community) ?? 0) + Number(f.properties!.households));
  return [...load].sort(
    (a, b) => Math.abs(a[1] - households) - Math.abs(b[1] - households) || (a[0] < b[0] ? -1 : 1)
  )[0][0];
}

export async function benchPartition(
  args: string[]
): Promise<(PartitionBenchCase | ScaleCase | { name: string; skipped: string })[]> {
  const runs = Number(flag(args, 'runs') ?? 0);
  const caseFlag = flag(args, 'case');
  const want = (name: string) => !caseFlag || caseFlag === name;
  if (caseFlag && caseFlag in SCALE_CASES) return [await runScaleCase(caseFlag as ScaleCaseName)];
  if (caseFlag && !/^(community-3000|district-\d{6}|osm-daoli)$/.test(caseFlag))
    throw new Error(
      `partition bench: unknown --case ${caseFlag}; cases: community-3000, district-<adcode>, osm-daoli, ${Object.keys(SCALE_CASES).join(', ')}`
    );
  // --long all|none|name,name: the cases that get a long run (slow: 50 × the search).
  const longFlag = flag(args, 'long');
  const long = (name: string) =>
    longFlag === 'all' ? true : longFlag === 'none' ? false : (longFlag?.split(',') ?? LONG_DEFAULT).includes(name);
  const only = flag(args, 'district');
  const built = (d: string) => existsSync(resolve(ROOT, 'static/data', d, 'buildings.parquet'));
  const districts = (only ? [only] : DISTRICTS).filter(built);
  if (!districts.length)
    throw new Error('partition bench: no built district under static/data; run npm run data first');
  const cases: PartitionBenchCase[] = [];

  const daoli = districts.includes('230102') ? '230102' : districts[0];
  const input = await loadDistrict(ROOT, daoli);
  const code = communityNear(input.buildings, 3000);
  const one: PartitionRequest = {
    buildings: {
      type: 'FeatureCollection',
      features: input.buildings.features.filter((f) => f.properties!.community === code)
    },
    communities: input.communities && {
      type: 'FeatureCollection',
      features: input.communities.features.filter((f) => f.properties?.code === code)
    },
    barriers: input.barriers,
    barrierClasses: ROAD_BARRIERS
  };
  if (want('community-3000'))
    cases.push({
      ...runCase('community-3000', one, runs || 7, 3, long('community-3000')),
      community: code
    } as PartitionBenchCase);

  for (const d of districts) {
    if (!want(`district-${d}`)) continue;
    const req: PartitionRequest = {
      ...(d === daoli ? input : await loadDistrict(ROOT, d)),
      barrierClasses: ROAD_BARRIERS
    };
    cases.push(runCase(`district-${d}`, req, runs || 3, 0, long(`district-${d}`)));
  }
  const osm = want('osm-daoli') ? osmRequest() : undefined;
  if (osm) cases.push(runCase('osm-daoli', osm, runs || 3, 0, long('osm-daoli')));
  else if (osm === null) console.error(`partition bench: ${OSM_FILE} is absent; the osm-daoli case is skipped`);
  // A whole city at once (#13): buildings-60000 by default, the city (about 10 minutes) when asked for.
  const scale: (ScaleCase | { name: string; skipped: string })[] = [];
  if (want('buildings-60000')) scale.push(await runScaleCase('buildings-60000'));
  if (args.includes('--city')) scale.push(await runScaleCase('city-300000'));
  else if (!caseFlag)
    scale.push({
      name: 'city-300000',
      skipped: 'slow (about 10 minutes: 1 worker, then all cores): run with --city or --case city-300000'
    });
  return [...cases, ...scale];
}
