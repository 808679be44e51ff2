/**
 * Parquet → Arrow IPC stream, in WebAssembly (parquet-wasm: the Rust `parquet`/`arrow` crates).
 * Why: DuckDB-wasm does not link its Parquet reader in; it would fetch the `parquet` extension from
 * extensions.duckdb.org at run time, which breaks the offline, self-hosted promise. So the app
 * decodes its own Parquet files and hands DuckDB-wasm Arrow, which it ingests natively. parquet-wasm
 * decodes Daoli's 400,000 incidents about ten times faster than the pure-JavaScript decoder the app
 * used before (hyparquet; figures in the README). Node scripts and tests read Parquet with native DuckDB.
 *
 * The wasm is loaded once per JavaScript realm: the browser worker passes the URL Vite gives the
 * file, Node tests its bytes (`useParquetWasm`).
 */
import init, { ParquetFile } from 'parquet-wasm/esm';

let loaded: Promise<unknown> | null = null;

/** Loads parquet-wasm's module from this URL or these bytes (the first call wins). */
export function useParquetWasm(source: string | URL | BufferSource): Promise<unknown> {
  loaded ??= init({ module_or_path: source });
  return loaded;
}

/** indexOf throws for a name the schema lacks. */
function hasField(schema: { indexOf(name: string): number }, name: string): boolean {
  try {
    return schema.indexOf(name) >= 0;
  } catch {
    return false;
  }
}

/** Opens a file for decoding, checking first that it has every column in `only`. */
async function open(file: ArrayBuffer | Uint8Array<ArrayBuffer>, only?: readonly string[]): Promise<ParquetFile> {
  if (!loaded) throw new Error('parquet-wasm is not loaded (useParquetWasm)');
  await loaded;
  const parquet = await ParquetFile.fromFile(new Blob([file]));
  if (!only) return parquet;
  const schema = parquet.schema();
  try {
    const missing = only.filter((c) => !hasField(schema, c));
    if (missing.length) throw new Error(`Parquet file has no column ${missing.join(', ')}`);
  } catch (e) {
    parquet.free();
    throw e;
  } finally {
    schema.free();
  }
  return parquet;
}

/** Decodes `only` these columns (all when absent), in the file's column order; a name the file lacks is an error. */
export async function parquetToArrowIpc(file: ArrayBuffer | Uint8Array<ArrayBuffer>, only?: readonly string[]): Promise<Uint8Array> {
  const parquet = await open(file, only);
  try {
    const table = await parquet.read(only ? { columns: [...only] } : undefined);
    // intoIPCStream copies the table out of wasm memory and frees it there.
    return table.intoIPCStream();
  } finally {
    parquet.free();
  }
}

/**
 * The same, one Arrow IPC stream per row group, in order (one stream of no rows for a file without
 * any, so the reader still learns the columns). Decoding a row group at a time keeps the decoder's
 * heap, which never shrinks, and the reader's copy to one row group's size rather than the
 * file's (Daoli's incidents: 4 row groups, 42 MB of Arrow whole).
 */
export async function* parquetRowGroupsToArrowIpc(
  file: ArrayBuffer | Uint8Array<ArrayBuffer>,
  only?: readonly string[]
): AsyncGenerator<Uint8Array> {
  const parquet = await open(file, only);
  try {
    const meta = parquet.metadata();
    const n = meta.numRowGroups();
    meta.free();
    const columns = only ? { columns: [...only] } : {};
    if (!n) yield (await parquet.read(columns)).intoIPCStream();
    for (let i = 0; i < n; i++) yield (await parquet.read({ ...columns, rowGroups: [i] })).intoIPCStream();
  } finally {
    parquet.free();
  }
}
