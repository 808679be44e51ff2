/**
 * Grid engine benchmark: `npm run bench -- partition [--district 230102] [--runs 3] [--osm]`.
 * Returns an array of rows, one per (case, method):
 *   case 'community': the community closest to 3,000 households, median of --runs (default 5) runs;
 *   case 'district':  every community of the district partitioned in turn (--runs, default 1);
 *   case 'osm':       (with --osm, when ../shared has it) real OSM buildings of central Daoli, households
 *                     estimated by src/lib/geo/households.ts, cut into 800 m tiles as stand-in communities.
 * Each row: case, district, method, communities, buildings, households, grids, ms (median), maxCommunityMs,
 * pctInRange, meanPolsbyPopper, contiguousPct (grids in one piece), splitCompounds.
 * Needs the built dataset (npm run data).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Feature, FeatureCollection, Polygon } from 'geojson';
import { loadDistrict } from '../grid';
import { partitionGeoJSON, type Method, type PartitionOutput, type PartitionRequest } from '../../src/lib/geo/partition/geojson';

const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../..');
const METHODS: Method[] = ['engine', 'bisection', 'kmeans'];
const ROAD_BARRIERS = ['motorway', 'trunk', 'primary', 'secondary', 'railway', 'rail', 'river'];

export interface PartitionBenchRow {
  case: 'community' | 'district' | 'osm';
  district: string;
  method: Method;
  communities: number;
  buildings: number;
  households: number;
  grids: number;
  ms: number;
  maxCommunityMs: number;
  pctInRange: number;
  meanPolsbyPopper: number;
  contiguousPct: number;
  splitCompounds: number;
}

function flag(args: string[], name: string): string | undefined {
  const k = args.indexOf(`--${name}`);
  return k >= 0 ? args[k + 1] : undefined;
}

const r2 = (x: number) => Math.round(x * 100) / 100;

function row(kind: PartitionBenchRow['case'], district: string, method: Method, out: PartitionOutput, times: number[]): PartitionBenchRow {
  const g = out.grids.features;
  const sorted = [...times].sort((a, b) => a - b);
  return {
    case: kind,
    district,
    method,
    communities: out.communities.length,
    buildings: out.buildings.length,
    households: out.communities.reduce((s, c) => s + c.households, 0),
    grids: g.length,
    ms: r2(sorted[Math.floor(sorted.length / 2)]),
    maxCommunityMs: r2(Math.max(0, ...out.communities.map((c) => c.ms))),
    pctInRange: g.length ? r2((100 * g.filter((f) => f.properties.inRange).length) / g.length) : 100,
    meanPolsbyPopper: g.length ? Math.round((10000 * g.reduce((s, f) => s + f.properties.polsbyPopper, 0)) / g.length) / 10000 : 0,
    contiguousPct: g.length ? r2((100 * g.filter((f) => f.properties.contiguous).length) / g.length) : 100,
    splitCompounds: out.communities.reduce((s, c) => s + c.splitCompounds.length, 0)
  };
}

function runCase(kind: PartitionBenchRow['case'], district: string, req: PartitionRequest, runs: number, warmup: number): PartitionBenchRow[] {
  return METHODS.map((method) => {
    const go = () => {
      const r = partitionGeoJSON({ ...req, method }, () => performance.now());
      if (!r.ok) throw new Error(`${district}: ${r.errors.slice(0, 3).map((e) => e.message).join('; ')}`);
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
    return row(kind, district, method, out!, times);
  });
}

/** OSM buildings of central Daoli in 800 m tiles (each tile a stand-in community with the tile as boundary). */
function osmRequest(): PartitionRequest | null {
  const file = resolve(ROOT, '../shared/data/osm-harbin-daoli/daoli_buildings.geojson');
  if (!existsSync(file)) return null;
  const fc = JSON.parse(readFileSync(file, 'utf8')) as FeatureCollection;
  const lon0 = 126.5;
  const lat0 = 45.65;
  const dLon = 800 / (111320 * Math.cos((45.72 * Math.PI) / 180));
  const dLat = 800 / 110570;
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
        geometry: { type: 'Polygon', coordinates: [[[x0, y0], [x0 + dLon, y0], [x0 + dLon, y0 + dLat], [x0, y0 + dLat], [x0, y0]]] }
      });
    }
    buildings.push({ ...f, properties: { ...f.properties, id: `${f.properties.osm_type}${f.properties.osm_id}`, community: code } });
  }
  return { buildings: { type: 'FeatureCollection', features: buildings }, communities: { type: 'FeatureCollection', features: [...tiles.values()] } };
}

export async function benchPartition(args: string[]): Promise<PartitionBenchRow[]> {
  const runs = Number(flag(args, 'runs') ?? 0);
  const only = flag(args, 'district');
  const districts = (only ? [only] : ['230102', '370881', '371602']).filter((d) => existsSync(resolve(ROOT, 'static/data', d, 'buildings.parquet')));
  const rows: PartitionBenchRow[] = [];
  for (const d of districts) {
    const input = await loadDistrict(ROOT, d);
    const req: PartitionRequest = { ...input, barrierClasses: ROAD_BARRIERS };
    // The community closest to 3,000 households.
    const load = new Map<string, number>();
    for (const f of input.buildings.features) load.set(f.properties!.community, (load.get(f.properties!.community) ?? 0) + Number(f.properties!.households));
    const [community] = [...load].sort((a, b) => Math.abs(a[1] - 3000) - Math.abs(b[1] - 3000) || (a[0] < b[0] ? -1 : 1))[0];
    const one: PartitionRequest = {
      ...req,
      buildings: { type: 'FeatureCollection', features: input.buildings.features.filter((f) => f.properties!.community === community) },
      communities: input.communities && { type: 'FeatureCollection', features: input.communities.features.filter((f) => f.properties?.code === community) }
    };
    rows.push(...runCase('community', d, one, runs || 5, 1));
    rows.push(...runCase('district', d, req, runs || 1, 0));
  }
  if (args.includes('--osm')) {
    const osm = osmRequest();
    if (osm) rows.push(...runCase('osm', '230102', osm, runs || 1, 0));
    else console.error('partition bench: ../shared/data/osm-harbin-daoli is absent; the osm case is skipped');
  }
  return rows;
}
