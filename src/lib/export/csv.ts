/** CSV export: RFC 4180 text (UTF-8 with BOM so spreadsheet programs read Chinese) and its download. */
import { downloadBlob } from './download';

export type CsvValue = string | number | bigint | boolean | Date | null | undefined;

export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = v instanceof Date ? v.toISOString() : String(v);
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

export function downloadCsv(name: string, csv: string): void {
  downloadBlob(name.endsWith('.csv') ? name : `${name}.csv`, new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' }));
}
