/**
 * The engine's structures grow linearly with one community (#13). These tests fail when an
 * all-pairs structure or a scan of the whole community per grid comes back, by checking sizes
 * and results, never the clock (timings are the bench's: scripts/bench/partition-scale.ts):
 *  - the adjacency of 20,000 points on an exact lattice has O(n) edges and their cells cover the
 *    outline exactly; 1,000 pieces below the minimum are bridged until none is left;
 *  - a Plan's per-grid member lists, pieces and connectivity agree with scans of every item
 *    after random moves;
 *  - k-means through its spatial index gives each item its nearest centre (lowest index on ties);
 *  - a 10,000-building community is partitioned within the engine's rules, and the bisection
 *    baseline cuts 20,000 buildings into grids within bounds;
 *  - a community needing more grids than its codes allow, or more buildings than the stated
 *    limit, is refused before any work with a message naming it.
 */
import { describe, expect, it } from 'vitest';
import { buildAdjacency, components, delaunayEdges } from '../../src/lib/geo/partition/adjacency';
import { bisect } from '../../src/lib/geo/partition/bisection';
import { voronoiCells } from '../../src/lib/geo/partition/cells';
import { partitionGeoJSON } from '../../src/lib/geo/partition/geojson';
import { kmeans } from '../../src/lib/geo/partition/kmeans';
import { MAX_COMMUNITY_ITEMS } from '../../src/lib/geo/partition/limits';
import { Plan } from '../../src/lib/geo/partition/plan';
import { ringArea, type XY } from '../../src/lib/geo/partition/planar';
import { prepare } from '../../src/lib/geo/partition/problem';
import { mulberry32 } from '../../src/lib/geo/random';
import { makeLayout } from '../fixtures/partition-layouts/gen';

/** An exact lattice of rows × cols points, 30 m by 20 m apart (a planned estate's blocks). */
function lattice(rows: number, cols: number): XY[] {
  const out: XY[] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out.push([c * 30, r * 20]);
  return out;
}

describe('one big community: structures linear in the buildings', () => {
  it('20,000 points on an exact lattice: O(n) adjacency edges, cells covering the outline', () => {
    const rows = 125;
    const cols = 160;
    const points = lattice(rows, cols);
    const n = points.length;
    const edges = delaunayEdges(points);
    // A planar triangulation has at most 3n - 6 edges; every lattice point has its 4 neighbours.
    expect(edges.length).toBeLessThanOrEqual(3 * n - 6);
    expect(edges.length).toBeGreaterThanOrEqual(2 * n - rows - cols);
    const outline: XY[] = [
      [-15, -10],
      [cols * 30 - 15, -10],
      [cols * 30 - 15, rows * 20 - 10],
      [-15, rows * 20 - 10]
    ];
    const cells = voronoiCells(points, [outline]);
    let area = 0;
    for (let i = 0; i < n; i++) {
      expect(cells.rings[i].length).toBe(1);
      area += cells.area[i];
    }
    expect(area).toBeCloseTo(ringArea(outline), 0);
    // Each cell is a 30 × 20 rectangle: shared edges with its 4 neighbours only (corners do not count).
    let shared = 0;
    for (let i = 0; i < n; i++) for (let e = cells.off[i]; e < cells.off[i + 1]; e++) if (cells.len[e] >= 0.5) shared++;
    expect(shared).toBe(2 * (2 * n - rows - cols));
    const adjacency = buildAdjacency(points, { delaunay: edges, touching: () => true });
    expect(adjacency.graph.nbr.length).toBeLessThanOrEqual(2 * edges.length);
    expect(components(adjacency.graph).count).toBe(1);
  });

  it('1,000 pieces below the minimum, 400 m apart: bridged until none is left below it, by their shortest gaps', () => {
    const rng = mulberry32(3);
    const points: XY[] = [];
    const weights: number[] = [];
    for (let c = 0; c < 1000; c++)
      for (let i = 0; i < 20; i++) {
        points.push([
          (c % 32) * 420 + (i % 5) * 20 + rng() * 3,
          Math.floor(c / 32) * 420 + Math.floor(i / 5) * 20 + rng() * 3
        ]);
        weights.push(4);
      }
    const a = buildAdjacency(points, { weights, minWeight: 300, maxWeight: 500 });
    expect(a.bridges.length).toBeGreaterThan(500);
    expect(a.bridges.every((e) => e.reason === 'long' && e.length < 420)).toBe(true);
    const { comp, count } = components(a.graph);
    const load = new Float64Array(count);
    comp.forEach((c, i) => (load[c] += weights[i]));
    expect(Math.min(...load)).toBeGreaterThanOrEqual(300);
  });

  it("a Plan's member lists, pieces and connectivity agree with scans of every item after random moves", () => {
    const layout = makeLayout('jittered', 1500, 41);
    const r = partitionGeoJSON({ buildings: layout.buildings, communities: layout.community, method: 'kmeans' });
    expect(r.ok).toBe(true);
    const items = layout.buildings.features.map((f) => {
      const [lon, lat] = f.geometry.coordinates;
      return {
        id: String(f.properties!.id),
        households: Number(f.properties!.households),
        x: (lon - 126.62) * 77_700,
        y: (lat - 45.76) * 111_200
      };
    });
    const p = prepare({ items });
    const rng = mulberry32(7);
    const k = 12;
    const plan = new Plan(
      p,
      Int32Array.from({ length: p.n }, () => Math.floor(rng() * k))
    );
    const scanMembers = (g: number) => [...plan.assign.keys()].filter((i) => plan.assign[i] === g);
    const scanPieces = (g: number) => {
      const members = new Set(scanMembers(g));
      const seen = new Set<number>();
      let count = 0;
      for (const s of members) {
        if (seen.has(s)) continue;
        count++;
        const stack = [s];
        seen.add(s);
        while (stack.length) {
          const i = stack.pop()!;
          for (let e = p.graph.off[i]; e < p.graph.off[i + 1]; e++) {
            const j = p.graph.nbr[e];
            if (members.has(j) && !seen.has(j)) {
              seen.add(j);
              stack.push(j);
            }
          }
        }
      }
      return count;
    };
    const extra = plan.addGrid();
    for (let step = 0; step < 4000; step++) plan.move(Math.floor(rng() * p.n), Math.floor(rng() * (extra + 1)));
    // Grow one grid into a connected blob, so that connectivity is tested both ways.
    for (const i of plan.members(3))
      for (let e = p.graph.off[i]; e < p.graph.off[i + 1]; e++) plan.move(p.graph.nbr[e], 3);
    for (let g = 0; g <= extra; g++) {
      expect(plan.members(g)).toEqual(scanMembers(g));
      expect(plan.count[g]).toBe(scanMembers(g).length);
      expect(plan.pieces(g).length).toBe(scanPieces(g));
      expect(plan.connected(g)).toBe(scanPieces(g) <= 1);
    }
    const clone = plan.clone();
    for (let g = 0; g <= extra; g++) expect(clone.members(g)).toEqual(plan.members(g));
  });

  it('k-means through its index: every item at its nearest centre, the lowest index on a tie', () => {
    for (const [n, k, exact] of [
      [6000, 120, true],
      [6000, 150, false]
    ] as const) {
      const rng = mulberry32(n + k);
      const cols = 80;
      const x = Float64Array.from({ length: n }, (_, i) => (exact ? (i % cols) * 30 : rng() * 3000));
      const y = Float64Array.from({ length: n }, (_, i) => (exact ? Math.floor(i / cols) * 20 : rng() * 2000));
      const w = Float64Array.from({ length: n }, () => (exact ? 10 : 1 + Math.floor(rng() * 30)));
      // Enough steps to converge, so that the last assignment is to the final centres.
      const { centers, assign } = kmeans(x, y, w, k, 3, 1000);
      expect(centers.length).toBeGreaterThan(k * 0.9);
      for (let i = 0; i < n; i++) {
        let best = 0;
        let bd = Infinity;
        centers.forEach(([cx, cy], c) => {
          const d = (x[i] - cx) ** 2 + (y[i] - cy) ** 2;
          if (d < bd) {
            bd = d;
            best = c;
          }
        });
        if (assign[i] !== best) throw new Error(`item ${i} is in cluster ${assign[i]}, nearest is ${best}`);
      }
    }
  });

  it('a community of 10,000 buildings is partitioned within the rules: every grid 300-500 households and one piece', () => {
    const layout = makeLayout('jittered', 10_000, 51, { households: [3, 9] });
    const total = layout.buildings.features.reduce((s, f) => s + Number(f.properties!.households), 0);
    const r = partitionGeoJSON({ buildings: layout.buildings, communities: layout.community });
    if (!r.ok) throw new Error(r.errors[0].message);
    const grids = r.value.grids.features;
    expect(grids.length).toBeGreaterThanOrEqual(Math.ceil(total / 500));
    expect(grids.length).toBeLessThanOrEqual(Math.floor(total / 300));
    for (const g of grids) {
      expect(g.properties.households).toBeGreaterThanOrEqual(300);
      expect(g.properties.households).toBeLessThanOrEqual(500);
      expect(g.properties.contiguous).toBe(true);
      expect(g.geometry.type === 'Polygon' || g.geometry.coordinates.length === 1).toBe(true);
    }
    expect(r.value.unmet).toEqual([]);
    expect(r.value.buildings.length).toBe(10_000);
    expect(grids.reduce((s, g) => s + g.properties.households, 0)).toBe(total);
  }, 180_000);

  it('the bisection baseline cuts 20,000 buildings into grids within bounds', () => {
    const rng = mulberry32(5);
    const items = Array.from({ length: 20_000 }, (_, i) => ({
      id: `b${String(i).padStart(5, '0')}`,
      households: 3 + Math.floor(rng() * 7),
      x: (i % 140) * 30 + rng() * 6,
      y: Math.floor(i / 140) * 20 + rng() * 6
    }));
    const grids = bisect(items);
    const total = items.reduce((s, it) => s + it.households, 0);
    expect(grids.length).toBe(Math.round(total / 400));
    for (const g of grids) {
      expect(g.households).toBeGreaterThanOrEqual(300);
      expect(g.households).toBeLessThanOrEqual(500);
    }
    expect(grids.reduce((s, g) => s + g.ids.length, 0)).toBe(items.length);
  }, 60_000);
});

describe('inputs too big for one community fail fast', () => {
  it('more grids than the 999 a community code allows: refused, naming the community', () => {
    // 1,100 buildings of 450 households: 495,000 households, 1,238 grids of about 400.
    const features = Array.from({ length: 1100 }, (_, i) => ({
      type: 'Feature' as const,
      properties: { id: `t${i}`, households: 450, community: '230102001001' },
      geometry: { type: 'Point' as const, coordinates: [126.6 + (i % 40) * 4e-4, 45.7 + Math.floor(i / 40) * 3e-4] }
    }));
    const r = partitionGeoJSON({ buildings: { type: 'FeatureCollection', features } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(/230102001001/);
    expect(r.errors[0].message).toMatch(/999/);
    expect(r.errors[0].msg?.key).toBe('partition.err.tooManyGrids');
  });

  it(`more than ${MAX_COMMUNITY_ITEMS.toLocaleString('en')} buildings in one community: refused before any work`, () => {
    const features = Array.from({ length: MAX_COMMUNITY_ITEMS + 1 }, (_, i) => ({
      type: 'Feature' as const,
      properties: { id: `t${i}`, households: 1, community: '230102001002' },
      geometry: { type: 'Point' as const, coordinates: [126.6 + (i % 500) * 1e-4, 45.7 + Math.floor(i / 500) * 1e-4] }
    }));
    const r = partitionGeoJSON({ buildings: { type: 'FeatureCollection', features } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0].message).toMatch(/230102001002/);
    expect(r.errors[0].msg?.key).toBe('partition.err.tooManyBuildings');
  }, 60_000);
});
