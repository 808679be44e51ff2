/**
 * How the analysts' SQL console runs a statement typed on /compare, over any DuckDB session
 * (DuckDB-wasm in the browser: console-db.ts; @duckdb/node-api in unit tests). What keeps it
 * read-only is DuckDB itself: an instance of its own, locked down (lockdown.ts); the statement
 * prepared alone (prepare refuses text holding several); read as a subquery (which cannot hold
 * DDL or writes); inside a READ ONLY transaction that is rolled back. What comes back is capped:
 * rows, and characters per cell, so a 100 MB string or a 5-million-element list never reaches
 * the page whole.
 */
import { PARQUET_COLUMNS } from './columns';
import type { TableColumns } from './queries';
import type { TableName } from './schema';

/** Rows the console shows at most (one more is fetched to tell that the result was cut). */
export const CONSOLE_ROW_LIMIT = 1000;
/** Characters of cell text the console fetches at most over a whole result. */
export const CONSOLE_CHAR_BUDGET = 4_000_000;

/** The console's tables (what the comparison loads: no buildings). */
export const CONSOLE_TABLES = ['communities', 'grids', 'compounds', 'stations', 'incidents'] as const satisfies readonly TableName[];

/** Every column of the console's tables: the console's own instance loads them all. */
export const CONSOLE_COLUMNS = Object.fromEntries(CONSOLE_TABLES.map((t) => [t, PARQUET_COLUMNS[t].map((c) => c.name)])) as TableColumns;

/** A result column as DuckDB's DESCRIBE names it. */
export interface ConsoleColumn {
  name: string;
  type: string;
}

/** Types whose values have a small fixed size: sent as they are. */
const BOUNDED = /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\)|DATE|TIME|TIME WITH TIME ZONE|TIMESTAMP|TIMESTAMP WITH TIME ZONE|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|INTERVAL|UUID)$/;

/** Characters kept per cell: the budget shared by every cell of a full result, within 20–2000. */
export function cellCap(columns: number, rows = CONSOLE_ROW_LIMIT + 1): number {
  return Math.max(20, Math.min(2000, Math.floor(CONSOLE_CHAR_BUDGET / (rows * Math.max(1, columns)))));
}

/** The statement as a parenthesised subquery; trailing semicolons are dropped, and the
 *  statement stands on lines of its own so that a trailing `--` comment cannot eat the `)`. */
export function asSubquery(statement: string): string {
  return `(\n${statement.replace(/[\s;]+$/u, '')}\n)`;
}

/** Asks DuckDB for the statement's result columns without running it. */
export function describeSql(statement: string): string {
  return `DESCRIBE SELECT * FROM ${asSubquery(statement)} AS console_query`;
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** One capped column: bounded types as they are, lists sliced first, everything else as text cut to `cap + 1` characters. */
function capped(ref: string, type: string, cap: number): string {
  if (BOUNDED.test(type)) return ref;
  if (type.endsWith('[]')) return `left(CAST(list_slice(${ref}, 1, ${cap}) AS VARCHAR), ${cap + 1})`;
  return `left(CAST(${ref} AS VARCHAR), ${cap + 1})`;
}

/** The statement run as a query with at most `limit + 1` rows and every cell within `cellCap`. */
export function cappedSql(statement: string, columns: readonly ConsoleColumn[], limit = CONSOLE_ROW_LIMIT): string {
  const cap = cellCap(columns.length, limit + 1);
  const refs = columns.map((_, i) => `c${i}`);
  // Columns are renamed by position first: DESCRIBE's names may repeat or need quoting.
  const select = columns.map((c, i) => `${capped(refs[i], c.type, cap)} AS ${ident(c.name)}`);
  return `SELECT ${select.join(', ')} FROM ${asSubquery(statement)} AS console_query(${refs.join(', ')}) LIMIT ${limit + 1}`;
}

/** Cuts cells longer than `cap` characters (they arrive with `cap + 1`) and counts them. */
export function cutCells(rows: Record<string, unknown>[], columns: readonly string[], cap: number): { rows: Record<string, unknown>[]; cut: number } {
  let cut = 0;
  for (const row of rows)
    for (const c of columns) {
      const v = row[c];
      if (typeof v === 'string' && v.length > cap) {
        row[c] = `${v.slice(0, cap)}…`;
        cut++;
      }
    }
  return { rows, cut };
}

/** What the console needs of a DuckDB connection. */
export interface SqlSession {
  /** Runs statements the app itself wrote (transaction control). */
  exec(sql: string): Promise<void>;
  /** Prepares and runs exactly one statement; DuckDB refuses text that holds more. */
  prepared(sql: string): Promise<Record<string, unknown>[]>;
}

export interface ConsoleRows {
  columns: string[];
  rows: Record<string, unknown>[];
  /** Cells cut to `cap` characters. */
  cut: number;
  cap: number;
}

/** Runs one console statement read-only and capped; rejects with DuckDB's message when it refuses. */
export async function runConsoleStatement(session: SqlSession, statement: string): Promise<ConsoleRows> {
  await session.exec('BEGIN TRANSACTION READ ONLY');
  try {
    const columns = (await session.prepared(describeSql(statement))).map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    const cap = cellCap(columns.length);
    const names = columns.map((c) => c.name);
    return { columns: names, cap, ...cutCells(await session.prepared(cappedSql(statement, columns)), names, cap) };
  } finally {
    await session.exec('ROLLBACK');
  }
}
