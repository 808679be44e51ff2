import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { districtFor } from '../../src/lib/geo/rider-district';
import type { DatasetIndex } from '../../src/lib/data/schema';

// The embedded dataset's boxes, as the rider page reads them from index.json.
const index = JSON.parse(readFileSync('static/data/index.json', 'utf8')) as DatasetIndex;

describe('the district a located rider is shown', () => {
  it('is the one the location is in', () => {
    expect(districtFor(index.districts, 126.6, 45.75)).toEqual({ code: '230102', km: 0 });
    expect(districtFor(index.districts, 116.99, 35.58)).toEqual({ code: '370881', km: 0 });
    const binzhou = index.districts.find((d) => d.code === '371602')!.bbox;
    expect(districtFor(index.districts, (binzhou[0] + binzhou[2]) / 2, (binzhou[1] + binzhou[3]) / 2)).toEqual({
      code: '371602',
      km: 0
    });
  });
  it('else the nearest, with how far it is', () => {
    // Beijing: Bincheng (~330 km) is nearer than Qufu (~450 km) and Daoli (~1,000 km).
    const bj = districtFor(index.districts, 116.4, 39.9)!;
    expect(bj.code).toBe('371602');
    expect(bj.km).toBeGreaterThan(250);
    expect(bj.km).toBeLessThan(400);
    // Harbin's Nangang, just east of Daoli's box.
    const ng = districtFor(index.districts, 126.7, 45.75)!;
    expect(ng.code).toBe('230102');
    expect(ng.km).toBeGreaterThan(0);
    expect(ng.km).toBeLessThan(10);
  });
  it('no districts, no answer', () => {
    expect(districtFor([], 116.4, 39.9)).toBeNull();
  });
});
