/**
 * Station points of the current district, fetched once per district for the map overlay, and
 * the station picked on a map with its full record (address, services, hours) for the card.
 */
import type { FeatureCollection, Point } from 'geojson';
import type { DistrictCode, StationKind } from '$lib/data/schema';
import { STATION_KINDS } from '$lib/data/schema';
import { mapLayerUrl } from '$lib/data/paths';
import { fetchData } from '$lib/data/source';
import type { StationProps } from '$lib/map/deck-layers';
import { riderUrl, type RiderStation, type RiderStations } from '$lib/geo/nearest-data';
import { dataset } from './dataset.svelte';

type Stations = FeatureCollection<Point, StationProps>;

/** The maps that draw stations, each with its own choice of kinds. */
export type StationMap = 'plan' | 'heatmap';

class StationsState {
  byDistrict = $state.raw<Partial<Record<DistrictCode, Stations>>>({});
  /**
   * Kinds drawn per map: every kind on the planner's map; none over the heatmap until the leader
   * ticks them (hundreds of symbols above the heat would bury it, on a phone entirely).
   */
  shown = $state.raw<Record<StationMap, ReadonlySet<StationKind>>>({
    plan: new Set(STATION_KINDS),
    heatmap: new Set()
  });
  current = $derived(this.byDistrict[dataset.code] ?? null);
  /** Full records (with addresses) by district, loaded on the first click. */
  records = $state.raw<Partial<Record<DistrictCode, Map<string, RiderStation>>>>({});
  selectedId = $state<string | null>(null);
  selected = $derived.by((): RiderStation | null => {
    const id = this.selectedId;
    if (!id) return null;
    const full = this.records[dataset.code]?.get(id);
    if (full) return full;
    // Until (or unless) the full records are in: what the map layer has, without the address.
    const f = this.current?.features.find((x) => x.properties.id === id);
    if (!f) return null;
    const p = f.properties;
    return {
      id: p.id,
      kind: p.kind,
      name: p.name,
      address: '',
      services: (p.services ? p.services.split(',') : []) as RiderStation['services'],
      opens: p.opens,
      closes: p.closes,
      lon: f.geometry.coordinates[0],
      lat: f.geometry.coordinates[1]
    };
  });

  async load(code: DistrictCode): Promise<void> {
    if (this.byDistrict[code]) return;
    const res = await fetchData(mapLayerUrl(dataset.root, code, 'stations'));
    if (!res.ok) return;
    const fc = (await res.json()) as Stations;
    this.byDistrict = { ...this.byDistrict, [code]: fc };
  }

  async select(id: string | null): Promise<void> {
    this.selectedId = id;
    const code = dataset.code;
    if (!id || this.records[code]) return;
    const res = await fetchData(riderUrl(dataset.root, code, 'stations')).catch(() => null);
    if (!res?.ok) return;
    const data = (await res.json()) as RiderStations;
    this.records = { ...this.records, [code]: new Map(data.stations.map((s) => [s.id, s])) };
  }

  toggle(map: StationMap, kind: StationKind) {
    const next = new Set(this.shown[map]);
    if (next.has(kind)) next.delete(kind);
    else next.add(kind);
    this.shown = { ...this.shown, [map]: next };
  }
}

export const stations = new StationsState();
