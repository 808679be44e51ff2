/**
 * Which district is shown, and what the embedded dataset holds. The district is shared by
 * every page (the picker in the header), kept in the URL (?d=) and remembered locally.
 */
import { base } from '$app/paths';
import { replaceState } from '$app/navigation';
import { DISTRICTS, isDemoDistrict } from '$lib/data/districts';
import { dataRoot, indexUrl, mapLayerUrl } from '$lib/data/paths';
import type {
  DatasetIndex,
  DemoDistrictCode,
  DistrictCode,
  MapLayerName,
  OptionalMapLayerName
} from '$lib/data/schema';
import { mergeIndex, type LocalSummary } from '$lib/data/local/keys';
import { listLocal } from '$lib/data/local/store';
import { i18n } from '$lib/i18n/index.svelte';
import { districtName } from '$lib/i18n/format';
import { province } from './province.svelte';

const KEY = 'gridatlas.district';

class DatasetState {
  /** Only a demo district: the pages that follow it (plan, heatmap, rider, data) cannot open a province-layout one. */
  code = $state<DemoDistrictCode>(DISTRICTS[0].code);
  /** index.json as built, and with the districts' own data (Data page) in place of the demo's: `index`. */
  builtIndex = $state.raw<DatasetIndex | null>(null);
  local = $state.raw<LocalSummary[]>([]);
  index = $derived(this.builtIndex && mergeIndex(this.builtIndex, this.local));
  error = $state<string | null>(null);

  readonly root = dataRoot(typeof location === 'undefined' ? '' : location.origin, base);

  info = $derived(DISTRICTS.find((d) => d.code === this.code)!);
  summary = $derived(this.index?.districts.find((d) => d.code === this.code) ?? null);
  /**
   * What the map credits: the data's required credit (OpenStreetMap's for Daoli), or, where the
   * buildings are generated, that the geography is schematic, so nobody reads a made-up street plan as real.
   */
  mapAttribution = $derived(
    this.summary?.attribution ??
      (this.summary?.syntheticTables.includes('buildings') ? i18n.t('map.schematic') : undefined)
  );

  constructor() {
    if (typeof location === 'undefined') return;
    const fromUrl = new URLSearchParams(location.search).get('d');
    const saved = localStorage.getItem(KEY);
    if (fromUrl && isDemoDistrict(fromUrl)) this.code = fromUrl;
    else if (saved && isDemoDistrict(saved)) this.code = saved;
    // A link to a district these pages cannot open (a province-layout code, a typo): the page
    // shows a demo district and says so, instead of quietly showing another place.
    if (fromUrl && !isDemoDistrict(fromUrl)) this.notOpened = fromUrl;
  }

  /** The `?d=` code of the link that opened this page when it is not a demo district (null otherwise). */
  notOpened = $state<string | null>(null);

  select(code: DemoDistrictCode) {
    this.notOpened = null;
    this.code = code;
    localStorage.setItem(KEY, code);
    const url = new URL(location.href);
    url.searchParams.set('d', code);
    replaceState(url, {});
  }

  layerUrl = (layer: MapLayerName | OptionalMapLayerName) => mapLayerUrl(this.root, this.code, layer);

  /** The optional map layers (water) the current district has; the maps draw only these, so none is asked for in vain. */
  optionalLayers = $derived<readonly OptionalMapLayerName[]>(this.summary?.optionalLayers ?? []);

  /** Whether the district runs on its own data (saved on the Data page in this browser). */
  hasLocal = (code: DistrictCode) => this.local.some((l) => l.district === code);

  /** The district's name in the UI's language, marked when it runs on its own data: 道里区（本地数据）. */
  displayName = (code: DistrictCode) => {
    const d = DISTRICTS.find((x) => x.code === code);
    if (!d) {
      // A province-layout district: its Chinese name (no English one is bundled: in English, name and code).
      const p = province.district(code);
      if (!p) return code;
      return i18n.locale === 'zh' ? p.name : i18n.f('province.nameEn', { name: p.name, code });
    }
    const n = districtName(d, i18n.locale);
    return this.hasLocal(code) ? i18n.f('data.localName', { name: n }) : n;
  };

  private loading: Promise<void> | null = null;

  /** Reads index.json and which districts have their own data, once (every caller waits for the same read). */
  load(): Promise<void> {
    this.loading ??= this.read();
    return this.loading;
  }

  private async read(): Promise<void> {
    try {
      const [res] = await Promise.all([fetch(indexUrl(this.root)), this.loadLocal()]);
      if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
      this.builtIndex = (await res.json()) as DatasetIndex;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
      // A later call tries again.
      this.loading = null;
    }
  }

  /** Reads which districts have their own data (again, after the Data page saved or removed some). */
  async loadLocal(): Promise<void> {
    // Without IndexedDB (blocked storage) every district shows the demo, as its files do (source.ts).
    this.local = typeof indexedDB === 'undefined' ? [] : await listLocal().catch(() => []);
  }
}

export const dataset = new DatasetState();
