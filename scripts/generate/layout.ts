/**
 * The synthetic urban layout of one district: the core (district outline ∩ ellipse from the
 * district registry), community cells (density-weighted, Lloyd-relaxed Voronoi of the core),
 * streets (contiguous groups of community cells, as many as NBS lists per street, so a street's
 * area follows its number of communities) and small town clusters away from the core.
 */
import { Delaunay } from 'd3';
import type { DistrictInfo } from '../../src/lib/data/districts';
import { boxOf } from '../../src/lib/geo/partition/planar';
import { type Rng, uniform } from '../../src/lib/geo/random';
import type { NbsCommunity, NbsStreet } from './divisions';
import {
  type MultiPoly,
  type Projection,
  type Ring,
  type XY,
  convexInsidePoly,
  intersect,
  localProjection,
  multiArea,
  multiBBox,
  pointInMulti,
  polyArea,
  ringArea,
  unionTiles,
  union,
  distToEdges
} from './geom';

export interface CommunityGeo {
  nbs: NbsCommunity;
  street: NbsStreet;
  /** Index into Layout.regions. */
  region: number;
  site: XY;
  poly: MultiPoly;
  /** 0 at the core centre, 1 at the ellipse edge; towns: 1.2. */
  radial: number;
}

export interface StreetGeo {
  nbs: NbsStreet;
  poly: MultiPoly;
  /** The OSM boundary relation ('osm-relation-123') when the shape is OSM's; kept on the map layer. */
  osmId?: string;
}

export interface Region {
  kind: 'core' | 'town';
  poly: MultiPoly;
}

export interface Layout {
  proj: Projection;
  outline: MultiPoly;
  regions: Region[];
  communities: CommunityGeo[];
  streets: StreetGeo[];
}

function ellipseRing(rx: number, ry: number, n = 96): Ring {
  const r: Ring = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    r.push([rx * Math.cos(a), ry * Math.sin(a)]);
  }
  return r;
}

function largestPart(mp: MultiPoly): MultiPoly {
  if (mp.length <= 1) return mp;
  const sorted = [...mp].sort((a, b) => polyArea(b) - polyArea(a));
  return [sorted[0]];
}

/** Points of a regular sampling grid inside the region, with density weights. */
function samples(region: MultiPoly, step: number, density: (p: XY) => number): { pts: XY[]; w: number[] } {
  const [x0, y0, x1, y1] = multiBBox(region);
  const pts: XY[] = [];
  const w: number[] = [];
  for (let y = y0 + step / 2; y < y1; y += step)
    for (let x = x0 + step / 2; x < x1; x += step) {
      const p: XY = [x, y];
      if (pointInMulti(p, region)) {
        pts.push(p);
        w.push(density(p));
      }
    }
  return { pts, w };
}

/**
 * n sites in the region, relaxed by density-weighted Lloyd iterations on a sampling grid:
 * cells come out compact, smaller where the density is higher.
 */
export function relaxedSites(
  rng: Rng,
  region: MultiPoly,
  n: number,
  density: (p: XY) => number,
  iterations = 40
): XY[] {
  const area = multiArea(region);
  const step = Math.max(20, Math.sqrt(area / (n * 70)));
  const { pts, w } = samples(region, step, density);
  if (pts.length < n) throw new Error(`region too small for ${n} sites`);
  // Initial sites: distinct samples, jittered.
  const taken = new Set<number>();
  const sites: XY[] = [];
  while (sites.length < n) {
    const i = Math.floor(rng() * pts.length);
    if (taken.has(i)) continue;
    taken.add(i);
    sites.push([pts[i][0] + uniform(rng, -step / 3, step / 3), pts[i][1] + uniform(rng, -step / 3, step / 3)]);
  }
  if (n === 1) return [pts.reduce((s, p) => [s[0] + p[0] / pts.length, s[1] + p[1] / pts.length] as XY, [0, 0] as XY)];
  for (let it = 0; it < iterations; it++) {
    const del = Delaunay.from(sites);
    const sx = new Float64Array(n);
    const sy = new Float64Array(n);
    const sw = new Float64Array(n);
    let hint = 0;
    for (let i = 0; i < pts.length; i++) {
      const k = del.find(pts[i][0], pts[i][1], hint);
      hint = k;
      sx[k] += pts[i][0] * w[i];
      sy[k] += pts[i][1] * w[i];
      sw[k] += w[i];
    }
    for (let k = 0; k < n; k++) if (sw[k] > 0) sites[k] = [sx[k] / sw[k], sy[k] / sw[k]];
  }
  return sites;
}

/** Voronoi cells of the sites clipped to the region (small slivers dropped). */
export function voronoiCells(sites: XY[], region: MultiPoly): MultiPoly[] {
  const [x0, y0, x1, y1] = multiBBox(region);
  const pad = 1000;
  if (sites.length === 1) return [region];
  const vor = Delaunay.from(sites).voronoi([x0 - pad, y0 - pad, x1 + pad, y1 + pad]);
  return sites.map((_, i) => {
    const poly = vor.cellPolygon(i);
    if (!poly) return [];
    const cell: Ring = (poly as XY[]).slice(0, -1).map((p) => [p[0], p[1]] as XY);
    const ccwCell = ringArea(cell) < 0 ? cell.reverse() : cell;
    if (region.length === 1 && convexInsidePoly(ccwCell, region[0])) return [[ccwCell]];
    const parts = intersect([[ccwCell]], region);
    return parts.filter((p) => polyArea(p) >= 2000);
  });
}

/**
 * Splits the sites into consecutive groups of the given sizes by recursive cuts along the
 * longer (jittered) axis: every group is a compact, contiguous set of cells.
 */
export function groupSites(rng: Rng, sites: XY[], sizes: number[]): number[][] {
  const out: number[][] = sizes.map(() => []);
  // No groups (a district whose committees all lie in towns): nothing to split, and no end to the recursion.
  if (sizes.length === 0) return out;
  const rec = (idx: number[], groups: number[]) => {
    if (groups.length === 1) {
      out[groups[0]] = idx;
      return;
    }
    const total = groups.reduce((s, g) => s + sizes[g], 0);
    let acc = 0;
    let cut = 1;
    let bestDev = Infinity;
    for (let i = 1; i < groups.length; i++) {
      acc += sizes[groups[i - 1]];
      const dev = Math.abs(acc - total / 2);
      if (dev < bestDev) {
        bestDev = dev;
        cut = i;
      }
    }
    const left = groups.slice(0, cut);
    const right = groups.slice(cut);
    const nLeft = left.reduce((s, g) => s + sizes[g], 0);
    const [x0, y0, x1, y1] = boxOf(sites, idx);
    const base = x1 - x0 >= y1 - y0 ? 0 : Math.PI / 2;
    const ang = base + uniform(rng, -0.45, 0.45);
    const ux = Math.cos(ang);
    const uy = Math.sin(ang);
    const sorted = [...idx].sort(
      (a, b) => sites[a][0] * ux + sites[a][1] * uy - (sites[b][0] * ux + sites[b][1] * uy) || a - b
    );
    const flip = rng() < 0.5;
    const first = flip ? sorted.slice(sorted.length - nLeft) : sorted.slice(0, nLeft);
    const rest = flip ? sorted.slice(0, sorted.length - nLeft) : sorted.slice(nLeft);
    rec(first, left);
    rec(rest, right);
  };
  rec(
    sites.map((_, i) => i),
    sizes.map((_, i) => i)
  );
  return out;
}

/** Places the town clusters inside the outline, away from the core and from each other. */
function placeTowns(rng: Rng, outline: MultiPoly, coreR: number, radii: number[]): XY[] {
  const [x0, y0, x1, y1] = multiBBox(outline);
  const centres: XY[] = [];
  radii.forEach((R, t) => {
    let gap = 2500;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0 && attempt % 3000 === 0) gap /= 2;
      if (attempt > 20000) throw new Error('cannot place town cluster');
      const p: XY = [uniform(rng, x0, x1), uniform(rng, y0, y1)];
      const dist = Math.hypot(p[0], p[1]);
      // Near the city, as the towns that hold 社区 usually are.
      if (dist < coreR + R + gap || dist > coreR + R + gap + 6000 * (1 + Math.floor(attempt / 4000))) continue;
      if (!pointInMulti(p, outline)) continue;
      if (distToEdges(p, outline) < R + 400) continue;
      if (centres.some((c, i) => Math.hypot(c[0] - p[0], c[1] - p[1]) < R + radii[i] + gap)) continue;
      centres[t] = p;
      break;
    }
  });
  return centres;
}

export function buildLayout(rng: Rng, info: DistrictInfo, outlineLonLat: number[][][], streets: NbsStreet[]): Layout {
  const [clon, clat] = info.core.center;
  const proj = localProjection(clon, clat);
  const outRing = outlineLonLat[0].map((c) => proj.forward(c[0], c[1]));
  if (
    outRing.length > 1 &&
    outRing[0][0] === outRing[outRing.length - 1][0] &&
    outRing[0][1] === outRing[outRing.length - 1][1]
  )
    outRing.pop();
  const outline: MultiPoly = [[ringArea(outRing) < 0 ? outRing.reverse() : outRing]];
  const rx = info.core.rx * 1000;
  const ry = info.core.ry * 1000;
  const core = largestPart(intersect([[ellipseRing(rx, ry)]], outline));
  if (core.length === 0) throw new Error(`${info.code}: core does not meet the outline`);

  const urban = streets.filter((s) => s.kind === 'subdistrict');
  const towns = streets.filter((s) => s.kind !== 'subdistrict');
  const regions: Region[] = [{ kind: 'core', poly: core }];
  const communities: CommunityGeo[] = [];
  const streetGeos: StreetGeo[] = [];

  // Core: denser towards the centre.
  const urbanCommunities = urban.flatMap((s) => s.communities.map((c) => ({ c, s })));
  const density = (p: XY) => 1 + 2.2 * Math.exp(-((p[0] / rx) ** 2 + (p[1] / ry) ** 2) / 0.25);
  const sites = relaxedSites(rng, core, urbanCommunities.length, density);
  const groups = groupSites(
    rng,
    sites,
    urban.map((s) => s.communities.length)
  );
  const cells = voronoiCells(sites, core);
  urban.forEach((s, si) => {
    const idx = groups[si];
    // Communities in code order follow the sites ordered from north-west to south-east.
    const ordered = [...idx].sort((a, b) => sites[b][1] - sites[a][1] + (sites[a][0] - sites[b][0]) * 0.5 || a - b);
    s.communities.forEach((c, k) => {
      const i = ordered[k];
      const [x, y] = sites[i];
      communities.push({
        nbs: c,
        street: s,
        region: 0,
        site: sites[i],
        poly: cells[i],
        radial: Math.sqrt((x / rx) ** 2 + (y / ry) ** 2)
      });
    });
    const parts = ordered.map((i) => cells[i]).filter((p) => p.length > 0);
    const rings = parts.flatMap((mp) => mp.map((p) => p[0]));
    streetGeos.push({ nbs: s, poly: unionTiles(rings, 0.01) ?? union(parts) });
  });

  // Towns: small round clusters elsewhere in the district.
  const avgArea = multiArea(core) / Math.max(1, urbanCommunities.length);
  const radii = towns.map((t) => Math.sqrt((t.communities.length * avgArea * 1.6) / Math.PI));
  const centres = placeTowns(rng, outline, Math.max(rx, ry), radii);
  towns.forEach((t, ti) => {
    const R = radii[ti];
    const [cx, cy] = centres[ti];
    const stretch = uniform(rng, 1.0, 1.35);
    const rot = uniform(rng, 0, Math.PI);
    const ring: Ring = ellipseRing(R * stretch, R / stretch, 32).map(([x, y]) => [
      cx + x * Math.cos(rot) - y * Math.sin(rot),
      cy + x * Math.sin(rot) + y * Math.cos(rot)
    ]);
    const poly: MultiPoly = [[ring]];
    const region = regions.length;
    regions.push({ kind: 'town', poly });
    const tsites = relaxedSites(rng, poly, t.communities.length, () => 1);
    const tcells = voronoiCells(tsites, poly);
    const order = tsites.map((_, i) => i).sort((a, b) => tsites[b][1] - tsites[a][1] || a - b);
    t.communities.forEach((c, k) => {
      const i = order[k];
      communities.push({ nbs: c, street: t, region, site: tsites[i], poly: tcells[i], radial: 1.2 });
    });
    streetGeos.push({ nbs: t, poly });
  });

  for (const c of communities) if (c.poly.length === 0) throw new Error(`community ${c.nbs.code} got no area`);
  streetGeos.sort((a, b) => (a.nbs.code < b.nbs.code ? -1 : 1));
  communities.sort((a, b) => (a.nbs.code < b.nbs.code ? -1 : 1));
  return { proj, outline, regions, communities, streets: streetGeos };
}
