/**
 * The one planar geometry kit (metres, x east, y north), for the grid engine and the data
 * generator (scripts/generate/geom.ts builds its polygons-with-holes on it). Rings are open
 * (the first point is not repeated) and counter-clockwise rings have positive area.
 * Pure TypeScript: no DOM, no Node.
 */
export type XY = [number, number];
/** An open ring: the first point is not repeated at the end. */
export type Ring = XY[];

/**
 * [x0, y0, x1, y1]: the box of `points`, or of those at `indices` (Infinity, -Infinity when
 * there are none). Any positions: planar metres or WGS-84 lon/lat.
 */
export function boxOf(
  points: readonly (readonly number[])[],
  indices?: Iterable<number>
): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const i of indices ?? points.keys()) {
    const [x, y] = points[i];
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return [x0, y0, x1, y1];
}

/** [x0, y0, x1, y1]: the box of items placed at (x, y) (Infinity, -Infinity when there are none). */
export function itemsBox(
  items: Iterable<{ readonly x: number; readonly y: number }>
): [number, number, number, number] {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const it of items) {
    x0 = Math.min(x0, it.x);
    y0 = Math.min(y0, it.y);
    x1 = Math.max(x1, it.x);
    y1 = Math.max(y1, it.y);
  }
  return [x0, y0, x1, y1];
}

/** Signed area (shoelace); positive for counter-clockwise rings. */
export function ringArea(r: readonly XY[]): number {
  let s = 0;
  for (let i = 0, n = r.length; i < n; i++) {
    const a = r[i];
    const b = r[(i + 1) % n];
    s += a[0] * b[1] - b[0] * a[1];
  }
  return s / 2;
}

export function ringPerimeter(r: readonly XY[]): number {
  let s = 0;
  for (let i = 0, n = r.length; i < n; i++) {
    const a = r[i];
    const b = r[(i + 1) % n];
    s += Math.hypot(b[0] - a[0], b[1] - a[1]);
  }
  return s;
}

/** The ring counter-clockwise (a copy when it had to be reversed). */
export function ccw(r: Ring): Ring {
  return ringArea(r) < 0 ? [...r].reverse() : r;
}

/** Drops a closing point equal to the first. */
export function openRing(r: readonly (readonly number[])[]): Ring {
  const out: Ring = r.map((p) => [p[0], p[1]] as XY);
  if (out.length > 1) {
    const a = out[0];
    const b = out[out.length - 1];
    if (a[0] === b[0] && a[1] === b[1]) out.pop();
  }
  return out;
}

/** Cross product of oa and ob: positive when b lies left of the directed line o→a. */
export function cross(o: XY, a: XY, b: XY): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/** Convex hull (Andrew's monotone chain), counter-clockwise, no collinear points. */
export function convexHull(points: readonly XY[]): Ring {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return pts.map((p) => [p[0], p[1]] as XY);
  const lower: XY[] = [];
  for (const p of pts) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
    lower.push(p);
  }
  const upper: XY[] = [];
  for (let i = pts.length - 1; i >= 0; i--) {
    const p = pts[i];
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
    upper.push(p);
  }
  lower.pop();
  upper.pop();
  return lower.concat(upper).map((p) => [p[0], p[1]] as XY);
}

/** The convex hull of the points grown by `margin` (each point replaced by a 16-gon). */
export function bufferedHull(points: readonly XY[], margin: number): Ring {
  const around: XY[] = [];
  for (const p of points)
    for (let k = 0; k < 16; k++) {
      const a = (k * Math.PI) / 8;
      around.push([p[0] + margin * Math.cos(a), p[1] + margin * Math.sin(a)]);
    }
  return convexHull(around);
}

/** Each segment's ends lie strictly on both sides of the other's line (d1, d2: a, b about cd; d3, d4: c, d about ab). */
function straddle(d1: number, d2: number, d3: number, d4: number): boolean {
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/** True when segments ab and cd cross at a point inside both (touching and collinear overlaps do not count). */
export function segmentsCross(a: XY, b: XY, c: XY, d: XY): boolean {
  return straddle(cross(c, d, a), cross(c, d, b), cross(a, b, c), cross(a, b, d));
}

/** True when segments ab and cd intersect (touching counts). */
export function segmentsIntersect(a: XY, b: XY, c: XY, d: XY): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (straddle(d1, d2, d3, d4)) return true;
  const on = (p: XY, q: XY, r: XY) =>
    Math.min(p[0], q[0]) <= r[0] &&
    r[0] <= Math.max(p[0], q[0]) &&
    Math.min(p[1], q[1]) <= r[1] &&
    r[1] <= Math.max(p[1], q[1]);
  if (d1 === 0 && on(c, d, a)) return true;
  if (d2 === 0 && on(c, d, b)) return true;
  if (d3 === 0 && on(a, b, c)) return true;
  if (d4 === 0 && on(a, b, d)) return true;
  return false;
}

/** Even–odd point in ring. */
export function pointInRing(p: XY, ring: readonly XY[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i];
    const b = ring[j];
    if (a[1] > p[1] !== b[1] > p[1] && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

/** Area-weighted centroid of a ring (vertex mean when degenerate); computed about the first vertex for precision. */
export function ringCentroid(r: readonly (readonly number[])[]): XY {
  if (r.length === 0) return [NaN, NaN];
  const ox = r[0][0];
  const oy = r[0][1];
  let a = 0;
  let cx = 0;
  let cy = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0, n = r.length; i < n; i++) {
    const px = r[i][0] - ox;
    const py = r[i][1] - oy;
    const qx = r[(i + 1) % n][0] - ox;
    const qy = r[(i + 1) % n][1] - oy;
    const f = px * qy - qx * py;
    a += f;
    cx += (px + qx) * f;
    cy += (py + qy) * f;
    mx += px;
    my += py;
  }
  let ext = 0;
  for (const p of r) ext = Math.max(ext, Math.abs(p[0] - ox), Math.abs(p[1] - oy));
  if (!(Math.abs(a) > 1e-12 * ext * ext)) return [ox + mx / r.length, oy + my / r.length];
  return [ox + cx / (3 * a), oy + cy / (3 * a)];
}

/** True when two edges of the ring cross (other than neighbours sharing a vertex). O(n²). */
export function selfIntersects(r: readonly XY[]): boolean {
  const n = r.length;
  for (let i = 0; i < n; i++) {
    const a = r[i];
    const b = r[(i + 1) % n];
    for (let j = i + 1; j < n; j++) {
      if (j === i || (j + 1) % n === i || (i + 1) % n === j) continue;
      if (segmentsIntersect(a, b, r[j], r[(j + 1) % n])) return true;
    }
  }
  return false;
}

/** True for a strictly convex ring (either orientation; collinear vertices allowed). */
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

/** Drops repeated and (nearly) collinear vertices. */
export function cleanRing(r: Ring, eps = 1e-6): Ring {
  let out: Ring = [];
  for (const p of r) {
    const q = out[out.length - 1];
    if (!q || Math.abs(q[0] - p[0]) > eps || Math.abs(q[1] - p[1]) > eps) out.push(p);
  }
  while (
    out.length > 1 &&
    Math.abs(out[0][0] - out[out.length - 1][0]) <= eps &&
    Math.abs(out[0][1] - out[out.length - 1][1]) <= eps
  )
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
