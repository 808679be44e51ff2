/**
 * DuckDB-wasm in the browser, loaded once per session from the app's own files (no CDN):
 * the wasm and worker files are bundled by Vite from node_modules.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { parquetSource, type TableSource } from './queries';
import type { DistrictCode, TableName } from './schema';
import { tableUrl } from './paths';

const BUNDLES: duckdb.DuckDBBundles = {
  mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
  eh: { mainModule: ehWasm, mainWorker: ehWorker }
};

/** An Arrow table as DuckDB-wasm returns it. */
export type ArrowTable = Awaited<ReturnType<duckdb.AsyncDuckDBConnection['query']>>;

export interface BrowserDb {
  query(sql: string): Promise<ArrowTable>;
  /** Registers a district's table (once) and returns the SQL source to read it. */
  source: TableSource;
  use(tables: TableName[], district: DistrictCode): Promise<void>;
}

let opened: Promise<BrowserDb> | null = null;

/** Opens DuckDB-wasm the first time it is called; later calls get the same instance. */
export function openDb(dataRoot: string): Promise<BrowserDb> {
  opened ??= start(dataRoot);
  return opened;
}

async function start(dataRoot: string): Promise<BrowserDb> {
  const bundle = await duckdb.selectBundle(BUNDLES);
  const worker = new Worker(bundle.mainWorker!);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  const conn = await db.connect();
  const registered = new Set<string>();
  const fileName = (table: TableName, district: DistrictCode) => `${table}_${district}.parquet`;
  return {
    query: (sql) => conn.query(sql),
    source: parquetSource(fileName),
    async use(tables, district) {
      for (const t of tables) {
        const name = fileName(t, district);
        if (registered.has(name)) continue;
        await db.registerFileURL(name, tableUrl(dataRoot, district, t), duckdb.DuckDBDataProtocol.HTTP, false);
        registered.add(name);
      }
    }
  };
}
