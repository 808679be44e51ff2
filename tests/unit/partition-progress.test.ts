/**
 * The engine's progress callback: fractions never go back and end at 1, every phase is heard,
 * and the result is the same with and without a listener (it must not touch the random stream).
 * On a seeded synthetic community, and through partitionGeoJSON on the river-split fixture (a
 * community cut in two by a river);
 * with locked grids: tests/unit/partition-locked.test.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection } from 'geojson';
import { prepare, type EngineItem } from '$lib/geo/partition/problem';
import { runEngine, type Phase } from '$lib/geo/partition/engine';
import { partitionGeoJSON } from '$lib/geo/partition/geojson';
import { mulberry32 } from '$lib/geo/random';

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

  it('partitionGeoJSON on the river-split fixture: same output, progress to 1', () => {
    const fx = JSON.parse(
      readFileSync('tests/fixtures/partition-engine/in/river-split.geojson', 'utf8')
    ) as FeatureCollection & { options: object };
    const layer = (r: string): FeatureCollection => ({
      type: 'FeatureCollection',
      features: fx.features.filter((f: Feature) => ((f.properties?.role as string | undefined) ?? 'building') === r)
    });
    const req = {
      buildings: layer('building'),
      communities: layer('community'),
      barriers: layer('barrier'),
      ...fx.options
    };
    const plain = partitionGeoJSON(req, () => 0);
    const { calls, cb } = recorder();
    const heard = partitionGeoJSON(req, () => 0, cb);
    expectMonotoneToOne(calls);
    expect(JSON.stringify(heard)).toBe(JSON.stringify(plain));
  });
});
