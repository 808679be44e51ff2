/**
 * A road network from LineStrings: vertices shared by lines (to 0.1 m) become junctions,
 * every consecutive pair of vertices an undirected edge weighted by its length in metres.
 * Points are snapped onto the nearest segment (found through a Flatbush index of the segments'
 * boxes); shortest paths by Dijkstra with a binary heap.
 */
import Flatbush from 'flatbush';
import { localProjection, type LocalProjection } from './crs';
import { haversine } from './nearest';
import { MinHeap } from './heap';

export type LonLat = [number, number];

export interface Network {
  lon: Float64Array;
  lat: Float64Array;
  /** CSR adjacency: neighbours of node i are target[offset[i] .. offset[i+1]). */
  offset: Int32Array;
  target: Int32Array;
  weight: Float64Array;
  /** Segments (for snapping): endpoints as node ids. */
  segA: Int32Array;
  segB: Int32Array;
  proj: LocalProjection;
  /** Projected node coordinates (metres). */
  x: Float64Array;
  y: Float64Array;
  /** The segments' boxes in metres (item s is segment s); null when there are none. */
  segments: Flatbush | null;
  /** Connected component of each node, and whether it is big enough to snap to. */
  component: Int32Array;
  snappable: Uint8Array;
}

export function buildNetwork(lines: readonly (readonly LonLat[])[]): Network {
  const ids = new Map<string, number>();
  const lon: number[] = [];
  const lat: number[] = [];
  const segA: number[] = [];
  const segB: number[] = [];
  const seen = new Set<string>();
  const node = (p: LonLat): number => {
    const k = `${Math.round(p[0] * 1e6)},${Math.round(p[1] * 1e6)}`;
    let id = ids.get(k);
    if (id === undefined) {
      id = lon.length;
      ids.set(k, id);
      lon.push(p[0]);
      lat.push(p[1]);
    }
    return id;
  };
  for (const line of lines) {
    for (let i = 1; i < line.length; i++) {
      const a = node(line[i - 1]);
      const b = node(line[i]);
      if (a === b) continue;
      const k = a < b ? `${a}-${b}` : `${b}-${a}`;
      if (seen.has(k)) continue;
      seen.add(k);
      segA.push(a);
      segB.push(b);
    }
  }
  const n = lon.length;
  const deg = new Int32Array(n + 1);
  for (let s = 0; s < segA.length; s++) {
    deg[segA[s] + 1]++;
    deg[segB[s] + 1]++;
  }
  for (let i = 0; i < n; i++) deg[i + 1] += deg[i];
  const offset = deg;
  const fill = offset.slice(0, n);
  const target = new Int32Array(segA.length * 2);
  const weight = new Float64Array(segA.length * 2);
  for (let s = 0; s < segA.length; s++) {
    const a = segA[s];
    const b = segB[s];
    const w = haversine(lon[a], lat[a], lon[b], lat[b]);
    target[fill[a]] = b;
    weight[fill[a]++] = w;
    target[fill[b]] = a;
    weight[fill[b]++] = w;
  }
  let lon0 = 0;
  let lat0 = 0;
  for (let i = 0; i < n; i++) {
    lon0 += lon[i] / n;
    lat0 += lat[i] / n;
  }
  const proj = localProjection(lon0, lat0);
  const x = Float64Array.from(lon, (v) => proj.x(v));
  const y = Float64Array.from(lat, (v) => proj.y(v));
  const segments = segA.length > 0 ? new Flatbush(segA.length) : null;
  for (let s = 0; s < segA.length; s++) {
    const a = segA[s];
    const b = segB[s];
    segments!.add(Math.min(x[a], x[b]), Math.min(y[a], y[b]), Math.max(x[a], x[b]), Math.max(y[a], y[b]));
  }
  segments?.finish();
  // Components: points snap only to the big ones (≥ 10 % of the largest), so that a stray
  // fragment (a car park, a cut-off footway) never swallows a point and leaves it unreachable.
  const component = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  for (let s0 = 0; s0 < n; s0++) {
    if (component[s0] >= 0) continue;
    const c = sizes.length;
    let size = 0;
    const stack = [s0];
    component[s0] = c;
    while (stack.length) {
      const u = stack.pop()!;
      size++;
      for (let e = offset[u]; e < offset[u + 1]; e++)
        if (component[target[e]] < 0) {
          component[target[e]] = c;
          stack.push(target[e]);
        }
    }
    sizes.push(size);
  }
  const largest = Math.max(0, ...sizes);
  const snappable = Uint8Array.from(sizes, (z) => (z >= largest * 0.1 ? 1 : 0));
  return {
    component,
    snappable,
    lon: Float64Array.from(lon),
    lat: Float64Array.from(lat),
    offset,
    target,
    weight,
    segA: Int32Array.from(segA),
    segB: Int32Array.from(segB),
    proj,
    x,
    y,
    segments
  };
}

/** Where a point meets the network: on segment `seg` at fraction t from node a to node b. */
export interface Snap {
  seg: number;
  a: number;
  b: number;
  t: number;
  /** Metres along the segment from the snapped point to a, and to b. */
  toA: number;
  toB: number;
  /** Straight-line metres from the point to the snapped point. */
  offRoad: number;
  lon: number;
  lat: number;
}

/**
 * The nearest point of the network within maxDistance metres, or null (then: off the network).
 * Of segments at the same distance (a junction) the lowest-numbered wins, whatever the index's order.
 */
export function snap(net: Network, lon: number, lat: number, maxDistance = 300): Snap | null {
  if (!net.segments) return null;
  const px = net.proj.x(lon);
  const py = net.proj.y(lat);
  let best: Snap | null = null;
  let bestD = maxDistance;
  const candidates = net.segments
    .search(px - maxDistance, py - maxDistance, px + maxDistance, py + maxDistance)
    .sort((a, b) => a - b);
  for (const s of candidates) {
    if (!net.snappable[net.component[net.segA[s]]]) continue;
    const a = net.segA[s];
    const b = net.segB[s];
    const dx = net.x[b] - net.x[a];
    const dy = net.y[b] - net.y[a];
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - net.x[a]) * dx + (py - net.y[a]) * dy) / len2));
    const d = Math.hypot(net.x[a] + t * dx - px, net.y[a] + t * dy - py);
    if (best ? d < bestD : d <= bestD) {
      bestD = d;
      const len = Math.sqrt(len2);
      best = {
        seg: s,
        a,
        b,
        t,
        toA: t * len,
        toB: (1 - t) * len,
        offRoad: d,
        lon: net.lon[a] + t * (net.lon[b] - net.lon[a]),
        lat: net.lat[a] + t * (net.lat[b] - net.lat[a])
      };
    }
  }
  return best;
}

export interface ShortestPaths {
  dist: Float64Array;
  /** Previous node on the shortest path, -1 at a source; -2 when unreached. */
  prev: Int32Array;
}

/** Dijkstra from several sources (node, starting distance), up to maxDistance metres. */
export function dijkstra(
  net: Network,
  sources: readonly { node: number; dist: number }[],
  maxDistance = Infinity
): ShortestPaths {
  const n = net.lon.length;
  const dist = new Float64Array(n).fill(Infinity);
  const prev = new Int32Array(n).fill(-2);
  const heap = new MinHeap();
  for (const s of sources) {
    if (s.dist < dist[s.node]) {
      dist[s.node] = s.dist;
      prev[s.node] = -1;
      heap.push(s.node, s.dist);
    }
  }
  while (heap.size) {
    const d = heap.peekKey();
    const u = heap.pop();
    if (d > dist[u]) continue;
    if (d > maxDistance) break;
    for (let e = net.offset[u]; e < net.offset[u + 1]; e++) {
      const v = net.target[e];
      const nd = d + net.weight[e];
      if (nd < dist[v]) {
        dist[v] = nd;
        prev[v] = u;
        heap.push(v, nd);
      }
    }
  }
  return { dist, prev };
}

/** Sources for Dijkstra from a snapped point: both ends of its segment. */
export function sourcesOf(s: Snap, start = 0): { node: number; dist: number }[] {
  return [
    { node: s.a, dist: start + s.toA },
    { node: s.b, dist: start + s.toB }
  ];
}

/**
 * Network distance (metres, along the road only, without the off-road legs) from a source snap,
 * whose shortest paths are `sp`, to a target snap. Same segment: straight along it.
 */
export function distanceTo(sp: ShortestPaths, from: Snap, to: Snap): { dist: number; via: number } {
  const viaA = sp.dist[to.a] + to.toA;
  const viaB = sp.dist[to.b] + to.toB;
  let best = viaA <= viaB ? { dist: viaA, via: to.a } : { dist: viaB, via: to.b };
  if (from.seg === to.seg) {
    const along = Math.abs(from.toA - to.toA);
    if (along <= best.dist) best = { dist: along, via: -1 };
  }
  return best;
}

/** The road path from the source to a target snap, as [lon, lat] from source to target. */
export function routeTo(net: Network, sp: ShortestPaths, from: Snap, to: Snap): LonLat[] {
  const { via } = distanceTo(sp, from, to);
  if (via === -1)
    return [
      [from.lon, from.lat],
      [to.lon, to.lat]
    ];
  const nodes: number[] = [];
  for (let u = via; u >= 0; u = sp.prev[u]) nodes.push(u);
  nodes.reverse();
  return [[from.lon, from.lat], ...nodes.map((u): LonLat => [net.lon[u], net.lat[u]]), [to.lon, to.lat]];
}

/**
 * Split lines where they cross or where an end touches another line (within `tolerance`
 * metres) so that crossings become shared vertices, i.e. junctions of the network. Roads drawn
 * as independent lines (the synthetic ones) need this; OSM ways already share their nodes.
 */
export function nodeLines(lines: readonly (readonly LonLat[])[], tolerance = 1): LonLat[][] {
  let lon0 = 0;
  let lat0 = 0;
  let count = 0;
  for (const l of lines)
    for (const p of l) {
      lon0 += p[0];
      lat0 += p[1];
      count++;
    }
  const proj = localProjection(lon0 / count, lat0 / count);
  const segs: { l: number; i: number; ax: number; ay: number; bx: number; by: number }[] = [];
  lines.forEach((line, l) => {
    for (let i = 1; i < line.length; i++) {
      const s = {
        l,
        i,
        ax: proj.x(line[i - 1][0]),
        ay: proj.y(line[i - 1][1]),
        bx: proj.x(line[i][0]),
        by: proj.y(line[i][1])
      };
      segs.push(s);
    }
  });
  const index = new Flatbush(Math.max(1, segs.length));
  for (const s of segs)
    index.add(Math.min(s.ax, s.bx), Math.min(s.ay, s.by), Math.max(s.ax, s.bx), Math.max(s.ay, s.by));
  if (segs.length === 0) index.add(0, 0, 0, 0); // Flatbush needs an item; no pairs are searched then
  index.finish();
  // Extra vertices per (line, segment index): [t along the segment, point].
  const extra = new Map<string, { t: number; p: LonLat }[]>();
  const add = (l: number, i: number, t: number, p: LonLat) => {
    const k = `${l}:${i}`;
    const list = extra.get(k);
    if (list) list.push({ t, p });
    else extra.set(k, [{ t, p }]);
  };
  const project = (px: number, py: number, s: (typeof segs)[number]) => {
    const dx = s.bx - s.ax;
    const dy = s.by - s.ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - s.ax) * dx + (py - s.ay) * dy) / len2));
    return { t, d: Math.hypot(s.ax + t * dx - px, s.ay + t * dy - py) };
  };
  // Every pair whose boxes come within `tolerance` of each other, once, in a fixed order.
  for (let m = 0; m < segs.length; m++) {
    const s1 = segs[m];
    const near = index
      .search(
        Math.min(s1.ax, s1.bx) - tolerance,
        Math.min(s1.ay, s1.by) - tolerance,
        Math.max(s1.ax, s1.bx) + tolerance,
        Math.max(s1.ay, s1.by) + tolerance,
        (n) => n > m
      )
      .sort((a, b) => a - b);
    for (const n of near) {
      const s2 = segs[n];
      if (s1.l === s2.l && Math.abs(s1.i - s2.i) <= 1) continue;
      // Proper crossing.
      const d1x = s1.bx - s1.ax;
      const d1y = s1.by - s1.ay;
      const d2x = s2.bx - s2.ax;
      const d2y = s2.by - s2.ay;
      const den = d1x * d2y - d1y * d2x;
      if (den !== 0) {
        const t = ((s2.ax - s1.ax) * d2y - (s2.ay - s1.ay) * d2x) / den;
        const u = ((s2.ax - s1.ax) * d1y - (s2.ay - s1.ay) * d1x) / den;
        if (t > 1e-9 && t < 1 - 1e-9 && u > 1e-9 && u < 1 - 1e-9) {
          const a = lines[s1.l][s1.i - 1];
          const b = lines[s1.l][s1.i];
          const p: LonLat = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])];
          add(s1.l, s1.i, t, p);
          add(s2.l, s2.i, u, p);
          continue;
        }
      }
      // An end of one line touching the other segment (T junction).
      for (const [s, o] of [
        [s1, s2],
        [s2, s1]
      ] as const) {
        const line = lines[s.l];
        const ends: [number, number, LonLat][] = [];
        if (s.i === 1) ends.push([s.ax, s.ay, line[0]]);
        if (s.i === line.length - 1) ends.push([s.bx, s.by, line[line.length - 1]]);
        for (const [px, py, p] of ends) {
          const { t, d } = project(px, py, o);
          if (d <= tolerance && t > 1e-9 && t < 1 - 1e-9) add(o.l, o.i, t, p);
        }
      }
    }
  }
  return lines.map((line, l) => {
    const out: LonLat[] = [[line[0][0], line[0][1]]];
    for (let i = 1; i < line.length; i++) {
      const ex = extra.get(`${l}:${i}`);
      if (ex) for (const e of ex.sort((a, b) => a.t - b.t)) out.push(e.p);
      out.push([line[i][0], line[i][1]]);
    }
    return out;
  });
}
