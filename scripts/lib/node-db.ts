/**
 * The Node side of GridAtlas's DuckDB connector (@duckdb/node-api): open an in-memory
 * database, run SQL, read rows as plain objects, append rows, write Parquet. Used by the data
 * scripts and by the vitest suites; the browser uses DuckDB-wasm with the same SQL text.
 */
import type { DuckDBAppender, DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

import type { ColumnDef } from '../../src/lib/data/columns';
import type { Connector } from '../../src/lib/data/connector';
import { parquetSource } from '../../src/lib/data/queries';
import type { DistrictCode, TableName } from '../../src/lib/data/schema';

export type { ColumnDef, ColumnType } from '../../src/lib/data/columns';

export type Row = Record<string, unknown>;

export interface NodeDb {
  readonly connection: DuckDBConnection;
  /** Runs one or more statements, discarding results. */
  run(sql: string): Promise<void>;
  /** Runs a query and returns its rows; BIGINT/HUGEINT become numbers when safe, TIMESTAMP a Date. */
  all<T extends Row = Row>(sql: string): Promise<T[]>;
  /** The first column of the first row. */
  scalar<T = unknown>(sql: string): Promise<T>;
  appender(table: string): Promise<DuckDBAppender>;
  /** Creates `table` and appends the rows (arrays in column order; null for NULL). */
  load(table: string, columns: readonly ColumnDef[], rows: Iterable<readonly unknown[]>): Promise<void>;
  close(): void;
}

export interface OpenOptions {
  /** Database file; in-memory by default. */
  path?: string;
  /** Worker threads; 1 makes Parquet output byte-stable. */
  threads?: number;
}

/** Quotes a string as a SQL literal. */
export function sqlString(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Quotes an identifier. */
export function sqlIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

/** read_parquet('<file>') for one file or a glob. */
export function readParquet(pathOrGlob: string): string {
  return `read_parquet(${sqlString(pathOrGlob)})`;
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint')
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

export async function openNodeDb(options: OpenOptions = {}): Promise<NodeDb> {
  const api = await import('@duckdb/node-api');
  const settings: Record<string, string> = {};
  if (options.threads) settings.threads = String(options.threads);
  const instance: DuckDBInstance = await api.DuckDBInstance.create(options.path ?? ':memory:', settings);
  const connection = await instance.connect();
  const listOfVarchar = api.LIST(api.VARCHAR);

  const db: NodeDb = {
    connection,
    async run(sql) {
      await connection.run(sql);
    },
    async all<T extends Row = Row>(sql: string) {
      const reader = await connection.runAndReadAll(sql);
      return reader.getRowObjectsJS().map((r) => {
        const o: Row = {};
        for (const [k, v] of Object.entries(r)) o[k] = plain(v);
        return o as T;
      });
    },
    async scalar<T = unknown>(sql: string) {
      const rows = await db.all(sql);
      const first = rows[0];
      return (first ? Object.values(first)[0] : undefined) as T;
    },
    appender(table) {
      return connection.createAppender(table);
    },
    async load(table, columns, rows) {
      await connection.run(
        `CREATE OR REPLACE TABLE ${sqlIdent(table)} (${columns.map((c) => `${sqlIdent(c.name)} ${c.type}`).join(', ')})`
      );
      const app = await connection.createAppender(table);
      for (const row of rows) {
        columns.forEach((c, i) => {
          const v = row[i];
          if (v === null || v === undefined) {
            app.appendNull();
            return;
          }
          switch (c.type) {
            case 'VARCHAR':
              app.appendVarchar(String(v));
              break;
            case 'INTEGER':
              app.appendInteger(v as number);
              break;
            case 'UTINYINT':
              app.appendUTinyInt(v as number);
              break;
            case 'BIGINT':
              app.appendBigInt(BigInt(v as number | bigint));
              break;
            case 'DOUBLE':
              app.appendDouble(v as number);
              break;
            case 'BOOLEAN':
              app.appendBoolean(Boolean(v));
              break;
            case 'TIMESTAMP':
              app.appendTimestamp(new api.DuckDBTimestampValue(BigInt(Math.round(v as number)) * 1000n));
              break;
            case 'VARCHAR[]':
              app.appendList(api.listValue((v as string[]).map(String)), listOfVarchar);
              break;
          }
        });
        app.endRow();
      }
      app.closeSync();
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    }
  };
  return db;
}

/**
 * The Node side of the Connector (src/lib/data/connector.ts): the same named SQL over the Parquet
 * files on disk (`pathOf` says where each district's table is), nothing to load first.
 */
export function nodeConnector(db: NodeDb, pathOf: (table: TableName, district: DistrictCode) => string): Connector {
  return {
    source: parquetSource(pathOf),
    use: async () => {},
    rows: <T>(sql: string) => db.all(sql) as Promise<T[]>
  };
}
