/**
 * A district's own geometry in its data package: area layers (areas.ts), buildings
 * (package-buildings.ts) and the geography worked out again from them (geography.ts), on
 * hand-made places in central Daoli whose expected values are counted by hand or by Turf.
 */
import { area as turfArea } from '@turf/turf';
import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { type AreaContext, readAreaLayer, streetKind } from '../../src/lib/data/import/areas';
import { type DemoGeography, assembleGeography, polygonPolsbyPopper } from '../../src/lib/data/import/geography';
import { readPackageBuildings } from '../../src/lib/data/import/package-buildings';
import type { Building } from '../../src/lib/data/schema';
import { fromWgs84 } from '../../src/lib/geo/crs';
import { daoliArea, offsetM, rect } from '../fixtures/import/helpers';
import { POINTS } from '../fixtures/package/helpers';

const ctx = (crs: AreaContext['crs'] = 'wgs84'): AreaContext => ({
  district: '230102',
  name: '道里区',
  area: daoliArea(),
  crs
});
const O = [...POINTS.a] as [number, number];
const square = (e: number, n: number, side = 300) => rect(...offsetM(O, e, n), side, side);
const fc = (features: object[]) => JSON.stringify({ type: 'FeatureCollection', features });
const feat = (properties: object, geometry: object | null) => ({ type: 'Feature', properties, geometry });
const gcj = (p: Polygon): Polygon => ({
  type: 'Polygon',
  coordinates: p.coordinates.map((r) => r.map((x) => fromWgs84(x, 'gcj02')))
});

describe('readAreaLayer', () => {
  it('reads grids by their 15-digit code, converting GCJ-02 back onto the WGS-84 square', () => {
    const r = readAreaLayer(
      'grids.geojson',
      fc([feat({ 网格编码: '230102013001001', 户数: '420' }, gcj(square(0, 0)))]),
      'grids',
      ctx('gcj02')
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const [g] = r.value.rows;
    expect(g).toMatchObject({ code: '230102013001001', households: 420, feature: 0 });
    const want = square(0, 0).coordinates[0];
    (g.geometry as Polygon).coordinates[0].forEach((p, i) => {
      // gcoord's GCJ-02 inverse is iterative, good to about 0.1 m (1e-6°): allow 5e-6° (0.5 m).
      expect(p[0]).toBeCloseTo(want[i][0], 5);
      expect(p[1]).toBeCloseTo(want[i][1], 5);
    });
    expect(r.value.report).toMatchObject({
      read: 1,
      accepted: 1,
      refused: 0,
      properties: { code: '网格编码', households: '户数' }
    });
  });

  it('refuses each bad feature with its index, field and reason, and keeps the rest', () => {
    const r = readAreaLayer(
      'communities.geojson',
      fc([
        feat({ code: '230102013001', name: '甲社区' }, square(0, 0)),
        feat({ code: '230102013001', name: '乙社区' }, square(300, 0)),
        feat({ code: '23010201300', name: '丙社区' }, square(600, 0)),
        feat({ code: '370881001001', name: '丁社区' }, square(900, 0)),
        feat({ code: '230102013005' }, square(0, 300)),
        feat({ code: '230102013006', name: '戊社区', households: -3 }, square(300, 300)),
        feat({ code: '230102013007', name: '己社区' }, null),
        feat({ code: '230102013008', name: '庚社区' }, rect(126.67, 45.76, 300, 300))
      ]),
      'communities',
      ctx()
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.rows.map((x) => x.name)).toEqual(['甲社区']);
    expect(r.value.report.errors.map((e) => [e.row, e.field, e.message])).toEqual([
      [1, 'code', 'code 230102013001 is already used by feature 0'],
      [2, 'code', 'code "23010201300" is not 12 digits'],
      [3, 'code', 'code 370881001001 is not in 道里区 (codes there start with 230102)'],
      [4, 'name', 'the name is empty'],
      [5, 'households', 'households -3 is not a whole number from 0 to 200,000'],
      [6, 'geometry', expect.stringMatching(/geometry/i)],
      [
        7,
        'geometry',
        expect.stringMatching(/^the area’s centre \[126\.67\d*, 45\.76\d*\] \(WGS-84\) lies outside 道里区$/)
      ]
    ]);
  });

  it('a file that is not GeoJSON, or has no code at all, cannot be read', () => {
    const notJson = readAreaLayer('grids.geojson', '网格编码,名称\n1,2', 'grids', ctx());
    expect(notJson.ok).toBe(false);
    const noCode = readAreaLayer(
      'grids.geojson',
      fc([feat({ name: '第一网格', id: 7 }, square(0, 0))]),
      'grids',
      ctx()
    );
    expect(noCode.ok).toBe(false);
    if (noCode.ok) return;
    expect(noCode.errors[0]).toMatchObject({ file: 'grids.geojson', row: null, field: 'code' });
    expect(noCode.errors[0].message).toMatch(/each area needs its 15-digit code .*; the file has: name, id$/);
  });

  it('names a street by its NBS ending', () => {
    expect(['安静街道', '新发镇', '某某乡', '群力'].map(streetKind)).toEqual([
      'subdistrict',
      'town',
      'township',
      'subdistrict'
    ]);
  });
});

describe('polygonPolsbyPopper', () => {
  it('is π/4 for a square and 4πA/P² for a 4:1 rectangle (area from Turf, perimeter by hand)', () => {
    expect(polygonPolsbyPopper(square(0, 0))).toBeCloseTo(Math.PI / 4, 3);
    const long = rect(...O, 400, 100);
    const a = turfArea(long);
    expect(polygonPolsbyPopper(long)).toBeCloseTo((4 * Math.PI * a) / 1000 ** 2, 2);
  });
});

function building(id: string, e: number, n: number, households: number, grid: string | null): Building {
  const footprint = rect(...offsetM(O, e, n), 20, 12);
  const [lon, lat] = offsetM(O, e + 10, n + 6);
  return {
    id,
    district: '230102',
    community: grid ? grid.slice(0, 12) : '',
    compound: null,
    grid,
    floors: 6,
    units: 2,
    perFloor: 2,
    households,
    estimated: false,
    lon,
    lat,
    footprint
  };
}

const empty = { type: 'FeatureCollection' as const, features: [] };
/** A demo of one community (two 300 m grids side by side, three buildings). */
function demo(): DemoGeography {
  const grid = (code: string, e: number) =>
    feat({ code, community: code.slice(0, 12), seq: Number(code.slice(12)) }, square(e, 0)) as never;
  return {
    streets: [{ code: '230102013', name: '安静街道', district: '230102', kind: 'subdistrict' }],
    communities: [
      { code: '230102013001', name: '示例社区', street: '230102013', district: '230102', households: 200, buildings: 3 }
    ],
    compounds: [],
    grids: [],
    buildings: [
      building('A', 100, 100, 50, '230102013001001'),
      building('B', 200, 200, 70, '230102013001001'),
      building('C', 400, 100, 80, '230102013001002')
    ],
    layers: {
      streets: empty,
      communities: {
        type: 'FeatureCollection',
        features: [feat({ code: '230102013001', name: '示例社区', street: '230102013' }, square(0, 0, 600)) as never]
      },
      compounds: empty,
      grids: { type: 'FeatureCollection', features: [grid('230102013001001', 0), grid('230102013001002', 300)] }
    }
  };
}

describe('assembleGeography', () => {
  it('with nothing given but streets, keeps the demo buildings and grids as they are', () => {
    const d = demo();
    const g = assembleGeography('230102', d, {
      streets: [{ code: '230102013', name: '安静街道', households: null, geometry: square(0, 0, 600), feature: 0 }]
    });
    expect(g.buildings).toBe(d.buildings);
    expect(g.notes).toEqual({});
    expect(g.streets).toEqual([{ code: '230102013', name: '安静街道', district: '230102', kind: 'subdistrict' }]);
  });

  it("places the demo's buildings in the district's grids and sums households, its stated figure winning", () => {
    // The district's grids split the same ground the other way: south half (A, C) and north half (B).
    const given = [
      { code: '230102013001011', name: '南网格', households: null, geometry: rect(...O, 600, 150), feature: 0 },
      {
        code: '230102013001012',
        name: '北网格',
        households: 333,
        geometry: rect(...offsetM(O, 0, 150), 600, 150),
        feature: 1
      }
    ];
    const g = assembleGeography('230102', demo(), { grids: given });
    expect(g.buildings.map((b) => [b.id, b.grid, b.community])).toEqual([
      ['A', '230102013001011', '230102013001'],
      ['B', '230102013001012', '230102013001'],
      ['C', '230102013001011', '230102013001']
    ]);
    expect(g.grids.map((x) => [x.code, x.seq, x.households, x.buildings])).toEqual([
      ['230102013001011', 11, 50 + 80, 2],
      ['230102013001012', 12, 333, 1]
    ]);
    expect(g.communities).toEqual([
      { code: '230102013001', name: '示例社区', street: '230102013', district: '230102', households: 200, buildings: 3 }
    ]);
    expect(g.layers.grids.features.map((f) => f.properties!.households)).toEqual([130, 333]);
    expect(g.notes.grids).toMatch(/except 1 grids whose households the district's file states/);
  });

  it('a building in no grid keeps the community polygon that holds it', () => {
    const g = assembleGeography('230102', demo(), {
      grids: [{ code: '230102013001021', name: '', households: null, geometry: square(0, 0, 150), feature: 0 }]
    });
    expect(g.buildings.map((b) => [b.id, b.grid, b.community])).toEqual([
      ['A', '230102013001021', '230102013001'],
      ['B', null, '230102013001'],
      ['C', null, '230102013001']
    ]);
    expect(g.notes.buildings).toBe(
      "grid and community of each building placed again by its point in the package's grids: 1 of 3 lie in a grid"
    );
  });
});

describe('readPackageBuildings', () => {
  it('CSV: refuses bad rows and rows outside the district, keeps the others', () => {
    const [x, y] = offsetM(O, 50, 50);
    const csv = [
      '经度,纬度,户数,编号',
      `${x},${y},120,L-1`,
      `${x},${y},abc,L-2`,
      `126.67,45.76,80,L-3`,
      `${x + 0.001},${y},60,L-4`
    ].join('\n');
    const r = readPackageBuildings('buildings.csv', { format: 'csv', text: csv }, ctx());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.rows.map((b) => [b.id, b.households, b.estimated])).toEqual([
      ['L-1', 120, false],
      ['L-4', 60, false]
    ]);
    expect(r.value.report).toMatchObject({ read: 4, accepted: 2, refused: 2, outsideDistrict: 1, households: 180 });
    expect(r.value.report.errors.map((e) => e.field)).toEqual(['households', 'lon']);
  });

  it('GeoJSON: estimates households where none is given (240 m² × 6 floors ÷ 90 m² = 16)', () => {
    const r = readPackageBuildings(
      'buildings.geojson',
      {
        format: 'geojson',
        text: fc([
          feat({ id: 'P-1', floors: 6 }, rect(...O, 20, 12)),
          feat({ id: 'P-2', households: 0 }, rect(...offsetM(O, 40, 0), 20, 12))
        ])
      },
      ctx()
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.rows.map((b) => [b.id, b.households, b.estimated])).toEqual([['P-1', 16, true]]);
    expect(r.value.report.errors).toMatchObject([{ row: 1, field: 'households' }]);
  });
});
