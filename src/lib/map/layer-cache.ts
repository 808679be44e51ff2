/**
 * A district's map layers (GeoJSON), read once per visit: the basemap's sources (maplibre asks
 * through the data protocol, create-map.ts), /heatmap's grids, /compare's communities and the
 * coverage shares' buildings all get the same parsed layer instead of fetching and parsing it again
 * (up to three downloads of a layer per visit before). Read through the data seam, so a district's
 * own layers (IndexedDB) come first; the Data page reloads pages after a save or removal, which
 * starts a fresh cache. Callers must not change what they get.
 */
import { fetchData } from '$lib/data/source';

const layers = new Map<string, Promise<unknown>>();

export function fetchLayer<T>(url: string): Promise<T> {
  let p = layers.get(url);
  if (!p) {
    p = fetchData(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`);
      return r.json();
    });
    layers.set(url, p);
    // A failed read is not kept: the next ask tries again.
    p.catch(() => layers.delete(url));
  }
  return p as Promise<T>;
}
