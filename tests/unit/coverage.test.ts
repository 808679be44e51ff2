/**
 * The 15-minute service circle against a brute force on a small town (tests/fixtures/coverage):
 * the brute force inserts every building and station as a node of the road graph and runs
 * Floyd–Warshall over all pairs, then counts households per grid and community.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  BANDS,
  WALK_M_PER_MIN,
  bestNewSite,
  coverage,
  coverageContext,
  share,
  type CoverageBuilding
} from '../../src/lib/geo/coverage';
import { buildNetwork, snap, type LonLat } from '../../src/lib/geo/network';
import { localProjection } from '../../src/lib/geo/crs';
import { haversine } from '../../src/lib/geo/nearest';
import { DETOUR, SNAP_M } from '../../src/lib/geo/nearest-stations';

const town = JSON.parse(readFileSync('tests/fixtures/coverage/town.json', 'utf8')) as {
  roads: LonLat[][];
  stations: { lon: number; lat: number }[];
};

function rng(seed: number) {
  return () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}
const r = rng(7);
const buildings: CoverageBuilding[] = Array.from({ length: 60 }, (_, i) => {
  const lon = 126.598 + r() * 0.017;
  const lat = 45.749 + r() * 0.011;
  return {
    id: `b${i}`,
    lon,
    lat,
    households: 20 + Math.floor(r() * 200),
    community: lon < 126.606 ? 'C1' : 'C2',
    grid: `${lon < 126.606 ? 'C1' : 'C2'}-${lat < 45.754 ? 1 : 2}`
  };
});

/** Walk metres from each point to each other, the slow and obvious way. */
function bruteDistances(points: { lon: number; lat: number }[]): number[][] {
  const net = buildNetwork(town.roads);
  const proj = localProjection(126.6, 45.75);
  const snaps = points.map((p) => snap(net, p.lon, p.lat, SNAP_M));
  // Nodes: road vertices, then one per snapped point; segments split at the snapped points.
  const N = net.lon.length + points.length;
  const D = Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => (i === j ? 0 : Infinity)));
  const link = (a: number, b: number, w: number) => {
    D[a][b] = Math.min(D[a][b], w);
    D[b][a] = Math.min(D[b][a], w);
  };
  for (let s = 0; s < net.segA.length; s++) {
    const a = net.segA[s];
    const b = net.segB[s];
    const len = haversine(net.lon[a], net.lat[a], net.lon[b], net.lat[b]);
    const on = snaps
      .map((sn, k) => ({ sn, k }))
      .filter((x) => x.sn?.seg === s)
      .sort((x, y) => x.sn!.t - y.sn!.t);
    let prev = a;
    let prevT = 0;
    for (const { sn, k } of on) {
      const node = net.lon.length + k;
      link(prev, node, (sn!.t - prevT) * len);
      prev = node;
      prevT = sn!.t;
    }
    link(prev, b, (1 - prevT) * len);
  }
  for (let k = 0; k < N; k++)
    for (let i = 0; i < N; i++)
      for (let j = 0; j < N; j++) if (D[i][k] + D[k][j] < D[i][j]) D[i][j] = D[i][k] + D[k][j];
  return points.map((p, i) =>
    points.map((q, j) => {
      const straight = Math.hypot(proj.x(p.lon) - proj.x(q.lon), proj.y(p.lat) - proj.y(q.lat)) * DETOUR;
      const si = snaps[i];
      const sj = snaps[j];
      if (!si || !sj) return straight;
      return si.offRoad + D[net.lon.length + i][net.lon.length + j] + sj.offRoad;
    })
  );
}

describe('coverage (15-minute service circle)', () => {
  const points = [...buildings, ...town.stations];
  const brute = bruteDistances(points);
  const ctx = coverageContext(buildings, town.roads);
  const res = coverage(ctx, town.stations);
  const nb = buildings.length;
  const bruteNearest = buildings.map((_, i) => Math.min(...town.stations.map((_, s) => brute[i][nb + s])));

  it('the fixture exercises every case: on and off the roads, each band and beyond', () => {
    expect(ctx.snaps.filter((s) => !s).length).toBeGreaterThan(0);
    expect(ctx.snaps.filter((s) => s).length).toBeGreaterThan(30);
    for (const lim of [0, 400, 800, 1200]) expect(bruteNearest.some((d) => d > lim && d <= lim + 400)).toBe(true);
    expect(bruteNearest.some((d) => d > 1200)).toBe(true);
    // No building within 2 m of a band edge, where rounding could flip it.
    for (const d of bruteNearest) for (const b of BANDS) expect(Math.abs(d - b * WALK_M_PER_MIN)).toBeGreaterThan(2);
  });

  it('walk distance per building matches the brute force (within 1 m)', () => {
    buildings.forEach((_, i) => {
      const want = bruteNearest[i] <= 1200 ? bruteNearest[i] : Infinity;
      if (want === Infinity) expect(res.distance[i]).toBe(Infinity);
      else expect(Math.abs(res.distance[i] - want)).toBeLessThan(1);
    });
  });

  it('households within 5/10/15 minutes per grid, community and in total match the brute force', () => {
    const count = (keep: (b: CoverageBuilding) => boolean) => {
      const out = { households: 0, within: { 5: 0, 10: 0, 15: 0 } as Record<number, number> };
      buildings.forEach((b, i) => {
        if (!keep(b)) return;
        out.households += b.households;
        for (const band of BANDS) if (bruteNearest[i] <= band * WALK_M_PER_MIN) out.within[band] += b.households;
      });
      return out;
    };
    expect(res.total).toEqual(count(() => true));
    expect([...res.byCommunity.keys()].sort()).toEqual(['C1', 'C2']);
    for (const [c, a] of res.byCommunity) expect(a).toEqual(count((b) => b.community === c));
    expect(res.byGrid.size).toBe(4);
    for (const [g, a] of res.byGrid) expect(a).toEqual(count((b) => b.grid === g));
    expect(share(res.total, 15)).toBeGreaterThan(share(res.total, 5));
  });

  it('the suggested new site is the candidate that covers the most uncovered households (brute force)', () => {
    const best = bestNewSite(ctx, res)!;
    const uncovered = buildings.map((_, i) => i).filter((i) => bruteNearest[i] > 1200);
    const gains = uncovered.map((c) =>
      uncovered.filter((i) => brute[c][i] <= 1200).reduce((s, i) => s + buildings[i].households, 0)
    );
    expect(best.gain).toBe(Math.max(...gains));
    expect(best.gain).toBeGreaterThan(0);
    const after = coverage(ctx, [...town.stations, best]);
    expect(after.total.within[15] - res.total.within[15]).toBe(best.gain);
  });
});
