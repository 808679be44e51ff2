/**
 * Text in the user's language without the UI's rune state, for components (through `i18n`) and for
 * pure modules that are handed a locale (provenance labels, exports): the message table of a
 * locale, messages with their {name} placeholders filled (parameters checked against the Chinese
 * text's placeholders by the type checker), and the names that exist in both languages — districts,
 * station kinds, incident categories — so that no component picks `name` or `nameEn` itself.
 */
import type { IncidentCategory, StationKind } from '../data/schema';
import { STATION_STYLE } from '../map/legend';
import { en, zh, type MessageKey } from './messages';

export type Locale = 'zh' | 'en';

export const messages = (locale: Locale): Readonly<Record<MessageKey, string>> => (locale === 'zh' ? zh : en);

/** 'a {x} b {y}' → 'x' | 'y'. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer R}` ? P | Placeholders<R> : never;
type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/**
 * The parameters of a message: exactly its placeholders for a literal key; any for a key computed at
 * run time (`filter.category.${c}`), which the type checker cannot see into.
 */
export type MessageParams<K extends MessageKey> =
  true extends IsUnion<K>
    ? Readonly<Record<string, string | number>>
    : Readonly<Record<Placeholders<(typeof zh)[K]>, string | number>>;

/** Fills {name} placeholders; the one place that does (messages here, `Msg`s in msg.ts). */
export function fill(template: string, value: (name: string) => string): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => value(name));
}

/** A message with its placeholders filled in. */
export function formatMessage<K extends MessageKey>(locale: Locale, key: K, params: MessageParams<K>): string {
  const p = params as Readonly<Record<string, string | number>>;
  return fill(messages(locale)[key], (name) => String(p[name]));
}

/** A district's own name: 道里区 / Daoli (the index's, a manifest's or DISTRICTS' record). */
export function districtName(d: { name: string; nameEn: string }, locale: Locale): string {
  return locale === 'zh' ? d.name : d.nameEn;
}

/** A district with its city, as the picker lists it: 哈尔滨市道里区 / Daoli, Harbin. */
export function districtWithCity(
  d: { name: string; nameEn: string; city: string; cityEn: string },
  locale: Locale
): string {
  return locale === 'zh' ? `${d.city}${d.name}` : `${d.nameEn}, ${d.cityEn}`;
}

/** A station kind: 暖心驿站 / … (the legend's names). */
export function kindName(kind: StationKind, locale: Locale): string {
  return STATION_STYLE[kind][locale];
}

/** An incident category: 矛盾纠纷 / Disputes. */
export function categoryName(category: IncidentCategory, locale: Locale): string {
  return messages(locale)[`filter.category.${category}`];
}

/** Between the items of a run-in list: 、 in Chinese, a comma in English. */
export function listSeparator(locale: Locale): string {
  return locale === 'zh' ? '、' : ', ';
}
