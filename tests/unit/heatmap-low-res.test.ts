/**
 * /heatmap under software WebGL (heatmap-data.ts, webgl-info.ts): the heatmap is drawn from
 * incidents summed into 50 m cells, which must keep every incident and where it is (checked on
 * Qufu's real Parquet against the same count per coarser square in SQL); the map follows a filter
 * only when it keeps other incidents (sameFilter); which WebGL renderers are software.
 */
import { describe, expect, it } from 'vitest';
import { readParquet } from '../../scripts/lib/node-db';
import { QUFU_INCIDENTS, useIncidentPoints } from '../setup/incident-points';
import { INCIDENT_DAYS, dateToDay, allIncidents } from '../../src/lib/data/queries';
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES } from '../../src/lib/data/schema';
import { HEATMAP_LOW_RES_CELL_M, binPoints, sameFilter } from '../../src/lib/map/heatmap-data';
import { isSoftwareRenderer } from '../../src/lib/map/webgl-info';

const fx = useIncidentPoints();

describe('binPoints (the heatmap under software WebGL)', () => {
  it('keeps every incident and draws far fewer sprites', () => {
    const b = binPoints(fx.points, HEATMAP_LOW_RES_CELL_M);
    expect(fx.points.length).toBe(350_000);
    expect(b.weights.reduce((s, w) => s + w, 0)).toBe(fx.points.length);
    expect(b.length).toBeLessThan(fx.points.length / 5);
    expect(b.positions.length).toBe(2 * b.length);
  });

  it('puts each cell where its incidents are: counts per 1 km square agree with SQL over the Parquet', async () => {
    // Squares of 0.01° lon × 0.009° lat (≈ 0.8 × 1 km at Qufu), counted in SQL from the raw points and in JS from the cells.
    const b = binPoints(fx.points, HEATMAP_LOW_RES_CELL_M);
    const sql = await fx.db.all<{ k: string; n: number }>(
      `SELECT CAST(floor(lon / 0.01) AS BIGINT) || ':' || CAST(floor(lat / 0.009) AS BIGINT) AS k, count(*)::INTEGER AS n FROM ${readParquet(QUFU_INCIDENTS)} GROUP BY 1`
    );
    const js = new Map<string, number>();
    for (let c = 0; c < b.length; c++) {
      const k = `${Math.floor(b.positions[2 * c] / 0.01)}:${Math.floor(b.positions[2 * c + 1] / 0.009)}`;
      js.set(k, (js.get(k) ?? 0) + b.weights[c]);
    }
    // A cell whose incidents straddle a square's edge moves them to the side of their mean, at most 50 m: a small share.
    let moved = 0;
    for (const { k, n } of sql) moved += Math.abs(n - (js.get(k) ?? 0));
    expect(moved / 2 / fx.points.length).toBeLessThan(0.05);
    const biggest = sql.reduce((a, r) => (r.n > a.n ? r : a));
    expect(Math.abs((js.get(biggest.k) ?? 0) - biggest.n) / biggest.n).toBeLessThan(0.05);
  });

  it('a cell sums the incidents inside it at their mean position', () => {
    // Two incidents 14 m apart inside one 50 m cell of Harbin's grid (cells are counted from 0°: this one spans
    // lon 126.59936–126.60001, lat 45.74978–45.75023 on the sphere of crs.ts), one 1.3 km away.
    const few = { positions: new Float64Array([126.5996, 45.7501, 126.5997, 45.7502, 126.61, 45.76]), length: 3 };
    const b = binPoints(few, HEATMAP_LOW_RES_CELL_M);
    expect(b.length).toBe(2);
    expect([...b.weights].sort()).toEqual([1, 2]);
    const two = [...b.weights].indexOf(2);
    expect(b.positions[2 * two]).toBeCloseTo(126.59965, 9);
    expect(b.positions[2 * two + 1]).toBeCloseTo(45.75015, 9);
    expect(binPoints({ positions: new Float64Array(0), length: 0 }, 50).length).toBe(0);
  });
});

describe('sameFilter (the map redraws only for a filter that keeps other incidents)', () => {
  const all = allIncidents();
  it('ignores the order of categories and statuses', () => {
    expect(
      sameFilter(all, {
        ...all,
        categories: [...INCIDENT_CATEGORIES].reverse(),
        statuses: [...INCIDENT_STATUSES].reverse()
      })
    ).toBe(true);
  });
  it('tells every field apart', () => {
    expect(sameFilter(all, { ...all, categories: INCIDENT_CATEGORIES.slice(1) })).toBe(false);
    expect(sameFilter(all, { ...all, statuses: ['open'] })).toBe(false);
    expect(sameFilter(all, { ...all, from: dateToDay('2025-01-01') })).toBe(false);
    expect(sameFilter(all, { ...all, to: INCIDENT_DAYS - 1 })).toBe(false);
    expect(sameFilter(all, { ...all, street: '370881002' })).toBe(false);
    expect(sameFilter(all, { ...all, community: '370881001002' })).toBe(false);
  });
});

describe('isSoftwareRenderer', () => {
  it('names the software renderers Chromium, Firefox and Windows report', () => {
    expect(
      isSoftwareRenderer('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)')
    ).toBe(true);
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe(
      true
    );
    expect(isSoftwareRenderer('ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)')).toBe(false);
    expect(isSoftwareRenderer('Apple M2')).toBe(false);
    expect(isSoftwareRenderer('Mali-G78')).toBe(false);
  });
});
