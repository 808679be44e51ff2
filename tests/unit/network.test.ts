import { describe, expect, it } from 'vitest';
import { buildNetwork, dijkstra, distanceTo, nodeLines, routeTo, snap, sourcesOf } from '../../src/lib/geo/network';
import { haversine } from '../../src/lib/geo/nearest';
import { mulberry32, uniform } from '../../src/lib/geo/random';

describe('road network', () => {
  // A square with one diagonal: 0 (0,0) – 1 (e) – 2 (ne) – 3 (n) – 0, and 0–2.
  const P = { sw: [126.6, 45.75], se: [126.61, 45.75], ne: [126.61, 45.757], nw: [126.6, 45.757] } as const;
  const lines = [
    [P.sw, P.se, P.ne],
    [P.ne, P.nw, P.sw],
    [P.sw, P.ne]
  ] as [number, number][][];
  const net = buildNetwork(lines);
  it('shares vertices between lines: 4 junctions, 5 edges', () => {
    expect(net.lon.length).toBe(4);
    expect(net.segA.length).toBe(5);
  });
  it('Dijkstra takes the diagonal, and the route follows it', () => {
    const from = snap(net, P.sw[0], P.sw[1])!;
    const to = snap(net, P.ne[0] + 0.0001, P.ne[1])!;
    const sp = dijkstra(net, sourcesOf(from));
    const d = distanceTo(sp, from, to).dist;
    expect(d).toBeCloseTo(haversine(P.sw[0], P.sw[1], P.ne[0], P.ne[1]), 0);
    expect(routeTo(net, sp, from, to).length).toBeLessThanOrEqual(4);
  });
  it('snaps onto the nearest segment and reports null beyond the limit', () => {
    const s = snap(net, 126.605, 45.7495, 300)!;
    expect(s.offRoad).toBeGreaterThan(50);
    expect(s.offRoad).toBeLessThan(60);
    expect(s.toA + s.toB).toBeCloseTo(haversine(P.sw[0], P.sw[1], P.se[0], P.se[1]), -1);
    expect(snap(net, 126.7, 45.9, 300)).toBeNull();
  });
  it('nodeLines joins crossing lines and T junctions so they connect', () => {
    const cross = [
      [
        [126.6, 45.75],
        [126.62, 45.75]
      ],
      [
        [126.61, 45.74],
        [126.61, 45.76]
      ],
      [
        [126.605, 45.745],
        [126.605, 45.75]
      ] // ends on the first line (T)
    ] as [number, number][][];
    const raw = buildNetwork(cross);
    const reachRaw = dijkstra(raw, [{ node: 0, dist: 0 }]).dist.filter(Number.isFinite).length;
    const noded = buildNetwork(nodeLines(cross));
    const reach = dijkstra(noded, [{ node: 0, dist: 0 }]).dist.filter(Number.isFinite).length;
    expect(reachRaw).toBe(2);
    expect(reach).toBe(noded.lon.length);
    expect(noded.lon.length).toBe(7);
  });
});

describe('road network index (Flatbush)', () => {
  // A 12 × 12 lattice of streets 200 m apart around Harbin, each street one line, noded at the crossings.
  const dLon = 200 / (111_195 * Math.cos((45.75 * Math.PI) / 180));
  const dLat = 200 / 111_195;
  const streets: [number, number][][] = [];
  for (let i = 0; i < 12; i++) {
    streets.push(Array.from({ length: 12 }, (_, j) => [126.6 + j * dLon, 45.75 + i * dLat] as [number, number]));
    streets.push(Array.from({ length: 12 }, (_, j) => [126.6 + i * dLon, 45.75 + j * dLat] as [number, number]));
  }
  const net = buildNetwork(streets);
  const rng = mulberry32(16);

  it('snap finds the segment a scan of every segment finds, within the limit, else null', () => {
    let found = 0;
    for (let k = 0; k < 300; k++) {
      const lon = 126.6 + uniform(rng, -3, 14) * dLon;
      const lat = 45.75 + uniform(rng, -3, 14) * dLat;
      const s = snap(net, lon, lat, 150);
      const px = net.proj.x(lon);
      const py = net.proj.y(lat);
      let best = Infinity;
      for (let g = 0; g < net.segA.length; g++) {
        const a = net.segA[g];
        const b = net.segB[g];
        const dx = net.x[b] - net.x[a];
        const dy = net.y[b] - net.y[a];
        const t = Math.max(0, Math.min(1, ((px - net.x[a]) * dx + (py - net.y[a]) * dy) / (dx * dx + dy * dy)));
        best = Math.min(best, Math.hypot(net.x[a] + t * dx - px, net.y[a] + t * dy - py));
      }
      if (best > 150) expect(s).toBeNull();
      else {
        expect(s!.offRoad).toBeCloseTo(best, 9);
        found++;
      }
    }
    expect(found).toBeGreaterThan(150);
  });

  it('nodeLines turns every crossing of independent lines into a junction', () => {
    // The same lattice drawn as 24 unnoded lines of two points each.
    const lines = streets.map((l) => [l[0], l[l.length - 1]]);
    const noded = buildNetwork(nodeLines(lines));
    expect(noded.lon.length).toBe(144);
    expect(dijkstra(noded, [{ node: 0, dist: 0 }]).dist.every(Number.isFinite)).toBe(true);
  });
});
