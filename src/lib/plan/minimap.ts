/**
 * A small SVG map of a community's buildings (for the version diff): footprints projected into
 * a box, north up, aspect kept (longitude scaled by cos(latitude)). Pure: returns path strings.
 */
import type { MultiPolygon, Polygon } from 'geojson';
import { bbox, geometryCollection } from '@turf/turf';
import { colourGraph } from '$lib/geo/partition/colouring';

export interface MinimapShape {
  id: string;
  d: string;
}

export function minimap(
  buildings: readonly { id: string; geometry: Polygon | MultiPolygon }[],
  width: number,
  height: number,
  pad = 6
): { shapes: MinimapShape[]; height: number } {
  if (!buildings.length) return { shapes: [], height };
  const rings = (g: Polygon | MultiPolygon) =>
    g.type === 'Polygon' ? [g.coordinates[0]] : g.coordinates.map((p) => p[0]);
  const [x0, y0, x1, y1] = bbox(geometryCollection(buildings.map((b) => b.geometry)));
  const kx = Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
  const k = Math.min((width - 2 * pad) / Math.max((x1 - x0) * kx, 1e-9), (height - 2 * pad) / Math.max(y1 - y0, 1e-9));
  const h = Math.min(height, (y1 - y0) * k + 2 * pad);
  const f = (n: number) => n.toFixed(1);
  return {
    height: h,
    shapes: buildings.map((b) => ({
      id: b.id,
      d: rings(b.geometry)
        .map(
          (r) => 'M' + r.map(([x, y]) => `${f(pad + (x - x0) * kx * k)},${f(h - pad - (y - y0) * k)}`).join('L') + 'Z'
        )
        .join('')
    }))
  };
}

/**
 * Palette index (of `k`) per grid of an assignment (building id → grid code), no two
 * neighbouring grids alike: buildings `ids[i]` and `ids[j]` of each pair in `pairs` touch. A grid
 * keeps its index in `current` (the main map's colours) wherever no neighbour holds it, so a
 * saved version is painted like the map and only grids that differ get other colours.
 */
export function assignmentColours(
  assignment: Readonly<Record<string, string>>,
  ids: readonly string[],
  pairs: Iterable<readonly [number, number]>,
  k: number,
  current: ReadonlyMap<string, number>
): Map<string, number> {
  const codes = [...new Set(Object.values(assignment).filter(Boolean))].sort();
  const gridPairs: [string, string][] = [];
  for (const [i, j] of pairs) {
    const [a, b] = [assignment[ids[i]], assignment[ids[j]]];
    if (a && b && a !== b) gridPairs.push([a, b]);
  }
  return colourGraph(codes, gridPairs, k, current);
}
