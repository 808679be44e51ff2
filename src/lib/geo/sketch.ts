/**
 * Shapes a planner draws on the map, in planar metres: a lasso (freehand polygon) that selects
 * points inside it, and a polyline that cuts a set of points into two sides. Pure functions.
 */
import { pointInRing, type XY } from './partition/planar';

/** Indices of the points inside the lasso (a ring, open or closed; fewer than 3 vertices: none). */
export function insideLasso(points: readonly XY[], lasso: readonly XY[]): number[] {
  if (lasso.length < 3) return [];
  const out: number[] = [];
  points.forEach((p, i) => pointInRing(p, lasso) && out.push(i));
  return out;
}

/** Drops vertices closer than `eps` to the previous one (a drag repeats positions). */
export function simplifyLine(line: readonly XY[], eps = 0.5): XY[] {
  const out: XY[] = [];
  for (const p of line) {
    const q = out.at(-1);
    if (!q || Math.hypot(p[0] - q[0], p[1] - q[1]) > eps) out.push(p);
  }
  return out;
}

const cross = (a: XY, b: XY, p: XY) => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);

/**
 * Side of p relative to the polyline (true: left of its direction of drawing). The side of the
 * nearest segment decides; where the nearest point is a shared vertex, p is left when it is left
 * of both segments at a left turn, or of either at a right turn.
 */
export function leftOf(line: readonly XY[], p: XY): boolean {
  let best = Infinity;
  let at = 0;
  let t = 0;
  for (let s = 0; s + 1 < line.length; s++) {
    const [a, b] = [line[s], line[s + 1]];
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const l2 = dx * dx + dy * dy || 1;
    const u = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2));
    const d = (a[0] + u * dx - p[0]) ** 2 + (a[1] + u * dy - p[1]) ** 2;
    if (d < best) [best, at, t] = [d, s, u];
  }
  // Nearest point on a vertex shared with the next (t = 1) or previous (t = 0) segment.
  const s0 = t === 1 && at + 2 < line.length ? at : t === 0 && at > 0 ? at - 1 : -1;
  if (s0 < 0) return cross(line[at], line[at + 1], p) > 0;
  const [a, v, b] = [line[s0], line[s0 + 1], line[s0 + 2]];
  const l1 = cross(a, v, p) > 0;
  const l2 = cross(v, b, p) > 0;
  return cross(a, v, b) > 0 ? l1 && l2 : l1 || l2;
}

export type LineCut = { ok: true; left: number[]; right: number[] } | { ok: false; reason: 'not-across' | 'one-side' };

/**
 * Cuts points by a drawn polyline. The line must cross the area it cuts: it starts and ends
 * outside (`inside` false) and passes through it (some point along it, every `step` metres,
 * inside). Its ends are extended far along their first and last segments, so that points
 * beyond the ends fall on a side too. Both sides must be non-empty.
 */
export function cutByLine(points: readonly XY[], line: readonly XY[], inside: (p: XY) => boolean, step = 5): LineCut {
  const l = simplifyLine(line);
  if (l.length < 2 || inside(l[0]) || inside(l.at(-1)!)) return { ok: false, reason: 'not-across' };
  let through = false;
  for (let s = 0; s + 1 < l.length && !through; s++) {
    const n = Math.max(1, Math.ceil(Math.hypot(l[s + 1][0] - l[s][0], l[s + 1][1] - l[s][1]) / step));
    for (let j = 1; j < n && !through; j++)
      through = inside([l[s][0] + ((l[s + 1][0] - l[s][0]) * j) / n, l[s][1] + ((l[s + 1][1] - l[s][1]) * j) / n]);
    through ||= s > 0 && inside(l[s]);
  }
  if (!through) return { ok: false, reason: 'not-across' };
  const far = (a: XY, b: XY): XY => {
    const d = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
    return [b[0] + ((b[0] - a[0]) / d) * 1e6, b[1] + ((b[1] - a[1]) / d) * 1e6];
  };
  const ext = [far(l[1], l[0]), ...l, far(l.at(-2)!, l.at(-1)!)];
  const left: number[] = [];
  const right: number[] = [];
  points.forEach((p, i) => (leftOf(ext, p) ? left : right).push(i));
  return left.length && right.length ? { ok: true, left, right } : { ok: false, reason: 'one-side' };
}
