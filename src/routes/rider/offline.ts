/**
 * After the first answer, put what this page loaded (its HTML, scripts, styles and the
 * district's rider data) into the offline cache the service worker answers from.
 */
export const RIDER_CACHE = 'gridatlas-rider';

export async function cacheForOffline(extra: string[]): Promise<boolean> {
  if (typeof caches === 'undefined' || !('serviceWorker' in navigator)) return false;
  const origin = location.origin;
  const loaded = performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((u) => u.startsWith(origin) && (/\.(js|css|json)$/.test(new URL(u).pathname) || u.includes('/data/')));
  const page = location.pathname;
  const urls = [...new Set([page, ...loaded, ...extra])];
  const cache = await caches.open(RIDER_CACHE);
  await Promise.all(urls.map((u) => cache.add(u).catch(() => undefined)));
  return true;
}
