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
  type Ring,
  type XY,
  ccw,
  clipToConvex,
  cleanRing,
  intersect,
  isConvex,
  multiBBox,
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

function cellsInCommunity(rng: Rng, pts: XY[], c: CommunityGeo): MultiPoly[] {
  const [x0, y0, x1, y1] = multiBBox(c.poly);
  const jittered = pts.map((p) => [p[0] + (rng() - 0.5) * 0.1, p[1] + (rng() - 0.5) * 0.1] as XY);
  const vor = Delaunay.from(jittered).voronoi([x0 - 500, y0 - 500, x1 + 500, y1 + 500]);
  const convex = c.poly.length === 1 && c.poly[0].length === 1 && isConvex(c.poly[0][0]) ? ccw(c.poly[0][0]) : null;
  return pts.map((_, i) => {
    const raw = vor.cellPolygon(i);
    if (!raw) return [];
    const cell = ccw((raw as XY[]).slice(0, -1).map((p) => [p[0], p[1]] as XY));
    if (convex) {
      const r = cleanRing(clipToConvex(cell, convex), 1e-7);
      return r.length >= 3 && Math.abs(ringArea(r)) > 1e-6 ? [[r]] : [];
    }
    return intersect([[cell]], c.poly);
  });
}

export function buildGrids(rng: Rng, c: CommunityGeo, items: GridBuilding[]): GridGeo[] {
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
  const cells = parts.length > 1 ? cellsInCommunity(rng, items.map((it) => it.building.centroid), c) : [];
  return parts.map((g) => {
    const idx = g.ids.map((id) => byId.get(id)!);
    let poly: MultiPoly;
    if (parts.length === 1) poly = c.poly;
    else {
      const rings: Ring[] = idx.flatMap((i) => cells[i].map((p) => p[0]));
      poly = unionTiles(rings) ?? union(idx.map((i) => cells[i]));
    }
    const code = `${c.nbs.code}${String(g.seq).padStart(3, '0')}`;
    return {
      code,
      community: c,
      seq: g.seq,
      households: g.households,
      buildings: idx.map((i) => items[i].building),
      poly,
      polsbyPopper: polsbyPopper(poly)
    };
  });
}
