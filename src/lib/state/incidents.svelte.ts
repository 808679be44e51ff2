/**
 * The current district's incidents for /heatmap: typed columns read once with DuckDB-wasm (map
 * filtering happens on the client, see heatmap-data.ts), the KPI, hotspot and timeline numbers
 * from the named SQL of queries.ts run by DuckDB-wasm, and the map's mode and focus.
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { bbox } from '@turf/turf';
import { openDb, type BrowserDb } from '$lib/data/duckdb-browser';
import { incidentNumbers, type Hotspot, type Kpis } from '$lib/data/incident-numbers';
import {
  districtCommunities,
  districtGrids,
  HEATMAP_COLUMNS,
  incidentDailyCounts,
  incidentFilterColumns,
  INCIDENT_DAYS,
  periodDays,
  type IncidentFilter
} from '$lib/data/queries';
import type { DistrictCode, IncidentCategory } from '$lib/data/schema';
import {
  filterIncidents,
  gridRates,
  sameFilter,
  type FilteredIncidents,
  type IncidentColumns
} from '$lib/map/heatmap-data';
import type { GridFeature, GridProps } from '$lib/map/heatmap-layers';
import { rateBreaks, type HeatmapMode } from '$lib/map/heatmap-legend';
import { softwareWebGl } from '$lib/map/webgl-info';
import { fetchLayer } from '$lib/map/layer-cache';
import { sameNumbers, type PrecomputedHeatmap } from '$lib/data/precomputed';
import { builtFigures } from './built-figures';
import { dataset } from './dataset.svelte';
import { filters } from './filters.svelte';

export interface CommunityInfo {
  code: string;
  name: string;
  street: string;
  streetName: string;
}
export type Bounds = [number, number, number, number];

/** Rows of an Arrow result as plain objects (small results only). */
function rows<T>(t: Awaited<ReturnType<BrowserDb['query']>>): T[] {
  return t.toArray().map((r) => r.toJSON() as T);
}

export function boundsOf(positions: ArrayLike<number>): Bounds | null {
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (let i = 0; i < positions.length; i += 2) {
    const x = positions[i],
      y = positions[i + 1];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  return x0 <= x1 ? [x0, y0, x1, y1] : null;
}

export function featureBounds(f: GridFeature): Bounds | null {
  const flat = (f.geometry.coordinates as unknown as number[][]).flat(3) as unknown as number[];
  return boundsOf(flat);
}

/** Loads a district's tables into DuckDB-wasm and reads the typed columns the map filters. */
export async function readIncidentColumns(
  db: BrowserDb,
  code: DistrictCode
): Promise<{ columns: IncidentColumns; communities: CommunityInfo[] }> {
  await db.use(HEATMAP_COLUMNS, code);
  const comms = rows<{ code: string; name: string; street: string; street_name: string }>(
    await db.query(districtCommunities(db.source, code))
  );
  const gridCodes = rows<{ code: string }>(await db.query(districtGrids(db.source, code))).map((g) => g.code);
  const t = await db.query(incidentFilterColumns(db.source, code));
  const col = <T>(name: string) => t.getChild(name)!.toArray() as unknown as T;
  const columns: IncidentColumns = {
    length: t.numRows,
    lon: col<Float64Array>('lon'),
    lat: col<Float64Array>('lat'),
    cat: col<Int8Array>('cat'),
    st: col<Int8Array>('st'),
    day: col<Int16Array>('day'),
    ci: col<Int16Array>('ci'),
    gi: col<Int16Array>('gi'),
    communities: comms.map((c) => ({ code: c.code, street: c.street })),
    grids: gridCodes
  };
  return {
    columns,
    communities: comms.map((c) => ({ code: c.code, name: c.name, street: c.street, streetName: c.street_name }))
  };
}

class IncidentsState {
  columns = $state.raw<IncidentColumns | null>(null);
  communities = $state.raw<CommunityInfo[]>([]);
  grids = $state.raw<FeatureCollection<Polygon | MultiPolygon, GridProps> | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  code = $state<DistrictCode | null>(null);

  kpis = $state.raw<Kpis | null>(null);
  top = $state.raw<{ category: IncidentCategory; n: number }[]>([]);
  hotspots = $state.raw<Hotspot[]>([]);
  /** The filter the KPI numbers and hotspots were computed for (their rates average over its period). */
  kpiFilter = $state.raw<IncidentFilter | null>(null);
  daily = $state.raw<Int32Array | null>(null);
  /**
   * Where the numbers shown come from: 'built' = the opening filter's numbers computed when the data
   * was built (figures.json, precomputed.ts), shown while DuckDB-wasm starts; 'browser' = DuckDB-wasm's
   * own answer here. `mismatch`: the browser's answer for that filter differed from the built one (it is shown).
   */
  source = $state<'built' | 'browser' | null>(null);
  mismatch = $state(false);
  /** The browser's answer for the built numbers' filter matched them. */
  confirmed = $state(false);
  builtEngine = $state<string | null>(null);
  /**
   * The first district's built numbers are shown, or known absent (the map mounts then, once: numbers
   * first; a later district keeps the map).
   */
  builtSettled = $state(false);
  /** The built numbers, kept until the browser's answer for the same filter has been compared with them. */
  private built: PrecomputedHeatmap | null = null;
  /**
   * Milliseconds of the last client-side filter pass, the last KPI queries (sent → answered) and
   * the last map update (filter handed to the map → the frame after it drew); `?debug` shows them.
   */
  filterMs = $state(0);
  kpiMs = $state(0);
  mapMs = $state(0);
  /** Bumped when a KPI refresh finished, and when the map has drawn a new filter; tests wait for them. */
  kpiVersion = $state(0);
  mapVersion = $state(0);

  mode = $state<HeatmapMode>('heatmap');
  colorDomain = $state.raw<[number, number] | null>(null);
  focus = $state.raw<GridFeature | null>(null);
  /**
   * The filter the map draws (layers, per-grid rates, legend). It follows `filters.current` only
   * once the KPI numbers for that filter are painted (`follow`): a map draw can take seconds under
   * software WebGL and must never hold up the numbers. Null until the district's first numbers.
   */
  mapFilter = $state.raw<IncidentFilter | null>(null);
  /** Where the map should look; null = the district (extent). */
  view = $state.raw<Bounds | null>(null);
  /**
   * The district's data extent (its grids, where every incident lies): the initial view and what
   * briefing mode re-fits to. The district index's bbox is wider (outlying boundary), which left
   * the built-up area off-centre.
   */
  extent: Bounds | null = $derived(this.grids?.features.length ? (bbox(this.grids) as Bounds) : null);

  /**
   * Hexagon and grid filter on the GPU (heatmap-layers.ts); false once deck.gl reported that it
   * cannot aggregate on this GPU, and from the start where WebGL is software: there the "GPU" is
   * the CPU behind a slower path, and passing every incident of the district through it on each
   * playback step (Daoli: 400,000) cost 180–250 ms a step, where the CPU filter pass and deck.gl's
   * CPU aggregation of the month's few thousand take a few milliseconds (bench: playbackFrameMs).
   */
  gpuFilter = $state(!softwareWebGl());

  /** WebGL runs in software here: the heatmap is aggregated at a lower resolution, and the page says so. */
  get softwareGl(): boolean {
    return softwareWebGl();
  }

  /** performance.now() of deck.gl's last hexagon/grid aggregation, and of the map's last new filter (benchmark signals; not reactive). */
  aggregatedAt = 0;
  mapFilterAt = 0;
  /** While true (benchmark), no KPI/timeline queries run. */
  suspendQueries = false;
  private db: BrowserDb | null = null;
  private kpiSeq = 0;
  private followSeq = 0;
  private dailySeq = 0;

  streets = $derived.by(() => {
    const m = new Map<string, string>();
    for (const c of this.communities) m.set(c.street, c.streetName);
    return [...m].map(([code, name]) => ({ code, name }));
  });

  filtered: FilteredIncidents | null = $derived.by(() => {
    const c = this.columns;
    const f = this.mapFilter;
    if (!c || !f) return null;
    const t0 = performance.now();
    const r = filterIncidents(c, f);
    this.recordFilterMs(performance.now() - t0);
    return r;
  });

  /** Incidents per 1,000 households a year by grid code, for the choropleth (over the map's filter period). */
  rates = $derived.by(() => {
    const c = this.columns;
    const f = this.filtered;
    const mf = this.mapFilter;
    if (!c || !f || !mf || !this.grids) return new Map<string, number>();
    const hh = new Map(this.grids.features.map((g) => [g.properties.code, g.properties.households]));
    return gridRates(c.grids, f.gridCounts, hh, mf);
  });
  breaks = $derived(rateBreaks([...this.rates.values()]));

  private recordFilterMs(ms: number) {
    queueMicrotask(() => (this.filterMs = ms));
  }

  async load(code: DistrictCode, force = false): Promise<void> {
    if (this.code === code && !force) return;
    this.code = code;
    this.loading = true;
    this.error = null;
    this.columns = null;
    this.mapFilter = null;
    this.grids = null;
    this.kpis = null;
    this.daily = null;
    this.focus = null;
    this.view = null;
    this.source = null;
    this.mismatch = false;
    this.confirmed = false;
    this.built = null;
    void this.showBuilt(code);
    try {
      const db = (this.db = await openDb(dataset.root));
      // The basemap reads the same layer: one download (layer-cache.ts), through the data seam.
      const gridsReq = fetchLayer<FeatureCollection<Polygon | MultiPolygon, GridProps>>(dataset.layerUrl('grids'));
      const { columns, communities: comms } = await readIncidentColumns(db, code);
      const grids = await gridsReq;
      if (this.code !== code) return;
      // The timeline runs to the last month with incidents (a district's own log may go past the demo's two years).
      let last = -1;
      for (const d of columns.day) if (d > last) last = d;
      filters.setPeriod(periodDays(last < 0 ? null : last));
      this.communities = comms;
      this.grids = grids;
      this.columns = columns;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.loading = false;
    }
  }

  /**
   * A filter change: the KPI numbers first, then, once they are painted, the map. A later call
   * wins over an earlier one still running (its map update is skipped).
   */
  async follow(code: DistrictCode, f: IncidentFilter): Promise<void> {
    const seq = ++this.followSeq;
    await this.refreshKpis(code, f);
    await afterPaint();
    if (seq !== this.followSeq || this.code !== code || !this.columns) return;
    if (this.mapFilter && sameFilter(this.mapFilter, f)) return;
    const t0 = (this.mapFilterAt = performance.now());
    this.mapFilter = f;
    // deck.gl draws in its next animation frame; the frame after that comes once it has drawn.
    await nextFrame();
    await nextFrame();
    if (seq === this.followSeq) this.mapMs = performance.now() - t0;
    this.mapVersion++;
  }

  /**
   * Shows the opening filter's numbers computed when the data was built, while DuckDB-wasm starts:
   * not for a district on its own data (Data page), nor once the filter is another (a link's) or the
   * browser's numbers are in. A missing or malformed file shows nothing; the browser's answer follows.
   */
  private async showBuilt(code: DistrictCode) {
    const b = await builtFigures(code);
    if (this.code !== code) return;
    const h = b?.heatmap;
    if (b && h && !this.source && sameFilter(filters.current, h.filter)) {
      this.built = h;
      this.builtEngine = b.engine;
      this.kpis = h.numbers.kpis;
      this.top = h.numbers.top;
      this.hotspots = h.numbers.hotspots;
      this.kpiFilter = h.filter;
      this.daily = Int32Array.from(h.daily);
      this.source = 'built';
    }
    this.builtSettled = true;
  }

  /** Re-runs the KPI queries for a filter; a later call wins over an earlier one still running. */
  async refreshKpis(code: DistrictCode, f: IncidentFilter): Promise<void> {
    const db = this.db;
    if (!db || !this.columns || this.code !== code || this.suspendQueries) return;
    const seq = ++this.kpiSeq;
    try {
      const t0 = performance.now();
      const n = await incidentNumbers(db, code, f);
      if (seq !== this.kpiSeq) return;
      if (this.built && sameFilter(this.built.filter, f)) {
        if (sameNumbers(this.built.numbers, n)) this.confirmed = true;
        else this.mismatch = true;
      }
      this.source = 'browser';
      this.kpiMs = performance.now() - t0;
      this.kpis = n.kpis;
      this.top = n.top;
      this.hotspots = n.hotspots;
      this.kpiFilter = f;
      this.kpiVersion++;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  /** Daily counts for the timeline (every filter but the time range). */
  async refreshDaily(code: DistrictCode, f: IncidentFilter): Promise<void> {
    const db = this.db;
    if (!db || !this.columns || this.code !== code || this.suspendQueries) return;
    const seq = ++this.dailySeq;
    try {
      const res = rows<{ day: number; n: number }>(await db.query(incidentDailyCounts(db.source, code, f)));
      if (seq !== this.dailySeq) return;
      const out = new Int32Array(f.days ?? INCIDENT_DAYS);
      for (const r of res) if (r.day >= 0 && r.day < out.length) out[r.day] = r.n;
      // The timeline reads every filter but the time range.
      const b = this.built;
      if (b && sameFilter({ ...b.filter, from: f.from, to: f.to }, f) && !sameNumbers(b.daily, [...out]))
        this.mismatch = true;
      this.daily = out;
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  setMode(m: HeatmapMode) {
    if (m !== this.mode) this.colorDomain = null;
    this.mode = m;
  }

  /** Zooms to a grid (hotspot click) and outlines it. */
  focusGrid(code: string) {
    const f = this.grids?.features.find((g) => g.properties.code === code) ?? null;
    this.focus = f;
    const b = f ? featureBounds(f) : null;
    if (b) this.view = pad(b, 0.004);
  }

  /**
   * Filters to a street or community (null: all) and zooms to its grids (their codes start with
   * the place's code); back to the whole district when the filter is cleared.
   */
  pickPlace(street: string | null, community: string | null) {
    filters.setPlace(street, community);
    this.focus = null;
    const prefix = community ?? street;
    let b: Bounds | null = null;
    for (const g of prefix ? (this.grids?.features ?? []) : []) {
      if (!g.properties.code.startsWith(prefix!)) continue;
      const f = featureBounds(g);
      if (f) b = b ? [Math.min(b[0], f[0]), Math.min(b[1], f[1]), Math.max(b[2], f[2]), Math.max(b[3], f[3])] : f;
    }
    this.view = b ? pad(b, 0.002) : null;
  }

  /** Zooms to the incidents in range (or the district when none). */
  focusSelection() {
    this.focus = null;
    // The map may still show the previous filter (it follows the numbers): zoom to the current one.
    const current =
      this.mapFilter && sameFilter(this.mapFilter, filters.current)
        ? this.filtered
        : this.columns && filterIncidents(this.columns, filters.current);
    const p = current?.positions;
    const b = p && p.length ? boundsOf(p) : null;
    this.view = b ? pad(b, 0.002) : null;
  }

  resetView() {
    this.focus = null;
    this.view = null;
  }
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
/** Resolves after the browser has painted what is on screen now (a task queued from the next frame's callback runs after that frame's paint). */
const afterPaint = () => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0)));

function pad(b: Bounds, d: number): Bounds {
  return [b[0] - d, b[1] - d, b[2] + d, b[3] + d];
}

export const incidents = new IncidentsState();
