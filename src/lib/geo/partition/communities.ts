/**
 * The community of each building: its `community` property, else the first community polygon
 * (file order) holding its centre, else the polygon with the vertex nearest to it (with a warning).
 */
import type { Position } from 'geojson';
import { NO_CODE, type ParsedBuilding } from './input';
import { pointInRing, type XY } from './planar';
import type { Projection } from './projection';

/** A community polygon in planar metres. */
export interface PlanarShape {
  code: string;
  rings: XY[][];
}

/**
 * The buildings by community code (see the module comment); `cents` are their WGS-84 centres,
 * `fallback` the code of buildings with none and no polygons (default 12 zeros).
 */
export function groupByCommunity(
  buildings: readonly ParsedBuilding[],
  cents: readonly Position[],
  shapes: readonly PlanarShape[],
  proj: Projection,
  fallback: string | undefined,
  warnings: string[]
): Map<string, ParsedBuilding[]> {
  const byCommunity = new Map<string, ParsedBuilding[]>();
  buildings.forEach((b, i) => {
    let code = b.community;
    if (!code && shapes.length) {
      const p = proj.forward(cents[i]);
      const hit = shapes.find((s) => s.rings.some((r) => pointInRing(p, r)));
      if (hit) code = hit.code;
      else {
        code = nearestShape(shapes, p).code;
        warnings.push(`building ${b.id} lies outside every community polygon; given to the nearest, ${code}`);
      }
    }
    code ??= fallback ?? NO_CODE;
    (byCommunity.get(code) ?? byCommunity.set(code, []).get(code)!).push(b);
  });
  return byCommunity;
}

/** The community polygon with a vertex nearest to `p` (planar metres): where a building outside every polygon goes. */
export function nearestShape<S extends { rings: readonly (readonly XY[])[] }>(shapes: readonly S[], p: XY): S {
  let best = shapes[0];
  let bd = Infinity;
  for (const s of shapes)
    for (const r of s.rings)
      for (const q of r) {
        const d = (q[0] - p[0]) ** 2 + (q[1] - p[1]) ** 2;
        if (d < bd) {
          bd = d;
          best = s;
        }
      }
  return best;
}
