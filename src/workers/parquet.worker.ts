/// <reference lib="webworker" />
/**
 * Fetches a Parquet file (a district's own data from IndexedDB, see source.ts) and decodes (some of) its columns to an
 * Arrow IPC stream off the main thread. With columns named, only their bytes are fetched (parquet-ranges.ts). Called through $lib/workers/call.ts (ParquetCall); the stream is transferred.
 */
import parquetWasm from 'parquet-wasm/esm/parquet_wasm_bg.wasm?url';
import { parquetToArrowIpc, useParquetWasm } from '$lib/data/parquet-arrow';
import { fetchParquetColumns } from '$lib/data/parquet-ranges';
import { fetchData } from '$lib/data/source';
import { serve, type Protocol } from '$lib/workers/call';

export interface ParquetRequest {
  url: string;
  /** Only these columns; all when absent. */
  columns?: string[];
}
export type ParquetCall = Protocol<ParquetRequest, { ipc: Uint8Array }>;

// Compiling the decoder overlaps the first file's download.
const ready = useParquetWasm(parquetWasm);

serve<ParquetCall>(
  async ({ url, columns }) => {
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
      return { ipc: await parquetToArrowIpc(bytes, columns) };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      // Name the file in every error (decoding errors do not know it).
      throw new Error(msg.includes(url) ? msg : `${url}: ${msg}`, { cause: err });
    }
  },
  (r) => [r.ipc.buffer]
);
