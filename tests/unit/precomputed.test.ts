/**
 * figures.json (written by `npm run data`, shown by /compare and /heatmap before DuckDB-wasm
 * answers): it holds what the pages' named SQL answers over the embedded Parquet, run here by Node
 * DuckDB; the check the pages make (sameNumbers) catches a difference; a malformed file is refused
 * with the field it lacks.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { districtFigures } from '../../src/lib/data/compare-figures';
import { DISTRICT_CODES } from '../../src/lib/data/districts';
import { incidentNumbers } from '../../src/lib/data/incident-numbers';
import { readPrecomputed, sameNumbers, type PrecomputedFigures } from '../../src/lib/data/precomputed';
import { INCIDENT_DAYS, allIncidents } from '../../src/lib/data/queries';
import type { TableName } from '../../src/lib/data/schema';
import { nodeConnector, openNodeDb, type NodeDb } from '../../scripts/lib/node-db';

const path = (t: TableName, d: string) => `static/data/${d}/${t}.parquet`;
const built = (code: string) => readPrecomputed(JSON.parse(readFileSync(`static/data/${code}/figures.json`, 'utf8')));

let db: NodeDb;
beforeAll(async () => {
  db = await openNodeDb({ threads: 1 });
});
afterAll(() => db.close());

describe.each(DISTRICT_CODES.map((c) => [c]))('figures.json of %s', (code) => {
  it("holds the named SQL's answers over the district's Parquet", async () => {
    const b = built(code);
    expect(b.engine).toMatch(/^DuckDB v\d+\.\d+\.\d+ \(Node, npm run data\)$/);
    const c = nodeConnector(db, path);
    expect(sameNumbers(b.figures, await districtFigures(c, code))).toBe(true);
    // /heatmap opens on every incident of the demo's two years: the file's filter is that one.
    expect(b.heatmap.filter).toEqual({ ...allIncidents(), to: INCIDENT_DAYS });
    expect(sameNumbers(b.heatmap.numbers, await incidentNumbers(c, code, b.heatmap.filter))).toBe(true);
    expect(b.heatmap.daily).toHaveLength(INCIDENT_DAYS);
    expect(b.heatmap.daily.reduce((s, n) => s + n, 0)).toBe(b.figures.summary.incidents);
    expect(b.heatmap.numbers.kpis.incidents).toBe(b.figures.summary.incidents);
  });
});

describe('checking and reading', () => {
  let b: PrecomputedFigures;
  beforeAll(() => {
    b = built('370881');
  });
  const copy = () => structuredClone(b);

  it('sameNumbers: equal to 1e-9 relative; anything more, a changed value, a missing row or a null is a difference', () => {
    const c = copy();
    c.figures.summary.incidents_per_1000_yr *= 1 + 1e-12;
    expect(sameNumbers(b, c)).toBe(true);
    c.figures.summary.incidents_per_1000_yr *= 1 + 1e-6;
    expect(sameNumbers(b, c)).toBe(false);
    const g = copy();
    g.figures.gridHouseholds[10] += 1;
    expect(sameNumbers(b, g)).toBe(false);
    const k = copy();
    k.heatmap.numbers.top[0].category = k.heatmap.numbers.top[1].category;
    expect(sameNumbers(b, k)).toBe(false);
    const m = copy();
    m.figures.monthly.pop();
    expect(sameNumbers(b, m)).toBe(false);
    const n = copy();
    n.heatmap.numbers.kpis.medianHours = null;
    expect(sameNumbers(b, n)).toBe(false);
    expect(sameNumbers({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameNumbers([1], { 0: 1 })).toBe(false);
  });

  it('readPrecomputed names the field a malformed file lacks', () => {
    expect(() => readPrecomputed(null)).toThrow('figures.json: engine missing or malformed');
    expect(() => readPrecomputed({ engine: 'x' })).toThrow('figures.summary');
    const grids = copy() as unknown as { figures: { summary: Record<string, unknown> } };
    grids.figures.summary.grids = '267';
    expect(() => readPrecomputed(grids)).toThrow('figures.summary.grids');
    const monthly = copy() as unknown as { figures: Record<string, unknown> };
    delete monthly.figures.monthly;
    expect(() => readPrecomputed(monthly)).toThrow('figures.monthly');
    const daily = copy() as unknown as { heatmap: { daily: unknown[] } };
    daily.heatmap.daily[3] = 'x';
    expect(() => readPrecomputed(daily)).toThrow('heatmap.daily');
    const noHeatmap = copy() as unknown as Record<string, unknown>;
    delete noHeatmap.heatmap;
    expect(() => readPrecomputed(noHeatmap)).toThrow('heatmap.filter');
    expect(readPrecomputed(copy()).figures.summary.grids).toBe(267);
  });
});
