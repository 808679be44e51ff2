/**
 * A district's table file (CSV or XLSX) → its header and data rows, numbered as a spreadsheet
 * shows them (1-based, blank rows counted). Pure (no file system, no DOM): the data package
 * command line and the Data page's worker call it on a file's bytes.
 *
 * - CSV: decoded by decodeText (BOM, else UTF-8, else GB18030 as Chinese Excel saves it), split
 *   one record at a time while the rows are read (a 150 MB log is never held as rows).
 * - XLSX (any workbook SheetJS reads, recognised by its bytes, not its name): the first sheet.
 *   SheetJS is imported only when a workbook is read; merged cells take the merge's value.
 * - The header is the row among the first HEADER_SCAN rows that names most known columns (so
 *   a title row above it is skipped); a second header row under merged cells (坐标 over 经度 |
 *   纬度) adds the columns the first one leaves unnamed.
 */
import { csvRecords } from '../csv';
import { decodeText, type TextEncodingName } from '../text-decode';
import { type ImportResult, fail, importError, msg, ok } from './errors';
import type { Cell } from './values';
import { COLUMN_SYNONYMS, type PackageTable, matchColumns } from './vocabulary';

/** How many rows from the top may hold titles and the header. */
export const HEADER_SCAN = 30;

export interface TableRow {
  /** The row as a spreadsheet shows it (1-based). */
  row: number;
  cells: Cell[];
}

export interface Table {
  format: 'csv' | 'xlsx';
  /** CSV only. */
  encoding?: TextEncodingName;
  /** XLSX only: the sheet read. */
  sheet?: string;
  /** The header's cells as found (merged parts filled in). */
  header: string[];
  /** The (last) header row's number. */
  headerRow: number;
  /** Column index of each field the header names (see vocabulary.ts). */
  columns: Record<string, number>;
  /** The data rows below the header, read as they are iterated (once). */
  rows: Iterable<TableRow>;
  /** Fraction of the file read so far, 0…1. */
  progress(): number;
}

const isZip = (b: Uint8Array) => b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Uint8Array) => b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;

/** Reads `bytes` of `file` as a table of kind `table` (stations or incidents). */
export async function readTable(file: string, bytes: Uint8Array, table: PackageTable): Promise<ImportResult<Table>> {
  if (bytes.length === 0) return fail([importError(file, null, 'file', msg('import.err.empty'))]);
  if (isZip(bytes) || isOle(bytes) || /\.xlsx?$/i.test(file)) return readWorkbook(file, bytes, table);
  const text = decodeText(bytes, file);
  if (!text.ok) return text;
  const records = csvRecords(text.value.text);
  const total = text.value.text.length || 1;
  let at = 0;
  function* rows(): Generator<TableRow> {
    for (const r of records) {
      at = r.end;
      yield { row: r.record, cells: r.cells };
    }
  }
  const t = withHeader(file, rows(), table);
  if (!t.ok) return t;
  return ok({ format: 'csv', encoding: text.value.encoding, ...t.value, progress: () => at / total });
}

async function readWorkbook(file: string, bytes: Uint8Array, table: PackageTable): Promise<ImportResult<Table>> {
  // Only here: SheetJS is ~1 MB of code that a CSV never needs.
  const XLSX = await import('@e965/xlsx');
  let wb: import('@e965/xlsx').WorkBook;
  try {
    wb = XLSX.read(bytes, { type: 'array', dense: true, cellDates: false, cellFormula: false, cellHTML: false, cellText: false });
  } catch (e) {
    return fail([importError(file, null, 'file', msg('import.pkg.err.xlsx', { what: e instanceof Error ? e.message : String(e) }))]);
  }
  const sheet = wb.SheetNames[0];
  const ws = sheet === undefined ? undefined : wb.Sheets[sheet];
  if (!ws) return fail([importError(file, null, 'file', msg('import.pkg.err.noSheet'))]);
  const ref = ws['!ref'];
  if (!ref) return fail([importError(file, null, 'file', msg('import.err.empty'))]);
  const range = XLSX.utils.decode_range(ref);
  const grid = XLSX.utils.sheet_to_json<Cell[]>(ws, { header: 1, raw: true, defval: '', blankrows: true });
  for (const r of grid) for (let c = 0; c < r.length; c++) if (typeof r[c] === 'boolean') r[c] = String(r[c]);
  // A merged range holds its value in its top-left cell only; every cell of it says the same.
  for (const m of ws['!merges'] ?? []) {
    const v = grid[m.s.r - range.s.r]?.[m.s.c - range.s.c] ?? '';
    for (let r = m.s.r; r <= m.e.r; r++) {
      const row = grid[r - range.s.r];
      if (row) for (let c = m.s.c; c <= m.e.c; c++) row[c - range.s.c] = v;
    }
  }
  // Columns left of the range are absent from each row; pad so that indices are columns.
  const pad = range.s.c;
  let i = 0;
  function* rows(): Generator<TableRow> {
    for (; i < grid.length; i++) {
      const cells = pad ? [...new Array<Cell>(pad).fill(''), ...grid[i]] : grid[i];
      if (cells.some((c) => typeof c === 'number' || c.trim() !== '')) yield { row: range.s.r + i + 1, cells };
    }
  }
  const t = withHeader(file, rows(), table);
  if (!t.ok) return t;
  return ok({ format: 'xlsx', sheet, ...t.value, progress: () => (grid.length ? i / grid.length : 1) });
}

const headerText = (c: Cell | undefined) => (c === undefined ? '' : String(c).trim());

/** Finds the header in the first rows; the rest of `source` (and the rows after the header) are the data. */
function withHeader(file: string, source: Iterator<TableRow>, table: PackageTable): ImportResult<Pick<Table, 'header' | 'headerRow' | 'columns' | 'rows'>> {
  const head: TableRow[] = [];
  for (let n = 0; n < HEADER_SCAN; n++) {
    const r = source.next();
    if (r.done) break;
    head.push(r.value);
  }
  if (!head.length) return fail([importError(file, null, 'file', msg('import.err.empty'))]);
  let best = -1;
  let bestScore = 0;
  head.forEach((r, k) => {
    const score = Object.keys(matchColumns(table, r.cells.map(headerText))).length;
    if (score > bestScore) [best, bestScore] = [k, score];
  });
  if (bestScore < 2) {
    const names = Object.values(COLUMN_SYNONYMS[table])
      .map((n) => n[0])
      .join(', ');
    return fail([importError(file, null, 'header', msg('import.pkg.err.noHeader', { n: HEADER_SCAN, names }))]);
  }
  let header = head[best].cells.map(headerText);
  let columns = matchColumns(table, header);
  let last = best;
  // A second header row under merged group cells: it names columns the first row does not.
  const next = head[best + 1];
  if (next) {
    const below = next.cells.map(headerText);
    const named = new Set(Object.values(columns));
    const merged = header.map((h, c) => (named.has(c) || !below[c] ? h : below[c]));
    const more = matchColumns(table, merged);
    if (Object.keys(more).length > Object.keys(columns).length) {
      [header, columns, last] = [merged, more, best + 1];
    }
  }
  const headerRow = head[last].row;
  const rest = head.slice(last + 1);
  function* rows(): Generator<TableRow> {
    yield* rest;
    for (let r = source.next(); !r.done; r = source.next()) yield r.value;
  }
  return ok({ header, headerRow, columns, rows: rows() });
}
