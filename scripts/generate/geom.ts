/**
 * The generator's geometry on top of the one planar kit (`src/lib/geo/partition/planar.ts`:
 * rings, hull, point in ring, segment tests, convex clipping) and the one projection
 * (`src/lib/geo/crs.ts`): polygons with holes and multipolygons, lon/lat output rounded for the
 * dataset, insets, unions of Voronoi cells. Local metres, x east, y north; rings are open (the
 * first vertex is not repeated); outer rings run counter-clockwise, holes clockwise.
 * Turf (polyclip-ts) is used only for the few general polygon overlays.
 */
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { localProjection, type LocalProjection } from '../../src/lib/geo/crs';
import { polsbyPopper as compactness } from '../../src/lib/geo/partition/compactness';
import {
  ccw,
  cleanRing,
  clipHalfPlane,
  clipToConvex,
  isConvex,
  openRing,
  pointInRing,
  ringArea,
  ringCentroid,
  ringPerimeter,
  segmentsCross,
  type Ring,
  type XY
} from '../../src/lib/geo/partition/planar';

// Re-exported so the generator's modules import geometry from one place.
export {
  ccw,
  cleanRing,
  clipHalfPlane,
  clipToConvex,
  isConvex,
  openRing,
  pointInRing,
  ringArea,
  ringCentroid,
  ringPerimeter,
  type Ring,
  type XY
};

/** Outer ring first, then holes. */
export type Poly = Ring[];
export type MultiPoly = Poly[];

// ---------------------------------------------------------------- projection

export type Projection = LocalProjection;
export { localProjection };

export function round6(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}

/** A ring in lon/lat, closed, rounded to 6 decimals (≈ 0.1 m). */
export function ringToLonLat(r: Ring, p: Projection): Position[] {
  const out = r.map(([x, y]) => {
    const [lon, lat] = p.inverse(x, y);
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
  const r = coords.map((c) => p.forward(c[0], c[1]));
  return openRing(r);
}

// ---------------------------------------------------------------- measures

export function polyArea(p: Poly): number {
  return p.reduce((s, r, i) => s + (i === 0 ? Math.abs(ringArea(r)) : -Math.abs(ringArea(r))), 0);
}

export function multiArea(mp: MultiPoly): number {
  return mp.reduce((s, p) => s + polyArea(p), 0);
}

export function multiPerimeter(mp: MultiPoly): number {
  return mp.reduce((s, p) => s + p.reduce((t, r) => t + ringPerimeter(r), 0), 0);
}

/** Polsby–Popper compactness 4πA/P² (1 for a disc) of a multipolygon. */
export function polsbyPopper(mp: MultiPoly): number {
  return compactness(multiArea(mp), multiPerimeter(mp));
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

export function pointInPoly(pt: XY, p: Poly): boolean {
  if (!pointInRing(pt, p[0])) return false;
  for (let i = 1; i < p.length; i++) if (pointInRing(pt, p[i])) return false;
  return true;
}

export function pointInMulti(pt: XY, mp: MultiPoly): boolean {
  return mp.some((p) => pointInPoly(pt, p));
}

/** True when the convex ring `inner` lies inside the polygon (all vertices inside, no edge crossing). */
export function convexInsidePoly(inner: Ring, p: Poly): boolean {
  for (const v of inner) if (!pointInPoly(v, p)) return false;
  for (const r of p)
    for (let i = 0; i < r.length; i++) {
      const c = r[i];
      const d = r[(i + 1) % r.length];
      for (let j = 0; j < inner.length; j++)
        if (segmentsCross(inner[j], inner[(j + 1) % inner.length], c, d)) return false;
    }
  return true;
}

// ---------------------------------------------------------------- clipping

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
    const fixed: Poly = [
      ccw(rings[0]),
      ...rings
        .slice(1)
        .filter((r) => r.length >= 3)
        .map((r) => ccw(r).reverse())
    ];
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
