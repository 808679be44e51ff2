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

export type ImportResult<T> = { ok: true; value: T } | { ok: false; errors: ImportError[] };

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
