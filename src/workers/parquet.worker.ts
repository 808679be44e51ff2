/// <reference lib="webworker" />
/**
 * Fetches a Parquet file (a district's own data from IndexedDB, see source.ts) and decodes (some of) its columns to
 * Arrow IPC streams off the main thread, one per row group, each posted (transferred) as progress as soon as it is
 * decoded: the caller inserts one while the next decodes. With columns named, only their bytes are fetched
 * (parquet-ranges.ts). Called through $lib/workers/call.ts (ParquetCall); the reply counts the streams.
 */
import parquetWasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import { parquetRowGroupsToArrowIpc, useParquetWasm } from '$lib/data/parquet-arrow';
import { fetchParquetColumns } from '$lib/data/parquet-ranges';
import { fetchData } from '$lib/data/source';
import { serve, type Protocol } from '$lib/workers/call';

export interface ParquetRequest {
  url: string;
  /** Only these columns; all when absent. */
  columns?: string[];
}
export type ParquetCall = Protocol<ParquetRequest, { batches: number }, { ipc: Uint8Array }>;

// Compiling the decoder overlaps the first file's download.
const ready = useParquetWasm(parquetWasm);

serve<ParquetCall>(async ({ url, columns }, progress) => {
  try {
    let bytes: ArrayBuffer | Uint8Array<ArrayBuffer>;
    if (columns) {
      // An own district's file (IndexedDB) comes whole, as a 200: read whole.
      bytes = (
        await fetchParquetColumns((range) => fetchData(url, range ? { headers: { range } } : undefined), columns)
      ).file;
    } else {
      const res = await fetchData(url);
      if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
      bytes = await res.arrayBuffer();
    }
    await ready;
    let batches = 0;
    for await (const stream of parquetRowGroupsToArrowIpc(bytes, columns)) {
      // Moved, not copied: a buffer of its own (a view into a larger one would move that too).
      const ipc = stream.byteLength === stream.buffer.byteLength ? stream : stream.slice();
      progress({ ipc }, [ipc.buffer]);
      batches++;
    }
    return { batches };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // Name the file in every error (decoding errors do not know it).
    throw new Error(msg.includes(url) ? msg : `${url}: ${msg}`, { cause: err });
  }
});
