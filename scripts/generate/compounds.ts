/**
 * Blocks, compounds (小区) and buildings. Blocks are lattice cells ∩ community; a residential
 * block holds one to four compounds (strips separated by lanes), each inset from the roads.
 * Buildings are rectangles in rows, long side east–west (along the lattice), rows spaced by the
 * sunlight rule (height × factor), filled until the community reaches its household target.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import type { CompoundKind } from '../../src/lib/data/schema';
import { type Rng, chance, mulberry32, pickWeighted, randInt, sampleWeighted, uniform } from '../../src/lib/geo/random';
import {
  type Ring,
  type XY,
  cleanRing,
  clipHalfPlane,
  clipToConvex,
  insetConvex,
  isConvex,
  ringArea,
  ringCentroid,
  ringsBBox
} from './geom';
import type { CommunityGeo } from './layout';
import type { CompoundNamer } from './names';
import { type Lattice, type RoadIndex, fromUV, toUV } from './roads';

export interface BuildingGeo {
  id: string;
  /** Footprint, counter-clockwise, metres. */
  ring: Ring;
  centroid: XY;
  floors: number;
  units: number;
  perFloor: number;
  households: number;
  /** Real footprints (OSM): the source geometry in lon/lat, written as is; `ring` is then its largest outer ring. */
  footprint?: Polygon | MultiPolygon;
  /** True when households were estimated from the footprint (OSM); synthetic buildings are counted by construction. */
  estimated?: boolean;
}

export interface CompoundGeo {
  id: string;
  name: string;
  kind: CompoundKind;
  community: CommunityGeo;
  ring: Ring;
  buildings: BuildingGeo[];
  households: number;
  /** Real compounds (OSM): the source geometry in lon/lat, written as is. */
  geometry?: Polygon | MultiPolygon;
}

export interface Block {
  ring: Ring;
  /** The part that may hold compounds (inset from the roads); empty when not usable. */
  inset: Ring;
}

// ---------------------------------------------------------------- building styles

interface Style {
  form: 'slab' | 'tower';
  floors: number;
  units: [number, number];
  perFloor: number;
  unitWidth: number;
  depth: number;
  sideGap: number;
  rowGap: number;
}

const FLOOR_HEIGHT = 3;

function slab(floors: number, units: [number, number], perFloor: number, sun: number): Style {
  const h = floors * FLOOR_HEIGHT;
  return {
    form: 'slab',
    floors,
    units,
    perFloor,
    unitWidth: perFloor === 2 ? 13.5 : perFloor === 3 ? 18 : 22,
    depth: floors <= 7 ? 11.5 : 15,
    sideGap: Math.max(10, 6 + floors * 0.6),
    rowGap: Math.max(12, h * sun)
  };
}

function tower(floors: number, perFloor: number, sun: number): Style {
  const h = floors * FLOOR_HEIGHT;
  return {
    form: 'tower',
    floors,
    units: [1, 2],
    perFloor,
    unitWidth: 17,
    depth: 20,
    sideGap: 14 + floors * 0.5,
    rowGap: Math.max(18, h * sun * 0.7)
  };
}

function styleFor(kind: CompoundKind, rng: Rng, sun: number, floors?: number, high?: boolean): Style {
  switch (kind) {
    // Built before today's sunlight standards: rows closer together.
    case 'work_unit':
      return slab(floors ?? randInt(rng, 6, 7), [3, 6], 2, sun * 0.8);
    case 'old':
      return slab(floors ?? randInt(rng, 6, 7), [2, 5], chance(rng, 0.8) ? 2 : 3, sun * 0.8);
    case 'resettlement':
      return high ? slab(floors ?? randInt(rng, 11, 18), [2, 3], 2, sun) : slab(floors ?? 6, [3, 6], 2, sun);
    case 'commercial':
    default:
      return high ? tower(floors ?? 26, chance(rng, 0.5) ? 4 : 3, sun) : slab(floors ?? 15, [2, 4], 2, sun);
  }
}

// ---------------------------------------------------------------- filling a compound

interface Placed {
  u0: number;
  v0: number;
  u1: number;
  v1: number;
  units: number;
  floors: number;
}

/** u-interval of a convex ring (in uv) at height v, or null. */
function intervalAt(r: Ring, v: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < r.length; i++) {
    const a = r[i];
    const b = r[(i + 1) % r.length];
    if ((a[1] <= v && b[1] >= v) || (a[1] >= v && b[1] <= v)) {
      if (a[1] === b[1]) {
        lo = Math.min(lo, a[0], b[0]);
        hi = Math.max(hi, a[0], b[0]);
      } else {
        const u = a[0] + ((v - a[1]) / (b[1] - a[1])) * (b[0] - a[0]);
        lo = Math.min(lo, u);
        hi = Math.max(hi, u);
      }
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

const MARGIN = 5;

/** Rows of buildings from south to north until `quota` households (Infinity: as many as fit). */
function fill(
  rng: Rng,
  shape: Ring,
  st: Style,
  quota: number,
  spacing = 1
): { placed: Placed[]; households: number; top: number } {
  const vs = shape.map((p) => p[1]);
  const vmin = Math.min(...vs);
  const vmax = Math.max(...vs);
  const placed: Placed[] = [];
  let hh = 0;
  let top = vmin;
  let v = vmin + MARGIN + rng() * 3;
  while (v + st.depth <= vmax - MARGIN) {
    const a = intervalAt(shape, v);
    const b = intervalAt(shape, v + st.depth);
    if (a && b) {
      const lo = Math.max(a[0], b[0]) + MARGIN;
      const hi = Math.min(a[1], b[1]) - MARGIN;
      const row: Placed[] = [];
      let u = lo;
      for (;;) {
        let units = randInt(rng, st.units[0], st.units[1]);
        const len = (n: number) => (st.form === 'tower' ? (n === 1 ? 21 : 2 * st.unitWidth) : n * st.unitWidth);
        while (u + len(units) > hi && units > st.units[0]) units--;
        if (u + len(units) > hi) break;
        const floors = st.form === 'tower' ? Math.max(11, st.floors - randInt(rng, 0, 3)) : st.floors;
        const depth = st.form === 'tower' && units === 1 ? 21 : st.depth;
        row.push({ u0: u, v0: v, u1: u + len(units), v1: v + depth, units, floors });
        hh += floors * units * st.perFloor;
        u += len(units) + st.sideGap * spacing;
        if (hh >= quota) break;
      }
      if (row.length > 0) {
        // Centre the row in the space it has.
        const slack = hi - row[row.length - 1].u1;
        const shift = hh >= quota ? 0 : slack / 2;
        for (const p of row) placed.push({ ...p, u0: p.u0 + shift, u1: p.u1 + shift });
        top = Math.max(top, ...row.map((p) => p.v1));
      }
      if (hh >= quota) break;
    }
    v += st.depth + st.rowGap * spacing;
  }
  return { placed, households: hh, top };
}

// ---------------------------------------------------------------- blocks

export function blocksOf(c: CommunityGeo, lattice: Lattice, rng: Rng): Block[] {
  const out: Block[] = [];
  for (const poly of c.poly) {
    const outer = poly[0];
    const uv = outer.map((p) => toUV(lattice, p));
    const [u0, v0, u1, v1] = ringsBBox([uv]);
    for (let i = Math.floor((u0 - lattice.u0) / lattice.sx); lattice.u0 + i * lattice.sx < u1; i++)
      for (let j = Math.floor((v0 - lattice.v0) / lattice.sy); lattice.v0 + j * lattice.sy < v1; j++) {
        const ua = lattice.u0 + i * lattice.sx;
        const va = lattice.v0 + j * lattice.sy;
        const rect: Ring = [
          [ua, va],
          [ua + lattice.sx, va],
          [ua + lattice.sx, va + lattice.sy],
          [ua, va + lattice.sy]
        ].map((q) => fromUV(lattice, q as XY));
        const ring = cleanRing(clipToConvex(outer, rect), 1e-4);
        if (ring.length < 3 || Math.abs(ringArea(ring)) < 1500) continue;
        let inset: Ring = [];
        if (isConvex(ring) && poly.length === 1) {
          inset = insetConvex(ring, uniform(rng, 9, 14));
          if (inset.length > 0 && Math.abs(ringArea(inset)) < 4000) inset = [];
        }
        out.push({ ring, inset });
      }
  }
  return out;
}

/** Splits a convex ring (in uv) into m strips across its longer side, with lanes between them. */
function strips(shape: Ring, m: number, lane: number): Ring[] {
  if (m <= 1) return [shape];
  const [u0, v0, u1, v1] = ringsBBox([shape]);
  const alongU = u1 - u0 >= v1 - v0;
  const lo = alongU ? u0 : v0;
  const hi = alongU ? u1 : v1;
  const out: Ring[] = [];
  for (let k = 0; k < m; k++) {
    const a = lo + ((hi - lo) * k) / m + (k > 0 ? lane / 2 : 0);
    const b = lo + ((hi - lo) * (k + 1)) / m - (k < m - 1 ? lane / 2 : 0);
    let r = shape;
    if (alongU) {
      r = clipHalfPlane(r, [a, 1e7], [a, -1e7]); // keep u ≥ a
      r = clipHalfPlane(r, [b, -1e7], [b, 1e7]); // keep u ≤ b
    } else {
      r = clipHalfPlane(r, [-1e7, a], [1e7, a]); // keep v ≥ a
      r = clipHalfPlane(r, [1e7, b], [-1e7, b]); // keep v ≤ b
    }
    r = cleanRing(r);
    if (r.length >= 3 && Math.abs(ringArea(r)) > 2500) out.push(r);
  }
  return out;
}

// ---------------------------------------------------------------- compounds of a community

export interface CompoundContext {
  rng: Rng;
  lattice: Lattice;
  sun: number;
  namer: CompoundNamer;
  roads: RoadIndex;
  /** A short place word for names. */
  word: () => string;
  /** Kind weights [old, work_unit, commercial, resettlement] for a community. */
  kindWeights: (c: CommunityGeo) => number[];
}

const KINDS: CompoundKind[] = ['old', 'work_unit', 'commercial', 'resettlement'];

interface Draft {
  kind: CompoundKind;
  ring: Ring;
  placed: Placed[];
  style: Style;
  households: number;
}

/**
 * Fills the community's blocks: one compound per block while blocks last, strips of a block
 * when they run short. `boost` > 0 retries a community that fell short with more high-rise
 * compounds and tighter spacing.
 */
function draftCompounds(
  ctx: CompoundContext,
  c: CommunityGeo,
  order: Block[],
  target: number,
  planned: number,
  exact: boolean,
  boost: number
): Draft[] {
  const { rng, lattice } = ctx;
  const drafts: Draft[] = [];
  let remainingHH = target;
  let remainingN = Math.max(1, planned);
  const base = ctx.kindWeights(c);
  const weights = [base[0], base[1], base[2] * (1 + boost), base[3] * (1 + 0.5 * boost)];
  const sun = ctx.sun * (1 - 0.1 * boost);

  for (let bi = 0; bi < order.length; bi++) {
    const done = () => remainingN <= 0 && (exact || remainingHH <= 60);
    if (done()) break;
    const block = order[bi];
    const shapeUV = block.inset.map((p) => toUV(lattice, p));
    const area = Math.abs(ringArea(shapeUV));
    const blocksLeft = order.length - bi;
    const perCompound = Math.max(60, remainingHH / Math.max(1, remainingN));
    let kind = KINDS[pickWeighted(rng, weights)];
    // Capacity of the block for this kind (mid-rise); go high-rise when the target needs it.
    const cap = fill(rng, shapeUV, styleFor(kind, rng, sun, undefined, false), Infinity).households;
    if (cap < perCompound * 0.9 && kind !== 'commercial') kind = chance(rng, 0.7) ? 'commercial' : 'resettlement';
    // One compound per block while blocks last; split blocks into strips when they run short
    // (or now and then a big block, for variety).
    let m = Math.ceil(Math.max(1, remainingN) / blocksLeft);
    if (m === 1 && remainingN > 1 && area > 45000 && cap > 2.5 * perCompound && chance(rng, 0.25)) m = 2;
    m = Math.max(1, Math.min(4, m, Math.max(1, remainingN), Math.floor(area / 9000) || 1));
    const parts = strips(shapeUV, m, uniform(rng, 6, 10));
    for (let k = 0; k < parts.length; k++) {
      if (done()) break;
      const partKind = k === 0 || chance(rng, 0.6) ? kind : KINDS[pickWeighted(rng, weights)];
      const last = remainingN <= 1;
      const quota = Math.max(40, last ? remainingHH : (remainingHH / remainingN) * uniform(rng, 0.75, 1.25));
      const res = fillCompound(rng, parts[k], partKind, quota, sun);
      if (!res) continue;
      const households = res.placed.reduce((s, p) => s + p.floors * p.units * res.style.perFloor, 0);
      drafts.push({ kind: partKind, ring: res.ring, placed: res.placed, style: res.style, households });
      remainingHH -= households;
      remainingN--;
    }
  }
  return drafts;
}

/**
 * Builds the compounds of one community, aiming at `target` households in `planned`
 * compounds (exactly that many when `exact`, else more if the target needs them).
 */
export function buildCommunityCompounds(
  ctx: CompoundContext,
  c: CommunityGeo,
  blocks: Block[],
  target: number,
  planned: number,
  exact = false
): CompoundGeo[] {
  const { rng, lattice } = ctx;
  const usable = blocks.filter((b) => b.inset.length > 0);
  const order = sampleWeighted(
    rng,
    usable.map((b) => Math.abs(ringArea(b.inset))),
    usable.length
  ).map((i) => usable[i]);
  let best: Draft[] = [];
  let bestGap = Infinity;
  for (let boost = 0; boost <= 4; boost++) {
    const drafts = draftCompounds(ctx, c, order, target, planned, exact, boost);
    const got = drafts.reduce((s, d) => s + d.households, 0);
    const gap = Math.max(0, target - got) + (exact ? Math.abs(drafts.length - planned) * 1000 : 0);
    if (gap < bestGap) {
      best = drafts;
      bestGap = gap;
    }
    if (gap <= target * 0.01) break;
  }
  return best.map((d, i) => {
    const id = `${c.nbs.code}-${String(i + 1).padStart(2, '0')}`;
    const ringXY = d.ring.map((q) => fromUV(lattice, q));
    const near = ctx.roads.nearest(ringCentroid(ringXY));
    const buildings: BuildingGeo[] = d.placed.map((p, j) => {
      const ring: Ring = (
        [
          [p.u0, p.v0],
          [p.u1, p.v0],
          [p.u1, p.v1],
          [p.u0, p.v1]
        ] as XY[]
      ).map((q) => fromUV(lattice, q));
      return {
        id: `${id}-${String(j + 1).padStart(3, '0')}`,
        ring,
        centroid: ringCentroid(ring),
        floors: p.floors,
        units: p.units,
        perFloor: d.style.perFloor,
        households: p.floors * p.units * d.style.perFloor
      };
    });
    return {
      id,
      name: ctx.namer.name(d.kind, { road: near?.road.name ?? '', community: c.nbs.name, word: ctx.word() }),
      kind: d.kind,
      community: c,
      ring: ringXY,
      buildings,
      households: d.households
    };
  });
}

/** Picks a building style that reaches the quota if it can, fills, and trims the unused north. */
function fillCompound(
  rng: Rng,
  shape: Ring,
  kind: CompoundKind,
  quota: number,
  sun: number
): { ring: Ring; placed: Placed[]; style: Style } | null {
  let style = styleFor(kind, rng, sun, undefined, false);
  if (kind === 'commercial' || kind === 'resettlement') {
    const high = kind === 'commercial' ? chance(rng, 0.6) : chance(rng, 0.5);
    const floorsList =
      kind === 'commercial' ? (high ? [11, 14, 18, 22, 26, 30, 33] : [11, 14, 18]) : high ? [11, 14, 18] : [6, 7];
    const perFloor = style.perFloor;
    let chosen: Style | null = null;
    for (const f of floorsList) {
      const s =
        kind === 'commercial' && high
          ? tower(f, perFloor === 2 ? 3 : perFloor, sun)
          : styleFor(kind, rng, sun, f, high);
      const cap = fill(mulberry32(Math.floor(rng() * 4294967296)), shape, s, Infinity).households;
      chosen = s;
      if (cap >= quota) break;
    }
    if (chosen) style = chosen;
  }
  // Low targets in big compounds: spread the buildings out (up to 1.7× the minimum spacing).
  const full = fill(mulberry32(Math.floor(rng() * 4294967296)), shape, style, Infinity).households;
  const spacing = full > quota * 1.3 ? Math.min(1.7, Math.sqrt(full / quota)) * uniform(rng, 0.9, 1.0) : 1;
  let res = fill(rng, shape, style, quota, Math.max(1, spacing));
  if (res.placed.length === 0) {
    style = slab(6, [2, 4], 2, sun);
    res = fill(rng, shape, style, quota);
    if (res.placed.length === 0) return null;
  }
  const vs = shape.map((p) => p[1]);
  const vmax = Math.max(...vs);
  let ring = shape;
  const cut = res.top + uniform(rng, 8, 14);
  if (cut < vmax - 25) {
    const trimmed = cleanRing(clipHalfPlane(shape, [1e7, cut], [-1e7, cut]));
    if (trimmed.length >= 3) ring = trimmed;
  }
  return { ring, placed: res.placed, style };
}
