/**
 * GPU-side filtering of /heatmap's incidents (deck.gl's DataFilterExtension, @deck.gl/extensions
 * 9.4): each incident's day index and community index become a two-channel filter value and its
 * category and status a two-channel filter category, built once per district. A time-brush or
 * playback step, a category or status toggle or a street/community pick then changes only the
 * layer's `filterRange` and `filterCategories` (uniforms), never an attribute buffer.
 *
 * deck.gl 9.4 limits (data-filter-extension.js): `filterSize` 1–4 numeric channels, compared as
 * `min <= value <= max` in float32 (day indices and community indices are small integers, exact);
 * `categorySize` 1–4 channels with at most 128 / 64 / 32 / 32 distinct categories per channel
 * for 1 / 2 / 3 / 4 channels. Six categories and three statuses fit two channels (64 each) with
 * room to spare. Communities are too many for a category channel, so the place is a numeric
 * range over community indices, which are ordered by code (districtCommunities): a street's
 * communities, whose codes start with the street's, are one run of indices.
 */
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES } from '../data/schema';
import { METRES_PER_DEGREE } from '../geo/crs';
import type { IncidentFilter } from '../data/queries';
import type { IncidentColumns } from './heatmap-data';

/** Numeric filter channels: day index, community index. */
export const GPU_FILTER_SIZE = 2;
/** Category channels: category index, status index. */
export const GPU_CATEGORY_SIZE = 2;

export interface GpuFilterProps {
  /** Inclusive [min, max] per channel: days, then community indices. */
  filterRange: [[number, number], [number, number]];
  /** Kept category indices, then kept status indices (as in INCIDENT_CATEGORIES / INCIDENT_STATUSES). */
  filterCategories: [number[], number[]];
}

/**
 * Most bins the GPU aggregation may hold. Its bins are dense over the points' extent (a float
 * texture of one texel per bin), unlike the CPU's, which exist only where points are: a district
 * (≈ 20 × 20 km, 10,000 hexagons of 200 m) is far below, three districts in three provinces in one
 * layer (1,500 km apart, ≈ 14 million) far above; those aggregate on the CPU.
 */
export const GPU_MAX_BINS = 1 << 20;

/** Bins of `cellM` metres over the incidents' extent (the GPU aggregation's texture size), roughly. */
export function gpuBinCount(c: Pick<IncidentColumns, 'length' | 'lon' | 'lat'>, cellM: number): number {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (let i = 0; i < c.length; i++) {
    const x = c.lon[i],
      y = c.lat[i];
    if (x < x0) x0 = x;
    if (x > x1) x1 = x;
    if (y < y0) y0 = y;
    if (y > y1) y1 = y;
  }
  if (!(x1 >= x0)) return 0;
  const cos = Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
  const w = ((x1 - x0) * METRES_PER_DEGREE * cos) / cellM + 1;
  const h = ((y1 - y0) * METRES_PER_DEGREE) / cellM + 1;
  return Math.ceil(w) * Math.ceil(h);
}

/** Interleaved [day, community index] per incident, float32 (the `getFilterValue` attribute). */
export function gpuFilterValues(c: IncidentColumns): Float32Array {
  const out = new Float32Array(c.length * GPU_FILTER_SIZE);
  for (let i = 0; i < c.length; i++) {
    out[2 * i] = c.day[i];
    out[2 * i + 1] = c.ci[i];
  }
  return out;
}

/**
 * The layer props that keep what `filterIncidents(c, f)` keeps, or null when the filter's place
 * is not one run of community indices (never for communities ordered by code; the caller then
 * filters on the CPU).
 */
export function gpuFilterProps(f: IncidentFilter, communities: IncidentColumns['communities']): GpuFilterProps | null {
  let lo = -1;
  let hi = -2;
  if (!f.street && !f.community) {
    lo = 0;
    hi = communities.length - 1;
  } else {
    for (let i = 0; i < communities.length; i++) {
      const x = communities[i];
      const kept = (!f.street || x.street === f.street) && (!f.community || x.code === f.community);
      if (!kept) continue;
      if (hi >= 0 && i !== hi + 1) return null;
      if (hi < 0) lo = i;
      hi = i;
    }
  }
  // No community kept: an empty range (lo > hi keeps nothing).
  const place: [number, number] = hi >= lo ? [lo, hi] : [1, 0];
  return {
    filterRange: [[f.from, f.to - 1], place],
    filterCategories: [
      f.categories.map((k) => INCIDENT_CATEGORIES.indexOf(k)),
      f.statuses.map((s) => INCIDENT_STATUSES.indexOf(s))
    ]
  };
}

/**
 * What the GPU keeps for these props, evaluated on the CPU the way DataFilterExtension's shader
 * does (value within every channel's inclusive range, category in every channel's set): a count
 * to check the attributes and props against filterIncidents, and against what the layer reports
 * with `countItems`.
 */
export function gpuKeptCount(c: IncidentColumns, values: Float32Array, p: GpuFilterProps): number {
  const [[d0, d1], [c0, c1]] = p.filterRange;
  const cats = new Set(p.filterCategories[0]);
  const sts = new Set(p.filterCategories[1]);
  let n = 0;
  for (let i = 0; i < c.length; i++) {
    const d = values[2 * i];
    const ci = values[2 * i + 1];
    if (d >= d0 && d <= d1 && ci >= c0 && ci <= c1 && cats.has(c.cat[i]) && sts.has(c.st[i])) n++;
  }
  return n;
}
