import { describe, expect, it } from 'vitest';
import { en, zh } from '../../src/lib/i18n/messages';

describe('messages', () => {
  it('English mirrors every Chinese key, none empty', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const [k, v] of [...Object.entries(zh), ...Object.entries(en)]) expect(v.trim(), k).not.toBe('');
  });
  it('Chinese is really Chinese, English really English', () => {
    expect(zh['nav.plan']).toMatch(/[\u4e00-\u9fff]/);
    expect(en['nav.plan']).not.toMatch(/[\u4e00-\u9fff]/);
  });
});
