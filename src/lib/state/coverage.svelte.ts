/**
 * The planner's 15-minute service circle: buildings of the district (from the map layer), the
 * rider page's road network, the stations of the kinds ticked in the legend → coverage per
 * building, grid and community, and the best site for one new station. Computed on demand.
 */
import type { FeatureCollection, Point, Polygon, MultiPolygon } from 'geojson';
import type { DistrictCode } from '$lib/data/schema';
import { coverage, coverageContext, bestNewSite, type CoverageContext, type CoverageResult } from '$lib/geo/coverage';
import { decodeRoads, riderUrl, type RiderRoads } from '$lib/geo/nearest-data';
import { dataset } from './dataset.svelte';
import { stations } from './stations.svelte';

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
  ctx = $state.raw<CoverageContext | null>(null);
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

  result = $derived.by((): CoverageResult | null => (this.on && this.ctx && this.code === dataset.code ? coverage(this.ctx, this.points) : null));

  async ensure(code: DistrictCode): Promise<void> {
    if (this.code === code && (this.status === 'ready' || this.status === 'loading')) return;
    this.code = code;
    this.status = 'loading';
    this.ctx = null;
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
      this.ctx = coverageContext(buildings, r ? decodeRoads(r) : null);
      this.status = 'ready';
    } catch (e) {
      this.status = 'error';
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  /** The best single new site for the current result (a few hundred walk computations). */
  suggest(): void {
    if (!this.ctx || !this.result) return;
    this.site = bestNewSite(this.ctx, this.result, 80);
    this.suggested = true;
  }
}

export const coverageState = new CoverageState();
