import { describe, expect, it } from 'vitest';
import { area } from '@turf/turf';
import {
  DEFAULT_FLOORS,
  FLAT_GROSS_AREA_M2,
  MAX_HOUSEHOLDS_PER_BUILDING,
  classifyBuilding,
  estimateHouseholds,
  floorsFromTags,
  parseOsmNumber,
  unitsFor
} from '../../src/lib/geo/households';
import { rect } from '../fixtures/import/helpers';

// A 35 m × 30 m footprint in central Harbin: 1,050 m², × 6 assumed floors ÷ 90 m² = 70 flats.
const footprint = rect(126.59, 45.75, 35, 30);

describe('household estimation', () => {
  it('the known footprint measures 1,050 m² (turf.area, ±0.3 %)', () => {
    expect(Math.abs(area(footprint) - 1050) / 1050).toBeLessThan(0.003);
  });

  it('states its assumptions: 90 m² per flat, 6 floors for apartments', () => {
    expect(FLAT_GROSS_AREA_M2).toBe(90);
    expect(DEFAULT_FLOORS.apartments).toBe(6);
    expect(MAX_HOUSEHOLDS_PER_BUILDING).toBe(1500);
  });

  it('apartments without levels: area × 6 ÷ 90 = 70, estimated', () => {
    const e = estimateHouseholds({ tags: { building: 'apartments' }, footprint });
    expect(e).toMatchObject({
      households: 70,
      floors: 6,
      estimated: true,
      method: 'area-default-floors',
      residential: true
    });
    expect(e.areaM2).toBeCloseTo(1050, -1);
  });

  it('building:levels=10: 1,050 × 10 ÷ 90 = 116.7 → 117', () => {
    expect(estimateHouseholds({ tags: { building: 'apartments', 'building:levels': '10' }, footprint })).toMatchObject({
      households: 117,
      floors: 10,
      method: 'area-levels',
      estimated: true
    });
  });

  it('height=30 m: 10 floors of 3 m → 117', () => {
    expect(estimateHouseholds({ tags: { building: 'residential', height: '30 m' }, footprint })).toMatchObject({
      households: 117,
      floors: 10,
      method: 'area-height'
    });
  });

  it('building:flats is taken as counted, not estimated', () => {
    expect(estimateHouseholds({ tags: { building: 'apartments', 'building:flats': '12' }, footprint })).toMatchObject({
      households: 12,
      estimated: false,
      method: 'osm-flats'
    });
  });

  it('an explicit households value wins, even on a type that is otherwise excluded', () => {
    expect(estimateHouseholds({ tags: { building: 'commercial' }, footprint, households: 33 })).toMatchObject({
      households: 33,
      estimated: false,
      method: 'explicit',
      residential: true
    });
  });

  it('non-residential types get 0 households and residential=false', () => {
    for (const building of ['commercial', 'school', 'industrial', 'garage', 'retail', 'warehouse', 'church']) {
      expect(estimateHouseholds({ tags: { building }, footprint })).toMatchObject({
        households: 0,
        residential: false,
        method: 'non-residential'
      });
    }
  });

  it('building=yes is residential unless tags, name or size say otherwise', () => {
    expect(classifyBuilding({ building: 'yes' }, 1050)).toEqual({ residential: true });
    expect(classifyBuilding({ building: 'yes', amenity: 'school' }, 1050)).toMatchObject({
      residential: false,
      group: 'yes+tags'
    });
    expect(classifyBuilding({ building: 'yes', name: '远大购物广场' }, 1050)).toMatchObject({
      residential: false,
      group: 'yes+name'
    });
    expect(classifyBuilding({ building: 'yes', name: '群力家园3号楼' }, 1050)).toEqual({ residential: true });
    expect(classifyBuilding({ building: 'yes' }, 20)).toMatchObject({ residential: false, group: 'yes<40m²' });
    expect(classifyBuilding({ building: 'yes' }, 25_000)).toMatchObject({ residential: false, group: 'yes>10000m²' });
  });

  it('single-family houses count 1 household', () => {
    expect(estimateHouseholds({ tags: { building: 'house' }, footprint })).toMatchObject({
      households: 1,
      method: 'single-family'
    });
  });

  it('caps an estimate at 1,500 and says so', () => {
    const huge = rect(126.59, 45.75, 200, 150); // 30,000 m² × 6 ÷ 90 = 2,000
    const e = estimateHouseholds({ tags: { building: 'apartments' }, footprint: huge });
    expect(e.households).toBe(1500);
    expect(e.note).toMatch(/capped from 20\d\d at 1500/);
  });

  it('never estimates fewer than 1 household for a residential footprint', () => {
    expect(
      estimateHouseholds({ tags: { building: 'apartments' }, footprint: rect(126.59, 45.75, 3, 3) }).households
    ).toBe(1);
  });

  it('parses OSM numbers and ignores unusable levels', () => {
    expect(parseOsmNumber('5;7')).toBe(5);
    expect(parseOsmNumber('6,5')).toBe(6.5);
    expect(parseOsmNumber('tall')).toBeUndefined();
    expect(floorsFromTags({ 'building:levels': '0' })).toBeUndefined();
    expect(floorsFromTags({ 'building:levels': '5.6' })).toEqual({ floors: 6, from: 'levels' });
  });

  it('derives units from households assuming 2 flats per floor per unit', () => {
    expect(unitsFor(70, 6)).toEqual({ units: 6, perFloor: 2 });
    expect(unitsFor(1, 6)).toEqual({ units: 1, perFloor: 2 });
  });
});
