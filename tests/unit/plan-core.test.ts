/**
 * The planner's community plan on a real community of the built dataset (Daoli 省报社社区,
 * 230102001001, 34 OSM buildings, 2,514 estimated households, 6 grids): starts from the dataset's grids, moves keep the
 * validation equal to a full one, undo snapshots restore exactly, exports read back to the same
 * grids and bad files are refused whole.
 */
import { readFileSync } from 'node:fs';
import type { FeatureCollection } from 'geojson';
import { describe, expect, it } from 'vitest';
import { CommunityPlan, EditRefused, communityData, streetCommunities } from '$lib/plan/community-plan';
import { readPlanGeoJSON } from '$lib/data/import/plan-geojson';
import { validate } from '$lib/geo/partition/validate';
import { planCsv, planRows } from '$lib/plan/export';
import { readDistrictLayers } from '../../scripts/lib/district-layers';

const layers = readDistrictLayers('230102');
const CODE = '230102001001';
const data = communityData(layers, CODE)!;

describe('streetCommunities', () => {
  it("a street's communities and the box around them (what the district map zooms to)", () => {
    const { communities, bbox } = streetCommunities(layers, '230102001');
    expect(communities.features.map((f) => f.properties!.name).sort()).toEqual(
      ['兆麟社区', '森林社区', '省报社社区', '索菲亚社区'].sort()
    );
    const [w, s, e, n] = bbox!;
    for (const f of communities.features)
      for (const [x, y] of (f.geometry as { coordinates: number[][][] }).coordinates[0])
        expect(x >= w && x <= e && y >= s && y <= n).toBe(true);
    expect(streetCommunities(layers, 'nope')).toEqual({
      communities: { type: 'FeatureCollection', features: [] },
      bbox: null
    });
  });
});

describe('CommunityPlan', () => {
  it('slices the community and starts from the dataset grids', () => {
    expect(data.name).toBe('省报社社区');
    expect(data.buildings.length).toBe(34);
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const expected = (
      JSON.parse(readFileSync('static/data/230102/map/grids.geojson', 'utf8')) as FeatureCollection
    ).features.filter((f) => f.properties!.community === CODE);
    expect(plan.liveSlots().length).toBe(expected.length);
    const byCode = new Map(plan.validation.grids.map((r) => [plan.codes[r.grid], r.households]));
    for (const f of expected) expect(byCode.get(f.properties!.code)).toBe(f.properties!.households);
    expect(plan.validation.households).toBe(2514);
  });

  it('a move updates counts incrementally, equal to a full validation; undo restores', () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const before = plan.snapshot();
    const b = data.buildings[0].properties;
    const from = plan.codeOf(b.id)!;
    const to = plan.codes.find((c) => c !== from)!;
    const hh = (c: string) => plan.validation.grids.find((r) => plan.codes[r.grid] === c)!.households;
    const [hf, ht] = [hh(from), hh(to)];
    plan.move([b.id], to);
    expect(hh(from)).toBe(hf - b.households);
    expect(hh(to)).toBe(ht + b.households);
    expect(plan.validation).toEqual(validate(plan.editor.plan));
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
    const back = readPlanGeoJSON(
      JSON.stringify(fc),
      'plan.geojson',
      CODE,
      data.buildings.map((b) => b.properties.id)
    );
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.value).toEqual(plan.assignment());
    const csv = planCsv(planRows(plan, { [plan.codes[0]]: '张三' }, {}))
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe('grid,building,households,worker,chief,name');
    expect(csv.length).toBe(35);
    expect(csv.some((l) => l.endsWith(',张三,,'))).toBe(true);
  });

  it('a bad plan file is refused whole, naming row and field', () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const fc = plan.gridsGeoJSON();
    fc.features[1].properties.buildings = [
      ...fc.features[1].properties.buildings,
      'nope-1',
      fc.features[0].properties.buildings[0]
    ];
    const r = readPlanGeoJSON(
      JSON.stringify(fc),
      'bad.geojson',
      CODE,
      data.buildings.map((b) => b.properties.id)
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toContainEqual({
        file: 'bad.geojson',
        row: 1,
        field: 'buildings',
        message: `building nope-1 is not in community ${CODE}`,
        msg: { key: 'import.err.planUnknown', params: { id: 'nope-1', community: CODE } }
      });
      expect(r.errors.some((e) => e.message.includes('already in grid'))).toBe(true);
    }
    expect(readPlanGeoJSON('{', 'x.json', CODE, []).ok).toBe(false);
  });

  /** A line in WGS-84 across grid `code`'s drawn area, west → east through its middle. */
  function across(plan: CommunityPlan, code: string): number[][] {
    const f = plan.outline(plan.slotOf(code));
    const pts = (f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates).flat(2);
    const xs = pts.map((q) => q[0]);
    const ys = pts.map((q) => q[1]);
    const y = (Math.min(...ys) + Math.max(...ys)) / 2;
    return [
      [Math.min(...xs) - 0.001, y],
      [(Math.min(...xs) + Math.max(...xs)) / 2, y + 1e-5],
      [Math.max(...xs) + 0.001, y]
    ];
  }

  it('lasso: buildings whose centre is inside the drawn polygon', () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const g = plan.liveSlots()[0];
    const [x0, y0, x1, y1] = plan.gridBbox(g);
    const ids = plan.lasso([
      [x0 - 1e-4, y0 - 1e-4],
      [x1 + 1e-4, y0 - 1e-4],
      [x1 + 1e-4, y1 + 1e-4],
      [x0 - 1e-4, y1 + 1e-4]
    ]);
    for (const id of plan.buildingsOf(g)) expect(ids).toContain(id);
    expect(
      plan.lasso([
        [0, 0],
        [1, 0],
        [1, 1]
      ])
    ).toEqual([]);
  });

  it('splits a grid along a drawn line: two grids, the bigger side keeps the code; one snapshot undoes it', () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const code = plan.codes[plan.liveSlots()[0]];
    const before = plan.snapshot();
    const hh = plan.validation.grids.find((r) => r.grid === plan.slotOf(code))!.households;
    const fresh = plan.splitAlong(code, across(plan, code));
    expect(plan.codes.includes(fresh)).toBe(true);
    const h = (c: string) => plan.validation.grids.find((r) => r.grid === plan.slotOf(c))!.households;
    expect(h(code) + h(fresh)).toBe(hh);
    expect(h(code)).toBeGreaterThanOrEqual(h(fresh));
    expect(h(fresh)).toBeGreaterThan(0);
    expect(plan.validation).toEqual(validate(plan.editor.plan));
    plan.restore(before);
    expect(plan.liveSlots().length).toBe(6);
  });

  it('a line that does not cross the grid is refused with the reason; nothing changes', () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const code = plan.codes[plan.liveSlots()[0]];
    const line = across(plan, code);
    const a = JSON.stringify(plan.assignment());
    expect(() => plan.splitAlong(code, [line[0], line[1]])).toThrow(EditRefused);
    try {
      plan.splitAlong(code, [line[0], line[1]]);
    } catch (e) {
      expect((e as EditRefused).reason).toBe('line-not-across');
    }
    expect(() =>
      plan.splitAlong(code, [
        [0, 0],
        [1, 1]
      ])
    ).toThrow('line-not-across');
    expect(JSON.stringify(plan.assignment())).toBe(a);
  });

  it("merges two grids: the second's buildings go to the first, its code is freed", () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const [a, b] = plan.liveSlots().map((g) => plan.codes[g]);
    const h = (c: string) => plan.validation.grids.find((r) => r.grid === plan.slotOf(c))?.households ?? 0;
    const sum = h(a) + h(b);
    plan.rename(b, '将被合并');
    plan.merge(a, b);
    expect(h(a)).toBe(sum);
    expect(plan.liveSlots().length).toBe(5);
    expect(plan.codes).not.toContain(b);
    expect(plan.nextCode() <= b).toBe(true);
    expect(plan.names[b]).toBeUndefined();
    expect(() => plan.merge(a, a)).toThrow('merge-same');
  });

  it('names and locks: saved in snapshots and exports; a locked grid refuses hand edits', () => {
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    const [a, b] = plan.liveSlots().map((g) => plan.codes[g]);
    plan.rename(a, ' 幸福里一网格 ');
    plan.setLocked(a, true);
    const s = plan.snapshot();
    const inA = plan.buildingsOf(plan.slotOf(a))[0];
    const inB = plan.buildingsOf(plan.slotOf(b))[0];
    expect(() => plan.move([inA], b)).toThrow('locked');
    expect(() => plan.move([inB], a)).toThrow('locked');
    expect(() => plan.merge(b, a)).toThrow('locked');
    expect(() => plan.splitAlong(a, across(plan, a))).toThrow('locked');
    const f = plan.gridsGeoJSON().features.find((x) => x.properties.code === a)!;
    expect(f.properties).toMatchObject({ name: '幸福里一网格', locked: true });
    expect(planRows(plan, {}, {}).find((r) => r.grid === a)!.name).toBe('幸福里一网格');
    plan.rename(a, '');
    plan.setLocked(a, false);
    expect(plan.names[a]).toBeUndefined();
    plan.restore(s);
    expect(plan.names[a]).toBe('幸福里一网格');
    expect(plan.locked.has(a)).toBe(true);
  });
});
