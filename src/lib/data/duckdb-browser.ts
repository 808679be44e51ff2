/**
 * DuckDB-wasm in the browser, loaded once per session from the app's own files (no CDN):
 * the wasm and worker files are bundled by Vite from node_modules. Tables are the app's
 * Parquet files, decoded to Arrow in a worker (see parquet-arrow.ts for why) and inserted
 * once per session as `<table>_<district>`.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import ParquetWorker from '../../workers/parquet.worker?worker';
import type { ParquetReply } from '../../workers/parquet.worker';
import type { TableSource } from './queries';
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
  /** The SQL name of a district's table (after `use`). */
  source: TableSource;
  /** Loads the district's tables into DuckDB once per session. */
  use(tables: TableName[], district: DistrictCode): Promise<void>;
}

let opened: Promise<BrowserDb> | null = null;

/** Opens DuckDB-wasm the first time it is called; later calls get the same instance. */
export function openDb(dataRoot: string): Promise<BrowserDb> {
  opened ??= start(dataRoot);
  return opened;
}

function decoder() {
  const worker = new ParquetWorker();
  const pending = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
  let next = 0;
  worker.onmessage = (e: MessageEvent<ParquetReply>) => {
    const p = pending.get(e.data.id);
    pending.delete(e.data.id);
    if (!p) return;
    if (e.data.ok) p.resolve(e.data.ipc);
    else p.reject(new Error(e.data.error));
  };
  return (url: string) =>
    new Promise<Uint8Array>((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, url });
    });
}

async function start(dataRoot: string): Promise<BrowserDb> {
  const bundle = await duckdb.selectBundle(BUNDLES);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), new Worker(bundle.mainWorker!));
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  const conn = await db.connect();
  // Nothing may be fetched from DuckDB's extension repository: the app works offline.
  await conn.query('SET autoinstall_known_extensions = false; SET autoload_known_extensions = false;');
  const decode = decoder();
  const loading = new Map<string, Promise<void>>();
  const name = (table: TableName, district: DistrictCode) => `${table}_${district}`;
  return {
    query: (sql) => conn.query(sql),
    source: (table, district) => `"${name(table, district)}"`,
    async use(tables, district) {
      await Promise.all(
        tables.map((t) => {
          const key = name(t, district);
          let p = loading.get(key);
          if (!p) {
            p = decode(tableUrl(dataRoot, district, t)).then((ipc) =>
              conn.insertArrowFromIPCStream(ipc, { name: key, create: true })
            );
            loading.set(key, p);
          }
          return p;
        })
      );
    }
  };
}
