/**
 * Polygon outlines as one vertex list and a path of indices into it, for drawing with Canvas 2D
 * (outline-canvas.ts): neighbouring grids share their border vertices, so each is projected to
 * the screen once per frame however many rings it belongs to.
 */
import type { Feature, MultiPolygon, Polygon } from 'geojson';

export interface IndexedRings {
  /** Interleaved lon, lat of each distinct vertex. */
  coords: Float64Array;
  /** Vertex indices ring after ring, each ring closed by its first index and ended by -1. */
  path: Int32Array;
}

/** What OutlineCanvas draws. */
export interface OutlineSpec {
  rings: IndexedRings;
  /** CSS colour. */
  color: string;
  /** CSS pixels. */
  width: number;
}

/** Every ring (outer and holes) of the features, vertices shared where their coordinates are equal. */
export function indexRings(features: readonly Feature<Polygon | MultiPolygon | null>[]): IndexedRings {
  const index = new Map<string, number>();
  const coords: number[] = [];
  const path: number[] = [];
  for (const f of features) {
    const g = f.geometry;
    if (!g) continue;
    const rings = g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
    for (const ring of rings) {
      if (ring.length < 2) continue;
      for (const [x, y] of ring) {
        const key = `${x},${y}`;
        let i = index.get(key);
        if (i === undefined) {
          i = coords.length / 2;
          index.set(key, i);
          coords.push(x, y);
        }
        path.push(i);
      }
      path.push(-1);
    }
  }
  return { coords: Float64Array.from(coords), path: Int32Array.from(path) };
}
