/// <reference lib="webworker" />
/**
 * Fetches a Parquet file (a district's own data from IndexedDB, see source.ts) and decodes (some of) its columns to an
 * Arrow IPC stream off the main thread. Called through $lib/workers/call.ts (ParquetCall); the stream is transferred.
 */
import { parquetToArrowIpc } from '$lib/data/parquet-arrow';
import { fetchData } from '$lib/data/source';
import { serve, type Protocol } from '$lib/workers/call';

export interface ParquetRequest {
  url: string;
  /** Only these columns; all when absent. */
  columns?: string[];
}
export type ParquetCall = Protocol<ParquetRequest, { ipc: Uint8Array }>;

serve<ParquetCall>(
  async ({ url, columns }) => {
    try {
      const res = await fetchData(url);
      if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
      return { ipc: await parquetToArrowIpc(await res.arrayBuffer(), columns) };
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      // Name the file in every error (decoding errors do not know it).
      throw new Error(msg.includes(url) ? msg : `${url}: ${msg}`);
    }
  },
  (r) => [r.ipc.buffer]
);
