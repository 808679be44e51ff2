/**
 * Grid borders drawn once: the outlines of polygons that share edges (a plan's grids tile their
 * community), as lines in which every edge occurs once. Drawn as one outline per grid, a shared
 * edge is drawn twice and its two dash patterns, out of phase, look like a solid line beside the
 * dashed outer edges, which reads as meaning something. Edges are matched on exact coordinates
 * (the plan's outlines are dissolved from the same cells and rounded alike), then chained into
 * long lines so a dash pattern runs on along a border instead of restarting at every vertex.
 */
import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon, Position } from 'geojson';

const keyOf = (p: Position) => `${p[0]},${p[1]}`;

export function sharedEdgeLines(polygons: FeatureCollection<Polygon | MultiPolygon>): FeatureCollection<LineString> {
  const points = new Map<string, Position>();
  // Undirected edges, once each, by their end points' keys; and the edges at each vertex.
  const edges = new Map<string, [string, string]>();
  const at = new Map<string, string[]>();
  const addEdge = (a: Position, b: Position) => {
    const [ka, kb] = [keyOf(a), keyOf(b)];
    if (ka === kb) return;
    const k = ka < kb ? `${ka}|${kb}` : `${kb}|${ka}`;
    if (edges.has(k)) return;
    edges.set(k, [ka, kb]);
    points.set(ka, a);
    points.set(kb, b);
    for (const v of [ka, kb]) {
      const list = at.get(v);
      if (list) list.push(k);
      else at.set(v, [k]);
    }
  };
  for (const f of polygons.features) {
    const g = f.geometry;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const poly of polys)
      for (const ring of poly) for (let i = 1; i < ring.length; i++) addEdge(ring[i - 1], ring[i]);
  }

  const used = new Set<string>();
  const chain = (start: string, first: string): Position[] => {
    const line = [points.get(start)!];
    let v = start;
    let e: string | undefined = first;
    while (e && !used.has(e)) {
      used.add(e);
      const [a, b] = edges.get(e)!;
      v = a === v ? b : a;
      line.push(points.get(v)!);
      // Through a vertex where only two edges meet the line goes on; at a junction it stops.
      const next: string[] = at.get(v)!;
      e = next.length === 2 ? next.find((x) => !used.has(x)) : undefined;
    }
    return line;
  };
  const lines: Position[][] = [];
  // Lines start at junctions and loose ends first, so that no border is cut in the middle...
  for (const [v, list] of at) if (list.length !== 2) for (const e of list) if (!used.has(e)) lines.push(chain(v, e));
  // ...then what is left are closed loops (a grid with no neighbour on any side).
  for (const [k, [a]] of edges) if (!used.has(k)) lines.push(chain(a, k));

  return {
    type: 'FeatureCollection',
    features: lines.map((coordinates): Feature<LineString> => ({
      type: 'Feature',
      properties: {},
      geometry: { type: 'LineString', coordinates }
    }))
  };
}
