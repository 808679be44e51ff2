/**
 * /compare: which districts are side by side (2–3, kept in the URL as ?ds=230102,370881), and
 * their figures from the named comparison SQL of queries.ts run by DuckDB-wasm over the Parquet.
 */
import { replaceState } from '$app/navigation';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { DISTRICT_CODES, isDemoDistrict } from '$lib/data/districts';
import { province } from './province.svelte';
import { openDb, type BrowserDb } from '$lib/data/duckdb-browser';
import { districtFigures, type DistrictFigures } from '$lib/data/compare-figures';
import { sameNumbers } from '$lib/data/precomputed';
import { builtFigures } from './built-figures';
import { mapLayerUrl } from '$lib/data/paths';
import { fetchLayer } from '$lib/map/layer-cache';
import type { ComputedCounts } from '$lib/data/published';
import { COMPARE_COLUMNS } from '$lib/data/queries';
import type { DistrictCode } from '$lib/data/schema';
import { PARAM, parseSelection, toggleSelection } from '$lib/data/compare-selection';
import { districtCoverage } from './coverage.svelte';
import { share } from '$lib/geo/coverage';
import { RIDER_KINDS } from '$lib/map/legend';
import { dataset } from './dataset.svelte';
import { i18n } from '$lib/i18n/index.svelte';
import { rewind } from '$lib/components/SmallMultiple.svelte';

export { MIN_DISTRICTS, MAX_DISTRICTS } from '$lib/data/compare-selection';

/** Shares (0–1) of households within a 15-minute walk of a rest station (RIDER_KINDS) and of any station. */
export interface DistrictCoverage {
  rest: number;
  all: number;
}

export type CommunityMap = FeatureCollection<
  Polygon | MultiPolygon,
  { code: string; name: string; households: number }
>;

export function computedCounts(f: DistrictFigures): ComputedCounts {
  return {
    communities: f.summary.communities,
    grids: f.summary.grids,
    compounds: f.summary.compounds,
    incidents: f.summary.incidents,
    stations: Object.fromEntries(f.stationKinds.map((k) => [k.kind, k.n]))
  };
}

class CompareState {
  selected = $state<DistrictCode[]>([...DISTRICT_CODES]);
  figures = $state.raw<Partial<Record<DistrictCode, DistrictFigures>>>({});
  maps = $state.raw<Partial<Record<DistrictCode, CommunityMap>>>({});
  error = $state<string | null>(null);
  /** Milliseconds from opening the page's database to the first answered query (null until then). */
  startMs = $state<number | null>(null);
  /** Shares of households within a 15-minute walk of a rest station / of any station (coverage.svelte.ts), per district. */
  coverage = $state.raw<Partial<Record<DistrictCode, DistrictCoverage>>>({});
  /** Milliseconds to load (decode + insert) the columns the comparison reads, per district. */
  loadMs = $state.raw<Partial<Record<DistrictCode, number>>>({});
  /** performance.now() when each district's table load began and ended (the loads overlap). */
  loadSpans: Partial<Record<DistrictCode, [number, number]>> = {};

  private db: BrowserDb | null = null;
  private loading = new Map<DistrictCode, Promise<void>>();

  /**
   * Where each district's shown figures come from: 'built' = computed by Node DuckDB when the data
   * was built (figures.json), shown until 'browser' = DuckDB-wasm's own answer over the Parquet here.
   */
  source = $state.raw<Partial<Record<DistrictCode, 'built' | 'browser'>>>({});
  /** Districts whose built figures differed from the browser's answer (the browser's are shown). */
  mismatched = $state.raw<DistrictCode[]>([]);
  /** Districts whose built figures the browser's answer confirmed. */
  confirmed = $state.raw<DistrictCode[]>([]);
  /** The engine that computed the built figures (one string for the dataset). */
  builtEngine = $state<string | null>(null);

  loaded = $derived(this.selected.every((c) => this.figures[c]));
  /** Every chosen district's figures are DuckDB-wasm's own (or its load failed: `error` says so). */
  settled = $derived(this.error != null || this.selected.every((c) => this.source[c] === 'browser'));

  initFromUrl() {
    if (typeof location === 'undefined') return;
    this.selected = parseSelection(new URLSearchParams(location.search).get(PARAM));
  }

  toggle(code: DistrictCode) {
    this.selected = toggleSelection(this.selected, code);
    const url = new URL(location.href);
    url.searchParams.set(PARAM, this.selected.join(','));
    replaceState(url, {});
  }

  async database(): Promise<BrowserDb> {
    if (this.db) return this.db;
    const t0 = performance.now();
    const db = await openDb(dataset.root);
    await db.query('SELECT 1');
    this.startMs ??= performance.now() - t0;
    return (this.db = db);
  }

  /** Loads one district's tables and runs every comparison query once per session. */
  load(code: DistrictCode): Promise<void> {
    let p = this.loading.get(code);
    if (!p) {
      p = this.fetchDistrict(code).catch((e) => {
        this.loading.delete(code);
        this.error = e instanceof Error ? e.message : String(e);
      });
      this.loading.set(code, p);
    }
    return p;
  }

  private async fetchDistrict(code: DistrictCode) {
    if (!isDemoDistrict(code)) {
      // A province-layout district: only its own partitions and map layers are fetched (paths.ts), once the index says it exists.
      await province.load();
      if (!province.district(code)) throw new Error(i18n.f('compare.unknown', { code }));
    }
    // The small map shows as soon as it arrives, beside the built figures.
    const mapReq = fetchLayer<CommunityMap>(mapLayerUrl(dataset.root, code, 'communities')).then((fc) => {
      this.maps = { ...this.maps, [code]: { ...fc, features: fc.features.map(rewind) } };
    });
    // Its failure is reported where it is awaited, below.
    mapReq.catch(() => {});
    void this.showBuilt(code);
    // The tables download and decode while DuckDB-wasm starts (database() times that start).
    const db = await openDb(dataset.root);
    const started = this.database();
    const t0 = performance.now();
    await db.use(COMPARE_COLUMNS, code);
    const t1 = performance.now();
    await started;
    this.loadMs = { ...this.loadMs, [code]: t1 - t0 };
    this.loadSpans[code] = [t0, t1];
    // Awaited before the spread: districts load side by side, and a spread taken before the await
    // would drop a district that finished in between.
    const figures = await districtFigures(db, code);
    const shown = this.figures[code];
    if (shown && this.source[code] === 'built') {
      if (sameNumbers(shown, figures)) this.confirmed = [...this.confirmed, code];
      else this.mismatched = [...this.mismatched, code];
    }
    this.figures = { ...this.figures, [code]: figures };
    this.source = { ...this.source, [code]: 'browser' };
    await mapReq;
  }

  /**
   * Shows the figures computed when the data was built, unless the browser's are already in or the
   * district runs on its own data (Data page), whose figures only the browser can compute. A missing
   * or malformed file shows nothing: the browser's answer follows either way.
   */
  private async showBuilt(code: DistrictCode) {
    const built = await builtFigures(code);
    if (!built || this.figures[code]) return;
    this.builtEngine = built.engine;
    this.figures = { ...this.figures, [code]: built.figures };
    this.source = { ...this.source, [code]: 'built' };
  }

  private coverageLoads = new Map<DistrictCode, Promise<void>>();

  /**
   * The district's coverage shares, once per session. The page asks once every chosen district's
   * figures are in: reading a buildings layer for the walk network costs main-thread time.
   */
  loadCoverage(code: DistrictCode): Promise<void> {
    // The province layout has no rider road network, which the walk model needs (the table says so).
    if (!isDemoDistrict(code)) return Promise.resolve();
    let p = this.coverageLoads.get(code);
    if (!p) {
      p = Promise.all([districtCoverage(code, RIDER_KINDS), districtCoverage(code)])
        .then(([rest, all]) => {
          this.coverage = { ...this.coverage, [code]: { rest: share(rest, 15), all: share(all, 15) } };
        })
        .catch((e) => {
          this.coverageLoads.delete(code);
          this.error = e instanceof Error ? e.message : String(e);
        });
      this.coverageLoads.set(code, p);
    }
    return p;
  }
}

export const compare = new CompareState();
