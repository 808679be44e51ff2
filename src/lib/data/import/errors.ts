/**
 * Errors as values for importers: every check returns `{ ok: true, value }` or
 * `{ ok: false, errors }`, never throws for bad input, and nothing is applied partially.
 * An error names the file, the feature (its 0-based index in the file's `features` array and,
 * where known, its OSM reference), the field and what is wrong. What is wrong is a message key
 * of the i18n table with its parameters (`msg`), so that the planner shows it in the user's
 * language; `message` is its English text, what the command line prints.
 */
import type { MessageKey } from '../../i18n/messages';
import { type Msg as I18nMsg, renderMsg } from '../../i18n/msg';

export { renderMsg };

export type ImportKey = Extract<MessageKey, `import.${string}`>;

/** A translatable import message (see $lib/i18n/msg). */
export type Msg = I18nMsg<ImportKey>;

export function msg(key: ImportKey, params?: Msg['params']): Msg {
  return params ? { key, params } : { key };
}

export interface ImportError {
  /** The input file's name as the user gave it (basename is enough). */
  file: string;
  /** 0-based index in the file's `features` array; null for file-level problems. */
  row: number | null;
  /** Property or part of the feature at fault: 'geometry', 'households', 'crs', 'json', 'file', … */
  field: string;
  /** In English (see `msg`). */
  message: string;
  /** The same as a key and parameters, where the importer has one (errors from elsewhere carry only `message`). */
  msg?: Msg;
  /** Human reference of the feature, e.g. 'osm way 123' or 'id B-7'. */
  ref?: string;
  /** A CSV row's line in the file (the header is line 1); `ref` says the same in English. */
  line?: number;
}

/** How many errors a result lists in full; the rest are only counted (see ErrorCollector). */
export const MAX_LISTED_ERRORS = 100;

/** Every error found, by field, when a result lists only the first MAX_LISTED_ERRORS. */
export interface ErrorCounts {
  total: number;
  byField: Record<string, number>;
}

export type ImportResult<T> = { ok: true; value: T } | { ok: false; errors: ImportError[]; counts?: ErrorCounts };

/**
 * Keeps the first `keep` errors and counts all of them: a file whose 700,000 rows are all bad
 * must not build 700,000 messages, nor send them to the page that lists them.
 */
export class ErrorCollector {
  readonly errors: ImportError[] = [];
  readonly counts: ErrorCounts = { total: 0, byField: {} };
  constructor(private readonly keep = MAX_LISTED_ERRORS) {}

  /** Counts an error of `field`; `make` builds it only while fewer than `keep` are listed. */
  add(field: string, make: () => ImportError): void {
    this.counts.total++;
    this.counts.byField[field] = (this.counts.byField[field] ?? 0) + 1;
    if (this.errors.length < this.keep) this.errors.push(make());
  }

  /** Another failed result's errors, counted as that result counted them. */
  addAll(r: { errors: readonly ImportError[]; counts?: ErrorCounts }): void {
    if (!r.counts) return r.errors.forEach((e) => this.add(e.field, () => e));
    this.counts.total += r.counts.total;
    for (const [field, n] of Object.entries(r.counts.byField)) this.counts.byField[field] = (this.counts.byField[field] ?? 0) + n;
    this.errors.push(...r.errors.slice(0, this.keep - this.errors.length));
  }

  get empty(): boolean {
    return this.counts.total === 0;
  }

  fail<T = never>(): ImportResult<T> {
    return { ok: false, errors: this.errors, counts: this.counts };
  }
}

/** An error from a message: `message` is its English text. */
export function importError(file: string, row: number | null, field: string, m: Msg, ref?: string): ImportError {
  return { file, row, field, message: renderMsg(m), msg: m, ...(ref ? { ref } : {}) };
}

export function ok<T>(value: T): ImportResult<T> {
  return { ok: true, value };
}

export function fail<T = never>(errors: ImportError[]): ImportResult<T> {
  return { ok: false, errors };
}

/** "file: feature 12 (osm way 123), field households: message"; file-level: "file: message". */
export function formatImportError(e: ImportError): string {
  const where =
    e.row !== null ? `feature ${e.row}${e.ref ? ` (${e.ref})` : ''}` : e.ref ? e.ref : '';
  if (!where && (e.field === 'file' || e.field === '')) return `${e.file}: ${e.message}`;
  const head = where ? `${e.file}: ${where}, field ${e.field}` : `${e.file}: field ${e.field}`;
  return `${head}: ${e.message}`;
}

/** Formats up to `limit` errors, one a line, then "... and N more". */
export function formatImportErrors(errors: readonly ImportError[], limit = 50): string[] {
  const lines = errors.slice(0, limit).map(formatImportError);
  if (errors.length > limit) lines.push(`... and ${errors.length - limit} more`);
  return lines;
}

/** Reference of an OSM object as used in messages: 'osm way 123'. */
export function osmRef(type: string, id: number | string): string {
  return `osm ${type} ${id}`;
}
