/**
 * CSV text → rows of cells, for the planner's own-data import and the published figures read at
 * build time. Pure (no DOM).
 */

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits CSV text (RFC 4180: quotes, "" escapes, CRLF) into rows of cells; a BOM is dropped.
 * Cells are sliced out of the text, not built a character at a time: 700,000 rows take a
 * fraction of a second in the import worker.
 */
export function csvRows(text: string): { cells: string[]; line: number }[] {
  const rows: { cells: string[]; line: number }[] = [];
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
      if (cells.some((x) => x.trim() !== '')) rows.push({ cells, line: start });
      cells = [];
      cell = '';
      from = cellStart = i + 1;
      line++;
      start = line;
    }
  }
  cells.push(cell + s.slice(from));
  if (cells.some((x) => x.trim() !== '')) rows.push({ cells, line: start });
  return rows;
}

function detectSeparator(s: string): string {
  const head = s.slice(0, s.search(/\r?\n|$/));
  const count = (ch: string) => head.split(ch).length - 1;
  return [',', '\t', ';'].reduce((best, ch) => (count(ch) > count(best) ? ch : best), ',');
}
