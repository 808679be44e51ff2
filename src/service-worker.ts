/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
/**
 * The second visit and offline.
 * - Hashed build files (scripts, DuckDB's and parquet-wasm's wasm and workers) are stored the first
 *   time they pass through here and answered from the cache from then on (that first time too: see
 *   `stored`), in a cache named by the build version: a new build drops the old one.
 * - The built districts' Parquet files and map layers (`data/<adcode>/<table>.parquet`,
 *   `data/<adcode>/map/<layer>.geojson`, `data/<adcode>/figures.json`) likewise, byte ranges included, in a cache named by the
 *   data's content version (index.json's `dataVersion`, written by `npm run data`). index.json
 *   itself always comes from the server (revalidated), so regenerated data gets a new cache and the
 *   old one is deleted: cached data is never older than the index the page reads. Data without a
 *   version is not cached. A district's own data (IndexedDB, source.ts) never passes through here.
 * - /rider offline: the page itself puts what it loaded into RIDER_CACHE after its first answer
 *   (routes/rider/offline.ts); everything else is answered from the network, falling back to that
 *   cache when offline.
 */
import { build, version } from '$service-worker';
import { byteRange } from '$lib/data/byte-range';

const sw = self as unknown as ServiceWorkerGlobalScope;
const RIDER = 'gridatlas-rider';
const BUILD = `gridatlas-build-${version}`;
const DATA = 'gridatlas-data-';
const IMMUTABLE = new Set(build);
/** Kit names every file here by its content hash; `build` lacks some (the wasm and workers bundled with `?url`). */
const hashed = (path: string) => path.includes('/_app/immutable/');
const SCOPE = new URL(sw.registration.scope).pathname.replace(/\/$/, '');
const INDEX = `${SCOPE}/data/index.json`;
/** The files index.json's version vouches for (imports, rider files and anything else in data/ are not). */
const DATA_FILE = new RegExp(
  `^${SCOPE.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/data/\\d{6}/(?:[a-z_]+\\.parquet|figures\\.json|map/[a-z_]+\\.geojson)$`
);

sw.addEventListener('install', () => {
  void sw.skipWaiting();
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys())
        if (name.startsWith('gridatlas-build-') && name !== BUILD) await caches.delete(name);
      // Drop cached hashed files that no longer belong to this build.
      const rider = await caches.open(RIDER);
      for (const req of await rider.keys()) {
        const path = new URL(req.url).pathname;
        if (path.includes('/_app/immutable/') && !IMMUTABLE.has(path)) await rider.delete(req);
      }
      await sw.clients.claim();
    })()
  );
});

/** The data version the pages are reading: set by each index.json that passes, else asked for. */
let current: Promise<string | null> | null = null;

async function useVersion(v: string | null): Promise<string | null> {
  if (v)
    for (const name of await caches.keys()) if (name.startsWith(DATA) && name !== DATA + v) await caches.delete(name);
  return v;
}

function versionOf(index: Response): Promise<string | null> {
  return index
    .json()
    .then((j: { dataVersion?: unknown }) => (typeof j.dataVersion === 'string' ? j.dataVersion : null))
    .catch(() => null);
}

function dataVersion(): Promise<string | null> {
  current ??= fetch(INDEX, { cache: 'no-cache' }).then(
    (res) => (res.ok ? versionOf(res).then(useVersion) : null),
    // Offline: the data cache there is (older ones are deleted as soon as a newer version is seen).
    async () => (await caches.keys()).find((n) => n.startsWith(DATA))?.slice(DATA.length) ?? null
  );
  return current;
}

/** A cached 200 (a whole file, or one range kept with its Content-Range) as the 206 the request asked for. */
async function partial(hit: Response, range: string): Promise<Response | null> {
  if (hit.headers.has('content-range'))
    return new Response(await hit.blob(), { status: 206, statusText: 'Partial Content', headers: hit.headers });
  const bytes = await hit.arrayBuffer();
  const r = byteRange(range, bytes.byteLength);
  if (!r) return null;
  const headers = new Headers(hit.headers);
  headers.set('content-range', `bytes ${r[0]}-${r[1]}/${bytes.byteLength}`);
  headers.set('content-length', String(r[1] - r[0] + 1));
  return new Response(bytes.slice(r[0], r[1] + 1), { status: 206, statusText: 'Partial Content', headers });
}

/** A cache hit as the request wants it: whole, or the range asked for (null when there is no such range). */
async function answer(hit: Response | undefined, range: string | null): Promise<Response | null> {
  if (!hit) return null;
  return range ? partial(hit, range) : hit;
}

/**
 * Puts a network answer in the cache, then answers from the cache. Not `res.clone()` into the
 * cache while the page reads the other copy: Chromium keeps a teed body in the renderer's memory
 * until the worker's next garbage collection, which an idle worker may not run for its life
 * (memory dumps of /heatmap: ~85 MB more, DuckDB's 34 MB wasm among it). The page loses nothing
 * by the wait: it reads a byte range or a JSON file whole before using it; only the wasm's
 * streaming compile no longer overlaps its first download. Should storing fail (quota), the file
 * is fetched again and answered uncached. Byte ranges go in and out as Blobs, never as a
 * JavaScript stream (whose chunks would wait for that collection too): a Blob stays in the
 * browser's blob store, the worker holds a handle (renderer's buffer memory at rest with the
 * worker: 18 MB, as with none; 100 MB before).
 */
async function stored(
  cache: Cache,
  key: RequestInfo,
  res: Response,
  req: Request,
  range: string | null
): Promise<Response> {
  try {
    await cache.put(key, res);
    const cached = await answer(await cache.match(key), range);
    if (cached) return cached;
  } catch {
    // Not stored: the network's answer below.
  }
  return fetch(req);
}

async function fromData(req: Request): Promise<Response> {
  const v = await dataVersion();
  if (!v) return fetch(req);
  const cache = await caches.open(DATA + v);
  const range = req.headers.get('range');
  // One entry per range asked for (the Cache API keeps only whole 200 responses).
  const key = range
    ? `${req.url}${req.url.includes('?') ? '&' : '?'}gridatlas-range=${encodeURIComponent(range)}`
    : req.url;
  const cached = await answer((await cache.match(key)) ?? (range ? await cache.match(req.url) : undefined), range);
  if (cached) return cached;
  const res = await fetch(req);
  // A whole file is kept under its own URL (without a range, that is `key`).
  if (res.status === 200) return stored(cache, req.url, res, req, range);
  if (res.status === 206 && range)
    return stored(cache, key, new Response(await res.blob(), { status: 200, headers: res.headers }), req, range);
  return res;
}

async function fromBuild(req: Request): Promise<Response> {
  const hit = (await caches.match(req, { cacheName: BUILD })) ?? (await caches.match(req, { cacheName: RIDER }));
  if (hit) return hit;
  const res = await fetch(req);
  return res.status === 200 ? stored(await caches.open(BUILD), req, res, req, null) : res;
}

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin) return;
  const navigate = req.mode === 'navigate';
  // A new page may follow a regeneration: ask index.json again unless the page's own request says first.
  if (navigate) current = null;
  event.respondWith(
    (async () => {
      try {
        if (hashed(url.pathname)) return await fromBuild(req);
        if (DATA_FILE.test(url.pathname) && !url.search) return await fromData(req);
        if (url.pathname === INDEX) {
          const res = await fetch(req, { cache: 'no-cache' });
          if (res.ok) current = versionOf(res.clone()).then(useVersion);
          return res;
        }
        return await fetch(req);
      } catch (err) {
        const hit = await caches.match(req, {
          cacheName: RIDER,
          ignoreSearch: navigate || url.pathname.startsWith(`${SCOPE}/data/`)
        });
        if (hit) return hit;
        throw err;
      }
    })()
  );
});
