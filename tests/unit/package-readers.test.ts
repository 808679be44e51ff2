/**
 * The data package's readers (src/lib/data/import/package.ts) on files as districts have them:
 * a GBK station register from Chinese Excel, an incident workbook with a title row, merged header
 * cells and Excel date serials, a 12345 hotline export in GCJ-02 with 大类/小类. Fixtures:
 * tests/fixtures/package (make-fixtures.ts). Contexts use the demo dataset's Daoli grids.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { csvRecords } from '../../src/lib/data/csv';
import { districtTester, gridLocator } from '../../src/lib/data/import/locate';
import { insideDistrict, metresToOutline } from '../../src/lib/data/import/district';
import { fromWgs84 } from '../../src/lib/geo/crs';
import { type PackageRead, readIncidentTable, readStationTable } from '../../src/lib/data/import/package';
import { insidePolygon } from '../../src/lib/data/import/planner';
import { chinaTime, formatChinaTime, parseChinaDate, parseHours } from '../../src/lib/data/import/values';
import { fieldOfHeader } from '../../src/lib/data/import/vocabulary';
import type { ImportResult } from '../../src/lib/data/import/errors';
import type { Incident, Station } from '../../src/lib/data/schema';
import { DEMO, POINTS, daoliContext, fixture } from '../fixtures/package/helpers';
import { daoliArea } from '../fixtures/import/helpers';

function value<T>(r: ImportResult<PackageRead<T>>): PackageRead<T> {
  if (!r.ok) throw new Error(`expected a readable file, got ${JSON.stringify(r.errors)}`);
  return r.value;
}
const at = (y: number, mo: number, d: number, h = 0, mi = 0) => chinaTime(y, mo, d, h, mi)!;
const errorsOf = (r: PackageRead<unknown>) => r.report.errors.map((e) => [e.row, e.field, e.msg?.key]);

describe('values', () => {
  it('reads the date forms of Chinese spreadsheets and exports in China time', () => {
    const t = Date.parse('2025-03-01T08:30:00+08:00');
    for (const s of [
      '2025-03-01 08:30',
      '2025/3/1 8:30:00',
      '2025年3月1日 8时30分',
      '2025.3.1 08:30',
      '2025-03-01T00:30:00Z',
      '2025-03-01T08:30:00+08:00',
      '45717.3541666667'
    ])
      expect(parseChinaDate(s), s).toBe(t);
    expect(parseChinaDate(45717.354166666664)).toBe(t); // an XLSX number cell
    expect(parseChinaDate('2025年3月1日')).toBe(Date.parse('2025-03-01T00:00:00+08:00'));
    expect(parseChinaDate('20250301')).toBe(Date.parse('2025-03-01T00:00:00+08:00'));
    for (const bad of ['2025-02-30', '2025-13-01', '明天', '12', '3/1/2025', ''])
      expect(parseChinaDate(bad), bad).toBeNull();
    expect(formatChinaTime(t)).toBe('2025-03-01 08:30');
  });

  it('reads opening hours; 24-hour forms give equal times', () => {
    const cases: [string, [string, string] | null][] = [
      ['08:00-20:00', ['08:00', '20:00']],
      ['8:00～20:00', ['08:00', '20:00']],
      ['8点-20点', ['08:00', '20:00']],
      ['周一至周日 9:00至17:30', ['09:00', '17:30']],
      ['周1-5 9:00-17:00', ['09:00', '17:00']],
      ['22:00-次日6:00', ['22:00', '06:00']],
      ['24小时', ['00:00', '00:00']],
      ['全天', ['00:00', '00:00']],
      ['00:00-24:00', ['00:00', '00:00']],
      ['看情况', null]
    ];
    for (const [s, want] of cases) expect(parseHours(s), s).toEqual(want);
  });

  it('matches headers by Chinese and English synonyms, ignoring case, width and spaces', () => {
    expect(fieldOfHeader('stations', ' Longitude ')).toBe('lon');
    expect(fieldOfHeader('stations', 'ＬＡＴ')).toBe('lat');
    expect(fieldOfHeader('stations', '经度（GCJ-02）')).toBe('lon');
    expect(fieldOfHeader('incidents', 'Reported At')).toBe('reported_at');
    expect(fieldOfHeader('incidents', '小类')).toBe('subcategory');
    expect(fieldOfHeader('incidents', '备注')).toBeNull();
  });

  it('counts CSV records as a spreadsheet numbers rows: blank lines count, quoted line breaks do not', () => {
    const rows = [...csvRecords('a,b\r\n\r\n"x\ny",2\r\nz,3')];
    expect(rows.map((r) => [r.record, r.line, r.cells])).toEqual([
      [1, 1, ['a', 'b']],
      [3, 3, ['x\ny', '2']],
      [4, 5, ['z', '3']]
    ]);
  });
});

describe('grid locator', () => {
  it('finds the same grid as testing every grid, for 2,000 points over the district', () => {
    const fc = JSON.parse(readFileSync(resolve(DEMO, '230102/map/grids.geojson'), 'utf8')) as FeatureCollection<
      Polygon | MultiPolygon
    >;
    const loc = gridLocator(fc);
    expect(loc.size).toBe(fc.features.length);
    let seed = 7;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let found = 0;
    for (let i = 0; i < 2000; i++) {
      const p = [126.5 + rnd() * 0.15, 45.7 + rnd() * 0.1];
      const brute = fc.features.find((f) => insidePolygon(p, f.geometry))?.properties?.code ?? null;
      const hit = loc.find(p[0], p[1]);
      expect(hit?.grid ?? null, `${p}`).toBe(brute);
      if (hit) {
        found++;
        expect(hit.community).toBe(hit.grid.slice(0, 12));
        expect(hit.street).toBe(hit.grid.slice(0, 9));
      }
    }
    expect(found).toBeGreaterThan(200);
  });
});

describe('district outline test', () => {
  it('the lookup raster answers as insideDistrict, for 20,000 points over the box and 5,000 near the outline', () => {
    const d = daoliArea();
    const fast = districtTester(d);
    let seed = 11;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const [x0, y0, x1, y1] = d.marginBox;
    const pts: [number, number][] = [];
    for (let i = 0; i < 20_000; i++) pts.push([x0 + rnd() * (x1 - x0), y0 + rnd() * (y1 - y0)]);
    // Beside the outline's vertices, within ±300 m: where a coarse test would go wrong.
    const ring =
      d.outline.geometry.type === 'Polygon' ? d.outline.geometry.coordinates[0] : d.outline.geometry.coordinates[0][0];
    for (let i = 0; i < 5_000; i++) {
      const v = ring[Math.floor(rnd() * ring.length)];
      pts.push([v[0] + (rnd() - 0.5) * 0.008, v[1] + (rnd() - 0.5) * 0.0054]);
    }
    let inside = 0;
    for (const p of pts) {
      const want = insideDistrict(d, p);
      expect(fast(p), `${p}`).toBe(want);
      if (want) inside++;
    }
    expect(inside).toBeGreaterThan(3_000);
    expect(inside).toBeLessThan(pts.length - 3_000);
  });
});

describe('station register: GBK CSV as Chinese Excel saves it', () => {
  it('reads GB18030 text with CRLF, maps kinds and services, refuses rows with reasons', async () => {
    const r = value(await readStationTable('stations-gbk.csv', fixture('stations-gbk.csv'), daoliContext()));
    const rep = r.report;
    expect(rep).toMatchObject({
      format: 'csv',
      encoding: 'gb18030',
      headerRow: 1,
      read: 12,
      accepted: 8,
      refused: 4,
      crs: 'wgs84',
      outsideGrids: 0
    });
    expect(rep.columns).toEqual({
      name: '名称',
      kind: '类型',
      address: '地址',
      lon: '经度',
      lat: '纬度',
      hours: '开放时间',
      services: '服务',
      phone: '电话'
    });
    expect(errorsOf(r)).toEqual([
      [10, 'lon', 'import.pkg.err.noCoords'],
      [11, 'lon', 'import.pkg.err.outsideDistrict'],
      [12, 'hours', 'import.pkg.err.hours'],
      [13, 'name', 'import.pkg.err.nameEmpty']
    ]);
    expect(rep.errors[0].message).toMatch(/does not look up addresses, which would need an online geocoding service/);
    expect(rep.errors[1].message).toBe('the point [126.67, 45.76] (WGS-84) lies outside 道里区');
    expect(rep.errors[2]).toMatchObject({
      file: 'stations-gbk.csv',
      row: 12,
      line: 12,
      message: 'opening hours "看情况" not understood; write e.g. 08:00-20:00, 8:00～20:00, 24小时 or 全天'
    });
    expect(rep.errorCounts).toMatchObject({
      total: 4,
      byField: { lon: 2, hours: 1, name: 1 },
      byReason: { 'import.pkg.err.noCoords': 1, 'import.pkg.err.outsideDistrict': 1 }
    });
    const byName = new Map(r.rows.map((s) => [s.name, s]));
    expect(r.rows.map((s) => s.kind)).toEqual([
      'warm_heart',
      'warm_heart',
      'party_centre',
      'compound_station',
      'outdoor_worker',
      'other',
      'other',
      'other'
    ]);
    // 综治中心 is a known name for `other`; 便民服务点 is not known and is reported.
    expect(rep.unknown).toEqual([{ value: '便民服务点', count: 2 }]);
    expect(rep.byKey).toEqual({ warm_heart: 2, party_centre: 1, compound_station: 1, outdoor_worker: 1, other: 3 });
    expect(byName.get('安静街暖心驿站')).toMatchObject<Partial<Station>>({
      id: '230102-R2',
      district: '230102',
      services: ['rest', 'water', 'charging', 'microwave'],
      opens: '08:00',
      closes: '20:00',
      lon: POINTS.a[0],
      lat: POINTS.a[1],
      phone: '0451-84612345',
      address: '道里区安静街12号'
    });
    expect(byName.get('安静街暖心驿站')!.community).toMatch(/^230102\d{6}$/);
    expect(byName.get('新阳路骑手驿站')).toMatchObject({
      kind: 'warm_heart',
      opens: '00:00',
      closes: '00:00',
      services: ['rest', 'water', 'wifi', 'heating_cooling']
    });
    expect(byName.get('新阳路骑手驿站')!.phone).toBeUndefined();
    expect(byName.get('共乐社区党群服务中心')).toMatchObject({
      opens: '08:30',
      closes: '17:30',
      services: ['water', 'toilet', 'reading']
    });
    expect(rep.unknownServices).toEqual([{ value: '按摩椅', count: 1 }]);
  });

  it("the user's kind mapping comes first", async () => {
    const r = value(
      await readStationTable(
        'stations-gbk.csv',
        fixture('stations-gbk.csv'),
        daoliContext('wgs84', { kindMap: { 便民服务点: 'red_station' } })
      )
    );
    expect(r.report.unknown).toEqual([]);
    expect(r.report.byKey.red_station).toBe(2);
  });
});

describe('incident log: XLSX with a title row, merged header cells and Excel date serials', () => {
  it('finds the two-row header under the title, reads serials and text dates in China time', async () => {
    const r = value(await readIncidentTable('incidents-merged.xlsx', fixture('incidents-merged.xlsx'), daoliContext()));
    const rep = r.report;
    expect(rep).toMatchObject({ format: 'xlsx', sheet: '事件台账', headerRow: 3, read: 7, accepted: 5, refused: 2 });
    expect(rep.columns).toMatchObject({
      id: '事件编号',
      category: '事件类别',
      reported_at: '上报时间',
      closed_at: '办结时间',
      status: '状态',
      lon: '经度',
      lat: '纬度',
      grid: '网格编码'
    });
    expect(errorsOf(r)).toEqual([
      [9, 'lon', 'import.pkg.err.noCoords'],
      [10, 'reported_at', 'import.pkg.err.period']
    ]);
    expect(rep.errors[1].message).toBe(
      'reported 2023-12-31 10:00, outside the period an import takes (2024-01-01 to today, 2026-06-30)'
    );
    expect(r.rows.map((i) => [i.ref, i.category, i.status, i.reportedAt, i.closedAt])).toEqual([
      ['WG-2025-0001', 'dispute', 'closed', at(2025, 3, 1, 8, 30), at(2025, 3, 2, 10, 0)],
      ['WG-2025-0002', 'sanitation', 'dispatched', at(2025, 3, 3, 14, 5), null],
      ['WG-2025-0003', 'safety', 'open', at(2025, 3, 4, 9, 0), null],
      // No status, but a close time: closed.
      ['WG-2025-0004', 'property', 'closed', at(2025, 3, 5, 16, 20), at(2025, 3, 6, 9, 0)],
      ['WG-2025-0005', 'other', 'open', at(2025, 3, 6, 11, 0), null]
    ]);
    expect(rep.unknown).toEqual([{ value: '疫情防控', count: 1 }]);
    expect(r.rows.map((i) => i.id)).toEqual([10000001, 10000002, 10000003, 10000004, 10000005]);
    for (const i of r.rows) {
      expect(i.grid).toMatch(/^230102\d{9}$/);
      expect(i.community).toBe(i.grid.slice(0, 12));
      expect(i.street).toBe(i.grid.slice(0, 9));
    }
  });
});

describe('incident log: a 12345 hotline export (大类/小类, mixed dates, GCJ-02)', () => {
  it('converts GCJ-02, maps 小类 before 大类, lists unknown categories and refuses bad rows', async () => {
    const r = value(
      await readIncidentTable('incidents-12345.csv', fixture('incidents-12345.csv'), daoliContext('gcj02'))
    );
    const rep = r.report;
    expect(rep).toMatchObject({ format: 'csv', encoding: 'utf-8', crs: 'gcj02', read: 15, accepted: 7, refused: 8 });
    expect(errorsOf(r)).toEqual([
      [9, 'lon', 'import.pkg.err.noCoords'],
      [10, 'closed_at', 'import.pkg.err.closedBefore'],
      [11, 'lon', 'import.pkg.err.outsideDistrict'],
      [12, 'lon', 'import.pkg.err.outsideDistrict'],
      [13, 'id', 'import.pkg.err.idUsed'],
      [14, 'reported_at', 'import.pkg.err.date'],
      [15, 'lon', 'import.pkg.err.zeroCoords'],
      [16, 'status', 'import.pkg.err.status']
    ]);
    expect(rep.errors.find((e) => e.row === 13)!.message).toBe('id 12345-250301-0001 is already used on row 2');
    expect(rep.errors.find((e) => e.row === 14)!.message).toMatch(/^date "2025-13-06 08:00" not understood/);
    expect(rep.errorCounts.byReason['import.pkg.err.outsideDistrict']).toBe(2);
    // Back to WGS-84 within a metre of the places the file was made from.
    const pts = [POINTS.a, POINTS.b, POINTS.c, POINTS.d, POINTS.e, POINTS.f, POINTS.g];
    r.rows.forEach((i, k) => {
      expect(Math.abs(i.lon - pts[k][0])).toBeLessThan(1e-5);
      expect(Math.abs(i.lat - pts[k][1])).toBeLessThan(1e-5);
    });
    expect(r.rows.map((i) => [i.category, i.status])).toEqual<[Incident['category'], Incident['status']][]>([
      ['dispute', 'closed'], // 城乡建设 / 邻里纠纷: the 小类 decides
      ['sanitation', 'dispatched'], // 环境保护 / 垃圾清运
      ['other', 'open'], // 城市管理 / 占道经营: unknown
      ['other', 'dispatched'],
      ['safety', 'closed'],
      ['other', 'closed'], // 劳动保障 with no 小类: unknown; 已办结 without a close time stays closed
      ['property', 'dispatched']
    ]);
    expect(r.rows.map((i) => i.reportedAt)).toEqual([
      at(2025, 3, 1, 8, 30),
      at(2025, 3, 1, 9, 5),
      at(2025, 3, 2),
      at(2025, 3, 2, 10, 30), // the text serial 45718.4375
      at(2025, 3, 3, 10, 0),
      at(2025, 3, 3, 11, 0),
      at(2025, 3, 4, 15, 30)
    ]);
    expect(rep.unknown).toEqual([
      { value: '占道经营', parent: '城市管理', count: 2 },
      { value: '劳动保障', count: 1 }
    ]);
  });

  it("the user's category mapping fixes unknown ones", async () => {
    const r = value(
      await readIncidentTable(
        'incidents-12345.csv',
        fixture('incidents-12345.csv'),
        daoliContext('gcj02', { categoryMap: { 占道经营: 'sanitation', 劳动保障: 'livelihood' } })
      )
    );
    expect(r.report.unknown).toEqual([]);
    expect(r.report.byKey).toEqual({ dispute: 1, sanitation: 3, safety: 1, livelihood: 1, property: 1 });
  });

  it('read as WGS-84 the same file puts its points half a kilometre off (no silent conversion)', async () => {
    const r = value(
      await readIncidentTable('incidents-12345.csv', fixture('incidents-12345.csv'), daoliContext('wgs84'))
    );
    expect(Math.abs(r.rows[0].lon - POINTS.a[0])).toBeGreaterThan(0.003);
  });

  it('reports progress and can be cancelled', async () => {
    const lines = ['编号,类别,上报时间,经度,纬度'];
    for (let i = 0; i < 45_000; i++) lines.push(`N${i},矛盾纠纷,2025-03-01 08:30,${POINTS.a[0]},${POINTS.a[1]}`);
    const bytes = new TextEncoder().encode(lines.join('\n'));
    const seen: number[] = [];
    const done = value(
      await readIncidentTable('big.csv', bytes, daoliContext(), { onProgress: (p) => seen.push(p.read) })
    );
    expect(done.report.accepted).toBe(45_000);
    expect(seen).toEqual([20_000, 40_000, 45_000]);
    const ac = new AbortController();
    const r = await readIncidentTable('big.csv', bytes, daoliContext(), {
      onProgress: () => ac.abort(),
      signal: ac.signal
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].msg?.key).toBe('import.pkg.err.cancelled');
  });
});

describe('files that cannot be read at all: ok false, naming file and column', () => {
  it('a missing coordinate column is named, with the header names it accepts and why geocoding is not an option', async () => {
    const r = await readIncidentTable('incidents.csv', fixture('cli-bad-column/incidents.csv'), daoliContext());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ file: 'incidents.csv', row: null, field: 'lat' });
    expect(r.errors[0].message).toMatch(
      /^no lat column \(the header needs one of: 纬度, .*latitude; found: 编号, 类别, 上报时间, 经度, 地址\)\. .*online geocoding service/
    );
  });

  it('a station register without a name column', async () => {
    const r = await readStationTable(
      's.csv',
      new TextEncoder().encode('类型,经度,纬度\n暖心驿站,126.59,45.75\n'),
      daoliContext()
    );
    expect(!r.ok && r.errors.map((e) => [e.field, e.msg?.key])).toEqual([['name', 'import.err.noColumn']]);
  });

  it('a damaged workbook', async () => {
    const r = await readStationTable('stations.xlsx', fixture('cli-bad-xlsx/stations.xlsx'), daoliContext());
    expect(!r.ok && r.errors[0]).toMatchObject({
      file: 'stations.xlsx',
      field: 'file',
      msg: { key: 'import.pkg.err.xlsx' }
    });
  });

  it('text that is neither UTF-8 nor GB18030', async () => {
    const r = await readStationTable(
      'stations.csv',
      Uint8Array.from([0x41, 0x2c, 0x42, 0x0a, 0x81, 0x20, 0xff, 0x0a]),
      daoliContext()
    );
    expect(!r.ok && r.errors[0].msg?.key).toBe('import.err.encoding');
  });

  it('a table whose first 30 rows name no known columns', async () => {
    const r = await readStationTable('stations.csv', new TextEncoder().encode('甲,乙,丙\n1,2,3\n'), daoliContext());
    expect(!r.ok && r.errors[0]).toMatchObject({ field: 'header', msg: { key: 'import.pkg.err.noHeader' } });
  });

  it("Excel's Unicode text (UTF-16LE with BOM, tab-separated) with a title row", async () => {
    const text = '道里区驿站台账\r\n名称\t经度\t纬度\t开放时间\r\n安静街暖心驿站\t126.59\t45.75\t8:00-20:00\r\n';
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++)
      [bytes[2 + 2 * i], bytes[3 + 2 * i]] = [text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8];
    const r = value(await readStationTable('stations.csv', bytes, daoliContext()));
    expect(r.report).toMatchObject({ encoding: 'utf-16le', headerRow: 2, accepted: 1 });
    expect(r.rows[0]).toMatchObject({ name: '安静街暖心驿站', kind: 'other', opens: '08:00' });
    expect(r.report.unknown).toEqual([{ value: '', count: 1 }]);
  });

  it('a title row above the header of a CSV is skipped', async () => {
    const text =
      '道里区驿站台账（2025年）,,,,\r\n名称,经度,纬度,开放时间,类型\r\n安静街暖心驿站,126.59,45.75,8:00-20:00,暖心驿站\r\n';
    const r = value(await readStationTable('stations.csv', new TextEncoder().encode(text), daoliContext()));
    expect(r.report).toMatchObject({ headerRow: 2, accepted: 1 });
    expect(r.rows[0].id).toBe('230102-R3');
  });
});

describe('the chosen CRS checked against the points', () => {
  /** Points 300 m inside the outline all around it (WGS-84), written as GCJ-02 as Amap gives them. */
  function boundaryCsv(): string {
    const d = daoliArea();
    const ring =
      d.outline.geometry.type === 'Polygon' ? d.outline.geometry.coordinates[0] : d.outline.geometry.coordinates[0][0];
    const [cx, cy] = [(d.bbox[0] + d.bbox[2]) / 2, (d.bbox[1] + d.bbox[3]) / 2];
    const lines = ['编号,类别,上报时间,经度,纬度'];
    for (let i = 0; i < ring.length; i += 4) {
      const [x, y] = ring[i];
      const len = Math.hypot((cx - x) * 70, (cy - y) * 111);
      const p: [number, number] = [x + ((cx - x) * 0.3) / len, y + ((cy - y) * 0.3) / len];
      if (!insideDistrict(d, p) || metresToOutline(d, p) < 250) continue;
      const g = fromWgs84(p, 'gcj02');
      lines.push(`B${i},安全隐患,2025-06-01 10:00,${g[0].toFixed(6)},${g[1].toFixed(6)}`);
    }
    expect(lines.length).toBeGreaterThan(60);
    return lines.join('\n');
  }

  it('GCJ-02 read as WGS-84 is flagged with the likely CRS; read as GCJ-02 nothing is flagged', async () => {
    const bytes = new TextEncoder().encode(boundaryCsv());
    const wrong = value(await readIncidentTable('gcj.csv', bytes, daoliContext('wgs84')));
    expect(wrong.report.refused).toBeGreaterThan(5);
    expect(wrong.report.warnings).toHaveLength(1);
    expect(wrong.report.warnings[0]).toMatchObject({
      file: 'gcj.csv',
      row: null,
      field: 'crs',
      msg: { key: 'import.pkg.warn.crs', params: { likely: 'GCJ-02', declared: 'WGS-84' } }
    });
    expect(wrong.report.warnings[0].message).toMatch(
      /^coordinates look like GCJ-02 \(offset ≈ \d+ m\), not WGS-84 as chosen/
    );
    const right = value(await readIncidentTable('gcj.csv', bytes, daoliContext('gcj02')));
    expect(right.report.warnings).toEqual([]);
    expect(right.report.refused).toBe(0);
  });
});

describe('the period an import takes', () => {
  it('reads a log of this year up to the day of the import; a later date is refused as a typo', async () => {
    const [lon, lat] = POINTS.a;
    const csv = `编号,类别,上报时间,经度,纬度\nA,矛盾纠纷,2026-06-30 09:00,${lon},${lat}\nB,矛盾纠纷,2026-07-01 09:00,${lon},${lat}\n`;
    const r = value(await readIncidentTable('i.csv', new TextEncoder().encode(csv), daoliContext()));
    expect(r.rows.map((i) => i.ref)).toEqual(['A']);
    expect(errorsOf(r)).toEqual([[3, 'reported_at', 'import.pkg.err.period']]);
  });
});
