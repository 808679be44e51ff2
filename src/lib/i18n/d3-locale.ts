/**
 * d3 time locales for the UI languages. d3's default locale is en-US, so a bare
 * `axisBottom(scaleUtc())` writes "April" even in the Chinese UI; every d3 time axis and tooltip
 * takes its formats from here instead, chosen by the current i18n locale. (Numbers on axes and
 * tooltips go through `i18n.num`, which is Intl's number format in the UI language.)
 */
import { timeFormatLocale, utcMonth, utcWeek, utcYear, type TimeLocaleDefinition, type TimeLocaleObject } from 'd3';
import type { Locale } from './index.svelte';

const ZH_TIME: TimeLocaleDefinition = {
  dateTime: '%x %A %X',
  date: '%Y年%-m月%-d日',
  time: '%H:%M:%S',
  periods: ['上午', '下午'],
  days: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  shortDays: ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
  // Arabic numerals, as Chinese dashboards write months ("4月", not "四月").
  months: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月'],
  shortMonths: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月']
};

const EN_TIME: TimeLocaleDefinition = {
  dateTime: '%x, %X',
  date: '%-m/%-d/%Y',
  time: '%-I:%M:%S %p',
  periods: ['AM', 'PM'],
  days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  shortDays: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'],
  months: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December'
  ],
  shortMonths: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
};

const TIME: Record<Locale, TimeLocaleObject> = { zh: timeFormatLocale(ZH_TIME), en: timeFormatLocale(EN_TIME) };

/** Formats per tick granularity (as d3's default multi-scale format, in each language). */
const TICK_FORMATS: Record<Locale, { day: string; week: string; month: string; year: string }> = {
  zh: { day: '%-d日', week: '%-m月%-d日', month: '%B', year: '%Y年' },
  en: { day: '%a %-d', week: '%b %-d', month: '%B', year: '%Y' }
};

export const timeLocale = (locale: Locale): TimeLocaleObject => TIME[locale];

/**
 * Tick format for a UTC time axis of whole days (the app has no finer axis): the year on
 * January 1st, the month name on other month starts, the day otherwise — d3's default choice of
 * granularity, in the UI language.
 */
export function utcTickFormat(locale: Locale): (d: Date) => string {
  const t = TIME[locale];
  const f = TICK_FORMATS[locale];
  const day = t.utcFormat(f.day);
  const week = t.utcFormat(f.week);
  const month = t.utcFormat(f.month);
  const year = t.utcFormat(f.year);
  return (d) => (utcMonth(d) < d ? (utcWeek(d) < d ? day : week) : utcYear(d) < d ? month : year)(d);
}

/** A 'YYYY-MM' month as the UI language writes it: "2025年4月" / "Apr 2025". */
export function monthName(month: string, locale: Locale): string {
  const d = new Date(`${month}-01T00:00:00Z`);
  return TIME[locale].utcFormat(locale === 'zh' ? '%Y年%B' : '%b %Y')(d);
}
