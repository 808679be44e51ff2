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

export function parsePublished(text: string): PublishedFigure[] {
  const [head, ...rows] = parseCsv(text);
  const col = (name: string) => {
    const i = head.indexOf(name);
    if (i < 0) throw new Error(`published-figures.csv: no column ${name}`);
    return i;
  };
  const c = { district: col('district'), key: col('key'), figure: col('figure'), value: col('value'), unit: col('unit'), note: col('note'), source: col('source'), year: col('year') };
  return rows.map((r, i) => {
    const value = Number(r[c.value]);
    if (!Number.isFinite(value)) throw new Error(`published-figures.csv row ${i + 2}: value "${r[c.value]}" is not a number`);
    return {
      district: r[c.district] as DistrictCode,
      key: r[c.key],
      figure: r[c.figure],
      value,
      unit: r[c.unit],
      note: r[c.note],
      source: r[c.source],
      year: Number(r[c.year])
    };
  });
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
