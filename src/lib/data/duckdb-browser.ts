/**
 * DuckDB-wasm in the browser, loaded once per session from the app's own files (no CDN):
 * the wasm and worker files are bundled by Vite from node_modules. Tables are the app's
 * Parquet files, decoded to Arrow in a worker (parquet-wasm; see parquet-arrow.ts for why) and inserted
 * as `<table>_<district>` with the columns a page asked for; asking for more columns later
 * reloads the table with the union (so each column is decoded at most twice per session).
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import ParquetWorker from '../../workers/parquet.worker?worker';
import type { ParquetCall } from '../../workers/parquet.worker';
import { workerClient } from '$lib/workers/call';
import type { DistrictCode, TableName } from './schema';
import { LOCKDOWN_SQL } from './lockdown';
import { tableUrl } from './paths';
import type { Connector } from './connector';

const BUNDLES: duckdb.DuckDBBundles = {
  mvp: { mainModule: mvpWasm, mainWorker: mvpWorker },
  eh: { mainModule: ehWasm, mainWorker: ehWorker }
};

/** An Arrow table as DuckDB-wasm returns it. */
export type ArrowTable = Awaited<ReturnType<duckdb.AsyncDuckDBConnection['query']>>;

/** Arrow rows as plain objects; BIGINT becomes number. */
export function plainRows<T>(t: ArrowTable): T[] {
  return t.toArray().map((r) => {
    const o = r.toJSON() as Record<string, unknown>;
    for (const k of Object.keys(o)) if (typeof o[k] === 'bigint') o[k] = Number(o[k]);
    return o as T;
  });
}

/** The browser's Connector, which can also answer in Arrow (columns for the map without copying rows). */
export interface BrowserDb extends Connector {
  query(sql: string): Promise<ArrowTable>;
}

let opened: Promise<BrowserDb> | null = null;

/**
 * Starts DuckDB-wasm the first time it is called; later calls get the same instance. Resolves at
 * once: tables asked for with `use` download and decode while DuckDB-wasm is still starting, and
 * queries wait for it (a failed start is their error).
 */
export function openDb(dataRoot: string): Promise<BrowserDb> {
  opened ??= Promise.resolve(start(dataRoot));
  return opened;
}

/**
 * Idle time after which the Parquet decoder is ended: its wasm heap grows to what its largest file
 * needed and never shrinks (after Daoli's incidents the renderer held 170–200 MB more, for the
 * page's life: 940 against 740–770 MB idle, bench machine); a district switch or a wider table
 * later starts a new one (parquet-wasm compiled again, from the browser's cache).
 */
const DECODER_IDLE_MS = 3000;

/** A Parquet decoding worker: `decode(url, columns, onBatch)` hands over one Arrow IPC stream per row group, in order. */
export function parquetDecoder() {
  const worker = workerClient<ParquetCall>(() => new ParquetWorker(), { idleMs: DECODER_IDLE_MS });
  return {
    async decode(url: string, columns: string[], onBatch: (ipc: Uint8Array) => void): Promise<void> {
      const r = await worker.call({ url, columns }, { onProgress: (p) => onBatch(p.ipc) });
      if (!r.ok) throw new Error(r.message);
    },
    /** Stops the worker: decodes in flight fail with 'cancelled'. */
    terminate() {
      worker.terminate();
    }
  };
}
export type ParquetDecoder = ReturnType<typeof parquetDecoder>;

/**
 * Loads these columns of a Parquet file into a new table `name`, inserting each row group while
 * the next one decodes (DuckDB-wasm's heap, which never shrinks, then holds one row group's
 * Arrow in transit rather than the file's). A failed load leaves no table behind.
 */
export async function loadParquet(
  conn: duckdb.AsyncDuckDBConnection | Promise<duckdb.AsyncDuckDBConnection>,
  decoder: ParquetDecoder,
  url: string,
  columns: string[],
  name: string
): Promise<void> {
  let inserted: Promise<unknown> = Promise.resolve(conn);
  let create = true;
  try {
    await decoder.decode(url, columns, (ipc) => {
      const into = { name, create };
      create = false;
      inserted = inserted.then(async () => {
        const c = await conn;
        await c.insertArrowFromIPCStream(ipc, into);
        // Compressed now, so no more than one row group's rows are ever held uncompressed.
        await c.query(`CHECKPOINT ${TABLES_DB}`);
      });
    });
    await inserted;
  } catch (e) {
    await inserted.catch(() => {});
    await Promise.resolve(conn)
      .then((c) => c.query(`DROP TABLE IF EXISTS "${name}"`))
      .catch(() => {});
    throw e;
  }
}

/** The in-memory database that holds the tables (see newLockedDb). */
const TABLES_DB = 'tables';

/** A new DuckDB-wasm instance in a worker of its own, with one connection, locked down (lockdown.ts). */
export async function newLockedDb(): Promise<{ db: duckdb.AsyncDuckDB; conn: duckdb.AsyncDuckDBConnection }> {
  const bundle = await duckdb.selectBundle(BUNDLES);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), new Worker(bundle.mainWorker!));
  try {
    await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
    const conn = await db.connect();
    // Tables live in a compressed in-memory database: a CHECKPOINT compresses what was inserted
    // (dictionary/FSST strings, ALP doubles, bit-packed timestamps). Daoli's incident columns: 51 →
    // 7 MB, and the KPI queries run about twice as fast on the dictionaries (loadParquet).
    await conn.query(`ATTACH ':memory:' AS ${TABLES_DB} (COMPRESS); USE ${TABLES_DB}`);
    await conn.query(LOCKDOWN_SQL);
    return { db, conn };
  } catch (e) {
    await db.terminate();
    throw e;
  }
}

function start(dataRoot: string): BrowserDb {
  const connection = newLockedDb().then((x) => x.conn);
  // Nobody may be waiting yet; the error reaches every query and load that does.
  connection.catch(() => {});
  const decoder = parquetDecoder();
  /** Per table: the columns it has (or will have once `ready` settles); loads of one table are chained. */
  const tables = new Map<string, { columns: string[]; ready: Promise<void> }>();
  const name = (table: TableName, district: DistrictCode) => `${table}_${district}`;

  function ensure(table: TableName, district: DistrictCode, want: readonly string[]): Promise<void> {
    const key = name(table, district);
    const have = tables.get(key);
    const missing = want.filter((c) => !have?.columns.includes(c));
    if (have && !missing.length) return have.ready;
    const columns = [...(have?.columns ?? []), ...missing];
    const load = async () => {
      const url = tableUrl(dataRoot, district, table);
      if (!have) return loadParquet(connection, decoder, url, columns, key);
      // Swap in the wider table in one statement, so no query sees it missing.
      const tmp = `${key}__load`;
      await loadParquet(connection, decoder, url, columns, tmp);
      await (await connection).query(`BEGIN; DROP TABLE "${key}"; ALTER TABLE "${tmp}" RENAME TO "${key}"; COMMIT;`);
    };
    const ready = (have ? have.ready.catch(() => {}) : Promise.resolve()).then(load);
    const entry = { columns, ready };
    tables.set(key, entry);
    // A failed load is forgotten, so a later call tries again.
    ready.catch(() => {
      if (tables.get(key) === entry) {
        if (have) tables.set(key, have);
        else tables.delete(key);
      }
    });
    return ready;
  }

  return {
    query: (sql) => connection.then((conn) => conn.query(sql)),
    rows: async <T>(sql: string) => plainRows<T>(await connection.then((conn) => conn.query(sql))),
    source: (table, district) => `"${name(table, district)}"`,
    async use(columns, district) {
      await Promise.all((Object.entries(columns) as [TableName, readonly string[]][]).map(([t, cols]) => ensure(t, district, cols)));
    }
  };
}
