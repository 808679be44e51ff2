/**
 * The importer's checks on small hand-made fixtures (tests/fixtures/import/, made by
 * make-fixtures.ts): every bad input yields errors naming file, feature index, id and field.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Crs } from '../../src/lib/geo/crs';
import { type ImportError, formatImportError, formatImportErrors } from '../../src/lib/data/import/errors';
import { parseFeatureCollection } from '../../src/lib/data/import/geojson';
import { jsonErrorOffset, parseJsonText, positionOf } from '../../src/lib/data/import/json';
import { type ImportOutput, importLayers } from '../../src/lib/data/import/pipeline';
import type { ImportResult } from '../../src/lib/data/import/errors';
import { FIXTURES, daoliArea } from '../fixtures/import/helpers';

function importFixture(name: string, crs: Crs = 'wgs84', checkCrs = true): ImportResult<ImportOutput> {
  const parsed = parseFeatureCollection(readFileSync(join(FIXTURES, name), 'utf8'), name);
  if (!parsed.ok) return parsed;
  return importLayers({
    crs,
    district: daoliArea(),
    buildings: { file: name, format: 'geojson', features: parsed.value },
    checkCrs
  });
}

function errorsOf(name: string, crs: Crs = 'wgs84'): ImportError[] {
  const r = importFixture(name, crs);
  if (r.ok) throw new Error(`${name} imported without errors`);
  return r.errors;
}

describe('valid buildings', () => {
  const r = importFixture('valid-buildings.geojson');
  const out = r.ok ? r.value : null;

  it('imports the 5 residential buildings and leaves out the commercial one', () => {
    expect(r.ok).toBe(true);
    expect(out!.buildings.map((b) => b.id).sort()).toEqual(['B-1', 'B-2', 'B-3', 'B-5', 'osm-way-123456']);
    expect(out!.stats.nonResidentialByType).toEqual({ commercial: 1 });
  });

  it('honours explicit households and building:flats, estimates the rest', () => {
    const by = Object.fromEntries(out!.buildings.map((b) => [b.id, [b.households, b.estimated, b.method, b.floors]]));
    expect(by).toEqual({
      'B-1': [48, false, 'explicit', 6],
      'B-2': [70, true, 'area-default-floors', 6],
      'B-3': [60, true, 'area-levels', 9],
      'B-5': [24, false, 'osm-flats', 6],
      'osm-way-123456': [60, true, 'area-default-floors', 6]
    });
    expect(out!.stats.households).toBe(262);
    expect(out!.stats.estimated).toBe(3);
    expect(out!.stats.estimatedHouseholds).toBe(190);
  });

  it('fills the schema Building fields', () => {
    const b = out!.buildings.find((x) => x.id === 'B-2')!;
    expect(b).toMatchObject({
      district: '230102',
      community: '',
      compound: null,
      grid: null,
      perFloor: 2,
      units: 6,
      type: 'apartments'
    });
    expect(b.footprint.type).toBe('Polygon');
    expect(b.lon).toBeCloseTo(126.5914, 3);
    expect(b.lat).toBeCloseTo(45.7501, 3);
  });
});

describe('bad inputs', () => {
  it('a feature without geometry, and one with a LineString', () => {
    expect(errorsOf('no-geometry.geojson')).toEqual([
      {
        file: 'no-geometry.geojson',
        row: 1,
        ref: 'id G-1',
        field: 'geometry',
        message: 'the feature has no geometry',
        msg: { key: 'import.err.noGeometry' }
      },
      {
        file: 'no-geometry.geojson',
        row: 2,
        ref: 'id G-2',
        field: 'geometry',
        message: 'geometry is LineString; buildings and compounds must be Polygon or MultiPolygon',
        msg: { key: 'import.err.geomPolygon', params: { type: 'LineString' } }
      }
    ]);
  });

  it('0 and negative households', () => {
    const e = errorsOf('zero-households.geojson');
    expect(e.map((x) => [x.row, x.ref, x.field])).toEqual([
      [1, 'id Z-1', 'households'],
      [2, 'id Z-2', 'households']
    ]);
    expect(e[0].message).toMatch(/^households is 0; a building given here must have at least 1 household/);
    expect(e[1].message).toMatch(/^households is -3;/);
  });

  it('2,000 households in one building: error naming it, suggesting a split by unit', () => {
    const e = errorsOf('too-many-households.geojson');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({
      file: 'too-many-households.geojson',
      row: 1,
      ref: 'osm way 777',
      field: 'households'
    });
    expect(e[0].message).toContain('2,000 households in one building is implausible');
    expect(e[0].message).toContain('split it into one feature per unit');
  });

  it('duplicate ids: the second occurrence, pointing at the first', () => {
    expect(errorsOf('duplicate-ids.geojson')).toEqual([
      {
        file: 'duplicate-ids.geojson',
        row: 2,
        ref: 'id D-1',
        field: 'id',
        message: 'duplicate id "D-1" (also feature 0)'
      }
    ]);
  });

  it('an empty collection', () => {
    expect(errorsOf('empty.geojson')).toEqual([
      {
        file: 'empty.geojson',
        row: null,
        field: 'features',
        message: 'no buildings: the FeatureCollection has 0 features'
      }
    ]);
  });

  it('null, out-of-range and swapped coordinates, and a ring too short', () => {
    const e = errorsOf('bad-coordinates.geojson');
    expect(e.map((x) => [x.row, x.field])).toEqual([
      [1, 'geometry'],
      [2, 'geometry'],
      [3, 'geometry'],
      [4, 'geometry']
    ]);
    expect(e[0].message).toBe('ring 0, position 1: coordinate [null, 45.75] is not a pair of finite numbers');
    expect(e[1].message).toBe(
      'ring 0, position 1: coordinate [200.5, 45.75] is out of range (lon −180..180, lat −90..90)'
    );
    expect(e[2].message).toContain('looks like [lat, lon]');
    expect(e[3].message).toBe('ring 0 has 3 positions; at least 4 are needed');
  });

  it('a building 1,300 km away (Qufu) with --district 230102', () => {
    const e = errorsOf('outside-district.geojson');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ file: 'outside-district.geojson', row: 1, ref: 'id O-1', field: 'geometry' });
    expect(e[0].message).toMatch(
      /^centroid \[116\.99\d+, 35\.58\d+\] lies 13\d\d\.\d km outside the box of district 230102 道里区/
    );
  });

  it('GCJ-02 coordinates labelled WGS-84: one error suggesting --crs gcj02, offset ≈ 500 m', () => {
    const e = errorsOf('gcj02-labelled-wgs84.geojson');
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ file: 'gcj02-labelled-wgs84.geojson', row: null, field: 'crs' });
    expect(e[0].message).toMatch(/^coordinates look like GCJ-02 \(offset ≈ \d+ m\)/);
    expect(e[0].message).toContain('pass --crs gcj02');
    const offset = Number(/offset ≈ (\d+) m/.exec(e[0].message)![1]);
    expect(offset).toBeGreaterThanOrEqual(400);
    expect(offset).toBeLessThanOrEqual(650);
  });

  it('the same file with --crs gcj02 imports all 40 buildings inside Daoli', () => {
    const r = importFixture('gcj02-labelled-wgs84.geojson', 'gcj02');
    expect(r.ok && r.value.buildings.length).toBe(40);
  });

  it('with the check off (--trust-crs) it imports, losing the buildings pushed outside', () => {
    const r = importFixture('gcj02-labelled-wgs84.geojson', 'wgs84', false);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.stats.outsideDistrict).toBeGreaterThan(3);
      expect(r.value.buildings.length).toBe(40 - r.value.stats.outsideDistrict);
    }
  });
});

describe('JSON syntax errors', () => {
  it('a truncated file: line and column of the end, "truncated"', () => {
    const text = readFileSync(join(FIXTURES, 'truncated.geojson'), 'utf8');
    const r = parseFeatureCollection(text, 'truncated.geojson');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const p = positionOf(text, text.length);
    expect(r.errors).toEqual([
      {
        file: 'truncated.geojson',
        row: null,
        field: 'json',
        message: `JSON syntax error at line ${p.line}, column ${p.column} (character ${text.length}): the text ends early — the file looks truncated`,
        msg: { key: 'import.err.jsonTruncated', params: { line: p.line, column: p.column, offset: text.length } }
      }
    ]);
  });

  it('finds the position even where V8 gives none', () => {
    const text = '{\n  "a": [1, 2,\n  x]\n}';
    expect(jsonErrorOffset(text)).toBe(text.indexOf('x'));
    const r = parseJsonText(text, 'f.json');
    expect(!r.ok && r.errors[0].message).toBe(
      "JSON syntax error at line 3, column 3 (character 18): Unexpected token 'x'"
    );
  });

  it('accepts valid JSON and rejects trailing commas, bad escapes, NaN', () => {
    expect(jsonErrorOffset('{"a":[true,false,null,"\\u00e9",-1.5e3,{}],"b":{}}')).toBe(-1);
    expect(jsonErrorOffset('[1,2,]')).toBe(5);
    expect(jsonErrorOffset('{"a":"\\q"}')).toBe(7);
    expect(jsonErrorOffset('{"a":NaN}')).toBe(5);
  });

  it('not a FeatureCollection', () => {
    const r = parseFeatureCollection('[1, 2]', 'x.geojson');
    expect(!r.ok && r.errors).toEqual([
      {
        file: 'x.geojson',
        row: null,
        field: 'type',
        message: 'expected a GeoJSON FeatureCollection, found an array',
        msg: { key: 'import.err.notCollection', params: { found: 'an array' } }
      }
    ]);
  });
});

describe('error formatting', () => {
  it('file: feature N (osm way id), field F: message', () => {
    expect(
      formatImportError({
        file: 'b.geojson',
        row: 12,
        ref: 'osm way 123',
        field: 'households',
        message: 'households is 0'
      })
    ).toBe('b.geojson: feature 12 (osm way 123), field households: households is 0');
    expect(formatImportError({ file: 'b.geojson', row: null, field: 'crs', message: 'm' })).toBe(
      'b.geojson: field crs: m'
    );
    expect(
      formatImportError({ file: 'b.osm.pbf', row: null, ref: 'osm node 5', field: 'geometry', message: 'm' })
    ).toBe('b.osm.pbf: osm node 5, field geometry: m');
    expect(formatImportError({ file: 'b.osm.pbf', row: null, field: 'file', message: 'the file is empty' })).toBe(
      'b.osm.pbf: the file is empty'
    );
  });

  it('lists up to the limit, then "... and N more"', () => {
    const errs: ImportError[] = Array.from({ length: 7 }, (_, i) => ({
      file: 'f',
      row: i,
      field: 'geometry',
      message: 'x'
    }));
    const lines = formatImportErrors(errs, 5);
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe('... and 2 more');
    expect(formatImportErrors(errs.slice(0, 5), 5)).toHaveLength(5);
  });
});
