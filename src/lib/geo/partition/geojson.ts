/**
 * The engine's GeoJSON boundary: reads buildings (and optionally community polygons and barrier
 * lines) in WGS-84, GCJ-02 or BD-09, checks them (errors as values: feature, field, message;
 * nothing is partitioned when any is wrong), partitions each community and returns grid
 * polygons in WGS-84 with their codes, each building's grid and a report per community.
 *
 * The steps live in modules of their own: input.ts (the request, reading and checking),
 * projection.ts, communities.ts (which community a building is in), barriers.ts (the lines each
 * community is cut along), units.ts (a building as engine items), locked.ts (one community's plan,
 * locked grids kept), methods.ts and output.ts (polygons, codes, assignments, reports).
 */
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { cutLines } from './barriers';
import { groupByCommunity } from './communities';
import { progressSpan, type ProgressCallback } from './engine';
import { inputError, readRequest, type PartitionRequest, type Result } from './input';
import { communityTooBig } from './limits';
import { heldBack, partitionCommunity } from './locked';
import {
  communityReport,
  drawGrids,
  gridCodes,
  pushAssignments,
  pushGrids,
  pushUnmet,
  roadSummary,
  type BuildingAssignment,
  type CommunityReport,
  type GridProperties,
  type PartitionOutput,
  type Unmet
} from './output';
import { buildingCentre, localProjection, projectionOrigin } from './projection';

/**
 * Reads, checks and partitions (see the module comment). `onProgress` hears the engine's phases,
 * with the fraction over all communities of the input (ends at 1).
 */
export function partitionGeoJSON(
  req: PartitionRequest,
  now: () => number = () => Date.now(),
  onProgress?: ProgressCallback
): Result<PartitionOutput> {
  const method = req.method ?? 'engine';
  const seed = req.seed ?? 1;
  const input = readRequest(req);
  if (!input.ok) return input;
  const { buildings, communities, bounds } = input.value;
  const warnings = input.warnings;

  // One projection for the whole input, centred on it.
  const cents = buildings.map(buildingCentre);
  const [lon0, lat0] = req.origin ?? projectionOrigin(cents);
  const proj = localProjection(lon0, lat0);
  const shapes = communities.map((c) => ({ code: c.code, rings: c.rings.map((r) => r.map(proj.forward)) }));
  const barriers = input.value.barriers.map((l) => l.map(proj.forward));
  const cuts = cutLines(
    [...input.value.barriers, ...input.value.streets],
    [...communities.flatMap((c) => c.rings.flat()), ...cents],
    proj
  );
  const byCommunity = groupByCommunity(buildings, cents, shapes, proj, req.community, warnings);

  // A community too big for one partition is refused before any work (limits.ts).
  const tooBig = [...byCommunity].flatMap(
    ([code, bs]) =>
      communityTooBig(
        code,
        bs.length,
        bs.reduce((t, b) => t + b.households, 0),
        bounds
      ) ?? []
  );
  if (tooBig.length) return { ok: false, errors: tooBig.map((m) => inputError('buildings', -1, 'community', m)) };

  const features: Feature<Polygon | MultiPolygon, GridProperties>[] = [];
  const assignments: BuildingAssignment[] = [];
  const reports: CommunityReport[] = [];
  const unmet: Unmet[] = [];
  const locked = new Set(req.locked ?? []);
  const codesIn = [...byCommunity.keys()].sort();
  for (const [ci, code] of codesIn.entries()) {
    const t0 = now();
    const progress = progressSpan(onProgress, ci / codesIn.length, (ci + 1) / codesIn.length);
    progress?.('growing', 0);
    const { held, members } = heldBack(byCommunity.get(code)!, locked, code);
    const boundary = shapes.find((s) => s.code === code)?.rings;
    const { p, plan, lockedSeq } = partitionCommunity(
      {
        code,
        held,
        members,
        boundary,
        barriers,
        cuts,
        proj,
        bounds,
        method,
        seed,
        effort: req.effort,
        followStreets: req.followStreets
      },
      progress
    );
    progress?.('recombination', 1);
    const drawn = drawGrids(p, plan, proj);
    const ms = now() - t0;
    const done = { code, p, plan, drawn, ...gridCodes(p, plan, code, members, lockedSeq) };
    pushGrids(features, done);
    pushAssignments(assignments, done, [...held, ...members], proj, bounds.max);
    pushUnmet(unmet, done);
    reports.push(communityReport(done, members.length + held.length, ms, req.baselines ? seed : undefined));
  }
  features.sort((a, b) => (a.properties.code < b.properties.code ? -1 : 1));
  assignments.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (!buildings.length) warnings.push('no buildings: nothing to partition');
  onProgress?.('recombination', 1);
  return {
    ok: true,
    value: {
      grids: { type: 'FeatureCollection', features },
      buildings: assignments,
      communities: reports,
      unmet,
      ...roadSummary(reports)
    },
    warnings
  };
}
