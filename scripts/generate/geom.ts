/**
 * Planar geometry for the generator, in local metres (x east, y north). Rings are open (the
 * first vertex is not repeated); outer rings run counter-clockwise, holes clockwise.
 * Turf (polyclip-ts) is used only for the few general polygon overlays; the hot paths
 * (clipping to convex windows, insets, unions of Voronoi cells) are done here.
 */
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { ccw, ringArea, ringPerimeter, type Ring, type XY } from '../../src/lib/geo/partition/planar';

// Planar ring helpers are shared with the grid engine.
export { ccw, ringArea, ringPerimeter, type Ring, type XY };

/** Outer ring first, then holes. */
export type Poly = Ring[];
export type MultiPoly = Poly[];

// ---------------------------------------------------------------- projection

export interface Projection {
  lon0: number;
  lat0: number;
  fwd(lon: number, lat: number): XY;
  inv(x: number, y: number): [number, number];
}

const EARTH_M_PER_DEG = (Math.PI / 180) * 6371008.8;

/** Equirectangular projection around (lon0, lat0): errors < 0.1 % within a district. */
export function makeProjection(lon0: number, lat0: number): Projection {
  const kx = EARTH_M_PER_DEG * Math.cos((lat0 * Math.PI) / 180);
  const ky = EARTH_M_PER_DEG;
  return {
    lon0,
    lat0,
    fwd: (lon, lat) => [(lon - lon0) * kx, (lat - lat0) * ky],
    inv: (x, y) => [lon0 + x / kx, lat0 + y / ky]
  };
}

export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** A ring in lon/lat, closed, rounded to 6 decimals (≈ 0.1 m). */
export function ringToLonLat(r: Ring, p: Projection): Position[] {
  const out = r.map(([x, y]) => {
    const [lon, lat] = p.inv(x, y);
    return [round6(lon), round6(lat)];
  });
  out.push([out[0][0], out[0][1]]);
  return out;
}

export function polyToGeometry(mp: MultiPoly, p: Projection): Polygon | MultiPolygon {
  const polys = mp.map((poly) => poly.map((r) => ringToLonLat(r, p)));
  return polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
}

export function ringFromLonLat(coords: Position[], p: Projection): Ring {
  const r = coords.map((c) => p.fwd(c[0], c[1]));
  return openRing(r);
}

// ---------------------------------------------------------------- measures

export function openRing(r: Ring): Ring {
  if (r.length > 1 && r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1]) return r.slice(0, -1);
  return r;
}

export function polyArea(p: Poly): number {
  return p.reduce((s, r, i) => s + (i === 0 ? Math.abs(ringArea(r)) : -Math.abs(ringArea(r))), 0);
}

export function multiArea(mp: MultiPoly): number {
  return mp.reduce((s, p) => s + polyArea(p), 0);
}

export function multiPerimeter(mp: MultiPoly): number {
  return mp.reduce((s, p) => s + p.reduce((t, r) => t + ringPerimeter(r), 0), 0);
}

/** Polsby–Popper compactness 4πA/P² (1 for a disc). */
export function polsbyPopper(mp: MultiPoly): number {
  const a = multiArea(mp);
  const per = multiPerimeter(mp);
  return per > 0 ? (4 * Math.PI * a) / (per * per) : 0;
}

export function ringCentroid(r: Ring): XY {
  let a = 0;
  let cx = 0;
  let cy = 0;
  const [ox, oy] = r[0];
  for (let i = 0, n = r.length; i < n; i++) {
    const x0 = r[i][0] - ox;
    const y0 = r[i][1] - oy;
    const x1 = r[(i + 1) % n][0] - ox;
    const y1 = r[(i + 1) % n][1] - oy;
    const f = x0 * y1 - x1 * y0;
    a += f;
    cx += (x0 + x1) * f;
    cy += (y0 + y1) * f;
  }
  if (Math.abs(a) < 1e-9) {
    const m = r.reduce((s, q) => [s[0] + q[0], s[1] + q[1]] as XY, [0, 0] as XY);
    return [m[0] / r.length, m[1] / r.length];
  }
  return [ox + cx / (3 * a), oy + cy / (3 * a)];
}

/** Area-weighted centroid of the outer rings. */
export function multiCentroid(mp: MultiPoly): XY {
  let w = 0;
  let x = 0;
  let y = 0;
  for (const p of mp) {
    const a = Math.abs(ringArea(p[0]));
    const c = ringCentroid(p[0]);
    w += a;
    x += c[0] * a;
    y += c[1] * a;
  }
  return w > 0 ? [x / w, y / w] : ringCentroid(mp[0][0]);
}

export type BBox = [number, number, number, number];

export function ringsBBox(rings: Iterable<Ring>): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const r of rings)
    for (const [x, y] of r) {
      if (x < b[0]) b[0] = x;
      if (y < b[1]) b[1] = y;
      if (x > b[2]) b[2] = x;
      if (y > b[3]) b[3] = y;
    }
  return b;
}

export function multiBBox(mp: MultiPoly): BBox {
  return ringsBBox(mp.map((p) => p[0]));
}

// ---------------------------------------------------------------- predicates

export function pointInRing(pt: XY, r: Ring): boolean {
  const [x, y] = pt;
  let inside = false;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
    const xi = r[i][0];
    const yi = r[i][1];
    const xj = r[j][0];
    const yj = r[j][1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function pointInPoly(pt: XY, p: Poly): boolean {
  if (!pointInRing(pt, p[0])) return false;
  for (let i = 1; i < p.length; i++) if (pointInRing(pt, p[i])) return false;
  return true;
}

export function pointInMulti(pt: XY, mp: MultiPoly): boolean {
  return mp.some((p) => pointInPoly(pt, p));
}

function cross(o: XY, a: XY, b: XY): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Proper or touching intersection of segments ab and cd. */
export function segmentsIntersect(a: XY, b: XY, c: XY, d: XY): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  return false;
}

/** True when the convex ring `inner` lies inside the polygon (all vertices inside, no edge crossing). */
export function convexInsidePoly(inner: Ring, p: Poly): boolean {
  for (const v of inner) if (!pointInPoly(v, p)) return false;
  for (const r of p)
    for (let i = 0; i < r.length; i++) {
      const c = r[i];
      const d = r[(i + 1) % r.length];
      for (let j = 0; j < inner.length; j++) if (segmentsIntersect(inner[j], inner[(j + 1) % inner.length], c, d)) return false;
    }
  return true;
}

export function isConvex(r: Ring): boolean {
  const n = r.length;
  if (n < 3) return false;
  let sign = 0;
  for (let i = 0; i < n; i++) {
    const c = cross(r[i], r[(i + 1) % n], r[(i + 2) % n]);
    if (Math.abs(c) < 1e-9) continue;
    const s = c > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return sign !== 0;
}

// ---------------------------------------------------------------- clipping

/** Drops repeated and (nearly) collinear vertices. */
export function cleanRing(r: Ring, eps = 1e-6): Ring {
  let out: Ring = [];
  for (const p of r) {
    const q = out[out.length - 1];
    if (!q || Math.abs(q[0] - p[0]) > eps || Math.abs(q[1] - p[1]) > eps) out.push(p);
  }
  while (out.length > 1 && Math.abs(out[0][0] - out[out.length - 1][0]) <= eps && Math.abs(out[0][1] - out[out.length - 1][1]) <= eps)
    out.pop();
  let changed = true;
  while (changed && out.length >= 3) {
    changed = false;
    const keep: Ring = [];
    for (let i = 0; i < out.length; i++) {
      const a = out[(i - 1 + out.length) % out.length];
      const b = out[i];
      const c = out[(i + 1) % out.length];
      const len = Math.hypot(c[0] - a[0], c[1] - a[1]);
      if (len > 0 && Math.abs(cross(a, b, c)) / len < eps * 10) {
        changed = true;
        continue;
      }
      keep.push(b);
    }
    if (changed) out = keep;
  }
  return out;
}

/** Intersection of segment pq with the line ab, computed the same way whatever the order of p and q. */
function lineIntersect(p: XY, q: XY, a: XY, b: XY): XY {
  const swap = p[0] > q[0] || (p[0] === q[0] && p[1] > q[1]);
  const s = swap ? q : p;
  const e = swap ? p : q;
  const ds = cross(a, b, s);
  const de = cross(a, b, e);
  const t = ds / (ds - de);
  return [s[0] + (e[0] - s[0]) * t, s[1] + (e[1] - s[1]) * t];
}

/** Keeps the part of the ring on the left of the directed line a→b (Sutherland–Hodgman step). */
export function clipHalfPlane(r: Ring, a: XY, b: XY): Ring {
  const out: Ring = [];
  const n = r.length;
  for (let i = 0; i < n; i++) {
    const p = r[i];
    const q = r[(i + 1) % n];
    const pin = cross(a, b, p) >= 0;
    const qin = cross(a, b, q) >= 0;
    if (pin) out.push(p);
    if (pin !== qin) out.push(lineIntersect(p, q, a, b));
  }
  return out;
}

/** subject ∩ convex window (counter-clockwise). The subject may be any simple ring; the result may hold degenerate bridges if it is not convex. */
export function clipToConvex(subject: Ring, convexWindow: Ring): Ring {
  let out = subject;
  const w = ccw(convexWindow);
  for (let i = 0; i < w.length && out.length > 0; i++) out = clipHalfPlane(out, w[i], w[(i + 1) % w.length]);
  return out;
}

/** Shrinks a convex ring by d metres on every side (may return an empty ring). */
export function insetConvex(r: Ring, d: number): Ring {
  const src = ccw(r);
  let out = src;
  for (let i = 0; i < src.length && out.length > 0; i++) {
    const a = src[i];
    const b = src[(i + 1) % src.length];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len < 1e-9) continue;
    const nx = (-(b[1] - a[1]) / len) * d;
    const ny = ((b[0] - a[0]) / len) * d;
    out = clipHalfPlane(out, [a[0] + nx, a[1] + ny], [b[0] + nx, b[1] + ny]);
  }
  out = cleanRing(out);
  return out.length >= 3 && ringArea(out) > 1 ? out : [];
}

/** Parts [t0, t1] (0 ≤ t ≤ 1) of segment ab that lie inside the polygon. */
export function segmentInside(a: XY, b: XY, mp: MultiPoly): [number, number][] {
  const ts: number[] = [0, 1];
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  for (const p of mp)
    for (const r of p)
      for (let i = 0; i < r.length; i++) {
        const c = r[i];
        const d = r[(i + 1) % r.length];
        const ex = d[0] - c[0];
        const ey = d[1] - c[1];
        const den = dx * ey - dy * ex;
        if (Math.abs(den) < 1e-12) continue;
        const t = ((c[0] - a[0]) * ey - (c[1] - a[1]) * ex) / den;
        const u = ((c[0] - a[0]) * dy - (c[1] - a[1]) * dx) / den;
        if (t > 0 && t < 1 && u >= 0 && u <= 1) ts.push(t);
      }
  ts.sort((x, y) => x - y);
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < ts.length; i++) {
    const t0 = ts[i];
    const t1 = ts[i + 1];
    if (t1 - t0 < 1e-9) continue;
    const tm = (t0 + t1) / 2;
    if (pointInMulti([a[0] + dx * tm, a[1] + dy * tm], mp)) {
      const last = out[out.length - 1];
      if (last && Math.abs(last[1] - t0) < 1e-9) last[1] = t1;
      else out.push([t0, t1]);
    }
  }
  return out;
}

// ---------------------------------------------------------------- turf bridges (general overlays)

function closeRing(r: Ring): Position[] {
  const c = r.map((p) => [p[0], p[1]]);
  c.push([r[0][0], r[0][1]]);
  return c;
}

export function toTurf(mp: MultiPoly): Feature<Polygon | MultiPolygon> {
  if (mp.length === 1) return turf.polygon(mp[0].map(closeRing));
  return turf.multiPolygon(mp.map((p) => p.map(closeRing)));
}

export function fromTurf(f: Feature<Polygon | MultiPolygon> | null): MultiPoly {
  if (!f) return [];
  const g = f.geometry;
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const out: MultiPoly = [];
  for (const p of polys) {
    const rings = p.map((r) => cleanRing(openRing(r.map((c) => [c[0], c[1]] as XY))));
    if (rings[0].length < 3) continue;
    const fixed: Poly = [ccw(rings[0]), ...rings.slice(1).filter((r) => r.length >= 3).map((r) => ccw(r).reverse())];
    out.push(fixed);
  }
  return out;
}

export function intersect(a: MultiPoly, b: MultiPoly): MultiPoly {
  if (a.length === 0 || b.length === 0) return [];
  return fromTurf(turf.intersect(turf.featureCollection([toTurf(a), toTurf(b)])));
}

export function union(parts: MultiPoly[]): MultiPoly {
  const nonEmpty = parts.filter((p) => p.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return nonEmpty[0];
  return fromTurf(turf.union(turf.featureCollection(nonEmpty.map(toTurf))));
}

export function difference(a: MultiPoly, b: MultiPoly): MultiPoly {
  if (a.length === 0) return [];
  if (b.length === 0) return a;
  return fromTurf(turf.difference(turf.featureCollection([toTurf(a), toTurf(b)])));
}

// ---------------------------------------------------------------- union of a tiling

/**
 * Union of rings that tile a region without overlaps (e.g. Voronoi cells): shared edges cancel,
 * the rest is chained into rings. Vertices are matched on a grid of `q` metres. Returns null when
 * the result does not keep the total area (then use `union`).
 */
export function unionTiles(cells: Ring[], q = 1e-3): MultiPoly | null {
  const key = (p: XY) => `${Math.round(p[0] / q)},${Math.round(p[1] / q)}`;
  const coord = new Map<string, XY>();
  const edges = new Map<string, [string, string]>();
  let areaIn = 0;
  for (const cell of cells) {
    const r = ccw(cell);
    const ks: string[] = [];
    for (const p of r) {
      const k = key(p);
      if (!coord.has(k)) coord.set(k, p);
      if (ks[ks.length - 1] !== k) ks.push(k);
    }
    while (ks.length > 1 && ks[0] === ks[ks.length - 1]) ks.pop();
    if (ks.length < 3) continue;
    areaIn += Math.abs(ringArea(r));
    for (let i = 0; i < ks.length; i++) {
      const a = ks[i];
      const b = ks[(i + 1) % ks.length];
      const rev = `${b}|${a}`;
      if (edges.has(rev)) edges.delete(rev);
      else edges.set(`${a}|${b}`, [a, b]);
    }
  }
  const out = new Map<string, string[]>();
  for (const [, [a, b]] of edges) {
    const l = out.get(a);
    if (l) l.push(b);
    else out.set(a, [b]);
  }
  const used = new Set<string>();
  const rings: Ring[] = [];
  for (const [, [a0, b0]] of edges) {
    if (used.has(`${a0}|${b0}`)) continue;
    const ring: string[] = [a0];
    used.add(`${a0}|${b0}`);
    let prev = a0;
    let cur = b0;
    let guard = 0;
    while (cur !== a0 && guard++ < 1e6) {
      ring.push(cur);
      const cands = (out.get(cur) ?? []).filter((n) => !used.has(`${cur}|${n}`));
      if (cands.length === 0) return null;
      let next = cands[0];
      if (cands.length > 1) {
        // Turn as far left as possible: keeps rings that touch at a vertex apart.
        const P = coord.get(prev)!;
        const C = coord.get(cur)!;
        const inAng = Math.atan2(C[1] - P[1], C[0] - P[0]);
        let bestTurn = -Infinity;
        for (const n of cands) {
          const N = coord.get(n)!;
          let turn = Math.atan2(N[1] - C[1], N[0] - C[0]) - inAng;
          while (turn <= -Math.PI) turn += 2 * Math.PI;
          while (turn > Math.PI) turn -= 2 * Math.PI;
          if (turn > bestTurn) {
            bestTurn = turn;
            next = n;
          }
        }
      }
      used.add(`${cur}|${next}`);
      prev = cur;
      cur = next;
    }
    if (cur !== a0) return null;
    const r = cleanRing(ring.map((k) => coord.get(k)!));
    if (r.length >= 3) rings.push(r);
  }
  const outers = rings.filter((r) => ringArea(r) > 0);
  const holes = rings.filter((r) => ringArea(r) < 0);
  const polys: MultiPoly = outers.map((r) => [r]);
  for (const h of holes) {
    const probe = ringCentroid(h);
    let best = -1;
    let bestA = Infinity;
    outers.forEach((o, i) => {
      const a = ringArea(o);
      if (a < bestA && pointInRing(probe, o)) {
        best = i;
        bestA = a;
      }
    });
    if (best < 0) return null;
    polys[best].push(h);
  }
  const areaOut = multiArea(polys);
  if (Math.abs(areaOut - areaIn) > 1e-6 * Math.max(1, areaIn) + 1) return null;
  return polys;
}

/** Distance from p to the nearest edge of a multipolygon's rings (same units as the coordinates). */
export function distToEdges(p: XY, mp: MultiPoly): number {
  let best = Infinity;
  for (const poly of mp)
    for (const r of poly)
      for (let i = 0; i < r.length; i++) {
        const a = r[i];
        const b = r[(i + 1) % r.length];
        const dx = b[0] - a[0];
        const dy = b[1] - a[1];
        const l2 = dx * dx + dy * dy;
        const t = l2 > 0 ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2)) : 0;
        best = Math.min(best, Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy));
      }
  return best;
}
