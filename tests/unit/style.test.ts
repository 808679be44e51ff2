import { describe, expect, it } from 'vitest';
import { createExpression, latest, validateStyleMin } from '@maplibre/maplibre-gl-style-spec';
import { buildStyle, gridColorExpression, isValidTileTemplate, type MapTheme } from '../../src/lib/map/style';
import { COLORS, GRID_PALETTE, LAYER } from '../../src/lib/map/legend';
import { MAP_LAYERS } from '../../src/lib/data/schema';

const layerUrl = (l: string) => `http://127.0.0.1/data/230102/map/${l}.geojson`;

describe('buildStyle', () => {
  for (const theme of ['plan', 'heatmap', 'compare', 'rider'] as MapTheme[]) {
    it(`${theme}: a valid style document that needs no network`, () => {
      const style = buildStyle({ theme, layerUrl });
      expect(validateStyleMin(style)).toEqual([]);
      // Offline: no glyph server, no sprite, every source is one of our own data files.
      expect(style.glyphs).toBeUndefined();
      expect(style.sprite).toBeUndefined();
      for (const src of Object.values(style.sources)) {
        expect(src.type).toBe('geojson');
        const name = String((src as { data: string }).data).match(/^gridatlas-data:\/\/.*map\/(\w+)\.geojson$/)?.[1];
        expect(MAP_LAYERS).toContain(name);
      }
      expect(style.layers.map((l) => l.id)).toContain(LAYER.outline);
    });
  }

  it('draws the district outline above the fills, so it is never hidden', () => {
    const ids = buildStyle({ theme: 'plan', layerUrl }).layers.map((l) => l.id);
    expect(ids.indexOf(LAYER.outline)).toBeGreaterThan(ids.indexOf(LAYER.buildings));
    expect(ids.indexOf(LAYER.outline)).toBeGreaterThan(ids.indexOf(LAYER.communityFill));
  });

  it('adds external raster tiles only when the user set a URL, under the data layers', () => {
    expect(buildStyle({ theme: 'plan', layerUrl }).sources.external).toBeUndefined();
    const tiles = 'https://tiles.example.org/{z}/{x}/{y}.png';
    const style = buildStyle({ theme: 'plan', layerUrl, externalTiles: tiles });
    expect(validateStyleMin(style)).toEqual([]);
    expect(style.sources.external).toMatchObject({ type: 'raster', tiles: [tiles] });
    const ids = style.layers.map((l) => l.id);
    expect(ids.indexOf(LAYER.external)).toBeLessThan(ids.indexOf(LAYER.outlineFill));
  });

  it('draws water only for a district that has the layer: over the land, under everything else, rivers named along the line', () => {
    for (const theme of ['plan', 'heatmap', 'compare', 'rider'] as MapTheme[]) {
      const none = buildStyle({ theme, layerUrl });
      expect(none.sources.water).toBeUndefined();
      expect(none.layers.some((l) => 'source' in l && l.source === 'water')).toBe(false);
      const style = buildStyle({ theme, layerUrl, optionalLayers: ['water'] });
      expect(validateStyleMin(style)).toEqual([]);
      expect(String((style.sources.water as { data: string }).data)).toBe(
        `gridatlas-data://layer/${layerUrl('water')}`
      );
      const ids = style.layers.map((l) => l.id);
      expect(ids.indexOf(LAYER.waterFill)).toBe(ids.indexOf(LAYER.outlineFill) + 1);
      expect(ids.indexOf(LAYER.waterLines)).toBe(ids.indexOf(LAYER.waterFill) + 1);
      for (const above of [LAYER.communityFill, LAYER.compounds, LAYER.roads, LAYER.buildings])
        expect(ids.indexOf(above)).toBeGreaterThan(ids.indexOf(LAYER.waterLines));
      const label = style.layers.find((l) => l.id === LAYER.waterLabels);
      expect(label?.type).toBe('symbol');
      expect((label as { layout: Record<string, unknown> }).layout['symbol-placement']).toBe('line');
    }
  });

  it('planners see grids; other jobs do not', () => {
    const vis = (theme: MapTheme) =>
      buildStyle({ theme, layerUrl }).layers.find((l) => l.id === LAYER.grids)?.layout?.visibility;
    expect(vis('plan')).toBe('visible');
    expect(vis('heatmap')).toBe('none');
  });
});

describe('gridColorExpression', () => {
  const expr = createExpression(gridColorExpression(), 'fill-color', latest.paint_fill['fill-color'] as never);
  const colour = (grid: string | null) => {
    if (expr.result !== 'success') throw new Error(JSON.stringify(expr.value));
    const c = expr.value.evaluate({ zoom: 14 }, { type: 'Polygon', properties: { grid } } as never) as {
      toString(): string;
    };
    return c.toString();
  };
  it('colours buildings by the grid sequence, neighbours differ, missing grid is neutral', () => {
    expect(expr.result).toBe('success');
    const a = colour('230102001001001');
    const b = colour('230102001001002');
    expect(a).not.toBe(b);
    expect(colour('230102001001009')).toBe(a); // the palette cycles every 8 grids
    expect(GRID_PALETTE.length).toBe(8);
    const v = parseInt(COLORS.building.slice(1), 16);
    expect(colour(null)).toBe(`rgba(${v >> 16},${(v >> 8) & 255},${v & 255},1)`);
    expect(colour('230102001001000')).not.toBe(colour(null));
  });
});

describe('isValidTileTemplate', () => {
  it.each([
    ['https://t0.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&l={z}', true],
    ['https://tile.openstreetmap.org/{z}/{x}/{y}.png', true],
    ['tile.openstreetmap.org/{z}/{x}/{y}.png', false],
    ['https://example.org/tiles/{z}/{x}.png', false],
    ['javascript:alert(1)//{z}{x}{y}', false]
  ])('%s → %s', (url, ok) => expect(isValidTileTemplate(url)).toBe(ok));
});
