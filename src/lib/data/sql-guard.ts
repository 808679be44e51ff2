/**
 * The read-only guard of the SQL console: accepts exactly one SELECT / WITH / DESCRIBE / SHOW /
 * SUMMARIZE / EXPLAIN statement and returns the text to send, wrapped so that DuckDB's own parser
 * must read it as a query (a subquery cannot hold DDL or writes). Strings, quoted identifiers and
 * comments are skipped when looking for statement separators and keywords.
 */
export const ALLOWED = ['SELECT', 'WITH', 'DESCRIBE', 'SHOW', 'SUMMARIZE', 'EXPLAIN'] as const;
export type AllowedKind = (typeof ALLOWED)[number];

export type GuardError =
  | { reason: 'empty' }
  | { reason: 'multiple'; count: number }
  | { reason: 'not_read_only'; keyword: string }
  | { reason: 'unterminated'; what: 'string' | 'identifier' | 'comment' };

export type GuardResult = { ok: true; kind: AllowedKind; sql: string; statement: string } | ({ ok: false } & GuardError);

/** Rows the console fetches at most (one more tells that the result was cut). */
export const CONSOLE_ROW_LIMIT = 1000;

/** Splits SQL into statements at top-level semicolons; returns them trimmed, without comments. */
export function splitStatements(sql: string): { statements: string[] } | { unterminated: 'string' | 'identifier' | 'comment' } {
  const out: string[] = [];
  let cur = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const two = sql.slice(i, i + 2);
    if (two === '--') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      cur += ' ';
      continue;
    }
    if (two === '/*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return { unterminated: 'comment' };
      i = end + 2;
      cur += ' ';
      continue;
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) return { unterminated: ch === "'" ? 'string' : 'identifier' };
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      cur += sql.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (ch === '$') {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
      if (tag) {
        const end = sql.indexOf(tag[0], i + tag[0].length);
        if (end < 0) return { unterminated: 'string' };
        cur += sql.slice(i, end + tag[0].length);
        i = end + tag[0].length;
        continue;
      }
    }
    if (ch === ';') {
      out.push(cur.trim());
      cur = '';
      i++;
      continue;
    }
    cur += ch;
    i++;
  }
  out.push(cur.trim());
  return { statements: out.filter((s) => s.length > 0) };
}

/** Checks console SQL; on success `sql` is what to run. */
export function guardSql(input: string, limit = CONSOLE_ROW_LIMIT): GuardResult {
  const split = splitStatements(input);
  if ('unterminated' in split) return { ok: false, reason: 'unterminated', what: split.unterminated };
  const { statements } = split;
  if (statements.length === 0) return { ok: false, reason: 'empty' };
  if (statements.length > 1) return { ok: false, reason: 'multiple', count: statements.length };
  const statement = statements[0];
  const words = statement.replace(/^\(+/, '').split(/[\s(]+/).filter(Boolean);
  const first = (words[0] ?? '').toUpperCase();
  if (!(ALLOWED as readonly string[]).includes(first)) return { ok: false, reason: 'not_read_only', keyword: first };
  const kind = first as AllowedKind;
  if (kind === 'EXPLAIN') {
    // EXPLAIN ANALYZE executes its statement: only a query may follow.
    let k = 1;
    if ((words[k] ?? '').toUpperCase() === 'ANALYZE') k++;
    const next = (words[k] ?? '').toUpperCase();
    if (next !== 'SELECT' && next !== 'WITH') return { ok: false, reason: 'not_read_only', keyword: `EXPLAIN ${next}`.trim() };
    return { ok: true, kind, sql: statement, statement };
  }
  const n = Math.max(1, Math.trunc(limit)) + 1;
  return { ok: true, kind, sql: `SELECT * FROM (${statement}\n) AS console_query LIMIT ${n}`, statement };
}
