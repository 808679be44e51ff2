/**
 * indexRings (outline-rings.ts), what /heatmap's grid borders are drawn from. The fixture is 16
 * grids of Daoli's first community as `npm run data` builds them (synthetic grids over
 * OpenStreetMap buildings, © OpenStreetMap contributors, ODbL).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { indexRings } from '../../src/lib/map/outline-rings';

const square = (x: number, y: number): Feature<Polygon> => ({
  type: 'Feature',
  properties: {},
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [x, y],
        [x + 1, y],
        [x + 1, y + 1],
        [x, y + 1],
        [x, y]
      ]
    ]
  }
});

describe('indexRings', () => {
  it('shares the vertices of neighbouring polygons and closes each ring', () => {
    const r = indexRings([square(0, 0), square(1, 0)]);
    // 2 squares sharing one edge: 6 distinct corners, each ring 5 indices + the end marker.
    expect(r.coords.length / 2).toBe(6);
    expect([...r.path]).toEqual([0, 1, 2, 3, 0, -1, 1, 4, 5, 2, 1, -1]);
    expect([...r.coords.slice(2, 4)]).toEqual([1, 0]);
  });

  it('takes holes and every part of a MultiPolygon; skips features without geometry', () => {
    const multi: Feature<MultiPolygon> = {
      type: 'Feature',
      properties: {},
      geometry: {
        type: 'MultiPolygon',
        coordinates: [
          [
            [
              [0, 0],
              [4, 0],
              [4, 4],
              [0, 0]
            ],
            [
              [1, 1],
              [2, 1],
              [2, 2],
              [1, 1]
            ]
          ],
          [
            [
              [10, 10],
              [11, 10],
              [11, 11],
              [10, 10]
            ]
          ]
        ]
      }
    };
    const r = indexRings([multi, { type: 'Feature', properties: {}, geometry: null }]);
    expect([...r.path].filter((i) => i === -1)).toHaveLength(3);
    expect(r.coords.length / 2).toBe(9);
  });

  it("indexes a district's grids: every vertex reference kept, shared borders projected once", () => {
    const grids = JSON.parse(readFileSync('tests/fixtures/daoli-grids-sample.geojson', 'utf8')) as FeatureCollection<
      Polygon | MultiPolygon
    >;
    const r = indexRings(grids.features);
    const refs = grids.features.reduce(
      (n, f) =>
        n +
        (f.geometry.type === 'Polygon' ? f.geometry.coordinates : f.geometry.coordinates.flat()).reduce(
          (m, ring) => m + ring.length + 1,
          0
        ),
      0
    );
    expect(r.path.length).toBe(refs);
    // Neighbouring grids share borders: fewer distinct vertices than references.
    expect(r.coords.length / 2).toBeLessThan(refs - grids.features.length);
    for (const i of r.path) expect(i).toBeLessThan(r.coords.length / 2);
  });
});
