/// <reference lib="webworker" />
/** Fetches a Parquet file (a district's own data from IndexedDB, see source.ts) and decodes (some of) its columns to an Arrow IPC stream off the main thread. */
import { parquetToArrowIpc } from '$lib/data/parquet-arrow';
import { fetchData } from '$lib/data/source';

export interface ParquetRequest {
  id: number;
  url: string;
  /** Only these columns; all when absent. */
  columns?: string[];
}
export type ParquetReply = { id: number; ok: true; ipc: Uint8Array } | { id: number; ok: false; error: string };

self.onmessage = async (e: MessageEvent<ParquetRequest>) => {
  const { id, url, columns } = e.data;
  try {
    const res = await fetchData(url);
    if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
    const ipc = await parquetToArrowIpc(await res.arrayBuffer(), columns);
    (self as unknown as Worker).postMessage({ id, ok: true, ipc } satisfies ParquetReply, [ipc.buffer]);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // Name the file in every error (decoding errors do not know it).
    (self as unknown as Worker).postMessage({ id, ok: false, error: msg.includes(url) ? msg : `${url}: ${msg}` } satisfies ParquetReply);
  }
};
