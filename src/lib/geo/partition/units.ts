/**
 * A building as the engine's items: one item, or one per unit (单元) when it holds more
 * households than a grid may and has at least two units.
 */
import type { ParsedBuilding } from './input';
import { openRing, ringCentroid } from './planar';
import type { EngineItem } from './problem';
import { largestOuter, type Projection } from './projection';

/** Engine items for one building: one, or one per unit (单元) along the footprint's long axis. */
export function itemsOf(b: ParsedBuilding, proj: Projection, max: number): EngineItem[] {
  const ring =
    b.geometry.type === 'Point'
      ? [proj.forward(b.geometry.coordinates)]
      : openRing(largestOuter(b.geometry)).map(proj.forward);
  const [cx, cy] = ring.length >= 3 ? ringCentroid(ring) : ring[0];
  if (!(b.households > max && b.units >= 2))
    return [{ id: b.id, households: b.households, x: cx, y: cy, group: b.compound }];
  // Principal axis of the footprint's vertices.
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const [x, y] of ring) {
    sxx += (x - cx) ** 2;
    syy += (y - cy) ** 2;
    sxy += (x - cx) * (y - cy);
  }
  const theta = ring.length >= 3 ? 0.5 * Math.atan2(2 * sxy, sxx - syy) : 0;
  const ux = Math.cos(theta);
  const uy = Math.sin(theta);
  let lo = 0;
  let hi = 0;
  for (const [x, y] of ring) {
    const t = (x - cx) * ux + (y - cy) * uy;
    lo = Math.min(lo, t);
    hi = Math.max(hi, t);
  }
  if (hi - lo < 1) {
    lo = -2.5 * b.units;
    hi = 2.5 * b.units;
  }
  const u = b.units;
  const base = Math.floor(b.households / u);
  const extra = b.households - base * u;
  return Array.from({ length: u }, (_, j) => {
    const t = lo + ((j + 0.5) * (hi - lo)) / u;
    return {
      id: `${b.id}#${j + 1}`,
      building: b.id,
      households: base + (j < extra ? 1 : 0),
      x: cx + t * ux,
      y: cy + t * uy,
      group: b.compound
    };
  });
}
