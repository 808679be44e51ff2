/**
 * Hexagon and grid counts on the CPU (cell-counts.ts, what /heatmap draws where WebGL is
 * software): every point goes to the hexagon whose centre is nearest (checked against a brute
 * force over the neighbouring centres), counts keep every incident, and on Qufu's real Parquet the
 * square counts equal DuckDB's GROUP BY of the same cells in SQL.
 */
import { describe, expect, it } from 'vitest';
import { readParquet } from '../../scripts/lib/node-db';
import { QUFU_INCIDENTS, useIncidentPoints } from '../setup/incident-points';
import { countCells, hexCell, hexCenter } from '../../src/lib/map/cell-counts';
import { METRES_PER_DEGREE } from '../../src/lib/geo/crs';

const fx = useIncidentPoints();

/** A small deterministic generator (tests must not change from run to run). */
function random(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe('hexCell', () => {
  it('puts every point in the hexagon whose centre is nearest', () => {
    const r = random(7);
    for (let n = 0; n < 4_000; n++) {
      const x = (r() - 0.5) * 200;
      const y = (r() - 0.5) * 200;
      const [i, j] = hexCell(x, y);
      const [cx, cy] = hexCenter(i, j);
      const d = Math.hypot(x - cx, y - cy);
      // No centre of the surrounding rows and columns is nearer.
      for (let jj = j - 2; jj <= j + 2; jj++)
        for (let ii = i - 2; ii <= i + 2; ii++) {
          const [ox, oy] = hexCenter(ii, jj);
          expect(Math.hypot(x - ox, y - oy)).toBeGreaterThanOrEqual(d - 1e-9);
        }
      // Inside the hexagon: no farther from its centre than a vertex (the radius, here 1).
      expect(d).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  it('centres are their own cells, and neighbours are a radius × √3 apart', () => {
    for (const [i, j] of [
      [0, 0],
      [3, -2],
      [-5, 7],
      [10, 11]
    ]) {
      const [cx, cy] = hexCenter(i, j);
      expect(hexCell(cx, cy)).toEqual([i, j]);
      const [rx] = hexCenter(i + 1, j);
      expect(rx - cx).toBeCloseTo(Math.sqrt(3), 12);
    }
  });
});

describe('countCells', () => {
  it('hexagons: every incident counted once, each within the radius of its cell centre', () => {
    const c = countCells(fx.points, 'hexagon', 200);
    expect(fx.points.length).toBe(350_000);
    expect(c.counts.reduce((s, n) => s + n, 0)).toBe(fx.points.length);
    expect(c.length).toBeLessThan(fx.points.length / 20);
    expect(c.centers.length).toBe(2 * c.length);
    expect(c.domain).toEqual([Math.min(...c.counts), Math.max(...c.counts)]);
    // Centres are distinct.
    const keys = new Set<string>();
    for (let k = 0; k < c.length; k++) keys.add(`${c.centers[2 * k]},${c.centers[2 * k + 1]}`);
    expect(keys.size).toBe(c.length);
    // Each point lies within 200 m of some centre (metres at Qufu's latitude).
    const lat0 = fx.points.positions.filter((_, i) => i % 2 === 1).reduce((s, v) => s + v, 0) / fx.points.length;
    const mx = METRES_PER_DEGREE * Math.cos((lat0 * Math.PI) / 180);
    const sample = [0, 1, 777, 123_456, fx.points.length - 1];
    for (const k of sample) {
      const x = fx.points.positions[2 * k],
        y = fx.points.positions[2 * k + 1];
      let best = Infinity;
      for (let q = 0; q < c.length; q++)
        best = Math.min(best, Math.hypot((x - c.centers[2 * q]) * mx, (y - c.centers[2 * q + 1]) * METRES_PER_DEGREE));
      expect(best).toBeLessThanOrEqual(200 + 1e-6);
    }
  });

  it("squares: the same counts as DuckDB's GROUP BY over the same 300 m cells", async () => {
    const c = countCells(fx.points, 'square', 300);
    // The mean latitude summed in the order countCells sums it (the same metres per degree to the last bit).
    let sum = 0;
    for (let k = 0; k < fx.points.length; k++) sum += fx.points.positions[2 * k + 1];
    const lat0 = sum / fx.points.length;
    const mx = METRES_PER_DEGREE * Math.max(0.01, Math.cos((lat0 * Math.PI) / 180));
    const rows = await fx.db.all<{ i: number; j: number; n: number }>(
      `SELECT floor(lon * ${mx} / 300)::INTEGER AS i, floor(lat * ${METRES_PER_DEGREE} / 300)::INTEGER AS j, count(*)::INTEGER AS n
       FROM ${readParquet(QUFU_INCIDENTS)} GROUP BY ALL`
    );
    const sql = new Map(rows.map((r) => [`${r.i},${r.j}`, r.n]));
    expect(c.length).toBe(sql.size);
    for (let k = 0; k < c.length; k++) {
      // A centre is half a cell from its cell's corner.
      const i = Math.floor((c.centers[2 * k] * mx) / 300);
      const j = Math.floor((c.centers[2 * k + 1] * METRES_PER_DEGREE) / 300);
      expect(sql.get(`${i},${j}`), `cell ${i},${j}`).toBe(c.counts[k]);
    }
  });

  it('no points: no cells and no colour domain', () => {
    const c = countCells({ positions: new Float64Array(0), length: 0 }, 'hexagon', 200);
    expect(c.length).toBe(0);
    expect(c.domain).toBeNull();
  });
});
