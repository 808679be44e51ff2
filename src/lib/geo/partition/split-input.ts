/**
 * A whole district or city at once (#13): cuts one big input into units of work that can be
 * partitioned independently (in parallel: worker_threads in the CLI, a pool of Web Workers in
 * the planner) and merges their results back into one `PartitionOutput`.
 *
 * A unit is one community: the community polygons (`--boundary`) where given, else the
 * buildings' `community` property (else the request's `community`); buildings of no known
 * community (12 zeros) holding more than `CLUSTER_MAX_GRIDS` grids' worth of households are cut
 * into compact clusters by household-weighted recursive bisection (see `clusterBuildings`), each
 * a unit with a placeholder code and its cut region as boundary.
 *
 * Each unit is a `PartitionRequest` of its own: its buildings (in WGS-84, each with its community
 * set, so no unit has to find it again), its polygon, the barrier lines near it and the input's
 * projection origin. A community's result is then exactly what `partitionGeoJSON` gives it in one
 * call over the whole input (tests/unit/partition-split.test.ts), whatever worker runs it.
 */
import type { Feature, LineString, Polygon, Position } from 'geojson';
import { toWgs84Geometry } from '../crs';
import Flatbush from 'flatbush';
import { readingOrder } from './codes';
import { nearestShape } from './communities';
import { partitionGeoJSON } from './geojson';
import {
  inputError,
  NO_CODE,
  r7,
  readRequest,
  type InputError,
  type ParsedBuilding,
  type PartitionRequest,
  type Result
} from './input';
import { roadSummary, type PartitionOutput } from './output';
import { buildingCentre, localProjection, projectionOrigin } from './projection';
import { bufferedHull, boxOf, clipHalfPlane, pointInRing, type Ring, type XY } from './planar';
import { DEFAULT_HULL_MARGIN } from './problem';
import { communityTooBig } from './limits';
import type { ProgressCallback } from './engine';

/**
 * Clusters hold at most this many grids (at least half as many, where the cut allows): 12 grids
 * are 4,800 households at the default target, the size of a large city community; the engine
 * partitions such a community in well under a second (community-3000, 8 grids: 0.3 s) and its
 * search gains little from a larger piece, while smaller ones fix more grid boundaries in advance.
 */
export const CLUSTER_MAX_GRIDS = 12;

export type Cut = 'boundary' | 'community' | 'cluster';

export interface WorkUnit {
  /** The community code (a placeholder `0000000000NN` for a cluster). */
  community: string;
  /** How the unit was found: a community polygon, the buildings' property (or none known), a cluster. */
  cut: Cut;
  buildings: number;
  households: number;
  /** The unit as a request of its own, in WGS-84. */
  request: PartitionRequest;
}

export interface SplitInput {
  /** In community-code order (the order of `partitionGeoJSON`'s reports). */
  units: WorkUnit[];
  clusters: number;
}

export interface Cluster {
  /** Indices into the points given. */
  members: number[];
  /** The convex region cut for it (planar, counter-clockwise): clusters' regions tile the frame. */
  region: Ring;
}

/**
 * Household-weighted recursive bisection into compact clusters of at most `maxGrids` grids: a
 * group of k = round(households / target) grids is cut across the longer side of its points' box,
 * between two buildings, where the households on one side are closest to ⌊k/2⌋/k of the group's,
 * so that both sides hold a whole number of grids of the group's mean size. Each region is the
 * frame cut by straight lines, hence convex: a cluster is one piece on the map, and the regions
 * tile the frame without gaps or overlaps.
 */
export function clusterBuildings(
  points: readonly XY[],
  households: readonly number[],
  frame: Ring,
  target: number,
  maxGrids = CLUSTER_MAX_GRIDS
): Cluster[] {
  const out: Cluster[] = [];
  const grids = (members: readonly number[]) =>
    Math.max(1, Math.round(members.reduce((s, i) => s + households[i], 0) / target));
  const stack: Cluster[] = [{ members: [...points.keys()], region: frame }];
  while (stack.length) {
    const c = stack.pop()!;
    const k = grids(c.members);
    const cut = k > maxGrids ? bestCut(c.members, points, households, Math.floor(k / 2) / k) : null;
    if (!cut) {
      out.push(c);
      continue;
    }
    const { axis, at, left, right } = cut;
    // Half-planes on either side of the line through `at` across `axis` (left of the directed line).
    const [a1, b1, a2, b2]: XY[] =
      axis === 0
        ? [
            [at, 0],
            [at, 1],
            [at, 1],
            [at, 0]
          ]
        : [
            [1, at],
            [0, at],
            [0, at],
            [1, at]
          ];
    // Pushed right first so that the left/lower side is cut first (the order only affects numbering, done later).
    stack.push({ members: right, region: clipHalfPlane(c.region, a2, b2) });
    stack.push({ members: left, region: clipHalfPlane(c.region, a1, b1) });
  }
  return out;
}

/** The cut of a group nearest the share `share` of its households, across its longer side (else the other), between distinct coordinates. */
function bestCut(
  members: readonly number[],
  points: readonly XY[],
  hh: readonly number[],
  share: number
): { axis: 0 | 1; at: number; left: number[]; right: number[] } | null {
  const [x0, y0, x1, y1] = boxOf(points, members);
  const axes: (0 | 1)[] = x1 - x0 >= y1 - y0 ? [0, 1] : [1, 0];
  const total = members.reduce((s, i) => s + hh[i], 0);
  for (const axis of axes) {
    const other = 1 - axis;
    const sorted = [...members].sort(
      (a, b) => points[a][axis] - points[b][axis] || points[a][other] - points[b][other] || a - b
    );
    const cum = new Float64Array(sorted.length + 1);
    sorted.forEach((i, j) => (cum[j + 1] = cum[j] + hh[i]));
    const want = total * share;
    // Cut positions c (c buildings on the left) lie strictly between two coordinates.
    let best = -1;
    let bestErr = Infinity;
    for (let c = 1; c < sorted.length; c++) {
      if (points[sorted[c - 1]][axis] === points[sorted[c]][axis]) continue;
      const err = Math.abs(cum[c] - want);
      if (err < bestErr) {
        bestErr = err;
        best = c;
      }
    }
    if (best < 0) continue;
    const at = (points[sorted[best - 1]][axis] + points[sorted[best]][axis]) / 2;
    return { axis, at, left: sorted.slice(0, best), right: sorted.slice(best) };
  }
  return null;
}

/** Box of a geometry's positions (WGS-84), grown into `box`. */
function growBox(box: number[], c: unknown): void {
  if (Array.isArray(c) && typeof c[0] === 'number') {
    box[0] = Math.min(box[0], c[0]);
    box[1] = Math.min(box[1], c[1] as number);
    box[2] = Math.max(box[2], c[0]);
    box[3] = Math.max(box[3], c[1] as number);
  } else if (Array.isArray(c)) for (const x of c) growBox(box, x);
}

/** About 100 m: barrier lines whose box comes this close to a unit's buildings go with it (the engine takes those within 1 m). */
const BARRIER_MARGIN_DEG = 0.001;

/**
 * Cuts a request into units of work (see the module comment). Errors as `partitionGeoJSON`'s:
 * the whole input is read and checked here, so a unit never fails on its input.
 */
export function splitInput(req: PartitionRequest, maxGrids = CLUSTER_MAX_GRIDS): Result<SplitInput> {
  const crs = req.crs ?? 'wgs84';
  const input = readRequest(req);
  if (!input.ok) return input;
  const { buildings, communities, barriers, streets, bounds } = input.value;
  const { target } = bounds;
  const warnings = input.warnings;
  const cents = buildings.map(buildingCentre);
  const origin = req.origin ?? projectionOrigin(cents);
  const proj = localProjection(origin[0], origin[1]);
  const shapes = communities.map((c) => ({ code: c.code, rings: c.rings.map((r) => r.map(proj.forward)) }));
  const points = cents.map((c) => proj.forward(c));

  // Community of each building, as partitionGeoJSON finds it: its property, else the first polygon
  // (file order) holding its centre, else the polygon with the nearest vertex.
  const index = shapes.length ? new Flatbush(shapes.reduce((n, s) => n + s.rings.length, 0)) : null;
  const ringOf: [number, number][] = [];
  if (index) {
    shapes.forEach((s, si) =>
      s.rings.forEach((r, ri) => {
        index.add(...boxOf(r));
        ringOf.push([si, ri]);
      })
    );
    index.finish();
  }
  const groups = new Map<string, number[]>();
  buildings.forEach((b, i) => {
    let code = b.community;
    if (!code && index) {
      const p = points[i];
      const hits = index
        .search(p[0], p[1], p[0], p[1])
        .filter((h) => pointInRing(p, shapes[ringOf[h][0]].rings[ringOf[h][1]]));
      if (hits.length) code = shapes[Math.min(...hits.map((h) => ringOf[h][0]))].code;
      else {
        code = nearestShape(shapes, p).code;
        warnings.push(`building ${b.id} lies outside every community polygon; given to the nearest, ${code}`);
      }
    }
    code ??= req.community ?? NO_CODE;
    (groups.get(code) ?? groups.set(code, []).get(code)!).push(i);
  });

  const polygonOf = new Map<string, Feature>();
  // readCommunities keeps the file's order: polygon k is feature k.
  communities.forEach((c, k) =>
    polygonOf.set(c.code, {
      type: 'Feature',
      properties: { code: c.code },
      geometry: toWgs84Geometry(req.communities!.features[k].geometry, crs)
    })
  );
  const cutOf = (code: string): Cut => (polygonOf.has(code) ? 'boundary' : 'community');
  // Streets (lines grids may cross, cells are cut along) travel with the units as partitionGeoJSON reads them.
  const lines = [...barriers, ...streets];
  const isStreet = (k: number) => k >= barriers.length;
  const lineBoxes = lines.map((l) => {
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    growBox(box, l);
    return box;
  });

  const unit = (code: string, members: readonly number[], cut: Cut, boundary?: Feature): WorkUnit => {
    const box = [Infinity, Infinity, -Infinity, -Infinity];
    for (const i of members) growBox(box, buildings[i].geometry.coordinates);
    // Cells reach the outline: streets there cut them too.
    if (boundary) growBox(box, (boundary.geometry as Polygon).coordinates);
    const m = BARRIER_MARGIN_DEG;
    const near = [...lines.keys()].filter(
      (k) =>
        lineBoxes[k][0] <= box[2] + m &&
        lineBoxes[k][2] >= box[0] - m &&
        lineBoxes[k][1] <= box[3] + m &&
        lineBoxes[k][3] >= box[1] - m
    );
    const features = members.map((i) => featureOf(buildings[i], req.buildings.features[buildings[i].index], code));
    return {
      community: code,
      cut,
      buildings: members.length,
      households: members.reduce((s, i) => s + buildings[i].households, 0),
      request: {
        ...req,
        crs: 'wgs84',
        origin,
        buildings: { type: 'FeatureCollection', features },
        communities: boundary ? { type: 'FeatureCollection', features: [boundary] } : undefined,
        barriers: near.length
          ? {
              type: 'FeatureCollection',
              features: near.map((k): Feature<LineString> => ({
                type: 'Feature',
                properties: { class: isStreet(k) ? 'street' : 'barrier' },
                geometry: { type: 'LineString', coordinates: lines[k] }
              }))
            }
          : undefined,
        barrierClasses: ['barrier'],
        streetClasses: ['street'],
        community: undefined
      }
    };
  };

  const units: WorkUnit[] = [];
  let clusters = 0;
  const lockedHere = (req.locked ?? []).some((c) => c.startsWith(NO_CODE));
  const tooBig: InputError[] = [];
  for (const [code, members] of groups) {
    const households = members.reduce((s, i) => s + buildings[i].households, 0);
    if (code !== NO_CODE || polygonOf.has(code) || lockedHere || households <= maxGrids * target) {
      // A community too big for one partition (limits.ts) is refused here, before any unit runs.
      const big = communityTooBig(code, members.length, households, bounds);
      if (big) tooBig.push(inputError('buildings', -1, 'community', big));
      else units.push(unit(code, members, cutOf(code), polygonOf.get(code)));
      continue;
    }
    // No community known and too large for one: compact clusters, numbered in reading order of their centres.
    const pts = members.map((i) => points[i]);
    const frame = bufferedHull(pts, DEFAULT_HULL_MARGIN);
    const found = clusterBuildings(
      pts,
      members.map((i) => buildings[i].households),
      frame,
      target,
      maxGrids
    );
    const centres = found.map((c) => {
      const w = c.members.reduce((s, j) => s + Math.max(buildings[members[j]].households, 1e-6), 0);
      return [
        c.members.reduce((s, j) => s + pts[j][0] * Math.max(buildings[members[j]].households, 1e-6), 0) / w,
        c.members.reduce((s, j) => s + pts[j][1] * Math.max(buildings[members[j]].households, 1e-6), 0) / w
      ] as XY;
    });
    const seq = readingOrder(centres);
    const taken = new Set(groups.keys());
    const codes: string[] = [];
    let next = 0;
    for (const g of [...found.keys()].sort((a, b) => seq[a] - seq[b])) {
      let c: string;
      do c = String(++next).padStart(12, '0');
      while (taken.has(c));
      codes[g] = c;
    }
    found.forEach((c, g) =>
      units.push(
        unit(
          codes[g],
          c.members.map((j) => members[j]),
          'cluster',
          {
            type: 'Feature',
            properties: { code: codes[g] },
            geometry: wgsPolygon(c.region.map((q) => proj.inverse(q)))
          }
        )
      )
    );
    clusters += found.length;
  }
  if (tooBig.length) return { ok: false, errors: tooBig };
  units.sort((a, b) => (a.community < b.community ? -1 : a.community > b.community ? 1 : 0));
  return { ok: true, value: { units, clusters }, warnings };
}

/** A building as a unit's input: WGS-84 geometry as read (7 decimals), its community set. */
function featureOf(b: ParsedBuilding, f: Feature, community: string): Feature {
  return {
    type: 'Feature',
    ...(f.id !== undefined ? { id: f.id } : {}),
    properties: { ...f.properties, id: b.id, community },
    geometry: b.geometry
  };
}

/** A cluster's region (WGS-84, open) as a GeoJSON polygon, rounded to 7 decimals (as the engine reads input) without repeated points. */
function wgsPolygon(ring: readonly Position[]): Polygon {
  const out: Position[] = [];
  for (const p of ring) {
    const q = [r7(p[0]), r7(p[1])];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  if (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return { type: 'Polygon', coordinates: [[...out, out[0]]] };
}

/**
 * The units' results as one output, as `partitionGeoJSON` would give it for the whole input:
 * grids in code order, buildings in id order, reports and unmet rules in the units' (community) order.
 */
export function mergeOutputs(outputs: readonly PartitionOutput[]): PartitionOutput {
  const features = outputs
    .flatMap((o) => o.grids.features)
    .sort((a, b) => (a.properties.code < b.properties.code ? -1 : 1));
  const buildings = outputs.flatMap((o) => o.buildings).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const communities = outputs.flatMap((o) => o.communities);
  return {
    grids: { type: 'FeatureCollection', features },
    buildings,
    communities,
    unmet: outputs.flatMap((o) => o.unmet),
    ...roadSummary(communities)
  };
}

/**
 * Runs one unit (in whatever thread). Its input was checked by `splitInput`, so only a refusal of
 * the whole community can come back (e.g. more grids than its codes can number), as errors.
 */
export function partitionUnit(
  u: WorkUnit,
  now: () => number = () => Date.now(),
  onProgress?: ProgressCallback
): Result<PartitionOutput> {
  return partitionGeoJSON(u.request, now, onProgress);
}

/**
 * The whole input in this thread, unit after unit: the same result as the same units run by any
 * number of workers. `onProgress` hears units done plus the fraction of the one running.
 */
export function partitionInUnits(
  req: PartitionRequest,
  now: () => number = () => Date.now(),
  onProgress?: (done: number, total: number) => void
): Result<PartitionOutput & { units: number; clusters: number }> {
  const s = splitInput(req);
  if (!s.ok) return s;
  const { units, clusters } = s.value;
  const outs: PartitionOutput[] = [];
  for (const [i, u] of units.entries()) {
    onProgress?.(i, units.length);
    const r = partitionUnit(u, now, onProgress && ((_, f) => onProgress(i + f, units.length)));
    if (!r.ok) return r;
    outs.push(r.value);
  }
  onProgress?.(units.length, units.length);
  return { ok: true, value: { ...mergeOutputs(outs), units: units.length, clusters }, warnings: s.warnings };
}
