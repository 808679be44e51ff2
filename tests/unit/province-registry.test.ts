/**
 * The province registry (issue #14): districts.json as the generator writes it (the fixture is
 * eight rows of a real `npm run data -- --districts 100` index), checked with file, row and field
 * on bad input; the search the home page and /compare run; and where each district's files are
 * fetched from (paths.ts: the demo's under data/, the province's own partition and layers only).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { districtEntries, parseProvinceIndex, provinceDistrict, searchDistricts } from '../../src/lib/data/province';
import { mapLayerUrl, provinceIndexUrl, provinceRoot, tableUrl } from '../../src/lib/data/paths';
import { isAdcode } from '../../src/lib/data/schema';
import { isDemoDistrict } from '../../src/lib/data/districts';
import { parseSelection, toggleSelection } from '../../src/lib/data/compare-selection';

const FILE = 'province/districts.json';
const raw = () => JSON.parse(readFileSync('tests/fixtures/province/districts.json', 'utf8')) as Record<string, unknown>;

describe('parseProvinceIndex', () => {
  it('reads the index the generator writes', () => {
    const index = parseProvinceIndex(raw(), FILE);
    expect(index.districts.map((d) => d.code)).toEqual([
      '370102',
      '370103',
      '370104',
      '370105',
      '370112',
      '370402',
      '370403',
      '370881'
    ]);
    expect(provinceDistrict(index, '370402')).toMatchObject({ name: '市中区', city: '枣庄市', synthetic: true });
    expect(provinceDistrict(index, '999999')).toBeUndefined();
  });

  const broken: [string, (j: Record<string, unknown>) => void, RegExp][] = [
    ['not an object', () => {}, /whole file: not a JSON object/],
    ['no districts', (j) => delete j.districts, /field districts: missing or not a list/],
    [
      'a five-digit code',
      (j) => ((j.districts as Record<string, unknown>[])[2].code = '37010'),
      /district 3, field code: not a six-digit adcode: "37010"/
    ],
    [
      'a code twice',
      (j) => ((j.districts as Record<string, unknown>[])[1].code = '370102'),
      /district 2, field code: 370102 listed twice/
    ],
    [
      'a negative count',
      (j) => ((j.districts as Record<string, unknown>[])[4].incidents = -1),
      /district 5 \(370112\), field incidents: not a count: -1/
    ],
    [
      'a name missing',
      (j) => delete (j.districts as Record<string, unknown>[])[0].name,
      /district 1 \(370102\), field name: missing or not text/
    ],
    [
      'a short bbox',
      (j) => ((j.districts as Record<string, unknown>[])[7].bbox = [1, 2, 3]),
      /district 8 \(370881\), field bbox/
    ]
  ];
  it.each(broken)('refuses %s, naming file, row and field', (_, edit, message) => {
    const j = raw();
    edit(j);
    const input = _ === 'not an object' ? 'not json' : j;
    expect(() => parseProvinceIndex(input, FILE)).toThrow(message);
    expect(() => parseProvinceIndex(input, FILE)).toThrow(/^province\/districts\.json: /);
  });
});

describe('district search', () => {
  const index = parseProvinceIndex(raw(), FILE);
  const entries = districtEntries(index);

  it('lists the demo districts first, and a province district with a demo code only once (the demo)', () => {
    expect(entries.slice(0, 3).map((e) => [e.code, e.provinceLayout])).toEqual([
      ['230102', false],
      ['370881', false],
      ['371602', false]
    ]);
    expect(entries.filter((e) => e.code === '370881')).toHaveLength(1);
    expect(entries).toHaveLength(3 + 7);
  });

  it('finds by Chinese name, city, province, code and English name', () => {
    const codes = (q: string) => searchDistricts(entries, q, 100).shown.map((d) => d.code);
    expect(codes('市中区')).toEqual(['370103', '370402']);
    expect(codes('枣庄')).toEqual(['370402', '370403']);
    expect(codes('枣庄 市中')).toEqual(['370402']);
    expect(codes('黑龙江')).toEqual(['230102']);
    expect(codes('3701')).toEqual(['370102', '370103', '370104', '370105', '370112']);
    expect(codes('daoli')).toEqual(['230102']);
    expect(codes('  ')).toHaveLength(10);
    expect(codes('上海')).toEqual([]);
  });

  it('caps what it returns and says how many match', () => {
    const r = searchDistricts(entries, '山东', 4);
    expect(r.total).toBe(9);
    expect(r.shown.map((d) => d.code)).toEqual(['370881', '371602', '370102', '370103']);
  });
});

describe('paths: each district from its own layout', () => {
  const root = 'http://127.0.0.1:4173/base/data';

  it('keeps the demo districts under data/<adcode>/', () => {
    expect(tableUrl(root, '230102', 'incidents')).toBe(`${root}/230102/incidents.parquet`);
    expect(mapLayerUrl(root, '370881', 'communities')).toBe(`${root}/370881/map/communities.geojson`);
  });

  it("reads a province district's one partition and its own map layers", () => {
    expect(provinceRoot(root)).toBe('http://127.0.0.1:4173/base/province');
    expect(provinceIndexUrl(root)).toBe('http://127.0.0.1:4173/base/province/districts.json');
    expect(tableUrl(root, '370402', 'incidents')).toBe(
      'http://127.0.0.1:4173/base/province/incidents/district=370402/part-0.parquet'
    );
    expect(mapLayerUrl(root, '370402', 'communities')).toBe(
      'http://127.0.0.1:4173/base/province/districts/370402/map/communities.geojson'
    );
    expect(() => provinceRoot('http://x/elsewhere')).toThrow(/not a data root/);
  });

  it('tells adcodes and demo districts apart', () => {
    expect(['370402', '230102', '37040', '3704021', '37o402', 370402].map(isAdcode)).toEqual([
      true,
      true,
      false,
      false,
      false,
      false
    ]);
    expect(isDemoDistrict('230102')).toBe(true);
    expect(isDemoDistrict('370402')).toBe(false);
  });
});

describe('/compare selection', () => {
  it('reads up to three adcodes from ?ds= in their order, else the demo three', () => {
    expect(parseSelection('370402,230102')).toEqual(['370402', '230102']);
    expect(parseSelection('370402')).toEqual(['370402']);
    expect(parseSelection('370402,370402,x,1234567,370403,370102,370103')).toEqual(['370402', '370403', '370102']);
    expect(parseSelection(null)).toEqual(['230102', '370881', '371602']);
    expect(parseSelection('nonsense')).toEqual(['230102', '370881', '371602']);
  });

  it('adds up to three and removes down to two', () => {
    expect(toggleSelection(['370402'], '230102')).toEqual(['370402', '230102']);
    expect(toggleSelection(['370402', '230102'], '370403')).toEqual(['370402', '230102', '370403']);
    expect(toggleSelection(['370402', '230102', '370403'], '370102')).toEqual(['370402', '230102', '370403']);
    expect(toggleSelection(['370402', '230102', '370403'], '230102')).toEqual(['370402', '370403']);
    expect(toggleSelection(['370402', '370403'], '370403')).toEqual(['370402', '370403']);
    expect(toggleSelection(['370402'], '370402')).toEqual(['370402']);
  });
});
