/**
 * Which lines a community's problem gets: the cut lines (barriers and streets) near the input,
 * noded, and the barrier segments near a community's items. A district's roads are thousands of
 * lines; one community needs a handful.
 */
import type { Position } from 'geojson';
import { nodeLines } from '../network';
import { boxOf, itemsBox, type XY } from './planar';
import type { Projection } from './projection';

/**
 * Cut lines (planar): the barriers and streets near these points (WGS-84), noded so that
 * crossings and T junctions are shared vertices; undefined when there are none.
 */
export function cutLines(
  lines: readonly Position[][],
  points: readonly Position[],
  proj: Projection
): XY[][] | undefined {
  const cut = near(lines, points);
  return cut.length ? nodeLines(cut as [number, number][][]).map((l) => l.map(proj.forward)) : undefined;
}

/** The lines whose box meets the points' box grown by about 200 m (WGS-84). */
function near(lines: readonly Position[][], points: readonly Position[]): Position[][] {
  if (!points.length) return [];
  const m = 0.002;
  const [x0, y0, x1, y1] = boxOf(points);
  return lines.filter((l) => {
    const [a0, b0, a1, b1] = boxOf(l);
    return a1 >= x0 - m && a0 <= x1 + m && b1 >= y0 - m && b0 <= y1 + m;
  });
}

/**
 * The barrier segments that can cut an adjacency edge between these items: those whose box meets
 * the items' box (every Delaunay edge lies inside it). A district's roads are thousands of
 * segments; one community needs a handful.
 */
export function barriersNear(lines: readonly (readonly XY[])[], items: readonly { x: number; y: number }[]): XY[][] {
  if (!items.length || !lines.length) return [];
  const [x0, y0, x1, y1] = itemsBox(items);
  const m = 1;
  const out: XY[][] = [];
  for (const line of lines) {
    let run: XY[] = [];
    for (let k = 0; k + 1 < line.length; k++) {
      const a = line[k];
      const b = line[k + 1];
      const hit =
        Math.max(a[0], b[0]) >= x0 - m &&
        Math.min(a[0], b[0]) <= x1 + m &&
        Math.max(a[1], b[1]) >= y0 - m &&
        Math.min(a[1], b[1]) <= y1 + m;
      if (hit) {
        if (!run.length) run.push(a);
        run.push(b);
      } else if (run.length) {
        out.push(run);
        run = [];
      }
    }
    if (run.length) out.push(run);
  }
  return out;
}
