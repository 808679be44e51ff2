import { describe, expect, it } from 'vitest';
import { matchPlaces } from '../../src/lib/geo/rider-places';
import type { RiderPlace, RiderStation } from '../../src/lib/geo/nearest-data';

const places: RiderPlace[] = [
  { name: '索菲亚社区', kind: 'community', lon: 126.56, lat: 45.73 },
  { name: '兆麟社区', kind: 'community', lon: 126.565, lat: 45.729 },
  { name: '尚志街道', kind: 'street', lon: 126.55, lat: 45.73 },
  { name: '兆麟街道', kind: 'street', lon: 126.566, lat: 45.73 },
  { name: '地德里社区', kind: 'community', lon: 126.59, lat: 45.737 },
  { name: '地德里北段社区', kind: 'community', lon: 126.584, lat: 45.733 }
];
const station = (id: string, name: string, address: string): RiderStation => ({
  id,
  kind: 'warm_heart',
  name,
  address,
  services: [],
  opens: '00:00',
  closes: '00:00',
  lon: 126.5,
  lat: 45.7
});
const stations = [station('s1', '兆麟暖心驿站', '尚志大街12号'), station('s2', '红帆驿站', '索菲亚广场3号')];

describe('matchPlaces', () => {
  it('finds a community by its full name, with its centre', () => {
    expect(matchPlaces(places, stations, '索菲亚社区')[0]).toEqual({
      name: '索菲亚社区',
      kind: 'community',
      lon: 126.56,
      lat: 45.73
    });
  });
  it('accepts a name without 社区/街道 and ranks communities before streets before stations', () => {
    expect(matchPlaces(places, stations, '兆麟').map((m) => `${m.kind}:${m.name}`)).toEqual([
      'community:兆麟社区',
      'street:兆麟街道',
      'station:兆麟暖心驿站'
    ]);
  });
  it('an exact name beats a longer name that contains it', () => {
    expect(matchPlaces(places, stations, '地德里社区').map((m) => m.name)).toEqual(['地德里社区', '地德里北段社区']);
    expect(matchPlaces(places, stations, '地德里').map((m) => m.name)).toEqual(['地德里社区', '地德里北段社区']);
  });
  it('finds a street typed with its district, and stations by address', () => {
    expect(matchPlaces(places, stations, '道里区尚志街道')[0].name).toBe('尚志街道');
    const byAddress = matchPlaces(places, stations, '索菲亚广场');
    expect(byAddress[0]).toEqual({ name: '红帆驿站', kind: 'station', lon: 126.5, lat: 45.7, detail: '索菲亚广场3号' });
    // Text that contains a community's name still finds it, after the closer match.
    expect(byAddress[1].name).toBe('索菲亚社区');
  });
  it('ignores spaces, answers nothing for blank or unknown text, and honours the limit', () => {
    expect(matchPlaces(places, stations, ' 索菲亚 ')[0].name).toBe('索菲亚社区');
    expect(matchPlaces(places, stations, '  ')).toEqual([]);
    expect(matchPlaces(places, stations, '不存在的地方')).toEqual([]);
    expect(matchPlaces(places, stations, '地德里', 1)).toHaveLength(1);
  });
});
