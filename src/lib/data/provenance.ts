/**
 * What is synthetic, in words: the one source of the label that the header badge, the pages'
 * notes and every export (PNG, PDF, CSV, Parquet) carry. A district's package flags each table
 * synthetic or not (`Manifest.tables`, `DatasetIndex.districts[].syntheticTables`); the label names
 * the synthetic ones among the tables a page or an export shows. Pure: no DOM.
 */
import { type Locale, districtName, formatMessage, messages } from '../i18n/format';
import type { MessageKey } from '../i18n/messages';
import { TABLES, type TableName } from './schema';

export type LabelLocale = Locale;

/** Tables grouped as a user thinks of them: the map's geometry, the stations, the incidents. */
export const TABLE_GROUPS: readonly { key: MessageKey; tables: readonly TableName[] }[] = [
  { key: 'prov.group.geometry', tables: ['streets', 'communities', 'compounds', 'buildings', 'grids'] },
  { key: 'prov.table.stations', tables: ['stations'] },
  { key: 'prov.table.incidents', tables: ['incidents'] }
];

/** The tables a page draws; a page not listed draws (or sums up) every table. */
const PAGE_TABLES: Readonly<Record<string, readonly TableName[]>> = {
  // The planner never shows incidents; its exports are made of its geometry.
  '/plan': ['streets', 'communities', 'compounds', 'buildings', 'grids', 'stations'],
  // Stations, and the community and street centres a rider can type.
  '/rider': ['stations', 'streets', 'communities']
};

export function pageTables(path: string): readonly TableName[] {
  return PAGE_TABLES[path.replace(/\/+$/, '')] ?? TABLES;
}

/** A district as the index describes it (name, English name, synthetic tables). */
export interface LabelDistrict {
  name: string;
  nameEn: string;
  /** Absent in an index written before tables were flagged one by one: then everything was generated. */
  syntheticTables?: readonly TableName[];
}

const table = (locale: LabelLocale) => (key: MessageKey) => messages(locale)[key];

/** The synthetic tables among those shown, in the schema's order. */
export function shownSynthetic(synthetic: readonly TableName[] | undefined, shown: readonly TableName[] = TABLES): TableName[] {
  const s = new Set(synthetic ?? TABLES);
  return TABLES.filter((t) => shown.includes(t) && s.has(t));
}

/** Words for a list: 站点、事件 / stations and incidents. */
function list(items: string[], locale: LabelLocale): string {
  if (locale === 'zh') return items.join('、');
  if (items.length < 2) return items[0] ?? '';
  // "boundaries and buildings, and stations": a comma keeps a group's own "and" apart.
  const last = items.some((x) => x.includes(' and ')) ? ', and ' : ' and ';
  return `${items.slice(0, -1).join(', ')}${last}${items.at(-1)}`;
}

/** A group by its name when all of it is shown and synthetic, else its synthetic tables one by one. */
function syntheticParts(synth: readonly TableName[], shown: readonly TableName[]): MessageKey[] {
  const keys: MessageKey[] = [];
  for (const g of TABLE_GROUPS) {
    const whole = g.tables.every((t) => shown.includes(t) && synth.includes(t));
    if (whole) keys.push(g.key);
    else for (const t of g.tables) if (synth.includes(t)) keys.push(`prov.table.${t}` as MessageKey);
  }
  return keys;
}

/**
 * The label, or null when nothing shown is synthetic: every shown table synthetic → 合成演示数据 /
 * Synthetic demo data; else what is, e.g. 站点、事件为合成数据 / Stations and incidents are synthetic.
 */
export function syntheticLabel(synthetic: readonly TableName[] | undefined, locale: LabelLocale, shown: readonly TableName[] = TABLES): string | null {
  const t = table(locale);
  const synth = shownSynthetic(synthetic, shown);
  if (synth.length === 0) return null;
  if (shown.every((x) => synth.includes(x))) return t('badge.synthetic');
  const what = list(syntheticParts(synth, shown).map(t), locale);
  return formatMessage(locale, 'prov.label', { list: locale === 'en' ? what[0].toUpperCase() + what.slice(1) : what });
}

/** The badge's text on a phone: 合成数据 / 部分合成, or null. */
export function syntheticShort(synthetic: readonly TableName[] | undefined, locale: LabelLocale, shown: readonly TableName[] = TABLES): string | null {
  const synth = shownSynthetic(synthetic, shown);
  if (synth.length === 0) return null;
  return table(locale)(shown.every((x) => synth.includes(x)) ? 'badge.synthetic.short' : 'prov.short.partial');
}

/** The longer explanation (the badge's title): which shown tables are synthetic, which real, one by one. */
export function syntheticTitle(synthetic: readonly TableName[] | undefined, locale: LabelLocale, shown: readonly TableName[] = TABLES): string {
  const t = table(locale);
  const synth = shownSynthetic(synthetic, shown);
  const real = TABLES.filter((x) => shown.includes(x) && !synth.includes(x));
  const names = (ts: TableName[]) => list(ts.map((x) => t(`prov.table.${x}` as MessageKey)), locale);
  return [
    synth.length ? formatMessage(locale, 'prov.title.synthetic', { list: names(synth) }) : '',
    real.length ? formatMessage(locale, 'prov.title.real', { list: names(real) }) : '',
    t('prov.title.names')
  ]
    .filter(Boolean)
    .join(locale === 'zh' ? '' : ' ');
}

/**
 * One label for several districts side by side: the common label when they all have the same,
 * else each district's (道里区：站点、事件为合成数据；曲阜市：合成演示数据). Null when none is synthetic.
 */
export function districtsLabel(districts: readonly LabelDistrict[], locale: LabelLocale, shown: readonly TableName[] = TABLES): string | null {
  const labels = districts.map((d) => syntheticLabel(d.syntheticTables, locale, shown));
  if (labels.every((l) => l === labels[0])) return labels[0] ?? null;
  const t = table(locale);
  return districts
    .map((d, i) => `${districtName(d, locale)}${locale === 'zh' ? '：' : ': '}${labels[i] ?? t('prov.none')}`)
    .join(locale === 'zh' ? '；' : '; ');
}

/** The label in both languages, for files that travel (CSV, Parquet): 合成演示数据 / Synthetic demo data. */
export function fileLabel(districts: readonly LabelDistrict[], shown: readonly TableName[] = TABLES): string | null {
  const zhLabel = districtsLabel(districts, 'zh', shown);
  return zhLabel === null ? null : `${zhLabel} / ${districtsLabel(districts, 'en', shown)}`;
}

/** A CSV with the label as its first line, a `# ` comment (the app's CSV reader skips it); unchanged when there is none. */
export function csvWithLabel(csv: string, label: string | null): string {
  return label === null ? csv : `# ${label.replace(/[\r\n]+/g, ' ')}\r\n${csv}`;
}

/**
 * The reader's side of `csvWithLabel`: the text after any `#` comment lines at its start (after a
 * BOM), and how many lines were skipped, so that a reader still names rows by their line in the file.
 */
export function skipCommentLines(text: string): { text: string; skipped: number } {
  let s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let skipped = 0;
  while (s.startsWith('#')) {
    const end = s.search(/\r\n|\r|\n/);
    s = end < 0 ? '' : s.slice(end + (s.startsWith('\r\n', end) ? 2 : 1));
    skipped++;
  }
  return { text: skipped ? s : text, skipped };
}

export const PARQUET_SYNTHETIC_KEY = 'gridatlas.synthetic';
export const PARQUET_SYNTHETIC_TABLES_KEY = 'gridatlas.synthetic_tables';

/**
 * Key-value metadata for a Parquet file's footer: the label in both languages ('none' when nothing
 * is synthetic) and the synthetic tables by name (comma-separated, empty when none).
 */
export function parquetLabel(districts: readonly LabelDistrict[], shown: readonly TableName[] = TABLES): { key: string; value: string }[] {
  const tables = TABLES.filter((t) => districts.some((d) => shownSynthetic(d.syntheticTables, shown).includes(t)));
  return [
    { key: PARQUET_SYNTHETIC_KEY, value: fileLabel(districts, shown) ?? 'none' },
    { key: PARQUET_SYNTHETIC_TABLES_KEY, value: tables.join(',') }
  ];
}
