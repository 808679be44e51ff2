/**
 * Derives the rider page's compact data from the built dataset (run after `npm run data`):
 *   static/data/<adcode>/rider/stations.json   every station with address, services and hours,
 *                                              and the communities' and streets' centres (typed search)
 *   static/data/<adcode>/rider/roads.json      the road network, noded, quantised to 1e-5°, and the
 *                                              water drawn under it where the district has a water layer
 * Roads: the imported OpenStreetMap roads (static/data/imports/osm-<adcode>/map/roads.geojson)
 * when present, else the district's own roads layer: OSM ways where the district is built from
 * OSM (Daoli's default; real streets, ODbL), synthetic lines elsewhere. The file says which.
 * Usage: tsx scripts/rider/build.ts [--root static/data]
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import type { FeatureCollection, LineString, MultiLineString, MultiPolygon, Polygon } from 'geojson';
import type { DatasetIndex, DistrictCode, Manifest, StationKind, StationService } from '../../src/lib/data/schema';
import { nodeLines, type LonLat } from '../../src/lib/geo/network';
import type { RiderPlace, RiderRoads, RiderStation, RiderStations } from '../../src/lib/geo/nearest-data';
import { ringArea, ringCentroid } from '../../src/lib/geo/partition/planar';
import { RIDER_DATA_VERSION } from '../../src/lib/geo/nearest-data';
import { helpText, parseFlags } from '../lib/cli-args';
import { writeFileAtomic } from '../lib/safe-out';

async function readStations(file: string): Promise<RiderStation[]> {
  const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as Record<string, unknown>[];
  return rows.map((r) => ({
    id: String(r.id),
    kind: r.kind as StationKind,
    name: String(r.name),
    address: String(r.address ?? ''),
    services: (r.services as StationService[]) ?? [],
    opens: String(r.opens),
    closes: String(r.closes),
    lon: Math.round(Number(r.lon) * 1e6) / 1e6,
    lat: Math.round(Number(r.lat) * 1e6) / 1e6
  }));
}

/** Each named area's centre: the centroid of its largest part's outer ring. */
export function placesOf(fc: FeatureCollection<Polygon | MultiPolygon>, kind: RiderPlace['kind']): RiderPlace[] {
  return fc.features.map((f) => {
    const parts = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    const outer = parts
      .map((p) => p[0])
      .reduce((a, b) =>
        Math.abs(ringArea(b as [number, number][])) > Math.abs(ringArea(a as [number, number][])) ? b : a
      );
    const [lon, lat] = ringCentroid(outer);
    return {
      name: String(f.properties?.name),
      kind,
      lon: Math.round(lon * 1e6) / 1e6,
      lat: Math.round(lat * 1e6) / 1e6
    };
  });
}

function linesOf(fc: FeatureCollection<LineString | MultiLineString>): LonLat[][] {
  return fc.features.flatMap((f) =>
    f.geometry.type === 'LineString' ? [f.geometry.coordinates as LonLat[]] : (f.geometry.coordinates as LonLat[][])
  );
}

/** Water areas (each a polygon's rings) and river lines of a district's water layer. */
export function waterOf(fc: FeatureCollection<Polygon | MultiPolygon | LineString | MultiLineString>): {
  areas: LonLat[][][];
  lines: LonLat[][];
} {
  const areas: LonLat[][][] = [];
  const lines: LonLat[][] = [];
  for (const f of fc.features) {
    const g = f.geometry;
    if (g.type === 'Polygon') areas.push(g.coordinates as LonLat[][]);
    else if (g.type === 'MultiPolygon') areas.push(...(g.coordinates as LonLat[][][]));
    else if (g.type === 'LineString') lines.push(g.coordinates as LonLat[]);
    else lines.push(...(g.coordinates as LonLat[][]));
  }
  return { areas, lines };
}

export function encodeRoads(
  lines: LonLat[][],
  source: RiderRoads['source'],
  water?: { areas: LonLat[][][]; lines: LonLat[][] }
): RiderRoads {
  let minLon = Infinity;
  let minLat = Infinity;
  for (const l of lines)
    for (const [x, y] of l) {
      minLon = Math.min(minLon, x);
      minLat = Math.min(minLat, y);
    }
  const origin: [number, number] = [Math.floor(minLon * 100) / 100, Math.floor(minLat * 100) / 100];
  const flat = (l: LonLat[]) =>
    l.flatMap(([x, y]) => [Math.round((x - origin[0]) * 1e5), Math.round((y - origin[1]) * 1e5)]);
  return {
    version: RIDER_DATA_VERSION,
    source,
    origin,
    lines: lines.map(flat),
    ...(water ? { water: { areas: water.areas.map((p) => p.map(flat)), lines: water.lines.map(flat) } } : {})
  };
}

export async function buildRiderData(root = 'static/data', log: (m: string) => void = console.log): Promise<void> {
  const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as DatasetIndex;
  for (const d of index.districts) {
    const code: DistrictCode = d.code;
    const dir = join(root, code, 'rider');
    const manifest = JSON.parse(readFileSync(join(root, code, 'manifest.json'), 'utf8')) as Partial<Manifest>;
    const stations: RiderStations = {
      version: RIDER_DATA_VERSION,
      district: code,
      // A manifest without per-table flags predates them: everything in it was generated.
      synthetic: manifest.tables?.stations?.synthetic ?? true,
      stations: await readStations(join(root, code, 'stations.parquet')),
      places: [
        ...placesOf(JSON.parse(readFileSync(join(root, code, 'map', 'communities.geojson'), 'utf8')), 'community'),
        ...placesOf(JSON.parse(readFileSync(join(root, code, 'map', 'streets.geojson'), 'utf8')), 'street')
      ]
    };
    const osm = join(root, 'imports', `osm-${code}`, 'map', 'roads.geojson');
    const imported = existsSync(osm);
    const fc = JSON.parse(
      readFileSync(imported ? osm : join(root, code, 'map', 'roads.geojson'), 'utf8')
    ) as FeatureCollection<LineString | MultiLineString>;
    // A district built from OSM (Daoli) has OSM ways (ids 'osm-way-…') beside generated ones (its towns).
    const isOsm = (f: FeatureCollection['features'][number]) =>
      imported || String(f.properties?.id ?? '').startsWith('osm-');
    const osmPart = { ...fc, features: fc.features.filter(isOsm) };
    const synthPart = { ...fc, features: fc.features.filter((f) => !isOsm(f)) };
    // OSM ways share nodes at junctions; the synthetic lines cross without, so node them.
    const lines = [...linesOf(osmPart), ...(synthPart.features.length ? nodeLines(linesOf(synthPart)) : [])];
    // The map's water under the rider's roads, where the district has it (index.json's optionalLayers).
    const water = d.optionalLayers?.includes('water')
      ? waterOf(JSON.parse(readFileSync(join(root, code, 'map', 'water.geojson'), 'utf8')))
      : undefined;
    const roads = encodeRoads(lines, osmPart.features.length ? 'osm' : 'synthetic', water);
    writeFileAtomic(join(dir, 'stations.json'), JSON.stringify(stations));
    writeFileAtomic(join(dir, 'roads.json'), JSON.stringify(roads));
    log(
      `rider ${code}: ${stations.stations.length} ${stations.synthetic ? 'synthetic' : 'real'} stations, ${stations.places.length} places, ${lines.length} road lines (${roads.source})`
    );
  }
}

/** Build the rider files unless every district has them, of this version, newer than its inputs (cheap to call). */
export async function ensureRiderData(root = 'static/data', log: (m: string) => void = console.log): Promise<void> {
  const mtime = (p: string) => (existsSync(p) ? statSync(p).mtimeMs : -1);
  const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as DatasetIndex;
  const stale = index.districts.some(({ code }) => {
    const built = Math.min(
      mtime(join(root, code, 'rider', 'stations.json')),
      mtime(join(root, code, 'rider', 'roads.json'))
    );
    const inputs = [
      join(root, code, 'stations.parquet'),
      join(root, code, 'manifest.json'),
      join(root, code, 'map', 'roads.geojson'),
      join(root, code, 'map', 'communities.geojson'),
      join(root, code, 'map', 'streets.geojson'),
      join(root, code, 'map', 'water.geojson'),
      join(root, 'imports', `osm-${code}`, 'map', 'roads.geojson')
    ];
    if (built < 0 || inputs.some((p) => mtime(p) > built)) return true;
    // Files written by an older build lack newer fields (e.g. places).
    const { version } = JSON.parse(readFileSync(join(root, code, 'rider', 'stations.json'), 'utf8')) as {
      version: number;
    };
    return version !== RIDER_DATA_VERSION;
  });
  if (stale) await buildRiderData(root, log);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const FLAGS = { root: { type: 'string', arg: '<dir>', help: 'the built dataset (default static/data)' } } as const;
  const args = parseFlags(process.argv.slice(2), FLAGS);
  if (args.help) {
    console.log(
      helpText(['tsx scripts/rider/build.ts [--root static/data]'], FLAGS, [
        "Writes each district's rider/stations.json and rider/roads.json."
      ])
    );
  } else if (args.errors.length) {
    for (const e of args.errors) console.error(e.message);
    process.exit(2);
  } else
    buildRiderData(args.values.root ?? 'static/data').catch((e) => {
      console.error(e);
      process.exit(1);
    });
}
