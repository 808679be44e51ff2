/**
 * The initial grids of a community: the household-weighted bisection of its buildings
 * (src/lib/geo/partition/bisection.ts), drawn as the union of the buildings' Voronoi cells
 * clipped to the community, so that grids tile the community without gaps or overlaps.
 */
import { Delaunay } from 'd3';
import { bisect } from '../../src/lib/geo/partition/bisection';
import type { Rng } from '../../src/lib/geo/random';
import type { BuildingGeo } from './compounds';
import { GRID_MAX, GRID_MIN, GRID_TARGET } from './config';
import {
  type MultiPoly,
  type XY,
  ccw,
  clipToConvex,
  convexInsidePoly,
  cleanRing,
  intersect,
  isConvex,
  multiBBox,
  pointInPoly,
  polyArea,
  polsbyPopper,
  ringArea,
  union,
  unionTiles
} from './geom';
import type { CommunityGeo } from './layout';

export interface GridGeo {
  code: string;
  community: CommunityGeo;
  seq: number;
  households: number;
  buildings: BuildingGeo[];
  poly: MultiPoly;
  polsbyPopper: number;
}

export interface GridBuilding {
  building: BuildingGeo;
  compound: string;
}

/** Voronoi cells of the (slightly jittered) points clipped to `poly`, and their Delaunay neighbours. */
export function cellsIn(
  rng: Rng,
  pts: XY[],
  poly: MultiPoly
): { cells: MultiPoly[]; neighbors: (i: number) => Iterable<number> } {
  const [x0, y0, x1, y1] = multiBBox(poly);
  const jittered = pts.map((p) => [p[0] + (rng() - 0.5) * 0.1, p[1] + (rng() - 0.5) * 0.1] as XY);
  const del = Delaunay.from(jittered);
  const vor = del.voronoi([x0 - 500, y0 - 500, x1 + 500, y1 + 500]);
  const convex = poly.length === 1 && poly[0].length === 1 && isConvex(poly[0][0]) ? ccw(poly[0][0]) : null;
  const cells = pts.map((_, i): MultiPoly => {
    const raw = vor.cellPolygon(i);
    if (!raw) return [];
    const cell = ccw((raw as XY[]).slice(0, -1).map((p) => [p[0], p[1]] as XY));
    if (convex) {
      const r = cleanRing(clipToConvex(cell, convex), 1e-7);
      return r.length >= 3 && Math.abs(ringArea(r)) > 1e-6 ? [[r]] : [];
    }
    // Most cells of a big area lie wholly inside it: only the others need the general overlay.
    if (poly.some((p) => convexInsidePoly(cell, p))) return [[cell]];
    return intersect([[cell]], poly);
  });
  return { cells, neighbors: (i) => del.neighbors(i) };
}

/** Each building's cell inside the community and its neighbours (indices into the items), when already known. */
export interface GivenCells {
  cells: MultiPoly[];
  neighbors: (i: number) => Iterable<number>;
}

export function buildGrids(rng: Rng, c: CommunityGeo, items: GridBuilding[], given?: GivenCells): GridGeo[] {
  if (items.length === 0) return [];
  const parts = bisect(
    items.map((it) => ({
      id: it.building.id,
      households: it.building.households,
      x: it.building.centroid[0],
      y: it.building.centroid[1],
      group: it.compound
    })),
    { target: GRID_TARGET, min: GRID_MIN, max: GRID_MAX }
  );
  const byId = new Map(items.map((it, i) => [it.building.id, i]));
  const grid = new Int32Array(items.length);
  parts.forEach((g, gi) => g.ids.forEach((id) => (grid[byId.get(id)!] = gi)));
  const hh = parts.map((g) => g.households);
  const members = (gi: number) => items.map((_, i) => i).filter((i) => grid[i] === gi);
  let polys: MultiPoly[] = parts.map(() => c.poly);
  if (parts.length > 1) {
    const { cells, neighbors } =
      given ??
      cellsIn(
        rng,
        items.map((it) => it.building.centroid),
        c.poly
      );
    const polyOf = (gi: number): MultiPoly => {
      const idx = members(gi);
      return unionTiles(idx.flatMap((i) => cells[i].map((p) => p[0]))) ?? union(idx.map((i) => cells[i]));
    };
    polys = parts.map((_, gi) => polyOf(gi));
    // A grid whose cells fall apart hands its smaller pieces to the neighbouring grid that
    // touches them most, when both stay within bounds.
    for (let pass = 0; pass < 3; pass++) {
      let changed = false;
      for (let gi = 0; gi < parts.length; gi++) {
        if (polys[gi].length < 2) continue;
        const pieces = [...polys[gi]].sort((a, b) => polyArea(b) - polyArea(a)).slice(1);
        for (const piece of pieces) {
          const moving = members(gi).filter((i) => pointInPoly(items[i].building.centroid, piece));
          const w = moving.reduce((s, i) => s + items[i].building.households, 0);
          if (moving.length === 0 || hh[gi] - w < GRID_MIN) continue;
          const touch = new Map<number, number>();
          for (const i of moving)
            for (const j of neighbors(i)) if (grid[j] !== gi) touch.set(grid[j], (touch.get(grid[j]) ?? 0) + 1);
          const to = [...touch.entries()]
            .sort((a, b) => b[1] - a[1] || a[0] - b[0])
            .find(([h]) => hh[h] + w <= GRID_MAX)?.[0];
          if (to === undefined) continue;
          for (const i of moving) grid[i] = to;
          hh[gi] -= w;
          hh[to] += w;
          polys[gi] = polyOf(gi);
          polys[to] = polyOf(to);
          changed = true;
          break;
        }
      }
      if (!changed) break;
    }
  }
  return parts.map((g, gi) => {
    const idx = members(gi);
    const poly = polys[gi];
    return {
      code: `${c.nbs.code}${String(g.seq).padStart(3, '0')}`,
      community: c,
      seq: g.seq,
      households: hh[gi],
      buildings: idx.map((i) => items[i].building),
      poly,
      polsbyPopper: polsbyPopper(poly)
    };
  });
}
