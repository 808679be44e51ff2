/**
 * Water from OSM (src/lib/data/import/osm-water.ts) on a small hand-made extract shaped like the
 * Songhua's bank at Daoli (tests/fixtures/osm-water/songhua-bank.osm.json): a riverbank
 * multipolygon with an island and the river's centre line, both running past the box's east edge,
 * a canal and a reservoir to keep, and a culvert, a stream, a wetland, a garden pond, a lake
 * outside the box and a building to leave out. Expected values are worked out by hand from the
 * fixture's coordinates.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LineString, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { type WaterOptions, osmWater } from '../../src/lib/data/import/osm-water';
import { decodeWater } from '../../src/lib/geo/nearest-data';
import { encodeRoads, waterOf } from '../../scripts/rider/build';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'osm-water', 'songhua-bank.osm.json');
const data = JSON.parse(readFileSync(FIXTURE, 'utf8')) as { elements: unknown[] };
const BOX: WaterOptions['bbox'] = [126.59, 45.77, 126.62, 45.79];

function run(o: Partial<WaterOptions> = {}) {
  const r = osmWater(data, 'songhua-bank.osm.json', { bbox: BOX, tolerance: 0, minAreaM2: 5000, ...o });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.value;
}

describe('water from OSM', () => {
  it('keeps the riverbank, the reservoir, the river and the canal, areas first, and nothing else', () => {
    expect(run().map((f) => [f.properties.kind, f.properties.osm, f.properties.name ?? null])).toEqual([
      ['water', 'relation/2244973', '松花江'],
      ['water', 'way/102314369', null],
      ['river', 'way/30319750', '松花江'],
      ['canal', 'way/855245509', '何家沟']
    ]);
  });

  it("cuts the riverbank at the box's east edge and keeps its island as a hole", () => {
    const bank = run().find((f) => f.properties.osm === 'relation/2244973')!.geometry as Polygon;
    expect(bank.type).toBe('Polygon');
    const [outer, island] = bank.coordinates;
    expect(bank.coordinates).toHaveLength(2);
    const xs = outer.map((p) => p[0]);
    const ys = outer.map((p) => p[1]);
    expect([Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)]).toEqual([
      126.6, 45.776, 126.62, 45.782
    ]);
    expect(new Set(island.map((p) => `${p[0]},${p[1]}`))).toEqual(
      new Set(['126.608,45.778', '126.612,45.778', '126.612,45.78', '126.608,45.78'])
    );
  });

  it("cuts the river's line at the box and keeps its vertices, or only its ends once simplified", () => {
    const river = (o?: Partial<WaterOptions>) =>
      run(o).find((f) => f.properties.kind === 'river')!.geometry as LineString;
    expect(river().coordinates).toEqual([
      [126.595, 45.779],
      [126.605, 45.779],
      [126.62, 45.779]
    ]);
    // The middle vertex lies on the straight line: Douglas–Peucker drops it.
    expect(river({ tolerance: 5e-5 }).coordinates).toEqual([
      [126.595, 45.779],
      [126.62, 45.779]
    ]);
  });

  it('drops areas under the minimum: the 15 m pond is back with the minimum at 100 m²', () => {
    expect(run().some((f) => f.properties.osm === 'way/967730539')).toBe(false);
    const pond = run({ minAreaM2: 100 }).find((f) => f.properties.osm === 'way/967730539');
    expect(pond?.properties).toEqual({ kind: 'water', name: '池塘', osm: 'way/967730539' });
  });

  it('leaves out culverts, streams, wetlands, buildings and what lies outside the box', () => {
    const ids = run({ minAreaM2: 0 }).map((f) => f.properties.osm);
    for (const id of ['way/674141212', 'way/341145700', 'way/30000104', 'way/500000001', 'way/35203281'])
      expect(ids).not.toContain(id);
    // The relation's untagged member ways are not features of their own.
    expect(ids).not.toContain('way/30000101');
  });

  it('refuses input without OSM elements, naming the file and the field', () => {
    const r = osmWater({}, 'empty.json', { bbox: BOX, tolerance: 0, minAreaM2: 0 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ file: 'empty.json', field: 'elements' });
  });
});

describe("the rider's copy of the water (rider/roads.json)", () => {
  const road: [number, number][] = [
    [126.6, 45.775],
    [126.61, 45.775]
  ];
  it('keeps areas with their holes and the river lines, to 1e-5°', () => {
    const water = waterOf({ type: 'FeatureCollection', features: run() });
    expect(water.areas.map((p) => p.length)).toEqual([2, 1]); // the riverbank and its island; the reservoir
    expect(water.lines).toHaveLength(2);
    const back = decodeWater(encodeRoads([road], 'osm', water))!;
    expect(back.areas.map((p) => p.length)).toEqual([2, 1]);
    const island = back.areas[0][1];
    expect(island).toHaveLength(5);
    for (const [i, [lon, lat]] of water.areas[0][1].entries()) {
      expect(Math.abs(island[i][0] - lon)).toBeLessThan(1e-5);
      expect(Math.abs(island[i][1] - lat)).toBeLessThan(1e-5);
    }
    expect(back.lines[0].at(-1)![0]).toBeCloseTo(126.62, 5);
  });
  it('has none where the district has no water layer', () => {
    const roads = encodeRoads([road], 'synthetic');
    expect('water' in roads).toBe(false);
    expect(decodeWater(roads)).toBeNull();
  });
});
