/**
 * src/lib/i18n/format.ts: names in both languages and messages with typed placeholders. The
 * `@ts-expect-error` lines are checked by `npm run check` (svelte-check covers tests/): a wrong or
 * missing parameter of a literal key is a type error.
 */
import { describe, expect, it } from 'vitest';
import { DISTRICTS } from '../../src/lib/data/districts';
import { INCIDENT_CATEGORIES, STATION_KINDS } from '../../src/lib/data/schema';
import {
  categoryName,
  districtName,
  districtWithCity,
  fill,
  formatMessage,
  kindName,
  listSeparator,
  messages
} from '../../src/lib/i18n/format';
import { en, zh, type MessageKey } from '../../src/lib/i18n/messages';
import { renderMsg } from '../../src/lib/i18n/msg';

const daoli = DISTRICTS.find((d) => d.code === '230102')!;

describe('names in two languages', () => {
  it('districts: own name and with the city, as the picker lists them', () => {
    expect(districtName(daoli, 'zh')).toBe('道里区');
    expect(districtName(daoli, 'en')).toBe('Daoli');
    // An index.json record has name and nameEn only.
    expect(districtName({ name: '曲阜市', nameEn: 'Qufu' }, 'en')).toBe('Qufu');
    expect(districtWithCity(daoli, 'zh')).toBe('哈尔滨市道里区');
    expect(districtWithCity(daoli, 'en')).toBe('Daoli, Harbin');
  });

  it('station kinds and incident categories: every one named in both languages', () => {
    expect(kindName('warm_heart', 'zh')).toBe('暖心驿站');
    expect(categoryName('dispute', 'zh')).toBe('矛盾纠纷');
    expect(categoryName('dispute', 'en')).toBe('Disputes');
    for (const k of STATION_KINDS) {
      expect(kindName(k, 'zh'), k).toMatch(/[\u4e00-\u9fff]/);
      expect(kindName(k, 'en'), k).toMatch(/^[A-Z][^\u4e00-\u9fff]*$/);
    }
    for (const c of INCIDENT_CATEGORIES) {
      expect(categoryName(c, 'zh'), c).toMatch(/[\u4e00-\u9fff]/);
      expect(categoryName(c, 'en'), c).toMatch(/^[A-Z][^\u4e00-\u9fff]*$/);
    }
  });

  it('list separator', () => {
    expect(['001', '002'].join(listSeparator('zh'))).toBe('001、002');
    expect(['001', '002'].join(listSeparator('en'))).toBe('001, 002');
  });
});

describe('messages with placeholders', () => {
  it('fills every placeholder in either language', () => {
    expect(formatMessage('zh', 'coverage.within', { m: 10 })).toBe(zh['coverage.within'].replace('{m}', '10'));
    expect(formatMessage('en', 'coverage.within', { m: 10 })).toBe(en['coverage.within'].replace('{m}', '10'));
    expect(formatMessage('en', 'console.rows', { n: '1,000', ms: 12 })).not.toMatch(/[{}]/);
    expect(messages('zh')).toBe(zh);
    expect(messages('en')).toBe(en);
  });

  it('a key computed at run time takes any parameters', () => {
    const key = `filter.category.${INCIDENT_CATEGORIES[0]}` as MessageKey;
    expect(formatMessage('en', key, {})).toBe('Disputes');
  });

  it('the type checker holds literal keys to their placeholders', () => {
    // @ts-expect-error — coverage.within has {m}, not {n}
    formatMessage('zh', 'coverage.within', { n: 1 });
    // @ts-expect-error — {m} missing
    formatMessage('zh', 'coverage.within', {});
    expect(true).toBe(true);
  });

  it('Chinese and English messages have the same placeholders', () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(zh) as MessageKey[]) expect(names(en[k]), k).toEqual(names(zh[k]));
  });

  it('fill leaves text without placeholders alone; renderMsg fills nested messages through it', () => {
    expect(fill('no braces here', () => 'x')).toBe('no braces here');
    expect(fill('{a}+{a}={b}', (n) => (n === 'a' ? '1' : '2'))).toBe('1+1=2');
    const inner = { key: 'filter.category.safety' as const };
    expect(renderMsg({ key: 'coverage.within', params: { m: 5 } })).toBe(en['coverage.within'].replace('{m}', '5'));
    expect(renderMsg({ key: 'prov.label', params: { list: inner } })).toBe(
      en['prov.label'].replace('{list}', 'Safety hazards')
    );
  });
});
