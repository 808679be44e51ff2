/**
 * The engine's progress callback: fractions never go back and end at 1, every phase is heard,
 * and the result is the same with and without a listener (it must not touch the random stream).
 * On a seeded synthetic community and on a real one of the built dataset with a locked grid
 * (Daoli 省报社社区, 230102001001).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { prepare, type EngineItem } from '$lib/geo/partition/problem';
import { runEngine, type Phase } from '$lib/geo/partition/engine';
import { partitionGeoJSON, type PartitionRequest } from '$lib/geo/partition/geojson';
import { mulberry32 } from '$lib/geo/random';
import { BARRIER_CLASSES, communityData, type DistrictLayers } from '$lib/state/plan-core';

function items(seed: number, n: number): EngineItem[] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `b${String(i).padStart(3, '0')}`,
    households: 30 + Math.floor(rng() * 60),
    x: rng() * 600,
    y: rng() * 400,
    group: null
  }));
}

function recorder() {
  const calls: { phase: Phase; fraction: number }[] = [];
  return { calls, cb: (phase: Phase, fraction: number) => calls.push({ phase, fraction }) };
}

function expectMonotoneToOne(calls: { phase: Phase; fraction: number }[]) {
  expect(calls.length).toBeGreaterThan(3);
  for (let k = 1; k < calls.length; k++) expect(calls[k].fraction).toBeGreaterThanOrEqual(calls[k - 1].fraction);
  expect(calls[0].fraction).toBeGreaterThanOrEqual(0);
  expect(calls.at(-1)!.fraction).toBe(1);
  expect(new Set(calls.map((c) => c.phase))).toEqual(new Set(['growing', 'local-search', 'recombination']));
}

describe('engine progress', () => {
  it('runEngine: non-decreasing fractions ending at 1, same plan with and without the callback', () => {
    const p = prepare({ items: items(3, 70), boundary: undefined });
    const plain = runEngine(p, { seed: 5 });
    const { calls, cb } = recorder();
    const heard = runEngine(p, { seed: 5, onProgress: cb });
    expectMonotoneToOne(calls);
    expect([...heard.assign]).toEqual([...plain.assign]);
  });

  it('partitionGeoJSON with a locked grid on a real community: same output, progress to 1', () => {
    const read = (n: string) => JSON.parse(readFileSync(`static/data/230102/map/${n}.geojson`, 'utf8')) as FeatureCollection;
    const layers: DistrictLayers = { streets: read('streets'), communities: read('communities'), compounds: read('compounds'), roads: read('roads'), buildings: read('buildings') };
    const CODE = '230102001001';
    const data = communityData(layers, CODE)!;
    const req = (grid: (id: string) => string | undefined, locked: string[]): PartitionRequest => ({
      buildings: { type: 'FeatureCollection', features: data.buildings.map((b) => ({ ...b, properties: { ...b.properties, grid: grid(b.properties.id) } })) },
      communities: { type: 'FeatureCollection', features: [data.boundary as Feature<Polygon | MultiPolygon>] },
      barriers: data.roads,
      barrierClasses: BARRIER_CLASSES,
      community: CODE,
      min: 300,
      max: 500,
      locked
    });
    const first = partitionGeoJSON(req(() => undefined, []));
    if (!first.ok) throw new Error(JSON.stringify(first.errors));
    const prev = new Map(first.value.buildings.map((b) => [b.id, b.grid]));
    const lock = [first.value.grids.features[0].properties.code];
    const plain = partitionGeoJSON(req((id) => prev.get(id), lock), () => 0);
    const { calls, cb } = recorder();
    const heard = partitionGeoJSON(req((id) => prev.get(id), lock), () => 0, cb);
    expectMonotoneToOne(calls);
    expect(JSON.stringify(heard)).toBe(JSON.stringify(plain));
  });
});
