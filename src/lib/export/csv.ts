/**
 * CSV export: RFC 4180 text (UTF-8 with BOM so spreadsheet programs read Chinese) and its
 * download. Every CSV the app writes (plans, staffing, charts and tables, console results) goes
 * through csvCell, which keeps a cell from being run as a formula by Excel or WPS.
 */
import { csvWithLabel } from '$lib/data/provenance';
import { downloadBlob } from './download';

export type CsvValue = string | number | bigint | boolean | Date | null | undefined;

/** Text that Excel and WPS read as a formula (or a DDE command) when a cell starts with it. */
const FORMULA_START = /^[=+\-@\t\r\n]/;
/** A signed number in plain notation: a spreadsheet reads it as a number, never as a formula. */
const SIGNED_NUMBER = /^[-+](\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * One cell. Text starting with = + - @, a tab or a line break is written with a leading
 * apostrophe (OWASP's "CSV injection" advice), so that a building name or a console result like
 * `=HYPERLINK(…)` opens as text; a signed number such as -3.5 stays as it is.
 */
export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  let s = v instanceof Date ? v.toISOString() : String(v);
  // Decided on the text written, whatever the value's type (a console's list value prints as its items).
  if (FORMULA_START.test(s) && !SIGNED_NUMBER.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Header + rows, CRLF line ends. */
export function toCsv(columns: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [columns, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Rows given as objects, columns in the given order. */
export function objectsToCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return toCsv(
    columns,
    rows.map((r) => columns.map((c) => r[c] as CsvValue))
  );
}

/**
 * Hands a CSV over as a download, UTF-8 with a BOM (so spreadsheet programs read Chinese), the
 * synthetic label (`fileLabelOf`; null when nothing in it is synthetic) as a first `# ` comment line.
 */
export function downloadCsv(name: string, csv: string, label: string | null): void {
  downloadBlob(
    name.endsWith('.csv') ? name : `${name}.csv`,
    new Blob(['\ufeff', csvWithLabel(csv, label)], { type: 'text/csv;charset=utf-8' })
  );
}
