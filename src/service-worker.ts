/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
/**
 * Offline for the rider page. The page itself puts what it loaded into RIDER_CACHE after its
 * first answer (see routes/rider/offline.ts); this worker answers from the network and falls
 * back to that cache when offline. Hashed build files come from the cache first. Nothing else
 * is cached, so the planner pages (DuckDB, maplibre) stay network-only.
 */
import { build } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = 'gridatlas-rider';
const IMMUTABLE = new Set(build);

sw.addEventListener('install', () => {
  void sw.skipWaiting();
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      // Drop cached hashed files that no longer belong to this build (version ${version}).
      const cache = await caches.open(CACHE);
      for (const req of await cache.keys()) {
        const path = new URL(req.url).pathname;
        if (path.includes('/_app/immutable/') && !IMMUTABLE.has(path)) await cache.delete(req);
      }
      await sw.clients.claim();
    })()
  );
});

sw.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== sw.location.origin) return;
  const navigate = req.mode === 'navigate';
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      if (IMMUTABLE.has(url.pathname)) {
        const hit = await cache.match(req);
        if (hit) return hit;
      }
      try {
        return await fetch(req);
      } catch (err) {
        const hit = await cache.match(req, {
          ignoreSearch: navigate || url.pathname.startsWith(`${url.pathname.split('/data/')[0]}/data/`)
        });
        if (hit) return hit;
        throw err;
      }
    })()
  );
});
