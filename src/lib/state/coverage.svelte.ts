/**
 * The planner's 15-minute service circle: buildings of the district (from the map layer), the
 * rider page's road network, the stations of the kinds ticked in the legend → coverage per
 * building, grid and community, and the best site for one new station. The computation runs
 * in a worker (network, snapping and walks take most of a second for a district).
 */
import type { FeatureCollection, Point, Polygon, MultiPolygon } from 'geojson';
import type { DistrictCode } from '$lib/data/schema';
import type { CoverageBuilding, CoverageResult } from '$lib/geo/coverage';
import { riderUrl, type RiderRoads } from '$lib/geo/nearest-data';
import CoverageWorker from '../../workers/coverage.worker?worker';
import type { CoverageReply, CoverageRequest } from '../../workers/coverage.worker';
import { dataset } from './dataset.svelte';
import { stations } from './stations.svelte';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type BuildingFC = FeatureCollection<Polygon | MultiPolygon, { id: string; households: number; grid: string | null; community: string }>;

function centroid(g: Polygon | MultiPolygon): [number, number] {
  const ring = g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
  let x = 0;
  let y = 0;
  const n = ring.length > 1 ? ring.length - 1 : ring.length;
  for (let i = 0; i < n; i++) {
    x += ring[i][0];
    y += ring[i][1];
  }
  return [x / n, y / n];
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
      .filter((f) => stations.visibleKinds.has(f.properties.kind))
      .map((f) => ({ lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }))
  );

  private worker: Worker | null = null;
  private pending = new Map<number, (r: CoverageReply) => void>();
  private nextId = 0;
  private latest = 0;

  private call(req: DistributiveOmit<CoverageRequest, 'id'>): Promise<CoverageReply> {
    if (!this.worker) {
      this.worker = new CoverageWorker();
      this.worker.onmessage = (e: MessageEvent<CoverageReply>) => {
        this.pending.get(e.data.id)?.(e.data);
        this.pending.delete(e.data.id);
      };
    }
    const id = ++this.nextId;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker!.postMessage({ ...req, id });
    });
  }

  /** Recomputes for the current stations; only the newest answer is kept. */
  async refresh(): Promise<void> {
    if (!this.on || this.status !== 'ready' || this.code !== dataset.code) return;
    const id = ++this.latest;
    const r = await this.call({ type: 'coverage', stations: $state.snapshot(this.points) });
    if (id !== this.latest) return;
    if (r.ok) this.result = r.result ?? null;
    else this.error = r.error;
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
      const root = dataset.root;
      const [b, r, c] = await Promise.all([
        fetch(`${root}/${code}/map/buildings.geojson`).then((x) => x.json() as Promise<BuildingFC>),
        fetch(riderUrl(root, code, 'roads')).then((x) => (x.ok ? (x.json() as Promise<RiderRoads>) : null)),
        fetch(`${root}/${code}/map/communities.geojson`).then(
          (x) => x.json() as Promise<FeatureCollection<Point, { code: string; name: string }>>
        )
      ]);
      if (this.code !== code) return;
      const buildings = b.features.map((f) => {
        const [lon, lat] = centroid(f.geometry);
        return { id: f.properties.id, lon, lat, households: f.properties.households, grid: f.properties.grid, community: f.properties.community };
      });
      this.names = new Map(c.features.map((f) => [f.properties.code, f.properties.name]));
      this.roads = r?.source ?? null;
      const init = await this.call({ type: 'init', buildings, roads: r });
      if (this.code !== code) return;
      if (!init.ok) throw new Error(init.error);
      this.buildings = buildings;
      this.status = 'ready';
    } catch (e) {
      this.status = 'error';
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  /** The best single new site for the current stations (a few hundred walk computations). */
  async suggest(): Promise<void> {
    if (!this.result) return;
    const r = await this.call({ type: 'suggest', stations: $state.snapshot(this.points) });
    if (!r.ok) {
      this.error = r.error;
      return;
    }
    this.site = r.site ?? null;
    this.suggested = true;
  }
}

export const coverageState = new CoverageState();
