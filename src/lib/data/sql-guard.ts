/**
 * The SQL console's early, friendly check: exactly one SELECT / WITH / FROM / VALUES / DESCRIBE /
 * SHOW / SUMMARIZE / PIVOT statement, so a typo gets a message in the UI's language before
 * DuckDB sees it. It is not what keeps the console read-only (console-db.ts is: DuckDB's own
 * settings and transactions), and tests run the console with it switched off. Strings, quoted
 * identifiers and comments are skipped when looking for statement separators and keywords.
 */
export const ALLOWED = ['SELECT', 'WITH', 'FROM', 'VALUES', 'DESCRIBE', 'SHOW', 'SUMMARIZE', 'PIVOT', 'UNPIVOT'] as const;
export type AllowedKind = (typeof ALLOWED)[number];

export type GuardError =
  | { reason: 'empty' }
  | { reason: 'multiple'; count: number }
  | { reason: 'not_read_only'; keyword: string }
  | { reason: 'unterminated'; what: 'string' | 'identifier' | 'comment' };

export type GuardResult = { ok: true; kind: AllowedKind; statement: string } | ({ ok: false } & GuardError);

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

/** Checks console SQL; on success `statement` is the one statement, without comments around it. */
export function guardSql(input: string): GuardResult {
  const split = splitStatements(input);
  if ('unterminated' in split) return { ok: false, reason: 'unterminated', what: split.unterminated };
  const { statements } = split;
  if (statements.length === 0) return { ok: false, reason: 'empty' };
  if (statements.length > 1) return { ok: false, reason: 'multiple', count: statements.length };
  const statement = statements[0];
  const first = (statement.replace(/^\(+/, '').split(/[\s(]+/)[0] ?? '').toUpperCase();
  if (!(ALLOWED as readonly string[]).includes(first)) return { ok: false, reason: 'not_read_only', keyword: first };
  return { ok: true, kind: first as AllowedKind, statement };
}
