/**
 * The engine's input errors carry a message key and parameters: the planner renders them in the
 * UI's language (no more "划分失败：<English>"), the CLI keeps the English text exactly.
 */
import { describe, expect, it } from 'vitest';
import type { Feature, FeatureCollection } from 'geojson';
import { partitionGeoJSON } from '$lib/geo/partition/geojson';
import type { InputError } from '$lib/geo/partition/input';
import { engineError, renderEngineErrors } from '$lib/geo/partition/errors';
import { renderMsg } from '$lib/i18n/msg';
import { en, zh, type MessageKey } from '$lib/i18n/messages';

const zhT = (k: MessageKey) => zh[k];
const square = (x: number): Feature => ({
  type: 'Feature',
  properties: {},
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [x, 45],
        [x + 0.0001, 45],
        [x + 0.0001, 45.0001],
        [x, 45.0001],
        [x, 45]
      ]
    ]
  }
});
const building = (id: string, x: number, households: unknown = 40): Feature => ({
  ...square(x),
  properties: { id, households }
});
const fc = (features: Feature[]): FeatureCollection => ({ type: 'FeatureCollection', features });

function errors(r: ReturnType<typeof partitionGeoJSON>): InputError[] {
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.errors;
}

describe('engine errors as messages', () => {
  it('duplicate id and bad households: keys with parameters, the same English text as before, Chinese for the planner', () => {
    const es = errors(
      partitionGeoJSON({ buildings: fc([building('a', 126.6), building('b', 126.601, -3), building('a', 126.602)]) })
    );
    expect(es.map((e) => [e.feature, e.field, e.msg?.key])).toEqual([
      [1, 'households', 'partition.err.households'],
      [2, 'id', 'partition.err.duplicateId']
    ]);
    expect(es.map((e) => e.message)).toEqual([
      'households must be a number ≥ 0, got -3',
      'duplicate id a (first used by feature 0)'
    ]);
    expect(es.map((e) => renderMsg(e.msg!))).toEqual(es.map((e) => e.message));
    expect(renderEngineErrors(es, zhT)).toBe('households 须为不小于 0 的数，实为 -3; 编号 a 重复（第 0 个要素已使用）');
  });

  it('a geometry error nested in a ring is translated all the way down', () => {
    const bad = building('x', 126.6);
    (bad.geometry as { coordinates: number[][][] }).coordinates[0][2] = [300, 45];
    const [e] = errors(partitionGeoJSON({ buildings: fc([bad]) }));
    expect(e.message).toBe('ring 0: coordinate [300, 45] is outside lon/lat range');
    expect(renderEngineErrors([e], zhT)).toBe('第 0 个环：坐标 [300, 45] 超出经纬度范围');
  });

  it('invalid bounds and a non-collection', () => {
    const [b] = errors(partitionGeoJSON({ buildings: fc([building('a', 126.6)]), min: 500, max: 300, target: 400 }));
    expect(b.message).toBe('bounds must satisfy 0 < min ≤ target ≤ max');
    expect(renderEngineErrors([b], zhT)).toBe('户数范围须满足 0 < 最少 ≤ 目标 ≤ 最多');
    const [c] = errors(partitionGeoJSON({ buildings: { type: 'Feature' } as unknown as FeatureCollection }));
    expect(renderEngineErrors([c], zhT)).toBe('不是 GeoJSON FeatureCollection');
  });

  it('what the engine throws keeps its detail; errors without a key show their message', () => {
    expect(renderEngineErrors([engineError('duplicate item id 7')], zhT)).toBe(
      '划分引擎内部错误（duplicate item id 7）'
    );
    expect(renderEngineErrors([engineError('duplicate item id 7')], (k) => en[k])).toBe('duplicate item id 7');
    expect(renderEngineErrors([{ message: 'plain' }], zhT)).toBe('plain');
  });

  it('every engine key is in both languages with the same parameters', () => {
    const keys = (Object.keys(zh) as MessageKey[]).filter((k) => k.startsWith('partition.err.'));
    expect(keys.length).toBeGreaterThan(20);
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of keys) expect(params(zh[k]), k).toEqual(params(en[k]));
  });
});
