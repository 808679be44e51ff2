/**
 * The planner's data side, pure parts: the planner's own files (CSV/GeoJSON buildings in
 * GCJ-02, a boundary; bad files refused whole with file/row/field), version diffs, staffing
 * checks, the plan's Parquet export read back with hyparquet, the one-page PDF's structure and
 * the print layout's page size.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parquetReadObjects } from 'hyparquet';
import { MAX_IMPORT_BYTES, insidePolygon, parseBoundary, parseBuildings, placeProblem } from '$lib/data/import/planner';
import { csvRows } from '$lib/data/csv';
import { renderMsg } from '$lib/data/import/errors';
import { zh } from '$lib/i18n/messages';
import { minimap } from '$lib/plan/minimap';
import { fromWgs84 } from '$lib/geo/crs';
import { ownCommunity, readOwnData } from '$lib/plan/own-data';
import { diffPlans } from '$lib/plan/diff';
import { staffing, staffingCsv } from '$lib/plan/staffing';
import { planCsv, planRows } from '$lib/plan/export';
import { planParquet } from '$lib/plan/parquet';
import { PAPER_PT, pdfWithImage } from '$lib/plan/pdf';
import { pagePx, printLayout, scaleBar } from '$lib/plan/print';
import { CommunityPlan, communityData } from '$lib/plan/community-plan';
import { readDistrictLayers } from '../../scripts/lib/district-layers';

const FIX = 'tests/fixtures/import/planner/';
/** A fixture as the worker gets it (bytes) and as text for the parsers. */
const fx = (n: string) => {
  const bytes = readFileSync(FIX + n);
  return { name: n, bytes, text: bytes.toString('utf8') };
};

describe('own data import', () => {
  it('reads a GCJ-02 CSV with Chinese headers, converted to WGS-84', () => {
    const f = fx('good-gcj02.csv');
    const r = parseBuildings(f.text, f.name, 'gcj02');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.buildings.length).toBe(48);
    const b = r.value.buildings[0];
    expect(b.id).toBe('B01');
    expect(b.name).toBe('幸福小区1号楼');
    const ring = (b.geometry as GeoJSON.Polygon).coordinates[0];
    const c = [(ring[0][0] + ring[2][0]) / 2, (ring[0][1] + ring[2][1]) / 2];
    // Written from WGS-84 126.6150, 45.7700 (then GCJ-02): back within a metre.
    expect(Math.abs(c[0] - 126.615) * 78_000).toBeLessThan(1);
    expect(Math.abs(c[1] - 45.77) * 111_000).toBeLessThan(1);
    const asWgs = parseBuildings(f.text, f.name, 'wgs84');
    if (asWgs.ok)
      expect(
        Math.abs((asWgs.value.buildings[0].geometry as GeoJSON.Polygon).coordinates[0][0][0] - ring[0][0])
      ).toBeGreaterThan(0.004);
  });

  it('names file, line and field of every bad row, and gives no buildings', () => {
    const f = fx('bad-rows.csv');
    const r = parseBuildings(f.text, f.name, 'wgs84');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const by = (ref: string) => r.errors.find((e) => e.ref === ref)!;
    expect(r.errors.every((e) => e.file === 'bad-rows.csv')).toBe(true);
    expect(by('line 3').field).toBe('households');
    expect(by('line 3').message).toMatch(/households is 0/);
    expect(by('line 4').message).toMatch(/implausible.*1,500/);
    expect(by('line 5').message).toMatch(/swapped/);
    expect(by('line 6').message).toMatch(/outside China/);
    expect(by('line 7')).toMatchObject({ field: 'id', message: 'id A1 is already used on line 2' });
    expect(by('line 8').message).toMatch(/empty/);
    expect(by('line 9').field).toBe('households');
    expect(r.errors.length).toBe(7);
  });

  it('refuses an empty file, a file without the columns, malformed JSON and a too-big file', () => {
    const msg = (n: string) => {
      const f = fx(n);
      const r = parseBuildings(f.text, f.name, 'wgs84');
      return r.ok ? '' : r.errors.map((e) => `${e.field}: ${e.message}`).join('\n');
    };
    expect(msg('empty.csv')).toBe('file: the file is empty');
    expect(msg('no-columns.csv')).toMatch(/no lon column.*经度/);
    expect(msg('malformed.geojson')).toMatch(/^json: JSON syntax error at line \d+, column \d+/);
    const big = parseBuildings('lon,lat,households\n' + 'x'.repeat(MAX_IMPORT_BYTES), 'big.csv', 'wgs84');
    expect(big.ok ? '' : big.errors[0].message).toBe('the file is larger than the limit of 20 MB');
    expect(placeProblem(45.77, 126.6)).toEqual({ key: 'import.err.placeSwapped', params: { lon: 45.77, lat: 126.6 } });
  });

  it('errors carry a message key: the same error reads in Chinese or English, file, row and field kept', () => {
    const f = fx('bad-rows.csv');
    const r = parseBuildings(f.text, f.name, 'wgs84');
    if (r.ok) throw new Error('bad-rows.csv was accepted');
    for (const e of r.errors) {
      expect(e.msg, e.message).toBeDefined();
      // `message` is the English rendering (what the command line prints).
      expect(renderMsg(e.msg!)).toBe(e.message);
      const zhText = renderMsg(e.msg!, (k) => zh[k]);
      expect(zhText).toMatch(/[\u4e00-\u9fff]/);
      expect(zhText, zhText).not.toMatch(/\b(the|is|must|found|households)\b/);
    }
    expect(r.errors.map((e) => [e.file, e.row, e.field])).toEqual(
      r.errors.map((e) => ['bad-rows.csv', e.row, e.field])
    );
    // A nested message (where in the geometry, then the coordinate's problem) renders inside out.
    const ring = parseBoundary(
      JSON.stringify({
        type: 'Feature',
        properties: {},
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [126.6, 45.7],
              [126.7, 45.7],
              [126.7, 95],
              [126.6, 45.7]
            ]
          ]
        }
      }),
      'b.geojson',
      'wgs84'
    );
    if (ring.ok) throw new Error('a latitude of 95 was accepted');
    expect(ring.errors[0].message).toBe(
      'ring 0, position 2: coordinate [126.7, 95] is out of range (lon −180..180, lat −90..90)'
    );
    expect(renderMsg(ring.errors[0].msg!, (k) => zh[k])).toBe(
      '第 0 环第 2 个坐标：坐标 [126.7, 95] 超出范围（经度 −180..180，纬度 −90..90）'
    );
  });

  it('reads GeoJSON footprints and points, and a boundary that must hold every building', () => {
    const f = fx('good-buildings.geojson');
    const r = parseBuildings(f.text, f.name, 'wgs84');
    expect(r.ok && r.value.buildings.map((b) => [b.id, b.households])).toEqual([
      ['P0', 100],
      ['P1', 101],
      ['P2', 102],
      ['P3', 90]
    ]);
    const ok = readOwnData({ buildings: fx('good-gcj02.csv'), boundary: fx('boundary-gcj02.geojson'), crs: 'gcj02' });
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    expect(ok.value.code).toMatch(/^99\d{10}$/);
    const data = ownCommunity(ok.value, '自有数据');
    expect(data.buildings.length).toBe(48);
    const plan = new CommunityPlan(data, { min: 300, max: 500 });
    expect(plan.validation.households).toBe(data.buildings.reduce((s, b) => s + b.properties.households, 0));
    const small = readOwnData({
      buildings: fx('good-gcj02.csv'),
      boundary: fx('boundary-too-small-gcj02.geojson'),
      crs: 'gcj02'
    });
    expect(small.ok).toBe(false);
    if (!small.ok)
      expect(small.errors[0]).toMatchObject({
        file: 'good-gcj02.csv',
        field: 'geometry',
        message: 'the building lies outside the boundary of boundary-too-small-gcj02.geojson'
      });
    const two = parseBoundary(JSON.stringify({ type: 'FeatureCollection', features: [] }), 'b.geojson', 'wgs84');
    expect(two.ok ? '' : two.errors[0].message).toMatch(/exactly one/);
  });

  // How fast: `npm run bench -- edit` (csvParseMs).
  it('parses a 50,000-row CSV (what the import worker does): every row', () => {
    const lines = ['lon,lat,households'];
    for (let i = 0; i < 50_000; i++)
      lines.push(
        `${(126.6 + (i % 250) * 0.0004).toFixed(6)},${(45.75 + Math.floor(i / 250) * 0.0003).toFixed(6)},${60 + (i % 90)}`
      );
    const text = lines.join('\n');
    const r = parseBuildings(text, 'big.csv', 'gcj02');
    expect(r.ok && r.value.buildings.length).toBe(50_000);
  });

  it("without a boundary file, the community outline is the buildings' box grown by ~50 m", () => {
    const r = readOwnData({ buildings: fx('good-gcj02.csv'), crs: 'gcj02' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const d = ownCommunity(r.value, 'x');
    const ring = (d.boundary!.geometry as GeoJSON.Polygon).coordinates[0];
    const lat = ring.map((p) => p[1]);
    const ys = d.buildings.flatMap((b) => (b.geometry as GeoJSON.Polygon).coordinates[0].map((p) => p[1]));
    expect(Math.round((Math.min(...ys) - Math.min(...lat)) * 111_320)).toBe(50);
    expect(
      d.buildings.every((b) =>
        insidePolygon((b.geometry as GeoJSON.Polygon).coordinates[0][0], d.boundary!.geometry as GeoJSON.Polygon)
      )
    ).toBe(true);
  });

  it('converts BD-09 too, and estimates households of GeoJSON footprints given without them (non-residential left out)', () => {
    const [x, y] = fromWgs84([126.62, 45.77], 'bd09');
    const r = parseBuildings(`lng,latitude,户数\n${x},${y},80\n`, 'baidu.csv', 'bd09');
    expect(r.ok).toBe(true);
    if (r.ok) {
      const ring = (r.value.buildings[0].geometry as GeoJSON.Polygon).coordinates[0];
      expect(Math.abs((ring[0][0] + ring[2][0]) / 2 - 126.62) * 78_000).toBeLessThan(2);
    }
    const rect = (x0: number): GeoJSON.Polygon => ({
      type: 'Polygon',
      coordinates: [
        [
          [x0, 45.77],
          [x0 + 0.0005, 45.77],
          [x0 + 0.0005, 45.7703],
          [x0, 45.7703],
          [x0, 45.77]
        ]
      ]
    });
    const fc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { id: 'R', building: 'apartments' }, geometry: rect(126.61) },
        { type: 'Feature', properties: { id: 'S', building: 'commercial' }, geometry: rect(126.62) }
      ]
    };
    const g = parseBuildings(JSON.stringify(fc), 'osm.geojson', 'wgs84');
    expect(g.ok && g.value.skipped).toBe(1);
    expect(g.ok && g.value.buildings.map((b) => [b.id, b.estimated, b.households > 0])).toEqual([['R', true, true]]);
  });

  it('splits quoted CSV cells and CRLF lines', () => {
    expect(csvRows('\ufeffa,b\r\n"x, ""y""",2\r\n\r\n3,4').map((r) => [r.cells, r.line])).toEqual([
      [['a', 'b'], 1],
      [['x, "y"', '2'], 2],
      [['3', '4'], 4]
    ]);
    expect(csvRows('a;b\n1;2')[1].cells).toEqual(['1', '2']);
  });
});

describe('versions diff and staffing', () => {
  it('lists moved buildings and per-grid counts before/after', () => {
    const d = diffPlans(
      { a: 'G1', b: 'G1', c: 'G2' },
      { a: 'G1', b: 'G2', c: 'G2', d: 'G3' },
      { a: 10, b: 20, c: 30, d: 5 }
    );
    expect(d.moved).toEqual([
      { building: 'b', from: 'G1', to: 'G2', households: 20 },
      { building: 'd', from: '', to: 'G3', households: 5 }
    ]);
    expect(d.householdsMoved).toBe(25);
    expect(d.grids).toEqual([
      { code: 'G1', householdsA: 30, householdsB: 10, buildingsA: 2, buildingsB: 1 },
      { code: 'G2', householdsA: 30, householdsB: 50, buildingsA: 1, buildingsB: 2 },
      { code: 'G3', householdsA: 0, householdsB: 5, buildingsA: 0, buildingsB: 1 }
    ]);
  });

  it('draws footprints into a box, north up, aspect kept', () => {
    const sq = (x: number, y: number): GeoJSON.Polygon => ({
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + 0.001, y],
          [x + 0.001, y + 0.001],
          [x, y + 0.001],
          [x, y]
        ]
      ]
    });
    const m = minimap(
      [
        { id: 'sw', geometry: sq(126, 45) },
        { id: 'ne', geometry: sq(126.009, 45.009) }
      ],
      200,
      400,
      0
    );
    expect(m.shapes.map((s) => s.id)).toEqual(['sw', 'ne']);
    // 0.01° of longitude at 45° is cos(45°) of 0.01° of latitude: 200 px wide → ~283 px high.
    expect(Math.round(m.height)).toBe(283);
    expect(m.shapes[0].d.startsWith('M0.0,282.9L')).toBe(true);
    expect(m.shapes[1].d).toContain('200.0,0.0');
  });

  it('counts staffed grids and flags one chief for several grids', () => {
    const s = staffing(['G1', 'G2', 'G3'], { G1: '王芳', G2: '李强', G3: ' ' }, { G1: '张伟', G2: '张伟' });
    expect([s.staffed, s.total, s.noWorker, s.noChief]).toEqual([2, 3, 1, 1]);
    expect(s.issues).toEqual([{ role: 'chief', name: '张伟', codes: ['G1', 'G2'] }]);
    expect(s.rows[1].shared).toEqual(['chief']);
    expect(staffingCsv(s, { G1: 400 })).toBe(
      'grid,households,worker,chief\r\nG1,400,王芳,张伟\r\nG2,0,李强,张伟\r\nG3,0,,\r\n'
    );
  });
});

describe('exports', () => {
  const layers = readDistrictLayers('230102');
  const plan = new CommunityPlan(communityData(layers, '230102001001')!, { min: 300, max: 500 });

  it('writes Parquet, one row per building with worker and chief, that hyparquet reads back', async () => {
    const code = plan.codes[plan.liveSlots()[0]];
    plan.names[code] = '北一网格';
    const rows = planRows(plan, { [code]: '王芳' }, { [code]: '张伟' });
    expect(rows.length).toBe(34);
    const buf = planParquet(rows, []);
    const back = (await parquetReadObjects({ file: buf })) as Record<string, unknown>[];
    expect(back.length).toBe(34);
    expect(back.reduce((s, r) => s + Number(r.households), 0)).toBe(2514);
    expect(back[0]).toEqual({ ...rows[0] });
    expect(back.filter((r) => r.chief === '张伟').length).toBe(rows.filter((r) => r.grid === code).length);
    expect(back.filter((r) => r.name === '北一网格').length).toBe(rows.filter((r) => r.grid === code).length);
    expect(planCsv(rows).split('\r\n')[0]).toBe('grid,building,households,worker,chief,name');
  });

  it('builds a one-page PDF whose xref offsets point at its objects', () => {
    const jpeg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9);
    const pdf = pdfWithImage({ jpeg, width: 1754, height: 1240 }, PAPER_PT.A4[1], PAPER_PT.A4[0]);
    const text = new TextDecoder('latin1').decode(pdf);
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    expect(text).toContain('/MediaBox [0 0 841.89 595.28]');
    const startxref = Number(/startxref\n(\d+)/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const offsets = [...text.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets.length).toBe(5);
    offsets.forEach((o, i) => expect(text.slice(o, o + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`));
    expect(Number(/\/Size (\d+)/.exec(text)![1])).toBe(6);
    expect(text).toContain(`/Length ${jpeg.length}`);
  });

  it('lays out A4 and A3 pages at 150 dpi, legend and table inside the page', () => {
    expect(pagePx('A4', 'portrait')).toEqual({ width: 1240, height: 1754 });
    expect(pagePx('A3', 'landscape')).toEqual({ width: 2480, height: 1754 });
    for (const o of ['portrait', 'landscape'] as const) {
      const L = printLayout('A4', o);
      for (const b of [L.map, L.legend, L.table, L.title, L.footer]) {
        expect(b.x + b.width).toBeLessThanOrEqual(L.width);
        expect(b.y + b.height).toBeLessThanOrEqual(L.height);
      }
    }
    expect(scaleBar(2, 300)).toEqual({ metres: 500, px: 250, label: '500 m' });
    expect(scaleBar(10, 300).label).toBe('2 km');
  });
});
