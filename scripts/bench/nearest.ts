/**
 * `npm run bench -- nearest --json`: nearest-station queries for 10,000 random points per
 * district (uniform over the district's stations' extent, fixed seed): median time of the
 * batch by straight line (grid index) and by riding distance along the rider page's roads;
 * then, on the real Daoli roads (../shared/data/osm-harbin-daoli/daoli_roads.geojson, ODbL,
 * read in place), how road distances compare with straight lines. Needs `npm run data` and
 * `tsx scripts/rider/build.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { FeatureCollection, LineString } from 'geojson';
import { DISTRICT_CODES } from '../../src/lib/data/districts';
import { decodeRoads, type RiderRoads, type RiderStations } from '../../src/lib/geo/nearest-data';
import { nearestStations, stationFinder, DETOUR, type StationFinder } from '../../src/lib/geo/nearest-stations';
import type { LonLat } from '../../src/lib/geo/network';
import { time } from './harness';

const N = 10_000;
/** Riders far from every district's stations: the query must cost what a query inside does. */
const FAR: [string, number, number][] = [
  ['Qufu (from Daoli/Bincheng) or Daoli (from Qufu)', 116.99, 35.58],
  ['Beijing', 116.4, 39.9],
  ['Urumqi', 87.6, 43.8],
  ['Sanya', 109.5, 18.25]
];
const FAR_REPEAT = 200;
const OSM_ROADS = '../shared/data/osm-harbin-daoli/daoli_roads.geojson';

function rng(seed: number) {
  return () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

function randomPoints(fd: StationFinder, n: number, seed: number, bbox?: [number, number, number, number]): LonLat[] {
  const r = rng(seed);
  const [w, s, e, nn] =
    bbox ??
    fd.stations.reduce<[number, number, number, number]>(
      (b, x) => [Math.min(b[0], x.lon), Math.min(b[1], x.lat), Math.max(b[2], x.lon), Math.max(b[3], x.lat)],
      [Infinity, Infinity, -Infinity, -Infinity]
    );
  return Array.from({ length: n }, () => [w + r() * (e - w), s + r() * (nn - s)]);
}

const q = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))] * 1000) / 1000;
};

export async function benchNearest(): Promise<unknown> {
  const districts = [];
  for (const code of DISTRICT_CODES) {
    const st = JSON.parse(readFileSync(`static/data/${code}/rider/stations.json`, 'utf8')) as RiderStations;
    const roads = JSON.parse(readFileSync(`static/data/${code}/rider/roads.json`, 'utf8')) as RiderRoads;
    const plain = stationFinder(st.stations);
    const t0 = performance.now();
    const withRoads = stationFinder(st.stations, decodeRoads(roads));
    const buildMs = Math.round(performance.now() - t0);
    const pts = randomPoints(plain, N, 42);
    const straight = await time(() => {
      for (const [lon, lat] of pts) plain.index.nearest(lon, lat, 5);
    }, 5);
    const byRoad = await time(() => {
      for (const [lon, lat] of pts) nearestStations(withRoads, lon, lat, 5);
    }, 3);
    const inside = byRoad.ms / N;
    const far = [];
    for (const [place, lon, lat] of FAR) {
      const t = await time(() => {
        for (let i = 0; i < FAR_REPEAT; i++) nearestStations(withRoads, lon, lat, 5);
      }, 3);
      const perQuery = t.ms / FAR_REPEAT;
      far.push({
        from: place,
        perQueryUs: Math.round(perQuery * 1000 * 10) / 10,
        ratioToInside: Math.round((perQuery / inside) * 100) / 100
      });
    }
    districts.push({
      district: code,
      stations: st.stations.length,
      roads: roads.source,
      points: N,
      networkBuildMs: buildMs,
      straightBatchMs: straight.ms,
      straightPerQueryUs: Math.round((straight.ms / N) * 1000 * 10) / 10,
      roadBatchMs: byRoad.ms,
      roadPerQueryUs: Math.round((byRoad.ms / N) * 1000 * 10) / 10,
      farAway: far
    });
  }

  let realDaoli: unknown;
  if (!existsSync(OSM_ROADS)) {
    realDaoli = { skipped: `${OSM_ROADS} not found (the real Daoli OSM extract lives outside the repo)` };
  } else {
    const fc = JSON.parse(readFileSync(OSM_ROADS, 'utf8')) as FeatureCollection<LineString>;
    const lines = fc.features
      .filter((f) => f.geometry?.type === 'LineString')
      .map((f) => f.geometry.coordinates as LonLat[]);
    const st = JSON.parse(readFileSync('static/data/230102/rider/stations.json', 'utf8')) as RiderStations;
    const fd = stationFinder(st.stations, lines);
    const b = lines
      .flat()
      .reduce<[number, number, number, number]>(
        (a, [x, y]) => [Math.min(a[0], x), Math.min(a[1], y), Math.max(a[2], x), Math.max(a[3], y)],
        [Infinity, Infinity, -Infinity, -Infinity]
      );
    const pts = randomPoints(fd, N, 7, b);
    const ratios: number[] = [];
    let onNetwork = 0;
    let sameNearest = 0;
    let compared = 0;
    const timing = await time(() => {
      for (const [lon, lat] of pts) nearestStations(fd, lon, lat, 5);
    }, 3);
    for (const [lon, lat] of pts) {
      const res = nearestStations(fd, lon, lat, 5);
      if (!res.length) continue;
      if (res.some((r) => r.method === 'road')) onNetwork++;
      for (const r of res) if (r.method === 'road' && r.straight > 50) ratios.push(r.distance / r.straight);
      const straightFirst = fd.index.nearest(lon, lat, 1)[0];
      if (res[0].method === 'road') {
        compared++;
        if (straightFirst?.index === res[0].index) sameNearest++;
      }
    }
    realDaoli = {
      roads: `${lines.length} OSM ways (ODbL) from ${OSM_ROADS}`,
      points: N,
      roadBatchMs: timing.ms,
      pointsOnNetwork: onNetwork,
      roadOverStraight: { median: q(ratios, 0.5), p90: q(ratios, 0.9), pairs: ratios.length },
      statedDetourFactor: DETOUR,
      nearestByRoadIsNearestByStraightLine: Math.round((sameNearest / Math.max(1, compared)) * 1000) / 1000
    };
  }
  return { cases: districts, realDaoli };
}
