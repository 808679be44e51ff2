/**
 * Synthetic roads: primary roads along street borders, secondary roads along community
 * borders (segments joined into long strokes where they run straight on), and a regular lattice
 * of local roads clipped to each region. The lattice also cuts the communities into blocks.
 */
import type { DistrictCode } from '../../src/lib/data/schema';
import { type Rng, uniform } from '../../src/lib/geo/random';
import { type MultiPoly, type XY, multiBBox, segmentInside } from './geom';
import type { Layout } from './layout';
import { RoadNamer } from './names';

export type RoadClass = 'primary' | 'secondary' | 'tertiary' | 'residential';

export interface Road {
  class: RoadClass;
  name: string | null;
  line: XY[];
  /** OSM roads: the way's id ('osm-way-123'), kept on the map layer. */
  id?: string;
}

/** The local-road lattice: rotated by `angle`, lines every `sx` (along u) and `sy` (along v) metres. */
export interface Lattice {
  angle: number;
  sx: number;
  sy: number;
  u0: number;
  v0: number;
}

export function toUV(l: Lattice, p: XY): XY {
  const c = Math.cos(l.angle);
  const s = Math.sin(l.angle);
  return [p[0] * c + p[1] * s, -p[0] * s + p[1] * c];
}

export function fromUV(l: Lattice, q: XY): XY {
  const c = Math.cos(l.angle);
  const s = Math.sin(l.angle);
  return [q[0] * c - q[1] * s, q[0] * s + q[1] * c];
}

export function makeLattice(rng: Rng, angleDeg: number): Lattice {
  const sx = Math.round(uniform(rng, 260, 340));
  const sy = Math.round(uniform(rng, 250, 330));
  return { angle: (angleDeg * Math.PI) / 180, sx, sy, u0: uniform(rng, 0, sx), v0: uniform(rng, 0, sy) };
}

function keyOf(p: XY): string {
  return `${Math.round(p[0] * 100)},${Math.round(p[1] * 100)}`;
}

interface Edge {
  a: string;
  b: string;
}

/** Joins edges into strokes: at each vertex the two edges that run straightest on are linked. */
function strokes(edges: Edge[], coord: Map<string, XY>): XY[][] {
  const inc = new Map<string, number[]>();
  edges.forEach((e, i) => {
    for (const v of [e.a, e.b]) {
      const l = inc.get(v);
      if (l) l.push(i);
      else inc.set(v, [i]);
    }
  });
  const link = new Map<string, number>(); // `${edge}@${vertex}` → other edge
  const dirFrom = (e: Edge, v: string): XY => {
    const p = coord.get(v)!;
    const q = coord.get(e.a === v ? e.b : e.a)!;
    const l = Math.hypot(q[0] - p[0], q[1] - p[1]) || 1;
    return [(q[0] - p[0]) / l, (q[1] - p[1]) / l];
  };
  for (const [v, list] of [...inc.entries()].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
    if (list.length < 2) continue;
    const pairs: { i: number; j: number; dev: number }[] = [];
    for (let x = 0; x < list.length; x++)
      for (let y = x + 1; y < list.length; y++) {
        const d1 = dirFrom(edges[list[x]], v);
        const d2 = dirFrom(edges[list[y]], v);
        // Straight on means opposite directions: dot = -1.
        const dot = d1[0] * d2[0] + d1[1] * d2[1];
        pairs.push({ i: list[x], j: list[y], dev: Math.acos(Math.max(-1, Math.min(1, -dot))) });
      }
    pairs.sort((p, q) => p.dev - q.dev || p.i - q.i || p.j - q.j);
    const limit = list.length === 2 ? (80 * Math.PI) / 180 : (40 * Math.PI) / 180;
    const done = new Set<number>();
    for (const p of pairs) {
      if (p.dev > limit) break;
      if (done.has(p.i) || done.has(p.j)) continue;
      done.add(p.i);
      done.add(p.j);
      link.set(`${p.i}@${v}`, p.j);
      link.set(`${p.j}@${v}`, p.i);
    }
  }
  const used = new Set<number>();
  const out: XY[][] = [];
  const walk = (start: number, from: string): string[] => {
    // Returns the vertex keys walking from `from` through edge `start` onwards.
    const keys: string[] = [];
    let e = start;
    let v = from;
    for (;;) {
      used.add(e);
      const other = edges[e].a === v ? edges[e].b : edges[e].a;
      keys.push(other);
      const next = link.get(`${e}@${other}`);
      if (next === undefined || used.has(next)) break;
      e = next;
      v = other;
    }
    return keys;
  };
  edges.forEach((e, i) => {
    if (used.has(i)) return;
    const fwd = walk(i, e.a);
    const prevEdge = link.get(`${i}@${e.a}`);
    let back: string[] = [];
    if (prevEdge !== undefined && !used.has(prevEdge)) back = walk(prevEdge, e.a);
    const keys = [...back.reverse(), e.a, ...fwd];
    out.push(keys.map((k) => coord.get(k)!));
  });
  return out;
}

function lineLength(l: XY[]): number {
  let s = 0;
  for (let i = 1; i < l.length; i++) s += Math.hypot(l[i][0] - l[i - 1][0], l[i][1] - l[i - 1][1]);
  return s;
}

export function buildRoads(
  rng: Rng,
  district: DistrictCode,
  layout: Layout,
  lattice: Lattice
): { roads: Road[]; namer: RoadNamer } {
  const namer = new RoadNamer(rng, district);
  const roads: Road[] = [];

  // Borders between communities.
  const coord = new Map<string, XY>();
  const seen = new Map<string, { street: string; a: string; b: string; count: number; other: string | null }>();
  for (const c of layout.communities)
    for (const poly of c.poly)
      for (const r of poly)
        for (let i = 0; i < r.length; i++) {
          const a = keyOf(r[i]);
          const b = keyOf(r[(i + 1) % r.length]);
          if (a === b) continue;
          if (!coord.has(a)) coord.set(a, r[i]);
          if (!coord.has(b)) coord.set(b, r[(i + 1) % r.length]);
          const k = a < b ? `${a}|${b}` : `${b}|${a}`;
          const e = seen.get(k);
          if (e) {
            e.count++;
            e.other = c.street.code;
          } else seen.set(k, { street: c.street.code, a, b, count: 1, other: null });
        }
  const primary: Edge[] = [];
  const secondary: Edge[] = [];
  for (const [, e] of seen) {
    if (e.count < 2) continue;
    (e.other !== e.street ? primary : secondary).push({ a: e.a, b: e.b });
  }
  for (const line of strokes(primary, coord)) roads.push({ class: 'primary', name: namer.primary(), line });
  for (const line of strokes(secondary, coord)) {
    const long = lineLength(line) > 250;
    roads.push({ class: 'secondary', name: long ? namer.secondary() : namer.lane(), line });
  }

  // The lattice of local roads, clipped to each region.
  layout.regions.forEach((region, ri) => {
    const mp: MultiPoly = region.poly;
    const corners = multiBBox(mp);
    const uv = [
      [corners[0], corners[1]],
      [corners[2], corners[1]],
      [corners[2], corners[3]],
      [corners[0], corners[3]]
    ].map((p) => toUV(lattice, p as XY));
    const u0 = Math.min(...uv.map((p) => p[0]));
    const u1 = Math.max(...uv.map((p) => p[0]));
    const v0 = Math.min(...uv.map((p) => p[1]));
    const v1 = Math.max(...uv.map((p) => p[1]));
    const emit = (axis: 'ew' | 'ns', idx: number, a: XY, b: XY) => {
      const parts = segmentInside(a, b, mp);
      if (parts.length === 0) return;
      const tertiary = idx % 3 === 0;
      const word = namer.localWord();
      const name = tertiary
        ? namer.lattice(axis, Math.abs(idx) + 1 + ri * 20, word)
        : rng() < 0.35
          ? namer.lane()
          : null;
      for (const [t0, t1] of parts) {
        const p: XY = [a[0] + (b[0] - a[0]) * t0, a[1] + (b[1] - a[1]) * t0];
        const q: XY = [a[0] + (b[0] - a[0]) * t1, a[1] + (b[1] - a[1]) * t1];
        if (Math.hypot(q[0] - p[0], q[1] - p[1]) < 40) continue;
        roads.push({ class: tertiary ? 'tertiary' : 'residential', name, line: [p, q] });
      }
    };
    // Lines of constant v run east–west; lines of constant u run north–south.
    const jFirst = Math.ceil((v0 - lattice.v0) / lattice.sy);
    for (let j = jFirst; lattice.v0 + j * lattice.sy <= v1; j++) {
      const v = lattice.v0 + j * lattice.sy;
      emit('ew', j - jFirst, fromUV(lattice, [u0, v]), fromUV(lattice, [u1, v]));
    }
    const iFirst = Math.ceil((u0 - lattice.u0) / lattice.sx);
    for (let i = iFirst; lattice.u0 + i * lattice.sx <= u1; i++) {
      const u = lattice.u0 + i * lattice.sx;
      emit('ns', i - iFirst, fromUV(lattice, [u, v0]), fromUV(lattice, [u, v1]));
    }
  });
  return { roads, namer };
}

/**
 * Nearest-segment lookup over the named roads (uniform grid of buckets). Not Flatbush like the
 * app's indexes: of two roads at exactly the same distance (a community centre midway between two
 * lattice streets) this keeps the first in its scan order, and any other rule moves 8 of
 * Bincheng's stations to the other street; kept until the dataset is rebuilt on purpose.
 */
export class RoadIndex {
  private cell = 250;
  private buckets = new Map<string, { a: XY; b: XY; road: Road }[]>();

  constructor(roads: Road[]) {
    for (const road of roads) {
      if (!road.name) continue;
      for (let i = 1; i < road.line.length; i++) {
        const a = road.line[i - 1];
        const b = road.line[i];
        const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
        const steps = Math.max(1, Math.ceil(len / (this.cell / 2)));
        const keys = new Set<string>();
        for (let s = 0; s <= steps; s++) {
          const x = a[0] + ((b[0] - a[0]) * s) / steps;
          const y = a[1] + ((b[1] - a[1]) * s) / steps;
          keys.add(`${Math.floor(x / this.cell)},${Math.floor(y / this.cell)}`);
        }
        for (const k of keys) {
          const l = this.buckets.get(k);
          const seg = { a, b, road };
          if (l) l.push(seg);
          else this.buckets.set(k, [seg]);
        }
      }
    }
  }

  /** The nearest named road and the closest point on it. */
  nearest(p: XY, minClass?: RoadClass[]): { road: Road; point: XY; dist: number } | null {
    const cx = Math.floor(p[0] / this.cell);
    const cy = Math.floor(p[1] / this.cell);
    let best = null as { road: Road; point: XY; dist: number } | null;
    for (let ring = 0; ring < 40; ring++) {
      for (let dx = -ring; dx <= ring; dx++)
        for (let dy = -ring; dy <= ring; dy++) {
          if (Math.max(Math.abs(dx), Math.abs(dy)) !== ring) continue;
          for (const s of this.buckets.get(`${cx + dx},${cy + dy}`) ?? []) {
            if (minClass && !minClass.includes(s.road.class)) continue;
            const ex = s.b[0] - s.a[0];
            const ey = s.b[1] - s.a[1];
            const l2 = ex * ex + ey * ey;
            const t = l2 > 0 ? Math.max(0, Math.min(1, ((p[0] - s.a[0]) * ex + (p[1] - s.a[1]) * ey) / l2)) : 0;
            const q: XY = [s.a[0] + t * ex, s.a[1] + t * ey];
            const d = Math.hypot(p[0] - q[0], p[1] - q[1]);
            if (!best || d < best.dist) best = { road: s.road, point: q, dist: d };
          }
        }
      if (best && best.dist < ring * this.cell) break;
    }
    return best;
  }
}
