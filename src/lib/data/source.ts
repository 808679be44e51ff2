/**
 * The one seam between pages and a district's data: every read of a district file goes through
 * `fetchData`. When the district has its own data (imported on the Data page, kept in IndexedDB),
 * the files an import replaces (local/package.ts LOCAL_FILES) come from there; everything else,
 * and every district without an import, from the static site as before. Works in the page and in
 * workers (the Parquet decoder), and needs no service worker, so the very first load is right too.
 */
import { localKey } from './local/keys';
import { readLocal } from './local/store';

const TYPES: Record<string, string> = { parquet: 'application/vnd.apache.parquet', json: 'application/json', geojson: 'application/geo+json' };

/** `init` goes to the network only (e.g. a Range header); an own file is always answered whole (200). */
export async function fetchData(url: string, init?: RequestInit): Promise<Response> {
  const key = localKey(url);
  if (key && typeof indexedDB !== 'undefined') {
    // A broken or blocked IndexedDB (private mode in some browsers) falls back to the demo files.
    const bytes = await readLocal(key).catch(() => null);
    if (bytes) return new Response(bytes as BodyInit, { headers: { 'content-type': TYPES[key.split('.').pop()!] ?? 'application/octet-stream' } });
  }
  return fetch(url, init);
}
