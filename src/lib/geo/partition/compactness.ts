/**
 * Polsby–Popper compactness, 4πA / P²: 1 for a disc, about 0.785 for a square, towards 0 for
 * long or ragged shapes. The engine's objective sums area and perimeter over building cells
 * (cells.ts; cheap to update on a move); every reported figure is measured on the drawn polygon
 * (`polygonsShape`, see validate.ts).
 */
import type { Cells } from './cells';
import { ringArea, ringPerimeter, type XY } from './planar';

export function polsbyPopper(area: number, perimeter: number): number {
  if (!(perimeter > 0) || !(area > 0)) return 0;
  return Math.min(1, (4 * Math.PI * area) / (perimeter * perimeter));
}

/** Area and perimeter (holes included) of polygons given as rings (outer counter-clockwise, holes clockwise). */
export function polygonsShape(polygons: readonly (readonly (readonly XY[])[])[]): { area: number; perimeter: number } {
  let area = 0;
  let perimeter = 0;
  for (const poly of polygons)
    for (const r of poly) {
      area += ringArea(r);
      perimeter += ringPerimeter(r);
    }
  return { area, perimeter };
}

/** Polsby–Popper of polygons given as rings (outer counter-clockwise, holes clockwise). */
export function polygonsPolsbyPopper(polygons: readonly (readonly (readonly XY[])[])[]): number {
  const { area, perimeter } = polygonsShape(polygons);
  return polsbyPopper(area, perimeter);
}

/** Area and perimeter of the union of the cells of the members of grid `g` (inGrid(j) says j's grid). */
export function cellShape(
  cells: Cells,
  members: Iterable<number>,
  gridOf: (j: number) => number,
  g: number
): { area: number; perimeter: number } {
  let area = 0;
  let perimeter = 0;
  for (const i of members) {
    area += cells.area[i];
    perimeter += cells.outer[i];
    for (let e = cells.off[i]; e < cells.off[i + 1]; e++) if (gridOf(cells.nbr[e]) !== g) perimeter += cells.len[e];
  }
  return { area, perimeter };
}
