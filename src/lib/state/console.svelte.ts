/**
 * The analysts' SQL console on /compare: one read-only statement (see sql-guard.ts) run by the
 * page's DuckDB-wasm over the chosen districts' tables; results as rows for a table, a chart
 * and CSV export; errors as a message that says what failed.
 */
import type { BrowserDb } from '$lib/data/duckdb-browser';
import { CONSOLE_ROW_LIMIT, guardSql, type GuardError } from '$lib/data/sql-guard';
import { PARQUET_COLUMNS } from '$lib/data/columns';
import type { TableColumns } from '$lib/data/queries';
import type { DistrictCode, TableName } from '$lib/data/schema';
import { plainRows } from './compare.svelte';

export interface ConsoleResult {
  columns: string[];
  rows: Record<string, unknown>[];
  /** More rows existed than CONSOLE_ROW_LIMIT. */
  truncated: boolean;
  ms: number;
}

export type ConsoleError = { kind: 'guard'; error: GuardError } | { kind: 'duckdb'; message: string };

/** The console's tables (what the comparison loads: no buildings), with their columns. */
export const CONSOLE_TABLES = ['communities', 'grids', 'compounds', 'stations', 'incidents'] as const satisfies readonly TableName[];

/** Every column of the console's tables: the comparison loads only what its queries read, the console loads the rest on first use. */
export const CONSOLE_COLUMNS = Object.fromEntries(CONSOLE_TABLES.map((t) => [t, PARQUET_COLUMNS[t].map((c) => c.name)])) as TableColumns;

export function consoleSchema(districts: readonly DistrictCode[]) {
  return districts.flatMap((d) =>
    CONSOLE_TABLES.map((t) => ({ name: `${t}_${d}`, table: t, district: d, columns: PARQUET_COLUMNS[t] }))
  );
}

/** Example queries over the first two chosen districts. */
export function consoleExamples(d: readonly DistrictCode[]): { key: string; sql: string }[] {
  const [a, b = a] = d;
  return [
    { key: 'grids', sql: `SELECT households, count(*) AS grids\nFROM grids_${a}\nGROUP BY households ORDER BY households` },
    {
      key: 'categories',
      sql: `SELECT category, count(*) FILTER (WHERE district = '${a}') AS d_${a},\n  count(*) FILTER (WHERE district = '${b}') AS d_${b}\nFROM (SELECT district, category FROM incidents_${a}\n  UNION ALL SELECT district, category FROM incidents_${b})\nGROUP BY category ORDER BY category`
    },
    { key: 'stations', sql: `SELECT kind, count(*) AS n FROM stations_${a} GROUP BY kind ORDER BY n DESC` },
    { key: 'summarize', sql: `SUMMARIZE grids_${a}` }
  ];
}

class ConsoleState {
  sql = $state('');
  running = $state(false);
  result = $state.raw<ConsoleResult | null>(null);
  error = $state.raw<ConsoleError | null>(null);

  async run(db: BrowserDb, districts: readonly DistrictCode[]): Promise<void> {
    const g = guardSql(this.sql, CONSOLE_ROW_LIMIT);
    if (!g.ok) {
      const { ok: _ok, ...error } = g;
      this.error = { kind: 'guard', error };
      this.result = null;
      return;
    }
    this.running = true;
    this.error = null;
    try {
      await Promise.all(districts.map((d) => db.use(CONSOLE_COLUMNS, d)));
      const t0 = performance.now();
      const table = await db.query(g.sql);
      const ms = performance.now() - t0;
      const rows = plainRows<Record<string, unknown>>(table);
      this.result = {
        columns: table.schema.fields.map((f) => f.name),
        rows: rows.slice(0, CONSOLE_ROW_LIMIT),
        truncated: rows.length > CONSOLE_ROW_LIMIT,
        ms
      };
    } catch (e) {
      this.result = null;
      this.error = { kind: 'duckdb', message: e instanceof Error ? e.message : String(e) };
    } finally {
      this.running = false;
    }
  }
}

export const sqlConsole = new ConsoleState();
