/** OSM elements → layers (osmtogeojson), the PBF structure check, and OSM-mode leniency. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Position } from 'geojson';
import { type OsmElement, osmToLayers } from '../../src/lib/data/import/osm';
import { checkPbfFraming } from '../../src/lib/data/import/pbf';
import { importLayers } from '../../src/lib/data/import/pipeline';
import { FIXTURES, daoliArea, offsetM, shared } from '../fixtures/import/helpers';

const O: Position = [126.59, 45.75]; // central Daoli
let nextNode = 1;
const nodes: OsmElement[] = [];
function node(east: number, north: number, tags?: Record<string, string>): number {
  const [lon, lat] = offsetM(O, east, north);
  nodes.push({ type: 'node', id: nextNode, lon, lat, ...(tags ? { tags } : {}) });
  return nextNode++;
}
/** Closed square way nodes (x0,y0)–(x0+s,y0+s), metres. */
function square(x0: number, y0: number, s: number): number[] {
  const ids = [node(x0, y0), node(x0 + s, y0), node(x0 + s, y0 + s), node(x0, y0 + s)];
  return [...ids, ids[0]];
}

const ways: OsmElement[] = [
  { type: 'way', id: 100, nodes: square(0, 0, 30), tags: { building: 'apartments' } },
  { type: 'way', id: 201, nodes: square(100, 0, 60) },
  { type: 'way', id: 202, nodes: square(120, 20, 20) },
  { type: 'way', id: 300, nodes: [node(0, 100), node(30, 100), node(30, 130)], tags: { building: 'yes' } },
  { type: 'way', id: 400, nodes: [node(-50, -20), node(300, -20)], tags: { highway: 'residential', name: '测试路' } },
  { type: 'way', id: 500, nodes: square(-10, -10, 300), tags: { landuse: 'residential', name: '测试小区' } },
  {
    type: 'way',
    id: 600,
    nodes: [node(200, 200), 999_999, node(230, 230), node(200, 230)],
    tags: { building: 'apartments' }
  }
];
node(50, 50, { building: 'yes' }); // a building mapped as a point (id below)
const buildingNode = nextNode - 1;
const relations: OsmElement[] = [
  {
    type: 'relation',
    id: 200,
    members: [
      { type: 'way', ref: 201, role: 'outer' },
      { type: 'way', ref: 202, role: 'inner' }
    ],
    tags: { type: 'multipolygon', building: 'yes' }
  }
];
const elements = [...nodes, ...ways, ...relations];

describe('OSM elements → layers', () => {
  const r = osmToLayers({ elements }, 'test.osm.pbf');
  const layers = r.ok ? r.value : null;

  it('finds buildings (ways and multipolygon relations), roads and compounds; member ways are not features', () => {
    expect(r.ok).toBe(true);
    expect(layers!.buildings.map((b) => b.id).sort()).toEqual(
      ['osm-node-' + buildingNode, 'osm-relation-200', 'osm-way-100', 'osm-way-300', 'osm-way-600'].sort()
    );
    expect(layers!.roads.map((x) => x.id)).toEqual(['osm-way-400']);
    expect(layers!.compounds.map((x) => x.id)).toEqual(['osm-way-500']);
  });

  it('assembles the multipolygon with its hole', () => {
    const rel = layers!.buildings.find((b) => b.id === 'osm-relation-200')!;
    expect(rel.geometry?.type).toBe('Polygon');
    expect((rel.geometry as { coordinates: unknown[] }).coordinates).toHaveLength(2);
    expect(rel.problem).toBeUndefined();
    expect(rel.ref).toBe('osm relation 200');
  });

  it('marks a point building, an unclosed way and a way with missing nodes', () => {
    const p = Object.fromEntries(layers!.buildings.filter((b) => b.problem).map((b) => [b.id, b.problem]));
    expect(p).toEqual({
      ['osm-node-' + buildingNode]: 'building mapped as a point (no footprint); skipped',
      'osm-way-300': 'building is a LineString (an unclosed way), not an area; skipped',
      'osm-way-600': 'building has nodes missing from the extract; skipped'
    });
  });

  it('imports leniently: quirks become warnings, buildings get their compound', () => {
    const res = importLayers({
      crs: 'wgs84',
      district: daoliArea(),
      buildings: { file: 'test.osm.pbf', format: 'osm', features: layers!.buildings },
      roads: { file: 'test.osm.pbf', format: 'osm', features: layers!.roads },
      compounds: { file: 'test.osm.pbf', format: 'osm', features: layers!.compounds }
    });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const out = res.value;
    expect(out.buildings.map((b) => [b.id, b.compound, b.households])).toEqual([
      ['osm-relation-200', 'osm-way-500', 213], // (60² − 20²) m² × 6 ÷ 90 = 213.3
      ['osm-way-100', 'osm-way-500', 60] // 900 m² × 6 ÷ 90
    ]);
    expect(out.warnings.map((w) => w.ref).sort()).toEqual(
      ['osm node ' + buildingNode, 'osm way 300', 'osm way 600'].sort()
    );
    expect(out.stats.skipped).toBe(3);
    expect(out.compounds).toHaveLength(1);
    expect(out.compounds[0]).toMatchObject({ id: 'osm-way-500', name: '测试小区', households: 273, buildings: 2 });
    expect(out.roads).toEqual([expect.objectContaining({ id: 'osm-way-400', class: 'residential', name: '测试路' })]);
  });

  it('rejects data without an elements array', () => {
    const bad = osmToLayers({}, 'x.json');
    expect(!bad.ok && bad.errors[0]).toMatchObject({ file: 'x.json', row: null, field: 'elements' });
  });
});

describe('PBF structure check', () => {
  it('a text file named .osm.pbf is not a PBF', () => {
    const r = checkPbfFraming(new Uint8Array(readFileSync(join(FIXTURES, 'not-a-pbf.osm.pbf'))), 'not-a-pbf.osm.pbf');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0]).toMatchObject({ file: 'not-a-pbf.osm.pbf', row: null, field: 'pbf' });
    expect(!r.ok && r.errors[0].message).toMatch(/^not an OSM PBF file/);
  });

  it('OSM XML and JSON under a .pbf name are named as such', () => {
    const xml = checkPbfFraming(new TextEncoder().encode('  <?xml version="1.0"?><osm/>'), 'x.osm.pbf');
    expect(!xml.ok && xml.errors[0].message).toMatch(/^this is XML \(OSM XML\?\), not OSM PBF/);
    const json = checkPbfFraming(new TextEncoder().encode('{"type":"FeatureCollection"}'), 'x.pbf');
    expect(!json.ok && json.errors[0].message).toMatch(/^this is JSON, not OSM PBF/);
  });

  it('an empty file', () => {
    const r = checkPbfFraming(new Uint8Array(0), 'e.osm.pbf');
    expect(!r.ok && r.errors[0].message).toBe('the file is empty');
  });

  const pbf = shared('osm-harbin-daoli/harbin_center_osm_2024-04-09.osm.pbf');

  it.skipIf(!pbf.exists)('the real Harbin extract frames correctly: one OSMHeader, then OSMData blobs', () => {
    const r = checkPbfFraming(new Uint8Array(readFileSync(pbf.path)), 'h.osm.pbf');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.types['OSMHeader']).toBe(1);
      expect(r.value.types['OSMData']).toBeGreaterThan(1);
    }
  });

  it.skipIf(!pbf.exists)('the real extract cut at 60 % is reported as truncated, with the byte offset', () => {
    const bytes = new Uint8Array(readFileSync(pbf.path));
    const cut = bytes.subarray(0, Math.floor(bytes.length * 0.6));
    const r = checkPbfFraming(cut, 'cut.osm.pbf');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors[0].message).toMatch(/^the file is truncated: blob \d+ \(OSMData\) at byte \d+ needs/);
  });
});
