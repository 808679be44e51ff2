import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { distance } from '@turf/turf';
import type { Feature, Polygon, Position } from 'geojson';
import { fromWgs84, isCrs, toWgs84, toWgs84Geometry } from '../../src/lib/geo/crs';
import { detectCrsMislabel } from '../../src/lib/data/import/district';
import { daoliArea, shared } from '../fixtures/import/helpers';

const m = (a: Position, b: Position) => distance([a[0], a[1]], [b[0], b[1]], { units: 'meters' });
const HARBIN: [number, number] = [126.6, 45.75];

describe('crs conversion (gcoord)', () => {
  it('names the three systems', () => {
    expect(['wgs84', 'gcj02', 'bd09'].every(isCrs)).toBe(true);
    expect(isCrs('epsg4326')).toBe(false);
  });

  it('WGS-84 → GCJ-02 → WGS-84 round trip is within 0.01 m', () => {
    const back = toWgs84(fromWgs84(HARBIN, 'gcj02'), 'gcj02');
    expect(m(HARBIN, back)).toBeLessThan(0.01);
  });

  it('WGS-84 → BD-09 → WGS-84 round trip is within 0.5 m', () => {
    const back = toWgs84(fromWgs84(HARBIN, 'bd09'), 'bd09');
    expect(m(HARBIN, back)).toBeLessThan(0.5);
  });

  it('the GCJ-02 offset in Harbin is about 460 m east and 210 m north', () => {
    const g = fromWgs84(HARBIN, 'gcj02');
    const east = (g[0] - HARBIN[0]) * 111_320 * Math.cos((HARBIN[1] * Math.PI) / 180);
    const north = (g[1] - HARBIN[1]) * 110_574;
    expect(east).toBeGreaterThan(420);
    expect(east).toBeLessThan(500);
    expect(north).toBeGreaterThan(180);
    expect(north).toBeLessThan(240);
  });

  it('WGS-84 input is returned unchanged', () => {
    expect(toWgs84(HARBIN, 'wgs84')).toEqual(HARBIN);
  });
});

const gcjFile = shared('vonng-adcode/districts_gcj02.geojson');
const wgsFile = shared('vonng-adcode/districts_wgs84.geojson');
const both = gcjFile.exists && wgsFile.exists;

function daoliRing(path: string): Position[] {
  const fc = JSON.parse(readFileSync(path, 'utf8')) as { features: Feature<Polygon>[] };
  const f = fc.features.find((x) => String(x.properties?.adcode) === '230102');
  if (!f) throw new Error(`230102 not in ${path}`);
  return f.geometry.coordinates[0];
}

describe('Daoli outline: GCJ-02 vs WGS-84 (Vonng/adcode, shared data)', () => {
  it.skipIf(!both)('the published GCJ-02 outline and its WGS-84 conversion differ by ≈ 400–600 m', () => {
    const g = daoliRing(gcjFile.path);
    const w = daoliRing(wgsFile.path);
    expect(g.length).toBe(w.length);
    const d = g.map((p, i) => m(p, w[i]));
    const mean = d.reduce((s, x) => s + x, 0) / d.length;
    expect(mean).toBeGreaterThan(400);
    expect(mean).toBeLessThan(600);
    expect(Math.min(...d)).toBeGreaterThan(300);
  });

  it.skipIf(!both)('gcoord converts the GCJ-02 outline onto the published WGS-84 one (within 2 m)', () => {
    const g = daoliRing(gcjFile.path);
    const w = daoliRing(wgsFile.path);
    const conv = toWgs84Geometry({ type: 'Polygon', coordinates: [g] }, 'gcj02').coordinates[0];
    expect(Math.max(...conv.map((p, i) => m(p, w[i])))).toBeLessThan(2);
  });

  it.skipIf(!both)('the GCJ-02 outline labelled WGS-84 is detected as GCJ-02 with an offset of ≈ 500 m', () => {
    const s = detectCrsMislabel(daoliArea(), daoliRing(gcjFile.path), 'wgs84');
    expect(s).not.toBeNull();
    expect(s!.likely.crs).toBe('gcj02');
    expect(s!.offsetM).toBeGreaterThan(400);
    expect(s!.offsetM).toBeLessThan(650);
  });

  it.skipIf(!both)('the WGS-84 outline labelled WGS-84 is not flagged; labelled GCJ-02 it is flagged as WGS-84', () => {
    const w = daoliRing(wgsFile.path);
    expect(detectCrsMislabel(daoliArea(), w, 'wgs84')).toBeNull();
    expect(detectCrsMislabel(daoliArea(), w, 'gcj02')?.likely.crs).toBe('wgs84');
  });

  it.skipIf(!both)('BD-09 coordinates labelled WGS-84 are detected as BD-09 (≈ 1.3 km)', () => {
    const bd = daoliRing(wgsFile.path).map((p) => fromWgs84(p, 'bd09'));
    const s = detectCrsMislabel(daoliArea(), bd, 'wgs84');
    expect(s?.likely.crs).toBe('bd09');
    expect(s!.offsetM).toBeGreaterThan(1000);
    expect(s!.offsetM).toBeLessThan(1600);
  });
});
