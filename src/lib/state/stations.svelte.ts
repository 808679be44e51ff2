/** Station points of the current district, fetched once per district for the map overlay. */
import type { FeatureCollection, Point } from 'geojson';
import type { DistrictCode, StationKind } from '$lib/data/schema';
import { STATION_KINDS } from '$lib/data/schema';
import { mapLayerUrl } from '$lib/data/paths';
import type { StationProps } from '$lib/map/deck-layers';
import { dataset } from './dataset.svelte';

type Stations = FeatureCollection<Point, StationProps>;

class StationsState {
  byDistrict = $state.raw<Partial<Record<DistrictCode, Stations>>>({});
  visibleKinds = $state.raw<ReadonlySet<StationKind>>(new Set(STATION_KINDS));
  current = $derived(this.byDistrict[dataset.code] ?? null);

  async load(code: DistrictCode): Promise<void> {
    if (this.byDistrict[code]) return;
    const res = await fetch(mapLayerUrl(dataset.root, code, 'stations'));
    if (!res.ok) return;
    const fc = (await res.json()) as Stations;
    this.byDistrict = { ...this.byDistrict, [code]: fc };
  }

  toggle(kind: StationKind) {
    const next = new Set(this.visibleKinds);
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    this.visibleKinds = next;
  }
}

export const stations = new StationsState();
