/**
 * Published district figures (data/published-figures.csv, transcribed from the districts' own
 * reports) next to what the dataset computes. Only figures the data has an equivalent of are
 * compared; the rest show "—". Computed values come from the SYNTHETIC demo dataset.
 */
import csv from '../../../data/published-figures.csv?raw';
import { csvRows } from './csv';
import type { DistrictCode, PublishedFigure, StationKind } from './schema';

/** Parses CSV text (quoted fields, doubled quotes, CRLF or LF) into rows of strings (blank lines dropped). */
export function parseCsv(text: string): string[][] {
  return csvRows(text).map((r) => r.cells);
}

/** The CSV's columns; `*_zh` are the Chinese texts of the English ones. */
const COLUMNS = ['district', 'key', 'figure', 'value', 'at_least', 'unit', 'note', 'source', 'year', 'figure_zh', 'unit_zh', 'note_zh', 'source_zh'] as const;
/** Columns that may be empty (a figure without a note). */
const OPTIONAL = new Set<string>(['note', 'note_zh']);

/** Reads the published figures; a bad cell throws naming the file, row (as a spreadsheet numbers it) and column. */
export function parsePublished(text: string, file = 'published-figures.csv'): PublishedFigure[] {
  const [head, ...rows] = parseCsv(text);
  const c = Object.fromEntries(
    COLUMNS.map((name) => {
      const i = head.indexOf(name);
      if (i < 0) throw new Error(`${file}: no column ${name}`);
      return [name, i];
    })
  ) as Record<(typeof COLUMNS)[number], number>;
  return rows.map((r, i) => {
    const where = (name: string) => `${file} row ${i + 2}, column ${name}`;
    const cell = (name: (typeof COLUMNS)[number]) => {
      const v = (r[c[name]] ?? '').trim();
      if (!v && !OPTIONAL.has(name)) throw new Error(`${where(name)}: empty`);
      return v;
    };
    const value = Number(cell('value'));
    if (!Number.isFinite(value)) throw new Error(`${where('value')}: "${cell('value')}" is not a number`);
    const atLeast = cell('at_least');
    if (atLeast !== 'true' && atLeast !== 'false') throw new Error(`${where('at_least')}: "${atLeast}" is not true or false`);
    const year = Number(cell('year'));
    if (!Number.isInteger(year)) throw new Error(`${where('year')}: "${cell('year')}" is not a year`);
    return {
      district: cell('district') as DistrictCode,
      key: cell('key'),
      figure: cell('figure'),
      value,
      atLeast: atLeast === 'true',
      unit: cell('unit'),
      note: cell('note'),
      source: cell('source'),
      year,
      figureZh: cell('figure_zh'),
      unitZh: cell('unit_zh'),
      noteZh: cell('note_zh'),
      sourceZh: cell('source_zh')
    };
  });
}

/** A figure's texts in one language. */
export function publishedText(f: PublishedFigure, locale: 'zh' | 'en'): { figure: string; unit: string; note: string; source: string } {
  return locale === 'zh'
    ? { figure: f.figureZh, unit: f.unitZh, note: f.noteZh, source: f.sourceZh }
    : { figure: f.figure, unit: f.unit, note: f.note, source: f.source };
}

/** CSV export of the table: both languages' columns, the lower-bound flag as in the data file. */
export const PUBLISHED_CSV_HEADER = ['district', 'key', 'figure', 'figure_zh', 'published', 'at_least', 'unit', 'unit_zh', 'note', 'note_zh', 'source', 'source_zh', 'year', 'computed', 'difference'] as const;

export function publishedCsvRows(rows: readonly PublishedRow[]): (string | number | boolean | null)[][] {
  return rows.map((r) => [r.district, r.key, r.figure, r.figureZh, r.value, r.atLeast, r.unit, r.unitZh, r.note, r.noteZh, r.source, r.sourceZh, r.year, r.computed, r.diff]);
}

/** What the dataset computes for one district (from compareSummary and compareStationKinds). */
export interface ComputedCounts {
  communities: number;
  grids: number;
  compounds: number;
  incidents: number;
  stations: Partial<Record<StationKind, number>>;
}

/** Published key → the computed figure it corresponds to; keys not listed are not comparable. */
export const COMPARABLE: Record<string, (c: ComputedCounts) => number> = {
  communities: (c) => c.communities,
  urban_communities: (c) => c.communities,
  grids: (c) => c.grids,
  compounds: (c) => c.compounds,
  warm_heart_stations: (c) => c.stations.warm_heart ?? 0,
  red_sail_stations: (c) => c.stations.red_sail ?? 0,
  compound_stations: (c) => c.stations.compound_station ?? 0,
  incidents_since_2022: (c) => c.incidents
};

export interface PublishedRow extends PublishedFigure {
  /** null where the data has no equivalent (shown as "—"). */
  computed: number | null;
  /** computed − published. */
  diff: number | null;
  /** (computed − published) / published. */
  diffShare: number | null;
}

export function comparePublished(figures: readonly PublishedFigure[], computed: Partial<Record<DistrictCode, ComputedCounts>>): PublishedRow[] {
  return figures.map((f) => {
    const c = computed[f.district];
    const get = COMPARABLE[f.key];
    const v = c && get ? get(c) : null;
    return { ...f, computed: v, diff: v == null ? null : v - f.value, diffShare: v == null || f.value === 0 ? null : (v - f.value) / f.value };
  });
}

/** The published figures, read from data/published-figures.csv at build time. */
export const PUBLISHED: readonly PublishedFigure[] = parsePublished(csv);
