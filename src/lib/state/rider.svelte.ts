/**
 * The rider page's state: where the rider is (GPS, a tap on the map or a typed place), the
 * filters, the district's compact station and road data, and the nearest stations. Everything
 * is computed on the device: the location is never sent anywhere.
 */
import type { DistrictCode } from '$lib/data/schema';
import { fetchData } from '$lib/data/source';
import { decodeRoads, riderUrl, type RiderRoads, type RiderStations } from '$lib/geo/nearest-data';
import {
  nearestStations,
  routeLine,
  stationFinder,
  type NearestResult,
  type StationFinder
} from '$lib/geo/nearest-stations';
import type { LonLat } from '$lib/geo/network';
import { RIDER_KINDS } from '$lib/map/legend';
import { matchPlaces, type PlaceMatch } from '$lib/geo/rider-places';
import { districtFor, type DistrictBox, type RiderDistrict } from '$lib/geo/rider-district';

/** Stations farther than this in a straight line are not answers: nobody rides there for a rest. */
export const RIDER_RADIUS_KM = 20;

export type LocationSource = 'gps' | 'tap' | 'typed';

class RiderState {
  code = $state<DistrictCode | null>(null);
  stations = $state.raw<RiderStations | null>(null);
  roads = $state.raw<RiderRoads | null>(null);
  /** Built from stations (+ roads once they arrive). */
  finder = $state.raw<StationFinder | null>(null);
  location = $state.raw<{ lon: number; lat: number; source: LocationSource; label?: string } | null>(null);
  locating = $state(false);
  locateError = $state(false);
  charging = $state(false);
  openNow = $state(false);
  allKinds = $state(false);
  selected = $state<string | null>(null);
  error = $state<string | null>(null);
  /** The district's data could not be fetched because the network is gone (it was never cached on this phone). */
  offline = $state(false);
  /** The district the rider's GPS location is in, or the nearest one and how far (see `placeIn`). */
  district = $state.raw<RiderDistrict | null>(null);
  /** Re-evaluated each minute so "open now" stays true. */
  now = $state(Date.now());

  results = $derived.by((): NearestResult[] => {
    if (!this.finder || !this.location) return [];
    return nearestStations(this.finder, this.location.lon, this.location.lat, 5, {
      maxDistance: RIDER_RADIUS_KM * 1000,
      kinds: this.allKinds ? undefined : new Set<string>(RIDER_KINDS),
      services: this.charging ? ['charging'] : [],
      openNow: this.openNow,
      now: this.now
    });
  });

  route = $derived.by((): { line: LonLat[]; method: 'road' | 'straight' } | null => {
    if (!this.finder || !this.location || !this.selected) return null;
    const i = this.finder.stations.findIndex((s) => s.id === this.selected);
    return i < 0 ? null : routeLine(this.finder, this.location.lon, this.location.lat, i);
  });

  private loading: DistrictCode | null = null;

  /** Stations first (the first answer, by straight line), then the roads (riding distances). */
  load(root: string, code: DistrictCode): Promise<void> {
    if (this.loading === code) return Promise.resolve();
    this.loading = code;
    this.stations = null;
    this.roads = null;
    this.finder = null;
    this.selected = null;
    this.error = null;
    this.offline = false;
    return this.fetchData(root, code);
  }

  private async fetchData(root: string, code: DistrictCode): Promise<void> {
    try {
      let res: Response;
      try {
        res = await fetchData(riderUrl(root, code, 'stations'));
      } catch (e) {
        // fetch rejects only when nothing answered: no network, and the service worker has no copy.
        if (this.loading === code) this.offline = true;
        throw e;
      }
      if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
      const st = (await res.json()) as RiderStations;
      if (this.loading !== code) return;
      this.code = code;
      this.stations = st;
      this.finder = stationFinder(st.stations);
      performance.mark('rider-stations');
      // The roads only now, so they do not share the phone's bandwidth with the stations.
      const r = await fetch(riderUrl(root, code, 'roads'));
      if (!r.ok || this.loading !== code) return;
      const roads = (await r.json()) as RiderRoads;
      // Let the first answer paint before building the network.
      await new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));
      if (this.loading !== code) return;
      this.roads = roads;
      this.finder = stationFinder(st.stations, decodeRoads(roads));
      performance.mark('rider-roads');
    } catch (e) {
      if (this.loading === code) this.error = e instanceof Error ? e.message : String(e);
    }
  }

  locate(): void {
    if (typeof navigator === 'undefined' || !navigator.geolocation) {
      this.locateError = true;
      return;
    }
    this.locating = true;
    navigator.geolocation.getCurrentPosition(
      (p) => {
        this.locating = false;
        this.locateError = false;
        this.location = { lon: p.coords.longitude, lat: p.coords.latitude, source: 'gps' };
        performance.mark('rider-located');
      },
      () => {
        this.locating = false;
        this.locateError = true;
      },
      { enableHighAccuracy: true, timeout: 10_000, maximumAge: 60_000 }
    );
  }

  /**
   * The district to show for a GPS location: the one it is in, else the nearest (with its
   * distance kept in `district` for the page to say).
   */
  placeIn(districts: readonly DistrictBox[]): string | null {
    if (this.location?.source !== 'gps') return null;
    this.district = districtFor(districts, this.location.lon, this.location.lat);
    return this.district?.code ?? null;
  }

  setPoint(lon: number, lat: number, source: LocationSource, label?: string) {
    this.location = { lon, lat, source, label };
    this.selected = null;
  }

  /** Communities, streets and stations matching typed text, best first. */
  placeMatches(text: string): PlaceMatch[] {
    if (!this.stations) return [];
    return matchPlaces(this.stations.places ?? [], this.stations.stations, text);
  }

  /** A picked place: the nearest stations are then measured from its centre. */
  pickPlace(m: PlaceMatch) {
    this.setPoint(m.lon, m.lat, 'typed', m.name);
  }

  tick() {
    this.now = Date.now();
  }
}

export const rider = new RiderState();
