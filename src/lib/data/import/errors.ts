/**
 * Errors as values for importers: every check returns `{ ok: true, value }` or
 * `{ ok: false, errors }`, never throws for bad input, and nothing is applied partially.
 * An error names the file, the feature (its 0-based index in the file's `features` array and,
 * where known, its OSM reference), the field and what is wrong.
 */

export interface ImportError {
  /** The input file's name as the user gave it (basename is enough). */
  file: string;
  /** 0-based index in the file's `features` array; null for file-level problems. */
  row: number | null;
  /** Property or part of the feature at fault: 'geometry', 'households', 'crs', 'json', 'file', … */
  field: string;
  message: string;
  /** Human reference of the feature, e.g. 'osm way 123' or 'id B-7'. */
  ref?: string;
}

export type ImportResult<T> = { ok: true; value: T } | { ok: false; errors: ImportError[] };

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
