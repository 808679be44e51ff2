/**
 * The analysts' SQL console on /compare: one statement run read-only in the console's own
 * DuckDB-wasm instance (console-db.ts) over the chosen districts' tables; results capped in
 * rows and characters, as rows for a table, a chart and CSV export; a Cancel that stops the
 * query by ending the instance; errors as a message that says what failed.
 */
import { ConsoleDb } from '$lib/data/console-db';
import { CONSOLE_ROW_LIMIT, CONSOLE_TABLES } from '$lib/data/console-sql';
import { PARQUET_COLUMNS } from '$lib/data/columns';
import { guardSql, type GuardError } from '$lib/data/sql-guard';
import type { DistrictCode } from '$lib/data/schema';
import { dataset } from './dataset.svelte';

export interface ConsoleResult {
  columns: string[];
  rows: Record<string, unknown>[];
  /** More rows existed than CONSOLE_ROW_LIMIT. */
  truncated: boolean;
  /** Cells cut to `cap` characters. */
  cut: number;
  cap: number;
  ms: number;
}

export type ConsoleError =
  { kind: 'guard'; error: GuardError } | { kind: 'duckdb'; message: string } | { kind: 'cancelled' };

/**
 * Browser tests set this global to run statements without the friendly text guard, proving
 * that the sandbox alone keeps the console harmless. It weakens nothing: the guard is not the
 * protection.
 */
const GUARD_OFF_FLAG = '__GRIDATLAS_TEST_SQL_GUARD_OFF';

export function consoleSchema(districts: readonly DistrictCode[]) {
  return districts.flatMap((d) =>
    CONSOLE_TABLES.map((t) => ({ name: `${t}_${d}`, table: t, district: d, columns: PARQUET_COLUMNS[t] }))
  );
}

/** Example queries over the first two chosen districts. */
export function consoleExamples(d: readonly DistrictCode[]): { key: string; sql: string }[] {
  const [a, b = a] = d;
  return [
    {
      key: 'grids',
      sql: `SELECT households, count(*) AS grids\nFROM grids_${a}\nGROUP BY households ORDER BY households`
    },
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
  /** Runs ended so far (answered, refused, failed or cancelled): tests wait on it. */
  ended = $state(0);
  private db: ConsoleDb | null = null;
  /** Bumped by cancel: the answer of a run started before it is dropped. */
  private generation = 0;

  async run(districts: readonly DistrictCode[]): Promise<void> {
    let statement = this.sql;
    if (!(globalThis as Record<string, unknown>)[GUARD_OFF_FLAG]) {
      const g = guardSql(this.sql);
      if (!g.ok) {
        const { ok: _ok, ...error } = g;
        this.error = { kind: 'guard', error };
        this.result = null;
        this.ended++;
        return;
      }
      statement = g.statement;
    }
    const gen = ++this.generation;
    this.running = true;
    this.error = null;
    try {
      this.db ??= new ConsoleDb(dataset.root);
      await this.db.use(districts);
      const t0 = performance.now();
      const r = await this.db.run(statement);
      if (gen !== this.generation) return;
      this.result = {
        columns: r.columns,
        rows: r.rows.slice(0, CONSOLE_ROW_LIMIT),
        truncated: r.rows.length > CONSOLE_ROW_LIMIT,
        cut: r.cut,
        cap: r.cap,
        ms: performance.now() - t0
      };
    } catch (e) {
      if (gen !== this.generation) return;
      this.result = null;
      this.error = { kind: 'duckdb', message: e instanceof Error ? e.message : String(e) };
    } finally {
      if (gen === this.generation) {
        this.running = false;
        this.ended++;
      }
    }
  }

  /** Stops the running query for real: its DuckDB instance (a worker) is terminated. */
  cancel(): void {
    if (!this.running) return;
    this.dispose();
    this.result = null;
    this.error = { kind: 'cancelled' };
    this.ended++;
  }

  /** Ends the console's instance (leaving the page); the next run starts a new one. */
  dispose(): void {
    this.generation++;
    this.running = false;
    this.db?.terminate();
    this.db = null;
  }
}

export const sqlConsole = new ConsoleState();
