/**
 * The planner's community plan on a real community of the built dataset (Daoli 省报社社区,
 * 230102001001, 53 buildings, 4,657 households): starts from the dataset's grids, moves keep the
 * validation equal to a full one, undo snapshots restore exactly, exports read back to the same
 * grids and bad files are refused whole.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { FeatureCollection } from 'geojson';
import { CommunityPlan, communityData, readPlanGeoJSON, type DistrictLayers } from '$lib/state/plan-core';
import { validate } from '$lib/geo/partition/validate';

const read = (n: string) => JSON.parse(readFileSync(`static/data/230102/map/${n}.geojson`, 'utf8')) as FeatureCollection;
const layers: DistrictLayers = { streets: read('streets'), communities: read('communities'), compounds: read('compounds'), roads: read('roads'), buildings: read('buildings') };
const CODE = '230102001001';
const data = communityData(layers, CODE)!;

describe('CommunityPlan', () => {
  it('slices the community and starts from the dataset grids', () => {
    expect(data.name).toBe('省报社社区');
    expect(data.buildings.length).toBe(53);
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const expected = read('grids').features.filter((f) => f.properties!.community === CODE);
    expect(plan.liveSlots().length).toBe(expected.length);
    const byCode = new Map(plan.validation.grids.map((r) => [plan.codes[r.grid], r.households]));
    for (const f of expected) expect(byCode.get(f.properties!.code)).toBe(f.properties!.households);
    expect(plan.validation.households).toBe(4657);
  });

  it('a move updates counts incrementally, equal to a full validation; undo restores', () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const before = plan.snapshot();
    const b = data.buildings[0].properties;
    const from = plan.codeOf(b.id)!;
    const to = plan.codes.find((c) => c !== from)!;
    const hh = (c: string) => plan.validation.grids.find((r) => plan.codes[r.grid] === c)!.households;
    const [hf, ht] = [hh(from), hh(to)];
    const t0 = performance.now();
    plan.move([b.id], to);
    const ms = performance.now() - t0;
    expect(hh(from)).toBe(hf - b.households);
    expect(hh(to)).toBe(ht + b.households);
    expect(plan.validation).toEqual(validate(plan.editor.plan));
    expect(ms).toBeLessThan(16);
    plan.restore(before);
    expect(plan.codeOf(b.id)).toBe(from);
    expect(hh(from)).toBe(hf);
  });

  it('a move to a new grid takes the lowest free code', () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const used = new Set(plan.codes);
    const { code } = plan.move([data.buildings[1].properties.id], null);
    expect(used.has(code)).toBe(false);
    expect(code.startsWith(CODE)).toBe(true);
    expect(plan.codeOf(data.buildings[1].properties.id)).toBe(code);
    expect(plan.validation.issues.some((i) => i.rule === 'below-min' && plan.codes[i.grid!] === code)).toBe(true);
  });

  it('exports GeoJSON that reads back to the same grids; CSV lists every building', () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    plan.move([data.buildings[2].properties.id], plan.codes[plan.liveSlots().at(-1)!]);
    const fc = plan.gridsGeoJSON();
    expect(fc.features.every((f) => f.geometry.coordinates.length > 0)).toBe(true);
    const back = readPlanGeoJSON(JSON.stringify(fc), 'plan.geojson', CODE, data.buildings.map((b) => b.properties.id));
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.value).toEqual(plan.assignment());
    const csv = plan.toCsv({ [plan.codes[0]]: '张三' }).trim().split('\n');
    expect(csv[0]).toBe('grid,building,households,worker');
    expect(csv.length).toBe(54);
    expect(csv.some((l) => l.endsWith(',张三'))).toBe(true);
  });

  it('a bad plan file is refused whole, naming row and field', () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const fc = plan.gridsGeoJSON();
    fc.features[1].properties.buildings = [...fc.features[1].properties.buildings, 'nope-1', fc.features[0].properties.buildings[0]];
    const r = readPlanGeoJSON(JSON.stringify(fc), 'bad.geojson', CODE, data.buildings.map((b) => b.properties.id));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toContainEqual({ file: 'bad.geojson', row: 1, field: 'buildings', message: `building nope-1 is not in community ${CODE}` });
      expect(r.errors.some((e) => e.message.includes('already in grid'))).toBe(true);
    }
    expect(readPlanGeoJSON('{', 'x.json', CODE, []).ok).toBe(false);
  });
});
