/**
 * CSV text → rows of cells, for the planner's own-data import and the published figures read at
 * build time. Pure (no DOM).
 */

/** Splits CSV text (RFC 4180: quotes, "" escapes, CRLF) into rows of cells; a BOM is dropped. */
export function csvRows(text: string): { cells: string[]; line: number }[] {
  const rows: { cells: string[]; line: number }[] = [];
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const sep = detectSeparator(s);
  let cell = '';
  let cells: string[] = [];
  let quoted = false;
  let line = 1;
  let start = 1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') quoted = true;
    else if (c === sep) {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      cells.push(cell);
      if (cells.some((x) => x.trim() !== '')) rows.push({ cells, line: start });
      cells = [];
      cell = '';
      line++;
      start = line;
    } else cell += c;
  }
  cells.push(cell);
  if (cells.some((x) => x.trim() !== '')) rows.push({ cells, line: start });
  return rows;
}

function detectSeparator(s: string): string {
  const head = s.slice(0, s.search(/\r?\n|$/));
  const count = (ch: string) => head.split(ch).length - 1;
  return [',', '\t', ';'].reduce((best, ch) => (count(ch) > count(best) ? ch : best), ',');
}
