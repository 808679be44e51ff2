import { describe, expect, it } from 'vitest';
import { tileOrigin, tileOriginAllowed } from '../../src/lib/map/tile-policy';
import { directives, serialize, tileOrigins } from '../../scripts/csp.js';

const OSM = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const TDT = 'https://t3.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk=KEY';

describe('tile origins in the site policy', () => {
  it('GRIDATLAS_TILE_ORIGIN: one or more origins, normalised; anything else is refused by name', () => {
    expect(tileOrigins(undefined)).toEqual([]);
    expect(tileOrigins(' https://Tile.OpenStreetMap.org/ https://*.tianditu.gov.cn,http://127.0.0.1:8080 ')).toEqual([
      'https://tile.openstreetmap.org',
      'https://*.tianditu.gov.cn',
      'http://127.0.0.1:8080'
    ]);
    for (const bad of [
      'tile.openstreetmap.org',
      'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      "https://a.org 'unsafe-inline'",
      'ftp://a.org',
      'https://a.org;script-src *'
    ]) {
      expect(() => tileOrigins(bad), bad).toThrow(/^GRIDATLAS_TILE_ORIGIN: ".+" is not an origin/);
    }
  });

  it('only connect-src and img-src gain the tile origins', () => {
    const base = directives([]);
    const withTiles = directives(['https://*.tianditu.gov.cn']);
    expect(withTiles['connect-src']).toEqual([...base['connect-src'], 'https://*.tianditu.gov.cn']);
    expect(withTiles['img-src']).toEqual([...base['img-src'], 'https://*.tianditu.gov.cn']);
    for (const k of Object.keys(base).filter((k) => k !== 'connect-src' && k !== 'img-src'))
      expect(withTiles[k], k).toEqual(base[k]);
    expect(serialize(withTiles)).toContain("connect-src 'self' data: https://*.tianditu.gov.cn;");
    expect(serialize(base)).toContain("script-src 'self' 'wasm-unsafe-eval';");
  });

  it('a tile template is allowed only by its own scheme and host (a wildcard covers subdomains)', () => {
    expect(tileOriginAllowed(OSM, [])).toBe(false);
    expect(tileOriginAllowed(OSM, ['https://tile.openstreetmap.org'])).toBe(true);
    expect(tileOriginAllowed(OSM, ['http://tile.openstreetmap.org'])).toBe(false);
    expect(tileOriginAllowed(OSM, ['https://openstreetmap.org'])).toBe(false);
    expect(tileOriginAllowed(OSM, ['https://tile.openstreetmap.org:8443'])).toBe(false);
    expect(tileOriginAllowed(TDT, ['https://*.tianditu.gov.cn'])).toBe(true);
    expect(tileOriginAllowed('https://tianditu.gov.cn/{z}/{x}/{y}', ['https://*.tianditu.gov.cn'])).toBe(false);
    expect(tileOriginAllowed('https://eviltianditu.gov.cn.example/{z}/{x}/{y}', ['https://*.tianditu.gov.cn'])).toBe(
      false
    );
    expect(tileOriginAllowed('http://127.0.0.1:8080/{z}/{x}/{y}.png', ['http://127.0.0.1:8080'])).toBe(true);
    expect(tileOrigin(TDT)).toBe('https://t3.tianditu.gov.cn');
  });
});
