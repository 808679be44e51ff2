/**
 * The 15-minute service circle: buildings of a district (from the map layer), the rider page's
 * road network, stations → coverage per building, grid and community, and the best site for one
 * new station. The computation runs in one worker (network, snapping and walks take most of a
 * second for a district), which keeps each district's network once built.
 *
 * /plan: the current district, stations of the kinds ticked in the legend (`coverageState`).
 * /compare: each chosen district, its rest stations and all its stations (`districtCoverage`).
 */
import { fetchLayer } from '$lib/map/layer-cache';
import { mapLayerUrl } from '$lib/data/paths';
import type { FeatureCollection, Point } from 'geojson';
import type { DistrictCode, StationKind } from '$lib/data/schema';
import {
  coverageBuildings,
  type AreaCoverage,
  type BuildingLayer,
  type CoverageBuilding,
  type CoverageResult
} from '$lib/geo/coverage';
import { riderUrl, type RiderRoads } from '$lib/geo/nearest-data';
import CoverageWorker from '../../workers/coverage.worker?worker';
import type { CoverageCall, CoverageReply, CoverageRequest } from '../../workers/coverage.worker';
import { workerClient } from '$lib/workers/call';
import { dataset } from './dataset.svelte';
import { stations } from './stations.svelte';

type StationPoint = { lon: number; lat: number };

interface DistrictInputs {
  buildings: CoverageBuilding[];
  roads: 'osm' | 'synthetic' | null;
  names: Map<string, string>;
}

/** One worker for the session: it keeps each district's network once built. */
const worker = workerClient<CoverageCall>(() => new CoverageWorker());

/** A call whose failure is thrown (district loading, /compare). */
async function call(req: CoverageRequest): Promise<CoverageReply> {
  const r = await worker.call(req);
  if (!r.ok) throw new Error(r.message);
  return r.reply;
}

const inited = new Map<DistrictCode, Promise<DistrictInputs>>();

/** Fetches a district's buildings, roads and community names and builds its network in the worker, once per session. */
function district(code: DistrictCode): Promise<DistrictInputs> {
  let p = inited.get(code);
  if (!p) {
    p = (async () => {
      const root = dataset.root;
      const [b, r, c] = await Promise.all([
        fetchLayer<BuildingLayer>(mapLayerUrl(root, code, 'buildings')),
        fetch(riderUrl(root, code, 'roads')).then((x) => (x.ok ? (x.json() as Promise<RiderRoads>) : null)),
        fetchLayer<FeatureCollection<Point, { code: string; name: string }>>(mapLayerUrl(root, code, 'communities'))
      ]);
      const buildings = coverageBuildings(b);
      await call({ type: 'init', key: code, buildings, roads: r });
      return {
        buildings,
        roads: r?.source ?? null,
        names: new Map(c.features.map((f) => [f.properties.code, f.properties.name]))
      };
    })();
    inited.set(code, p);
    p.catch(() => inited.delete(code));
  }
  return p;
}

/**
 * /compare's coverage: households of the district within walking reach of its stations of the
 * given kinds (all when absent), per 5/10/15-minute band.
 */
export async function districtCoverage(code: DistrictCode, kinds?: readonly StationKind[]): Promise<AreaCoverage> {
  await Promise.all([district(code), stations.load(code)]);
  const layer = stations.byDistrict[code];
  if (!layer) throw new Error(`stations.geojson (${code}) could not be loaded`);
  const points = layer.features
    .filter((f) => !kinds || kinds.includes(f.properties.kind))
    .map((f) => ({ lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }));
  const r = await call({ type: 'coverage', key: code, stations: points });
  return r.result!.total;
}

class CoverageState {
  on = $state(false);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  error = $state<string | null>(null);
  code = $state<DistrictCode | null>(null);
  buildings = $state.raw<CoverageBuilding[] | null>(null);
  result = $state.raw<CoverageResult | null>(null);
  roads = $state<'osm' | 'synthetic' | null>(null);
  names = $state.raw<Map<string, string>>(new Map());
  site = $state.raw<{ lon: number; lat: number; gain: number; building: string } | null>(null);
  /** Whether a suggestion was asked for the current result (null site then means: all covered). */
  suggested = $state(false);

  /** Stations counted: the kinds ticked in the legend. */
  points = $derived(
    (stations.current?.features ?? [])
      .filter((f) => stations.shown.plan.has(f.properties.kind))
      .map((f) => ({ lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }))
  );

  private latest = 0;

  private stationsNow(): StationPoint[] {
    return $state.snapshot(this.points);
  }

  /** Recomputes for the current stations; only the newest answer is kept. */
  async refresh(): Promise<void> {
    if (!this.on || this.status !== 'ready' || this.code !== dataset.code) return;
    const id = ++this.latest;
    const r = await worker.call({ type: 'coverage', key: this.code, stations: this.stationsNow() });
    if (id !== this.latest) return;
    if (r.ok) this.result = r.reply.result ?? null;
    else this.error = r.message;
    this.site = null;
    this.suggested = false;
  }

  async ensure(code: DistrictCode): Promise<void> {
    if (this.code === code && (this.status === 'ready' || this.status === 'loading')) return;
    this.code = code;
    this.status = 'loading';
    this.buildings = null;
    this.result = null;
    this.site = null;
    this.suggested = false;
    try {
      const d = await district(code);
      if (this.code !== code) return;
      this.names = d.names;
      this.roads = d.roads;
      this.buildings = d.buildings;
      this.status = 'ready';
    } catch (e) {
      this.status = 'error';
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  /** The best single new site for the current stations (a few hundred walk computations). */
  async suggest(): Promise<void> {
    if (!this.result || !this.code) return;
    const r = await worker.call({ type: 'suggest', key: this.code, stations: this.stationsNow() });
    if (!r.ok) {
      this.error = r.message;
      return;
    }
    this.site = r.reply.site ?? null;
    this.suggested = true;
  }
}

export const coverageState = new CoverageState();
