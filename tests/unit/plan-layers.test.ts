/**
 * The planner's style document: valid for maplibre, locked grids hatched with a generated
 * fill-pattern (stripes that tile seamlessly), not only outlined.
 */
import { describe, expect, it } from 'vitest';
import { validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import type { FeatureCollection } from 'geojson';
import { LOCKED_COLOR, LOCKED_PATTERN, PLAN_LAYER, hatchImage, labelText, planStyle } from '$lib/map/plan-layers';
import { communityData } from '$lib/plan/community-plan';
import { DIFF_COLOR, DIFF_LAYER, diffLayers } from '$lib/map/plan-diff-layers';
import { readDistrictLayers } from '../../scripts/lib/district-layers';

describe('plan layers', () => {
  it('a valid style whose locked-grid fill is the hatch pattern', () => {
    const layers = readDistrictLayers('230102');
    const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };
    const style = planStyle(communityData(layers, '230102001001')!, empty, empty);
    expect(validateStyleMin(style)).toEqual([]);
    const fill = style.layers.find((l) => l.id === PLAN_LAYER.lockedFill)!;
    expect(fill).toMatchObject({
      type: 'fill',
      filter: ['==', ['get', 'locked'], true],
      paint: { 'fill-pattern': LOCKED_PATTERN }
    });
  });

  it('grid labels carry the households unit and number locale they are given (户 and zh-CN by default, " hh" in English)', () => {
    const layers = readDistrictLayers('230102');
    const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };
    const label = (unit?: string) =>
      planStyle(communityData(layers, '230102001001')!, empty, empty, unit).layers.find(
        (l) => l.id === PLAN_LAYER.labels
      )!;
    expect(label()).toMatchObject({ layout: { 'text-field': labelText('户', 'zh-CN') } });
    const badge = ['match', ['coalesce', ['get', 'mark'], ''], 'over', '▲ ', 'under', '▼ ', 'split', '⚠ ', ''];
    expect(label(' hh')).toMatchObject({
      layout: {
        'text-field': [
          'concat',
          badge,
          ['get', 'seq'],
          '\n',
          ['number-format', ['get', 'households'], { locale: 'zh-CN' }],
          ' hh'
        ]
      }
    });
    expect(validateStyleMin(planStyle(communityData(layers, '230102001001')!, empty, empty, ' hh', 'en-US'))).toEqual(
      []
    );
  });

  it('hatch image: 45° stripes in the locked colour that wrap at the tile edges', () => {
    const img = hatchImage(12, 3);
    expect([img.width, img.height, img.data.length]).toEqual([12, 12, 12 * 12 * 4]);
    const px = (x: number, y: number) => [...img.data.slice((y * 12 + x) * 4, (y * 12 + x) * 4 + 4)];
    const rgb = [1, 3, 5].map((k) => parseInt(LOCKED_COLOR.slice(k, k + 2), 16));
    expect(px(0, 0)).toEqual([...rgb, 150]);
    expect(px(6, 0)).toEqual([0, 0, 0, 0]);
    // Inked where x + y wraps: a stripe leaving the right edge comes back on the left.
    for (let y = 0; y < 12; y++)
      for (let x = 0; x < 12; x++) {
        expect(px(x, y)[3] > 0).toBe((x + y) % 12 < 3);
        expect(px(x, y)[3]).toBe(px((x + 1) % 12, (y + 11) % 12)[3]);
      }
    const inked = img.data.filter((_, k) => k % 4 === 3 && img.data[k] > 0).length;
    expect(inked).toBe(3 * 12);
  });
});

describe('plan diff layers', () => {
  it('tint and outline only buildings whose feature-state says changed, between the buildings and the selection', () => {
    const layers = readDistrictLayers('230102');
    const empty: FeatureCollection = { type: 'FeatureCollection', features: [] };
    const ids = planStyle(communityData(layers, '230102001001')!, empty, empty).layers.map((l) => l.id);
    expect(ids.indexOf(DIFF_LAYER.fill)).toBeGreaterThan(ids.indexOf(PLAN_LAYER.buildings));
    expect(ids.indexOf(DIFF_LAYER.line)).toBeLessThan(ids.indexOf(PLAN_LAYER.selected));
    const [fill, line] = diffLayers('src');
    expect(fill).toMatchObject({
      id: DIFF_LAYER.fill,
      type: 'fill',
      source: 'src',
      paint: {
        'fill-color': DIFF_COLOR,
        'fill-opacity': ['case', ['boolean', ['feature-state', 'changed'], false], 0.45, 0]
      }
    });
    expect(line).toMatchObject({
      id: DIFF_LAYER.line,
      type: 'line',
      paint: { 'line-width': ['case', ['boolean', ['feature-state', 'changed'], false], 3, 0] }
    });
  });
});
