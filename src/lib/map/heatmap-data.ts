/**
 * Client-side filtering of a district's incidents for the map: one pass over small typed
 * columns (see incidentFilterColumns in queries.ts) gives the kept positions and the
 * per-grid counts, which the heatmap, the choropleth and (where they do not filter on the GPU,
 * heatmap-layers.ts) hexagon and grid draw; the KPI numbers come from DuckDB-wasm.
 */
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES } from '../data/schema';
import { filterYears, type IncidentFilter } from '../data/queries';
import { METRES_PER_DEGREE } from '../geo/crs';

export interface IncidentColumns {
  length: number;
  lon: Float64Array;
  lat: Float64Array;
  /** Index in INCIDENT_CATEGORIES. */
  cat: Int8Array;
  /** Index in INCIDENT_STATUSES. */
  st: Int8Array;
  /** Day index (China time) from INCIDENT_DAY0. */
  day: Int16Array;
  /** Index in `communities`. */
  ci: Int16Array;
  /** Index in `grids`. */
  gi: Int16Array;
  /** Community codes and their street codes, ordered by code. */
  communities: { code: string; street: string }[];
  /** Grid codes ordered by code. */
  grids: string[];
}

export interface FilteredIncidents {
  /** Interleaved lon, lat of the kept incidents. */
  positions: Float64Array;
  length: number;
  /** Kept incidents per grid (index as in `IncidentColumns.grids`). */
  gridCounts: Int32Array;
}

function mask<T extends string>(all: readonly T[], kept: readonly T[]): number {
  let m = 0;
  all.forEach((k, i) => {
    if (kept.includes(k)) m |= 1 << i;
  });
  return m;
}

/** Whether two filters keep the same incidents (category and status order aside). */
export function sameFilter(a: IncidentFilter, b: IncidentFilter): boolean {
  const sameSet = <T>(x: readonly T[], y: readonly T[]) => x.length === y.length && x.every((v) => y.includes(v));
  return (
    a.from === b.from &&
    a.to === b.to &&
    a.street === b.street &&
    a.community === b.community &&
    sameSet(a.categories, b.categories) &&
    sameSet(a.statuses, b.statuses)
  );
}

/**
 * Incidents per 1,000 households a year by grid code (the choropleth): a grid's kept count over
 * the filter's years (filterYears), as incidentHotspots computes it in SQL. Grids without
 * households are left out.
 */
export function gridRates(
  grids: readonly string[],
  gridCounts: ArrayLike<number>,
  households: ReadonlyMap<string, number>,
  f: IncidentFilter
): Map<string, number> {
  const years = filterYears(f);
  const m = new Map<string, number>();
  grids.forEach((code, i) => {
    const h = households.get(code);
    if (h) m.set(code, (gridCounts[i] * 1000) / h / years);
  });
  return m;
}

/** The incidents a filter keeps; counts agree with incidentKpis over the same data. */
export function filterIncidents(c: IncidentColumns, f: IncidentFilter, out?: Float64Array): FilteredIncidents {
  const catMask = mask(INCIDENT_CATEGORIES, f.categories);
  const stMask = mask(INCIDENT_STATUSES, f.statuses);
  const places = new Uint8Array(c.communities.length);
  c.communities.forEach((x, i) => {
    places[i] = (!f.street || x.street === f.street) && (!f.community || x.code === f.community) ? 1 : 0;
  });
  const positions = out && out.length >= c.length * 2 ? out : new Float64Array(c.length * 2);
  const gridCounts = new Int32Array(c.grids.length);
  const { lon, lat, cat, st, day, ci, gi } = c;
  const from = f.from;
  const to = f.to;
  let k = 0;
  for (let i = 0; i < c.length; i++) {
    const d = day[i];
    if (d < from || d >= to || !((catMask >> cat[i]) & 1) || !((stMask >> st[i]) & 1) || !places[ci[i]]) continue;
    positions[2 * k] = lon[i];
    positions[2 * k + 1] = lat[i];
    gridCounts[gi[i]]++;
    k++;
  }
  return { positions: positions.subarray(0, 2 * k), length: k, gridCounts };
}

export interface WeightedPoints {
  /** Interleaved lon, lat: the mean position of the points in each non-empty cell. */
  positions: Float64Array;
  /** Points summed into each cell. */
  weights: Float32Array;
  length: number;
}

/** Metres per degree of longitude at the points' mean latitude: where the CPU cells are laid out in metres. */
export function metresPerDegreeLon(points: { positions: Float64Array; length: number }): number {
  const { positions: p, length: n } = points;
  let latSum = 0;
  for (let i = 0; i < n; i++) latSum += p[2 * i + 1];
  const lat0 = n ? latSum / n : 0;
  return METRES_PER_DEGREE * Math.max(0.01, Math.cos((lat0 * Math.PI) / 180));
}

/**
 * Under software WebGL the heatmap sums incidents into cells of this size first: every point is
 * a 60-pixel sprite blended on the CPU (400,000 of them took 7–18 s a draw), every cell one.
 */
export const HEATMAP_LOW_RES_CELL_M = 50;

/**
 * Sums points into square cells of `cellM` metres (sized at the points' mean latitude): one
 * weighted point per non-empty cell, at the mean of its points. A heatmap of these draws the same
 * density at a resolution of `cellM`, with as many sprites as cells instead of points (what keeps
 * /heatmap usable under software WebGL).
 */
export function binPoints(points: { positions: Float64Array; length: number }, cellM: number): WeightedPoints {
  const { positions: p, length: n } = points;
  const dy = cellM / METRES_PER_DEGREE;
  const dx = cellM / metresPerDegreeLon(points);
  const cellOf = new Map<number, number>();
  const sumX: number[] = [];
  const sumY: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = p[2 * i],
      y = p[2 * i + 1];
    // Cell indices stay well inside ±2^20 for any lon/lat at cells of a metre or more.
    const key = (Math.floor(x / dx) + 2 ** 26) * 2 ** 27 + (Math.floor(y / dy) + 2 ** 26);
    let c = cellOf.get(key);
    if (c === undefined) {
      c = count.length;
      cellOf.set(key, c);
      sumX.push(0);
      sumY.push(0);
      count.push(0);
    }
    sumX[c] += x;
    sumY[c] += y;
    count[c]++;
  }
  const m = count.length;
  const positions = new Float64Array(2 * m);
  const weights = new Float32Array(m);
  for (let c = 0; c < m; c++) {
    positions[2 * c] = sumX[c] / count[c];
    positions[2 * c + 1] = sumY[c] / count[c];
    weights[c] = count[c];
  }
  return { positions, weights, length: m };
}

/** Concatenates districts' columns (used by the 1M-incident benchmark). */
export function concatColumns(parts: IncidentColumns[]): IncidentColumns {
  const n = parts.reduce((s, p) => s + p.length, 0);
  const cat = <T extends Float64Array | Int8Array | Int16Array>(
    make: (n: number) => T,
    pick: (p: IncidentColumns) => T
  ) => {
    const out = make(n);
    let o = 0;
    for (const p of parts) {
      out.set(pick(p) as never, o);
      o += p.length;
    }
    return out;
  };
  // Community and grid indices are shifted so that they stay unique across districts.
  const shift = (pick: (p: IncidentColumns) => Int16Array, size: (p: IncidentColumns) => number) => {
    const out = new Int16Array(n);
    let o = 0;
    let base = 0;
    for (const p of parts) {
      const a = pick(p);
      for (let i = 0; i < p.length; i++) out[o + i] = a[i] + base;
      o += p.length;
      base += size(p);
    }
    return out;
  };
  return {
    length: n,
    lon: cat(
      (m) => new Float64Array(m),
      (p) => p.lon
    ),
    lat: cat(
      (m) => new Float64Array(m),
      (p) => p.lat
    ),
    cat: cat(
      (m) => new Int8Array(m),
      (p) => p.cat
    ),
    st: cat(
      (m) => new Int8Array(m),
      (p) => p.st
    ),
    day: cat(
      (m) => new Int16Array(m),
      (p) => p.day
    ),
    ci: shift(
      (p) => p.ci,
      (p) => p.communities.length
    ),
    gi: shift(
      (p) => p.gi,
      (p) => p.grids.length
    ),
    communities: parts.flatMap((p) => p.communities),
    grids: parts.flatMap((p) => p.grids)
  };
}
