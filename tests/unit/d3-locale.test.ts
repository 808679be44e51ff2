/** d3 axes and tooltips in the UI language: Chinese months and years, English ones. */
import { scaleUtc } from 'd3';
import { describe, expect, it } from 'vitest';
import { monthName, timeLocale, utcTickFormat } from '../../src/lib/i18n/d3-locale';

const utc = (s: string) => new Date(`${s}T00:00:00Z`);

describe('d3 locales', () => {
  it('time axis ticks: zh gives 4月 / 2025年, en gives April / 2025', () => {
    const zh = utcTickFormat('zh');
    const en = utcTickFormat('en');
    expect(zh(utc('2025-04-01'))).toBe('4月');
    expect(zh(utc('2025-01-01'))).toBe('2025年');
    expect(zh(utc('2025-04-15'))).toBe('15日');
    expect(en(utc('2025-04-01'))).toBe('April');
    expect(en(utc('2025-01-01'))).toBe('2025');
    expect(en(utc('2025-04-13'))).toBe('Apr 13'); // a Sunday: week tick
  });

  it('the timeline domain (two years) gets no English month in Chinese', () => {
    const x = scaleUtc().domain([utc('2024-01-01'), utc('2026-01-01')]);
    const labels = x.ticks(8).map(utcTickFormat('zh'));
    expect(labels).toContain('2025年');
    expect(labels).toContain('4月');
    for (const l of labels) expect(l).toMatch(/^(\d{4}年|\d{1,2}月)$/);
  });

  it('month names and dates', () => {
    expect(monthName('2025-04', 'zh')).toBe('2025年4月');
    expect(monthName('2025-04', 'en')).toBe('Apr 2025');
    expect(timeLocale('zh').utcFormat('%x')(utc('2025-04-03'))).toBe('2025年4月3日');
    expect(timeLocale('en').utcFormat('%B %Y')(utc('2025-04-03'))).toBe('April 2025');
  });
});
