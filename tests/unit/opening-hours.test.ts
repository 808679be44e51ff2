import { describe, expect, it } from 'vitest';
import { chinaMinuteOfDay, isOpen24h, isOpenAt } from '../../src/lib/geo/opening-hours';

const at = (hhmm: string) => new Date(`2026-01-05T${hhmm}:00+08:00`);

describe('opening hours (China time)', () => {
  it('reads the instant in UTC+8 whatever the machine’s zone', () => {
    expect(chinaMinuteOfDay(new Date('2026-01-05T00:30:00Z'))).toBe(8 * 60 + 30);
    expect(chinaMinuteOfDay(new Date('2026-01-05T20:00:00Z'))).toBe(4 * 60);
  });
  it('day hours: open from opens (inclusive) to closes (exclusive)', () => {
    expect(isOpenAt('08:30', '17:30', at('08:29'))).toBe(false);
    expect(isOpenAt('08:30', '17:30', at('08:30'))).toBe(true);
    expect(isOpenAt('08:30', '17:30', at('17:29'))).toBe(true);
    expect(isOpenAt('08:30', '17:30', at('17:30'))).toBe(false);
  });
  it('equal times mean 24 hours; closes before opens runs past midnight', () => {
    expect(isOpen24h('00:00', '00:00')).toBe(true);
    expect(isOpenAt('00:00', '00:00', at('03:00'))).toBe(true);
    expect(isOpenAt('22:00', '06:00', at('23:00'))).toBe(true);
    expect(isOpenAt('22:00', '06:00', at('05:59'))).toBe(true);
    expect(isOpenAt('22:00', '06:00', at('12:00'))).toBe(false);
  });
  it('rejects malformed times', () => {
    expect(() => isOpenAt('8h', '17:00', at('09:00'))).toThrow(/HH:MM/);
  });
});
