/**
 * Imports people really have (issue #11, part 5), on fixture files as they come from Chinese
 * Windows and GIS tools: a GBK CSV from Excel, a file in neither UTF-8 nor GBK, a bow-tie
 * footprint, decimal commas, a file whose every row is bad, and a "community" of 50,000
 * buildings. The planner's reader (what its worker runs) and the command line's pipeline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_LISTED_ERRORS, renderMsg } from '$lib/data/import/errors';
import { parseFeatureCollection } from '$lib/data/import/geojson';
import { importLayers } from '$lib/data/import/pipeline';
import { PLAUSIBLE_COMMUNITY, parseBuildings } from '$lib/data/import/planner';
import { decodeText } from '$lib/data/text-decode';
import { zh } from '$lib/i18n/messages';
import { readOwnData } from '$lib/plan/own-data';
import { partitionGeoJSON } from '$lib/geo/partition/geojson';
import { FIXTURES, daoliArea } from '../fixtures/import/helpers';

const bytes = (rel: string) => new Uint8Array(readFileSync(join(FIXTURES, rel)));
const enc = new TextEncoder();

describe('text encodings', () => {
  it("reads Excel's GBK CSV (no BOM, CRLF) with its Chinese headers and names", () => {
    const gbk = bytes('planner/excel-gbk.csv');
    // Not UTF-8: a UTF-8 reader would have turned the headers into replacement characters.
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(gbk)).toThrow();
    const r = readOwnData({ buildings: { name: 'excel-gbk.csv', bytes: gbk }, crs: 'wgs84' });
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
    expect(r.value.encoding).toBe('gb18030');
    expect(r.value.buildings.buildings.map((b) => [b.id, b.name, b.households])).toEqual([
      ['G1', '和平小区1号楼', 96],
      ['G2', '和平小区2号楼', 1200],
      ['G3', '锦绣花园甲栋', 72],
      ['G4', '锦绣花园乙栋', 88],
      ['G5', '龙江街道职工宿舍', 64]
    ]);
  });

  it('UTF-8 with or without BOM, and UTF-16 with its BOM, read as such', () => {
    const text = '经度,纬度,户数\n126.615,45.77,80\n';
    expect(decodeText(enc.encode(text), 'a.csv')).toEqual({ ok: true, value: { text, encoding: 'utf-8' } });
    expect(decodeText(Uint8Array.of(0xef, 0xbb, 0xbf, ...enc.encode(text)), 'a.csv')).toEqual({
      ok: true,
      value: { text, encoding: 'utf-8' }
    });
    const le = Uint8Array.of(0xff, 0xfe, ...[...text].flatMap((c) => [c.charCodeAt(0) & 0xff, c.charCodeAt(0) >> 8]));
    expect(decodeText(le, 'a.csv')).toEqual({ ok: true, value: { text, encoding: 'utf-16le' } });
  });

  it('a file in neither UTF-8 nor GBK (Latin-1 "Café") is refused: save as CSV UTF-8', () => {
    const latin1 = Uint8Array.from('lon,lat,households,name\n126.615,45.77,80,Caf\xe9,\n', (c) => c.charCodeAt(0));
    const r = readOwnData({ buildings: { name: 'latin1.csv', bytes: latin1 }, crs: 'wgs84' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ file: 'latin1.csv', row: null, field: 'file' });
    expect(r.errors[0].message).toContain('"CSV UTF-8 (Comma delimited)"');
    expect(renderMsg(r.errors[0].msg!, (k) => zh[k])).toContain('“CSV UTF-8（逗号分隔）”');
    // A BOM that lies (UTF-8 BOM, then GBK bytes) is refused too, not read as replacement characters.
    const lying = decodeText(Uint8Array.of(0xef, 0xbb, 0xbf, ...bytes('planner/excel-gbk.csv')), 'bom.csv');
    expect(lying.ok ? '' : lying.errors[0].message).toMatch(/utf-8 byte order mark but is not valid utf-8/);
  });
});

describe('self-intersecting footprints', () => {
  const name = 'self-intersecting.geojson';
  const text = readFileSync(join(FIXTURES, name), 'utf8');

  it('are refused at import naming file, feature, id and field, in the planner and the command line', () => {
    const planner = parseBuildings(text, name, 'wgs84');
    expect(planner.ok).toBe(false);
    if (planner.ok) return;
    expect(planner.errors.map((e) => [e.file, e.row, e.ref, e.field, e.message])).toEqual([
      [
        name,
        1,
        'id S-1',
        'geometry',
        'ring 0 crosses itself (edges intersect, as in a bow tie), which the grid engine cannot use; repair it in a GIS (e.g. QGIS "Fix geometries") and import again'
      ]
    ]);
    expect(renderMsg(planner.errors[0].msg!, (k) => zh[k])).toMatch(/^第 0 环自相交/);
    const features = parseFeatureCollection(text, name);
    if (!features.ok) throw new Error('fixture unreadable');
    const cli = importLayers({
      crs: 'wgs84',
      district: daoliArea(),
      buildings: { file: name, format: 'geojson', features: features.value }
    });
    expect(cli.ok ? [] : cli.errors.map((e) => [e.row, e.ref, e.field])).toEqual([[1, 'id S-1', 'geometry']]);
  });

  it('are what the engine itself refuses (its check stays the last line of defence)', () => {
    const r = partitionGeoJSON({ buildings: JSON.parse(text), min: 30, max: 100 });
    expect(r.ok ? [] : r.errors.map((e) => [e.feature, e.field, e.message])).toEqual([
      [1, 'geometry', expect.stringMatching(/ring 0/)]
    ]);
  });
});

describe('unparsable cells', () => {
  it('quote the cell text (decimal commas named as such), never [NaN, NaN]', () => {
    const r = parseBuildings(
      'lon;lat;households\n126,615;45,77;80\n126.615;45,77;80\n126.62;45.77;12,5\n126.63;north;80\n',
      'semicolons.csv',
      'wgs84'
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.ref, e.field, e.message])).toEqual([
      [
        'line 2',
        'lon',
        'the coordinate must be a number, found "126,615"; use a point as the decimal separator, not a comma'
      ],
      [
        'line 3',
        'lat',
        'the coordinate must be a number, found "45,77"; use a point as the decimal separator, not a comma'
      ],
      [
        'line 4',
        'households',
        'households must be a whole number, found "12,5" (not a thousands separator: fewer than three digits follow the comma)'
      ],
      ['line 5', 'lat', 'the coordinate must be a number, found "north"']
    ]);
    expect(r.errors.map((e) => e.message).join()).not.toContain('NaN');
    expect(renderMsg(r.errors[0].msg!, (k) => zh[k])).toBe(
      '坐标须为数字，实际是 "126,615"；小数点请用英文句点“.”，不要用逗号'
    );
    const point = parseBuildings(
      JSON.stringify({
        type: 'Feature',
        properties: { households: 5 },
        geometry: { type: 'Point', coordinates: ['126,6', 45.7] }
      }),
      'p.geojson',
      'wgs84'
    );
    expect(point.ok ? '' : point.errors[0].message).toBe('coordinate ["126,6", 45.7] is not a pair of finite numbers');
  });
});

describe('a file whose every row is bad', () => {
  it('700,000 bad rows: the first 100 errors and the counts of all, by field', () => {
    const rows = ['lon,lat,households'];
    for (let i = 0; i < 700_000; i++) rows.push(i % 2 ? 'x,45.77,80' : '126.6,45.77,0');
    const t0 = performance.now();
    const r = readOwnData({ buildings: { name: 'all-bad.csv', bytes: enc.encode(rows.join('\n')) }, crs: 'wgs84' });
    const ms = performance.now() - t0;
    console.log(`700,000 bad rows read and counted in ${ms.toFixed(0)} ms`);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(MAX_LISTED_ERRORS);
    expect(r.errors[0]).toMatchObject({ line: 2, field: 'households' });
    expect(r.errors[99]).toMatchObject({ line: 101, field: 'lon' });
    expect(r.counts).toEqual({ total: 700_000, byField: { households: 350_000, lon: 350_000 } });
    // What crosses from the worker to the page stays small.
    expect(JSON.stringify(r).length).toBeLessThan(100_000);
  });
});

describe('an implausible community', () => {
  it('50,000 buildings and 5,000,000 households are read with a warning to accept; a real community has none', () => {
    const rows = ['lon,lat,households'];
    for (let i = 0; i < 50_000; i++)
      rows.push(`${(126.55 + (i % 250) * 0.0004).toFixed(6)},${(45.7 + Math.floor(i / 250) * 0.0003).toFixed(6)},100`);
    const r = readOwnData({ buildings: { name: 'city.csv', bytes: enc.encode(rows.join('\n')) }, crs: 'wgs84' });
    if (!r.ok) throw new Error(r.errors[0].message);
    expect(r.value.buildings.buildings.length).toBe(50_000);
    expect(renderMsg(r.value.implausible!)).toMatch(
      /^50,000 buildings and 5,000,000 households are implausible for one community \(more than 5,000 buildings or 50,000 households\)/
    );
    expect(renderMsg(r.value.implausible!, (k) => zh[k])).toMatch(/^50,000 栋楼、5,000,000 户，对一个社区来说不合常理/);
    const good = readOwnData({
      buildings: { name: 'good-gcj02.csv', bytes: bytes('planner/good-gcj02.csv') },
      crs: 'gcj02'
    });
    expect(good.ok && good.value.implausible).toBeNull();
    expect(PLAUSIBLE_COMMUNITY.households).toBeGreaterThan(
      good.ok ? good.value.buildings.buildings.reduce((s, b) => s + b.households, 0) : Infinity
    );
  });
});
