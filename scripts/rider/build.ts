/**
 * Derives the rider page's compact data from the built dataset (run after `npm run data`):
 *   static/data/<adcode>/rider/stations.json   every station with address, services and hours
 *   static/data/<adcode>/rider/roads.json      the road network, noded, quantised to 1e-5°
 * Roads: the imported OpenStreetMap roads (static/data/imports/osm-<adcode>/map/roads.geojson)
 * when present (real streets, ODbL), else the district's synthetic roads. The file says which.
 * Usage: tsx scripts/rider/build.ts [--root static/data]
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import type { FeatureCollection, LineString, MultiLineString } from 'geojson';
import type { DatasetIndex, DistrictCode, StationKind, StationService } from '../../src/lib/data/schema';
import { nodeLines, type LonLat } from '../../src/lib/geo/network';
import type { RiderRoads, RiderStation, RiderStations } from '../../src/lib/geo/nearest-data';
import { RIDER_DATA_VERSION } from '../../src/lib/geo/nearest-data';

function writeAtomic(path: string, value: unknown) {
  writeFileSync(`${path}.tmp`, JSON.stringify(value));
  renameSync(`${path}.tmp`, path);
}

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

function linesOf(fc: FeatureCollection<LineString | MultiLineString>): LonLat[][] {
  return fc.features.flatMap((f) =>
    f.geometry.type === 'LineString' ? [f.geometry.coordinates as LonLat[]] : (f.geometry.coordinates as LonLat[][])
  );
}

export function encodeRoads(lines: LonLat[][], source: RiderRoads['source']): RiderRoads {
  let minLon = Infinity;
  let minLat = Infinity;
  for (const l of lines)
    for (const [x, y] of l) {
      minLon = Math.min(minLon, x);
      minLat = Math.min(minLat, y);
    }
  const origin: [number, number] = [Math.floor(minLon * 100) / 100, Math.floor(minLat * 100) / 100];
  return {
    version: RIDER_DATA_VERSION,
    source,
    origin,
    lines: lines.map((l) => l.flatMap(([x, y]) => [Math.round((x - origin[0]) * 1e5), Math.round((y - origin[1]) * 1e5)]))
  };
}

export async function buildRiderData(root = 'static/data', log: (m: string) => void = console.log): Promise<void> {
  const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as DatasetIndex;
  for (const d of index.districts) {
    const code: DistrictCode = d.code;
    const dir = join(root, code, 'rider');
    mkdirSync(dir, { recursive: true });
    const stations: RiderStations = {
      version: RIDER_DATA_VERSION,
      district: code,
      stations: await readStations(join(root, code, 'stations.parquet'))
    };
    const osm = join(root, 'imports', `osm-${code}`, 'map', 'roads.geojson');
    const real = existsSync(osm);
    const fc = JSON.parse(readFileSync(real ? osm : join(root, code, 'map', 'roads.geojson'), 'utf8'));
    // OSM ways share nodes at junctions; the synthetic lines cross without, so node them.
    const lines = real ? linesOf(fc) : nodeLines(linesOf(fc));
    const roads = encodeRoads(lines, real ? 'osm' : 'synthetic');
    writeAtomic(join(dir, 'stations.json'), stations);
    writeAtomic(join(dir, 'roads.json'), roads);
    log(`rider ${code}: ${stations.stations.length} stations, ${lines.length} road lines (${roads.source})`);
  }
}

/** Build the rider files unless every district has them newer than its inputs (cheap to call). */
export async function ensureRiderData(root = 'static/data', log: (m: string) => void = console.log): Promise<void> {
  const mtime = (p: string) => (existsSync(p) ? statSync(p).mtimeMs : -1);
  const index = JSON.parse(readFileSync(join(root, 'index.json'), 'utf8')) as DatasetIndex;
  const stale = index.districts.some(({ code }) => {
    const built = Math.min(mtime(join(root, code, 'rider', 'stations.json')), mtime(join(root, code, 'rider', 'roads.json')));
    const inputs = [join(root, code, 'stations.parquet'), join(root, code, 'map', 'roads.geojson'), join(root, 'imports', `osm-${code}`, 'map', 'roads.geojson')];
    return built < 0 || inputs.some((p) => mtime(p) > built);
  });
  if (stale) await buildRiderData(root, log);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const i = process.argv.indexOf('--root');
  buildRiderData(i > 0 ? process.argv[i + 1] : 'static/data').catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
