/**
 * A data package's geography when the district gives some of it: its own streets, communities,
 * grids (areas.ts) and buildings replace the demo's, and whatever depends on them is worked out
 * again so the tables agree with each other. Pure.
 *
 * - Streets, communities and grids: the district's layer when given, else the demo's.
 * - Buildings: the district's when given, else the demo's. When buildings, grids or communities
 *   are given, every building is placed again by its point: its grid is the grid polygon holding
 *   it, its community the grid code's first 12 digits (NBS codes nest), else the community polygon
 *   holding it; a given building's 小区 is the demo compound polygon holding it (OSM compounds for
 *   Daoli).
 * - Households and building counts of communities and grids are summed from the buildings, unless
 *   the district's file states the households of an area (its own figure wins, and the note says
 *   how many areas had one). Grid compactness (Polsby–Popper) is computed from the polygon.
 */
import { area as turfArea, length as turfLength, polygonToLine } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Building, Community, Compound, DistrictCode, Grid, Street, TableProvenance } from '../schema';
import { type Area, type AreaLayer, type AreaReport, streetKind } from './areas';
import type { BuildingsReport } from './package-buildings';
import { areaIndex } from './locate';

type Areas = FeatureCollection<Polygon | MultiPolygon>;

export interface DemoGeography {
  streets: Street[];
  communities: Community[];
  compounds: Compound[];
  buildings: Building[];
  grids: Grid[];
  /** The demo's map layers (map/<layer>.geojson). */
  layers: { streets: Areas; communities: Areas; compounds: Areas; grids: Areas };
}

export interface GivenGeography {
  streets?: Area[];
  communities?: Area[];
  grids?: Area[];
  buildings?: Building[];
}

export interface Geography {
  streets: Street[];
  communities: Community[];
  compounds: Compound[];
  buildings: Building[];
  grids: Grid[];
  layers: { streets: Areas; communities: Areas; compounds: Areas; buildings: FeatureCollection; grids: Areas };
  /** Which tables were worked out again from the others, in words, for the manifest's notes. */
  notes: Partial<Record<'streets' | 'communities' | 'compounds' | 'buildings' | 'grids', string>>;
}

const fc = <G extends Feature['geometry']>(features: Feature<G>[]): FeatureCollection<G> => ({ type: 'FeatureCollection', features });
const feature = <G extends Feature['geometry']>(geometry: G, properties: Record<string, unknown>): Feature<G> => ({ type: 'Feature', properties, geometry });

/** Polsby–Popper (4πA / P²) of a WGS-84 polygon, geodesic area and perimeter (holes' edges count). */
export function polygonPolsbyPopper(g: Polygon | MultiPolygon): number {
  const a = turfArea(g);
  const lines = polygonToLine(g);
  const p = (lines.type === 'FeatureCollection' ? lines.features : [lines]).reduce((s, l) => s + turfLength(l, { units: 'meters' }), 0);
  return p > 0 && a > 0 ? Math.min(1, (4 * Math.PI * a) / (p * p)) : 0;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Sums households and buildings by key. */
function totals(buildings: readonly Building[], key: (b: Building) => string | null): Map<string, { households: number; buildings: number }> {
  const m = new Map<string, { households: number; buildings: number }>();
  for (const b of buildings) {
    const k = key(b);
    if (!k) continue;
    const t = m.get(k) ?? { households: 0, buildings: 0 };
    t.households += b.households;
    t.buildings++;
    m.set(k, t);
  }
  return m;
}

const stated = (areas: readonly Area[] | undefined) => areas?.filter((a) => a.households !== null).length ?? 0;

export function assembleGeography(district: DistrictCode, demo: DemoGeography, given: GivenGeography): Geography {
  const notes: Geography['notes'] = {};
  const gridsLayer: Areas = given.grids
    ? fc(given.grids.map((g) => feature(g.geometry, { code: g.code, community: g.code.slice(0, 12), seq: Number(g.code.slice(12)), ...(g.name ? { name: g.name } : {}) })))
    : demo.layers.grids;
  const communitiesLayer: Areas = given.communities
    ? fc(given.communities.map((c) => feature(c.geometry, { code: c.code, name: c.name, street: c.code.slice(0, 9) })))
    : demo.layers.communities;
  const streetsLayer: Areas = given.streets ? fc(given.streets.map((s) => feature(s.geometry, { code: s.code, name: s.name, kind: streetKind(s.name) }))) : demo.layers.streets;
  const streets: Street[] = given.streets ? given.streets.map((s) => ({ code: s.code, name: s.name, district, kind: streetKind(s.name) })) : demo.streets;

  const replace = Boolean(given.buildings || given.grids || given.communities);
  let buildings = given.buildings ?? demo.buildings;
  if (replace) {
    const gridAt = areaIndex(gridsLayer.features, (f) => String(f.properties!.code));
    const communityAt = areaIndex(communitiesLayer.features, (f) => String(f.properties!.code));
    const compoundAt = given.buildings ? areaIndex(demo.layers.compounds.features, (f) => String(f.properties!.id)) : null;
    buildings = buildings.map((b) => {
      const grid = gridAt.find(b.lon, b.lat);
      return {
        ...b,
        grid,
        community: grid ? grid.slice(0, 12) : (communityAt.find(b.lon, b.lat) ?? ''),
        compound: compoundAt ? compoundAt.find(b.lon, b.lat) : b.compound
      };
    });
    const placed = buildings.filter((b) => b.grid).length;
    notes.buildings = `grid and community of each building placed again by its point in the package's grids${given.grids ? '' : ' (the demo grids)'}: ${placed.toLocaleString('en')} of ${buildings.length.toLocaleString('en')} lie in a grid`;
  }

  const byGrid = totals(buildings, (b) => b.grid);
  const byCommunity = totals(buildings, (b) => b.community || null);
  const byCompound = totals(buildings, (b) => b.compound);
  const gridHh = new Map((given.grids ?? []).filter((g) => g.households !== null).map((g) => [g.code, g.households!]));
  const communityHh = new Map((given.communities ?? []).filter((c) => c.households !== null).map((c) => [c.code, c.households!]));

  let gridsOut = gridsLayer;
  let communitiesOut = communitiesLayer;
  const grids: Grid[] = gridsLayer.features.map((f) => {
    const code = String(f.properties!.code);
    const t = byGrid.get(code);
    return {
      code,
      district,
      community: code.slice(0, 12),
      seq: Number(code.slice(12)),
      households: gridHh.get(code) ?? t?.households ?? 0,
      buildings: t?.buildings ?? 0,
      polsbyPopper: round4(polygonPolsbyPopper(f.geometry))
    };
  });
  if (replace) {
    const own = stated(given.grids);
    notes.grids = `households and buildings per grid summed from the package's buildings${own ? `, except ${own} grids whose households the district's file states` : ''}; compactness computed from the polygons`;
    gridsOut = fc(gridsLayer.features.map((f, i) => ({ ...f, properties: { ...f.properties, households: grids[i].households, buildings: grids[i].buildings } })));
  }

  const names = new Map(demo.communities.map((c) => [c.code, c.name]));
  const communities: Community[] = given.communities
    ? given.communities.map((c) => ({
        code: c.code,
        name: c.name,
        street: c.code.slice(0, 9),
        district,
        households: communityHh.get(c.code) ?? byCommunity.get(c.code)?.households ?? 0,
        buildings: byCommunity.get(c.code)?.buildings ?? 0
      }))
    : demo.communities.map((c) => (replace ? { ...c, households: byCommunity.get(c.code)?.households ?? 0, buildings: byCommunity.get(c.code)?.buildings ?? 0 } : c));
  if (replace) {
    const own = stated(given.communities);
    notes.communities = `households and buildings per community summed from the package's buildings${own ? `, except ${own} communities whose households the district's file states` : ''}`;
    const byCode = new Map(communities.map((c) => [c.code, c]));
    communitiesOut = fc(
      communitiesLayer.features.map((f) => {
        const code = String(f.properties!.code);
        return { ...f, properties: { ...f.properties, name: f.properties!.name ?? names.get(code), households: byCode.get(code)?.households ?? 0 } };
      })
    );
  }
  const compounds: Compound[] = given.buildings
    ? demo.compounds.map((c) => ({ ...c, households: byCompound.get(c.id)?.households ?? 0, buildings: byCompound.get(c.id)?.buildings ?? 0 }))
    : demo.compounds;
  const compoundsLayer: Areas = given.buildings
    ? fc(demo.layers.compounds.features.map((f) => ({ ...f, properties: { ...f.properties, households: byCompound.get(String(f.properties!.id))?.households ?? 0 } })))
    : demo.layers.compounds;
  if (given.buildings) notes.compounds = "the demo's compounds; households and buildings summed from the district's buildings inside them";

  const buildingsLayer = fc(
    buildings.map((b) =>
      feature(b.footprint, { id: b.id, households: b.households, floors: b.floors, grid: b.grid, community: b.community || null, compound: b.compound, estimated: b.estimated })
    )
  );
  return { streets, communities, compounds, buildings, grids, layers: { streets: streetsLayer, communities: communitiesOut, compounds: compoundsLayer, buildings: buildingsLayer, grids: gridsOut }, notes };
}

const GEO_SOURCE: Record<AreaLayer | 'buildings', string> = {
  streets: 'street (街道/镇) boundaries',
  communities: 'community (社区) boundaries',
  grids: 'grid (网格) boundaries',
  buildings: 'residential buildings'
};

const n = (x: number) => x.toLocaleString('en');

/** Provenance of a geometry table from the district's file, with what was worked out again (`note`). */
export function ownGeoProvenance(role: AreaLayer | 'buildings', r: AreaReport | BuildingsReport, licence: string, note?: string): TableProvenance {
  const b = 'outsideDistrict' in r ? r : null;
  const notes = [
    b ? `${n(b.households)} households${b.estimated ? `, of ${n(b.estimated)} buildings estimated from footprint and floors` : ''}` : '',
    b?.outsideDistrict ? `${n(b.outsideDistrict)} outside the district refused` : '',
    b?.nonResidential ? `${n(b.nonResidential)} non-residential left out` : '',
    note ?? ''
  ].filter(Boolean);
  return {
    source: `${r.file}, the district's own ${GEO_SOURCE[role]}`,
    licence,
    crs: r.crs,
    read: r.read,
    accepted: r.accepted,
    refused: r.refused,
    synthetic: false,
    ...(notes.length ? { note: notes.join('; ') } : {})
  };
}

/** A table the package did not give but worked out again from what it did: the base's provenance and flag, with a note. */
export function derivedProvenance(base: TableProvenance, note: string | undefined): TableProvenance {
  return note ? { ...base, note: [base.note, `in this package: ${note}`].filter(Boolean).join('; ') } : { ...base };
}
