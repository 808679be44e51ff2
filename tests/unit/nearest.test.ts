import { describe, expect, it } from 'vitest';
import { PointIndex, haversine } from '../../src/lib/geo/nearest';
import { nearestStations, stationFinder, DETOUR } from '../../src/lib/geo/nearest-stations';
import type { RiderStation } from '../../src/lib/geo/nearest-data';

function rng(seed: number) {
  return () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

describe('PointIndex', () => {
  const r = rng(3);
  const pts = Array.from({ length: 800 }, () => [126.5 + r() * 0.1, 45.7 + r() * 0.08] as const);
  const index = new PointIndex(pts);
  it('k nearest equal a brute-force scan (haversine, within 0.2 %)', () => {
    for (let q = 0; q < 50; q++) {
      const lon = 126.49 + r() * 0.12;
      const lat = 45.69 + r() * 0.1;
      const got = index.nearest(lon, lat, 5);
      const want = pts
        .map((p, i) => ({ i, d: haversine(lon, lat, p[0], p[1]) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, 5);
      expect(got.map((g) => g.index)).toEqual(want.map((w) => w.i));
      got.forEach((g, k) => expect(Math.abs(g.distance - want[k].d) / want[k].d).toBeLessThan(0.002));
    }
  });
  it('filters with accept and finds far points beyond empty cells', () => {
    const even = index.nearest(126.55, 45.74, 3, (i) => i % 2 === 0);
    expect(even.every((n) => n.index % 2 === 0)).toBe(true);
    expect(index.nearest(127.5, 46.5, 1)).toHaveLength(1);
  });
  it('a query from another city (Qufu, Beijing, Urumqi) answers like a brute-force scan, each candidate looked at once at most', () => {
    for (const [lon, lat] of [
      [116.99, 35.58],
      [116.4, 39.9],
      [87.6, 43.8]
    ]) {
      const want = pts.map((p) => haversine(lon, lat, p[0], p[1])).sort((a, b) => a - b);
      const got = index.nearest(lon, lat, 5);
      expect(got).toHaveLength(5);
      got.forEach((g, k) => expect(Math.abs(g.distance - want[k]) / want[k]).toBeLessThan(0.001));
      let looked = 0;
      expect(index.nearest(lon, lat, 5, () => (looked++, false))).toEqual([]);
      expect(looked).toBeLessThanOrEqual(pts.length);
      expect(index.nearest(lon, lat, 5, undefined, 50_000)).toEqual([]);
    }
  });
  it('an empty index answers nothing', () => {
    const empty = new PointIndex([]);
    expect(empty.nearest(126.6, 45.75, 3)).toEqual([]);
    expect(empty.within(126.6, 45.75, 1000)).toEqual([]);
  });
  it('within returns exactly the points inside the radius', () => {
    const got = new Set(index.within(126.55, 45.74, 900));
    pts.forEach((p, i) => {
      const d = haversine(126.55, 45.74, p[0], p[1]);
      if (d < 895) expect(got.has(i)).toBe(true);
      if (d > 905) expect(got.has(i)).toBe(false);
    });
  });
});

describe('nearestStations', () => {
  const st = (id: string, lon: number, lat: number, extra: Partial<RiderStation> = {}): RiderStation => ({
    id,
    kind: 'warm_heart',
    name: id,
    address: '',
    services: ['rest', 'charging'],
    opens: '00:00',
    closes: '00:00',
    lon,
    lat,
    ...extra
  });
  const stations = [
    st('near-across-river', 126.6, 45.7536), // 400 m north, but the road goes round
    st('road', 126.6052, 45.75), // 400 m east on the same street
    st('no-charging', 126.6013, 45.75, { services: ['rest'] }),
    st('closed', 126.6026, 45.75, { opens: '09:00', closes: '17:00' })
  ];
  const roads: [number, number][][] = [
    [
      [126.595, 45.75],
      [126.62, 45.75]
    ],
    [
      [126.62, 45.75],
      [126.62, 45.7536],
      [126.6, 45.7536]
    ]
  ];
  const fd = stationFinder(stations, roads);
  it('sorts by riding distance where roads are known, filters by service and open now', () => {
    const night = new Date('2026-01-05T23:00:00+08:00');
    const res = nearestStations(fd, 126.6, 45.75, 4, { services: ['charging'], openNow: true, now: night });
    expect(res.map((r) => r.station.id)).toEqual(['road', 'near-across-river']);
    expect(res.every((r) => r.method === 'road')).toBe(true);
    expect(res[0].distance).toBeCloseTo(res[0].straight, -1);
    expect(res[1].distance).toBeGreaterThan(3 * res[1].straight);
  });
  it('without roads: straight line × the stated detour', () => {
    const plain = stationFinder(stations);
    const [first] = nearestStations(plain, 126.6, 45.75, 1);
    expect(first.method).toBe('straight');
    expect(first.distance).toBeCloseTo(first.straight * DETOUR, 6);
  });
});
