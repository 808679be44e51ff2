/**
 * Seeded random building layouts for the grid engine's property tests
 * (tests/unit/partition-layouts.test.ts): exact lattices of planned estates, jittered lattices,
 * rings, long strips, clusters with gaps, duplicate points and collinear rows, each with its
 * community polygon, in WGS-84 near Harbin as a planner's file would be. Same seed, same layout.
 */
import type { Feature, FeatureCollection, Point, Polygon, Position } from 'geojson';
import { mulberry32, type Rng } from '../../src/lib/geo/random';

export type LayoutKind = 'lattice' | 'jittered' | 'micro-jitter' | 'ring' | 'strip' | 'clusters' | 'duplicates' | 'collinear' | 'notched' | 'outliers' | 'u-shape';

export interface Layout {
  name: string;
  kind: LayoutKind;
  buildings: FeatureCollection<Point>;
  community: FeatureCollection<Polygon>;
  /** True when a partition with every grid in [300, 500] and in one piece exists (by construction). */
  feasible: boolean;
  /** Buildings that share their position with another (their own grid may lie a few cm away). */
  coincident: Set<string>;
  /** Buildings outside the community outline (no grid polygon can hold them). */
  outside: Set<string>;
}

const LON0 = 126.62;
const LAT0 = 45.76;
/** Metres per degree of latitude (the engine's sphere) and of longitude at LAT0. */
const KY = (Math.PI / 180) * 6371008.8;
const KX = KY * Math.cos((LAT0 * Math.PI) / 180);
/** Positions are written to 7 decimals, as survey data and the engine keep them. */
const r7 = (v: number) => Math.round(v * 1e7) / 1e7;
const pos = (x: number, y: number): Position => [r7(LON0 + x / KX), r7(LAT0 + y / KY)];

const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

interface Site {
  x: number;
  y: number;
  hh: number;
  /** Exact lattice position in degrees (kept exact, not converted from metres). */
  at?: Position;
}

function rectangle(x0: number, y0: number, x1: number, y1: number): Position[] {
  return [pos(x0, y0), pos(x1, y0), pos(x1, y1), pos(x0, y1), pos(x0, y0)];
}

function boundsOf(sites: readonly Site[], margin: number): [number, number, number, number] {
  const xs = sites.map((s) => s.x);
  const ys = sites.map((s) => s.y);
  return [Math.min(...xs) - margin, Math.min(...ys) - margin, Math.max(...xs) + margin, Math.max(...ys) + margin];
}

/**
 * Households per building so that the total is a whole number of grids of 300–500 comfortably
 * (about 400 per grid) with every building far below the maximum.
 */
function households(rng: Rng, n: number, equal: boolean): number[] {
  const each = equal ? int(rng, 6, 30) : 0;
  return Array.from({ length: n }, () => (equal ? each : int(rng, 4, 40)));
}

function lattice(rng: Rng, n: number, jitter: number): Site[] {
  // Blocks of a planned estate: exact steps in degrees (about 25–45 m by 18–30 m).
  const cols = Math.max(2, Math.round(Math.sqrt(n * (1 + rng()))));
  const rows = Math.max(2, Math.ceil(n / cols));
  const dLon = int(rng, 3, 6) * 1e-4;
  const dLat = int(rng, 16, 27) * 1e-5;
  const hh = households(rng, rows * cols, jitter === 0);
  const out: Site[] = [];
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) {
      if (out.length >= n) break;
      const lon = LON0 + c * dLon + (jitter ? (rng() - 0.5) * 2 * jitter / KX : 0);
      const lat = LAT0 + r * dLat + (jitter ? (rng() - 0.5) * 2 * jitter / KY : 0);
      const at: Position = [r7(lon), r7(lat)];
      out.push({ x: (at[0] - LON0) * KX, y: (at[1] - LAT0) * KY, hh: hh[out.length], at });
    }
  return out;
}

function polygonFeature(ring: Position[], code: string): FeatureCollection<Polygon> {
  return { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code }, geometry: { type: 'Polygon', coordinates: [ring] } }] };
}

/** One layout of `kind` with about `n` buildings. */
export function makeLayout(kind: LayoutKind, n: number, seed: number): Layout {
  const rng = mulberry32(seed);
  const code = `2301020010${String(seed % 100).padStart(2, '0')}`;
  let sites: Site[] = [];
  let ring: Position[];
  const coincident = new Set<string>();
  let feasible = true;
  switch (kind) {
    case 'lattice':
    case 'notched':
    case 'outliers':
    case 'u-shape':
      sites = lattice(rng, n, 0);
      break;
    case 'jittered':
      sites = lattice(rng, n, 3);
      break;
    case 'micro-jitter':
      // Survey noise of a few millimetres on an exact lattice: nearly, not exactly, cocircular.
      sites = lattice(rng, n, 0.004);
      break;
    case 'ring': {
      // Buildings round a central green: all on one circle (every Voronoi cell meets at the centre).
      const radius = 40 + n * 2.2;
      const hh = households(rng, n, true);
      sites = Array.from({ length: n }, (_, i) => ({ x: radius * Math.cos((2 * Math.PI * i) / n), y: radius * Math.sin((2 * Math.PI * i) / n), hh: hh[i] }));
      break;
    }
    case 'strip': {
      // Two rows along a road, several kilometres long.
      const step = int(rng, 18, 30);
      const hh = households(rng, n, false);
      sites = Array.from({ length: n }, (_, i) => ({ x: Math.floor(i / 2) * step, y: (i % 2) * 24, hh: hh[i] }));
      break;
    }
    case 'collinear': {
      // One straight row of buildings: every Delaunay triangle is degenerate.
      const step = int(rng, 15, 25);
      const hh = households(rng, n, true);
      sites = Array.from({ length: n }, (_, i) => ({ x: i * step, y: 0, hh: hh[i] }));
      break;
    }
    case 'duplicates': {
      // Several buildings at one point (address points of one block), on a jittered lattice.
      const base = lattice(rng, Math.ceil(n * 0.7), 2);
      sites = [...base];
      while (sites.length < n) {
        const s = base[Math.floor(rng() * base.length)];
        sites.push({ ...s, hh: int(rng, 4, 30) });
      }
      break;
    }
    case 'clusters': {
      // Compounds 300–600 m apart (gaps far over the 250 m adjacency cut-off).
      const k = int(rng, 2, 4);
      let x = 0;
      for (let c = 0; c < k; c++) {
        const m = Math.floor(n / k);
        const cols = Math.max(2, Math.round(Math.sqrt(m)));
        for (let i = 0; i < m; i++) sites.push({ x: x + (i % cols) * 28 + rng() * 4, y: Math.floor(i / cols) * 22 + rng() * 4, hh: int(rng, 4, 40) });
        x += cols * 28 + int(rng, 300, 600);
      }
      break;
    }
  }
  // Each cluster (or the whole layout) gets a whole number of grids: top up the total to ~400 per grid.
  const [x0, y0, x1, y1] = boundsOf(sites, kind === 'ring' ? 0 : 25);
  if (kind === 'ring') {
    const R = Math.hypot(sites[0].x, sites[0].y) + 30;
    ring = Array.from({ length: 48 }, (_, k) => pos(R * Math.cos((2 * Math.PI * k) / 48), R * Math.sin((2 * Math.PI * k) / 48)));
    ring.push(ring[0]);
  } else if (kind === 'notched') {
    // A non-convex community: the lattice's top-right quarter is not part of it (an L shape).
    const mx = (x0 + x1) / 2;
    const my = (y0 + y1) / 2;
    sites = sites.filter((s) => !(s.x > mx && s.y > my));
    ring = [pos(x0, y0), pos(x1, y0), pos(x1, my), pos(mx, my), pos(mx, y1), pos(x0, y1), pos(x0, y0)];
  } else if (kind === 'u-shape') {
    // A U-shaped community round a slot (a school, a canal basin): the right arm's upper half has
    // no buildings, so Voronoi cells of the left arm reach across the slot into it.
    const w = x1 - x0;
    const h = y1 - y0;
    const [sx0, sx1, sy] = [x0 + 0.42 * w, x0 + 0.52 * w, y0 + 0.3 * h];
    sites = sites.filter((s) => !(s.x > sx0 - 5 && s.x < sx1 + 5 && s.y > sy - 5) && !(s.x >= sx1 && s.y > y0 + 0.55 * h));
    ring = [pos(x0, y0), pos(x1, y0), pos(x1, y1), pos(sx1, y1), pos(sx1, sy), pos(sx0, sy), pos(sx0, y1), pos(x0, y1), pos(x0, y0)];
  } else ring = rectangle(x0, y0, x1, y1);
  const outside = new Set<string>();
  if (kind === 'outliers') {
    // Address points a few metres outside the community's outline (a survey's usual slip).
    for (let k = 0; k < 3; k++) {
      const s = sites[Math.floor(rng() * sites.length)];
      const idx = sites.indexOf(s);
      sites[idx] = { x: s.x, y: y0 - 5 - 10 * rng(), hh: s.hh };
      outside.add(`b${String(idx).padStart(4, '0')}`);
    }
  }
  const total = sites.reduce((s, b) => s + b.hh, 0);
  if (total < 300) feasible = false;
  else if (Math.ceil(total / 500) > Math.floor(total / 300)) feasible = false;
  if (kind === 'clusters') feasible = false; // pieces across a gap may hold a number no whole count of grids fits

  const seen = new Map<string, string>();
  const features: Feature<Point>[] = sites.map((s, i) => {
    const id = `b${String(i).padStart(4, '0')}`;
    const coordinates = s.at ?? pos(s.x, s.y);
    const key = coordinates.join(',');
    const twin = seen.get(key);
    if (twin) {
      coincident.add(id);
      coincident.add(twin);
    } else seen.set(key, id);
    return { type: 'Feature', properties: { id, households: s.hh }, geometry: { type: 'Point', coordinates } };
  });
  return { name: `${kind}-${sites.length}-s${seed}`, kind, buildings: { type: 'FeatureCollection', features }, community: polygonFeature(ring, code), feasible, coincident, outside };
}
