/**
 * The SQL console's own DuckDB-wasm instance, apart from the one that draws /compare and
 * /heatmap: whatever a statement does here cannot change what those pages show. It is locked
 * down when it starts (lockdown.ts) and runs statements as console-sql.ts says. A query is
 * stopped by terminating the instance's worker; the next run starts a fresh instance.
 */
import type { AsyncDuckDB, AsyncDuckDBConnection } from '@duckdb/duckdb-wasm';
import { loadParquet, newLockedDb, parquetDecoder, plainRows, type ParquetDecoder } from './duckdb-browser';
import { CONSOLE_COLUMNS, runConsoleStatement, type ConsoleRows } from './console-sql';
import { tableUrl } from './paths';
import type { DistrictCode, TableName } from './schema';

export class ConsoleDb {
  private instance: Promise<{ db: AsyncDuckDB; conn: AsyncDuckDBConnection }> | null = null;
  private decoder: ParquetDecoder | null = null;
  private loaded = new Map<DistrictCode, Promise<void>>();

  constructor(private readonly dataRoot: string) {}

  private open() {
    this.decoder ??= parquetDecoder();
    this.instance ??= newLockedDb();
    return this.instance;
  }

  /** Loads every console table of these districts, all columns (once per instance). */
  async use(districts: readonly DistrictCode[]): Promise<void> {
    const { conn } = await this.open();
    const decoder = this.decoder!;
    const load = (d: DistrictCode) =>
      Promise.all(
        (Object.entries(CONSOLE_COLUMNS) as [TableName, string[]][]).map(([t, cols]) =>
          loadParquet(conn, decoder, tableUrl(this.dataRoot, d, t), cols, `${t}_${d}`)
        )
      ).then(() => undefined);
    await Promise.all(
      districts.map((d) => {
        let p = this.loaded.get(d);
        if (!p) {
          p = load(d);
          p.catch(() => this.loaded.delete(d));
          this.loaded.set(d, p);
        }
        return p;
      })
    );
  }

  async run(statement: string): Promise<ConsoleRows> {
    const { conn } = await this.open();
    return runConsoleStatement(
      {
        exec: async (sql) => void (await conn.query(sql)),
        async prepared(sql) {
          const stmt = await conn.prepare(sql);
          try {
            return plainRows<Record<string, unknown>>(await stmt.query());
          } finally {
            await stmt.close();
          }
        }
      },
      statement
    );
  }

  /** Stops whatever runs now and frees the instance; a later call starts a new one. */
  terminate(): void {
    const instance = this.instance;
    this.instance = null;
    this.loaded.clear();
    this.decoder?.terminate();
    this.decoder = null;
    void instance?.then(
      ({ db }) => db.terminate(),
      () => {}
    );
  }
}
