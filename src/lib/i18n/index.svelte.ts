/** Locale state (runes) and formatting. Chinese by default; the choice is remembered. */
import type { MessageKey } from './messages';
import { type Locale, type MessageParams, formatMessage, messages } from './format';

export type { Locale } from './format';
const KEY = 'gridatlas.locale';

class I18n {
  locale = $state<Locale>('zh');

  constructor() {
    if (typeof localStorage !== 'undefined') {
      const saved = localStorage.getItem(KEY);
      if (saved === 'zh' || saved === 'en') this.locale = saved;
      // The page's lang follows a remembered choice too (fonts pick Latin or CJK glyphs by it).
      if (saved === 'en' && typeof document !== 'undefined') document.documentElement.lang = 'en';
    }
  }

  set(locale: Locale) {
    this.locale = locale;
    localStorage.setItem(KEY, locale);
    document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
  }

  t = (key: MessageKey): string => messages(this.locale)[key];

  /** A message with its {name} placeholders filled in (the parameters are the message's placeholders). */
  f = <K extends MessageKey>(key: K, vars: MessageParams<K>): string => formatMessage(this.locale, key, vars);

  /** BCP 47 tag numbers are written in (zh-CN groups digits the same way as en-US, but keep it explicit). */
  get numberTag(): string {
    return this.locale === 'zh' ? 'zh-CN' : 'en-US';
  }

  /** BCP 47 tag dates and times are written in (en-GB: day before month, 24-hour clock). */
  get dateTag(): string {
    return this.locale === 'zh' ? 'zh-CN' : 'en-GB';
  }

  /** Numbers in the user's locale (formatters kept per locale and digits: tables call this thousands of times). */
  num = (n: number, digits = 0): string => {
    const key = `${this.numberTag}/${digits}`;
    let fmt = this.formats.get(key);
    if (!fmt) {
      fmt = new Intl.NumberFormat(this.numberTag, { maximumFractionDigits: digits, minimumFractionDigits: digits });
      this.formats.set(key, fmt);
    }
    return fmt.format(n);
  };
  private formats = new Map<string, Intl.NumberFormat>();
}

export const i18n = new I18n();
