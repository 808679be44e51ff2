/**
 * CSV text → rows of cells, for the planner's own-data import and the published figures read at
 * build time. Pure (no DOM).
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** One record of a CSV text. */
export interface CsvRecord {
  cells: string[];
  /** The line of the file the record starts on (1-based). */
  line: number;
  /** The record's number counting blank ones (1-based): the row a spreadsheet shows it on. */
  record: number;
  /** Offset in the text just after the record (progress). */
  end: number;
}

/**
 * Splits CSV text (RFC 4180: quotes, "" escapes, CRLF) into rows of cells; a BOM is dropped.
 * Cells are sliced out of the text, not built a character at a time: 700,000 rows take a
 * fraction of a second in the import worker.
 */
export function csvRows(text: string): { cells: string[]; line: number }[] {
  const rows: { cells: string[]; line: number }[] = [];
  for (const r of csvRecords(text)) rows.push({ cells: r.cells, line: r.line });
  return rows;
}

/**
 * The records of a CSV text one at a time, blank ones left out (but counted in `record`), so
 * that a reader of a 150 MB log holds one row's cells at a time, not every row's.
 */
export function* csvRecords(text: string): Generator<CsvRecord> {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const sep = detectSeparator(s).charCodeAt(0);
  let cells: string[] = [];
  /** The current cell's text before `from` (its quoted parts, unescaped). */
  let cell = '';
  let from = 0;
  let cellStart = 0;
  let quoted = false;
  let line = 1;
  let start = 1;
  let record = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quoted) {
      if (c === QUOTE) {
        cell += s.slice(from, i);
        if (s.charCodeAt(i + 1) === QUOTE) {
          cell += '"';
          i++;
        } else quoted = false;
        from = i + 1;
      } else if (c === LF) line++;
    } else if (c === QUOTE && i === cellStart) {
      quoted = true;
      from = i + 1;
    } else if (c === sep) {
      cells.push(cell + s.slice(from, i));
      cell = '';
      from = cellStart = i + 1;
    } else if (c === LF || c === CR) {
      cells.push(cell + s.slice(from, i));
      if (c === CR && s.charCodeAt(i + 1) === LF) i++;
      record++;
      if (cells.some((x) => x.trim() !== '')) yield { cells, line: start, record, end: i + 1 };
      cells = [];
      cell = '';
      from = cellStart = i + 1;
      line++;
      start = line;
    }
  }
  cells.push(cell + s.slice(from));
  record++;
  if (cells.some((x) => x.trim() !== '')) yield { cells, line: start, record, end: s.length };
}

/**
 * The separator: of comma, tab and semicolon, the one the first line holding any of them holds
 * most of. That line is the header, or the line under a title that holds none (Excel keeps a
 * merged title row as a line of its own); data lines do not vote (decimal commas, "126,6;45,7").
 */
function detectSeparator(s: string): string {
  const seps = [',', '\t', ';'];
  const lines = s.slice(0, 64 * 1024).split(/\r?\n/, 5);
  const head = lines.find((l) => seps.some((ch) => l.includes(ch))) ?? '';
  const count = (ch: string) => head.split(ch).length - 1;
  return seps.reduce((best, ch) => (count(ch) > count(best) ? ch : best), ',');
}
