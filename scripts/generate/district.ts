/**
 * Builds the whole synthetic model of one district in memory: layout, roads, compounds,
 * buildings, grids, stations, incidents. Every step draws from its own seeded stream, so a
 * change in one (e.g. the incident scale) leaves the others as they were.
 */
import type { WaterFeature } from '../../src/lib/data/import/osm-water';
import type { DistrictInfo } from '../../src/lib/data/districts';
import type { CompoundKind, DistrictCode, TableName, TableProvenance } from '../../src/lib/data/schema';
import { type Rng, logNormal, sampleWeighted, substream } from '../../src/lib/geo/random';
import { type Block, type BuildingGeo, type CompoundGeo, blocksOf, buildCommunityCompounds } from './compounds';
import { COMMUNITY_MAX, COMMUNITY_MIN, type DistrictPlan, SEED } from './config';
import type { NbsStreet } from './divisions';
import { type GridGeo, buildGrids } from './grids';
import { type IncidentColumns, type IncidentSite, generateIncidents } from './incidents';
import { type CommunityGeo, type Layout, buildLayout } from './layout';
import { CompoundNamer } from './names';
import { type Lattice, type Road, RoadIndex, buildRoads, makeLattice } from './roads';
import { type StationGeo, buildStations } from './stations';

export interface BuildingRecord {
  building: BuildingGeo;
  /** Null for a real (OSM) building outside every mapped compound. */
  compound: CompoundGeo | null;
  community: CommunityGeo;
  grid: GridGeo;
}

export interface DistrictModel {
  code: DistrictCode;
  info: DistrictInfo;
  layout: Layout;
  lattice: Lattice;
  roads: Road[];
  targets: Map<string, number>;
  compounds: CompoundGeo[];
  buildings: BuildingRecord[];
  grids: GridGeo[];
  stations: StationGeo[];
  incidents: IncidentColumns;
  timings: Record<string, number>;
  /** Where each table came from when not all of it is generated (Daoli from OpenStreetMap); absent: all synthetic. */
  provenance?: Record<TableName, TableProvenance>;
  /** The manifest's `sources` when they differ from the synthetic generator's. */
  sources?: string[];
  /** Credit every map of the district must show (index.json). */
  attribution?: string;
  /** The map layer `water` where the district's geography has it (OSM's for Daoli); absent: no such layer. */
  water?: WaterFeature[];
}

/** Log-normal community targets, clamped to [COMMUNITY_MIN, COMMUNITY_MAX], summing to `total`. */
export function householdTargets(rng: Rng, communities: CommunityGeo[], total: number): number[] {
  let v = communities.map(
    (c) => logNormal(rng, 1, 0.5) * (c.region > 0 ? 0.6 : 1) * (1 + 0.5 * Math.max(0, 1 - c.radial))
  );
  for (let it = 0; it < 50; it++) {
    const s = v.reduce((a, b) => a + b, 0);
    v = v.map((x) => Math.min(COMMUNITY_MAX, Math.max(COMMUNITY_MIN, (x * total) / s)));
  }
  return v.map((x) => Math.round(x));
}

/** Splits `total` into integers proportional to the weights, each within [lo, hi[i]] (largest remainder). */
export function apportion(weights: number[], total: number, lo: number, hi: number[]): number[] {
  const out = weights.map(() => lo);
  let left = total - lo * weights.length;
  const wsum = weights.reduce((a, b) => a + b, 0);
  const ideal = weights.map((w) => (w / wsum) * total);
  while (left > 0) {
    let best = -1;
    let bestGap = -Infinity;
    for (let i = 0; i < out.length; i++) {
      if (out[i] >= hi[i]) continue;
      const gap = ideal[i] - out[i];
      if (gap > bestGap) {
        bestGap = gap;
        best = i;
      }
    }
    if (best < 0) break;
    out[best]++;
    left--;
  }
  return out;
}

const KIND_WEIGHTS: Record<DistrictCode, (radial: number, town: boolean) => number[]> = {
  // [old, work_unit, commercial, resettlement]
  '230102': (r, town) =>
    town
      ? [0.25, 0.05, 0.25, 0.45]
      : [0.15 + 0.35 * Math.max(0, 1 - r), 0.22, 0.2 + 0.35 * Math.min(1, r), 0.05 + 0.15 * Math.min(1, r)],
  '370881': (r, town) =>
    town
      ? [0.25, 0.05, 0.25, 0.45]
      : [0.15 + 0.3 * Math.max(0, 1 - r), 0.2, 0.25 + 0.2 * Math.min(1, r), 0.1 + 0.15 * Math.min(1, r)],
  '371602': (r, town) =>
    town
      ? [0.25, 0.05, 0.25, 0.45]
      : [0.12 + 0.25 * Math.max(0, 1 - r), 0.15, 0.3 + 0.2 * Math.min(1, r), 0.12 + 0.15 * Math.min(1, r)]
};

/**
 * Incidents at the buildings: a few hot grids (×3), then generateIncidents. Buildings outside
 * every compound (real OSM ones) count as old compounds, the most common kind in old Daoli.
 */
export function incidentsAt(
  code: DistrictCode,
  plan: DistrictPlan,
  grids: GridGeo[],
  buildings: BuildingRecord[],
  scale: number
): IncidentColumns {
  const irng = substream(plan.seed ?? SEED, code, 'incidents');
  const hot = new Set(
    sampleWeighted(
      irng,
      grids.map(() => 1),
      Math.round(grids.length * 0.06)
    ).map((i) => grids[i].code)
  );
  const sites: IncidentSite[] = buildings.map((r) => ({
    households: r.building.households,
    kind: (r.compound?.kind ?? 'old') as CompoundKind,
    hot: hot.has(r.grid.code),
    x: r.building.centroid[0],
    y: r.building.centroid[1]
  }));
  return generateIncidents(irng, plan, sites, plan.incidents * scale);
}

export function buildDistrict(
  info: DistrictInfo,
  plan: DistrictPlan,
  streets: NbsStreet[],
  outline: number[][][],
  scale: number,
  log: (m: string) => void,
  /** Build compounds, buildings and grids only in these communities (Daoli keeps only its towns); all by default. */
  only?: (c: CommunityGeo) => boolean
): DistrictModel {
  const code = info.code;
  const seed = plan.seed ?? SEED;
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  const layout = buildLayout(substream(seed, code, 'layout'), info, outline, streets);
  lap('layout');
  const lattice = makeLattice(substream(seed, code, 'lattice'), plan.latticeAngle);
  const roadRng = substream(seed, code, 'roads');
  const { roads, namer: roadNamer } = buildRoads(roadRng, code, layout, lattice);
  const roadIndex = new RoadIndex(roads);
  lap('roads');

  // Household targets and the number of compounds of each community.
  const trng = substream(seed, code, 'targets');
  const targetList = householdTargets(trng, layout.communities, plan.households);
  const targets = new Map(layout.communities.map((c, i) => [c.nbs.code, targetList[i]]));
  const brng = substream(seed, code, 'blocks');
  const blocks: Block[][] = layout.communities.map((c) => blocksOf(c, lattice, brng));
  const usable = blocks.map((bs) => bs.filter((b) => b.inset.length > 0).length);
  const planned = apportion(
    targetList,
    plan.compounds,
    1,
    usable.map((u) => Math.max(1, u * 4))
  );

  const crng = substream(seed, code, 'compounds');
  const ctx = {
    rng: crng,
    lattice,
    sun: plan.sunFactor,
    namer: new CompoundNamer(crng),
    roads: roadIndex,
    word: () => roadNamer.localWord(),
    // The province generator's districts have no weights of their own: Shandong's (Bincheng's) mix.
    kindWeights: (c: CommunityGeo) => (KIND_WEIGHTS[code] ?? KIND_WEIGHTS['371602'])(c.radial, c.region > 0)
  };
  const build = (i: number) =>
    buildCommunityCompounds(ctx, layout.communities[i], blocks[i], targetList[i], planned[i], plan.exactCompounds);
  const keep = layout.communities.map((c) => !only || only(c));
  const built: CompoundGeo[][] = layout.communities.map((_, i) => (keep[i] ? build(i) : []));
  // Communities without room for their target (or, when the count is exact, for their
  // compounds) pass the rest on to the others, so the district totals hold.
  for (let round = 0; round < 4; round++) {
    const got = built.map((cs) => cs.reduce((s, c) => s + c.households, 0));
    const short = got.map((g, i) => keep[i] && g < targetList[i] * 0.99);
    const deficit = got.reduce((s, g, i) => s + (short[i] ? targetList[i] - g : 0), 0);
    const missing = plan.exactCompounds
      ? built.reduce((s, cs, i) => s + (keep[i] ? Math.max(0, planned[i] - cs.length) : 0), 0)
      : 0;
    if (deficit < plan.households * 0.002 && missing === 0) break;
    const changed = new Set<number>();
    if (deficit >= plan.households * 0.002) {
      const open = targetList.map((t, i) => (keep[i] && !short[i] && t < COMMUNITY_MAX ? t : 0));
      const openSum = open.reduce((a, b) => a + b, 0);
      // Expected on every run: the synthetic layout cannot size each community to its target exactly.
      log(
        `  balancing (expected): ${deficit} households had no room in their communities' blocks; given to ${open.filter((x) => x > 0).length} others so the district's total holds`
      );
      for (let i = 0; i < targetList.length; i++) {
        if (short[i]) targetList[i] = got[i];
        else if (open[i] > 0) {
          targetList[i] = Math.min(COMMUNITY_MAX, Math.round(targetList[i] + (deficit * open[i]) / openSum));
          changed.add(i);
        }
      }
    }
    if (missing > 0) {
      log(
        `  balancing (expected): ${missing} compounds had no room in their communities' blocks; given to others so the published compound count holds`
      );
      const spare = built.map((cs, i) => (!keep[i] || cs.length < planned[i] ? -1 : usable[i] * 2 - planned[i]));
      built.forEach((cs, i) => {
        if (keep[i] && cs.length < planned[i]) planned[i] = cs.length;
      });
      const order = spare
        .map((x, i) => i)
        .filter((i) => spare[i] > 0)
        .sort((a, b) => spare[b] - spare[a] || a - b);
      for (let k = 0; k < missing && k < order.length; k++) {
        planned[order[k]]++;
        changed.add(order[k]);
      }
    }
    // Keep a rebuild only when it does better than what the community had.
    const score = (cs: CompoundGeo[], i: number) =>
      (plan.exactCompounds ? Math.abs(cs.length - planned[i]) * 1e6 : 0) +
      Math.max(0, targetList[i] - cs.reduce((s, c) => s + c.households, 0));
    for (const i of changed) {
      const again = build(i);
      if (score(again, i) < score(built[i], i)) built[i] = again;
    }
  }
  const compounds: CompoundGeo[] = built.flat();
  layout.communities.forEach((c, i) => {
    targets.set(c.nbs.code, targetList[i]);
    if (keep[i] && built[i].length === 0)
      log(`  warning: community ${c.nbs.code} ${c.nbs.name} has no room for compounds`);
  });
  lap('compounds');

  // Grids by community.
  const grng = substream(seed, code, 'grids');
  const grids: GridGeo[] = [];
  const buildings: BuildingRecord[] = [];
  const byCommunity = new Map<string, CompoundGeo[]>();
  for (const comp of compounds) {
    const l = byCommunity.get(comp.community.nbs.code);
    if (l) l.push(comp);
    else byCommunity.set(comp.community.nbs.code, [comp]);
  }
  for (const c of layout.communities) {
    const comps = byCommunity.get(c.nbs.code) ?? [];
    const items = comps.flatMap((comp) => comp.buildings.map((b) => ({ building: b, compound: comp.id })));
    const gs = buildGrids(grng, c, items);
    const gridOf = new Map<string, GridGeo>();
    for (const g of gs) for (const b of g.buildings) gridOf.set(b.id, g);
    grids.push(...gs);
    for (const comp of comps)
      for (const b of comp.buildings)
        buildings.push({ building: b, compound: comp, community: comp.community, grid: gridOf.get(b.id)! });
  }
  lap('grids');

  // A partial model (`only`) is a part of another: the caller places the stations on the whole.
  const stations = only
    ? []
    : buildStations({
        rng: substream(seed, code, 'stations'),
        district: code,
        plan,
        layout,
        compounds,
        roads,
        roadIndex
      });
  lap('stations');

  const incidents = incidentsAt(code, plan, grids, buildings, scale);
  lap('incidents');

  return { code, info, layout, lattice, roads, targets, compounds, buildings, grids, stations, incidents, timings };
}
