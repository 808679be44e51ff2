/** The map layers of a built district that the planner reads, fetched through the data seam once per district and data root. */
import type { FeatureCollection } from 'geojson';
import { mapLayerUrl } from '$lib/data/paths';
import { fetchData } from '$lib/data/source';
import type { DistrictCode } from '$lib/data/schema';
import type { DistrictLayers } from '$lib/plan/community-plan';

const LAYERS = ['streets', 'communities', 'compounds', 'roads', 'buildings'] as const;
const cache = new Map<string, Promise<DistrictLayers>>();

async function fetchLayers(root: string, district: DistrictCode): Promise<DistrictLayers> {
  const parts = await Promise.all(
    LAYERS.map(async (l) => {
      const r = await fetchData(mapLayerUrl(root, district, l));
      if (!r.ok) throw new Error(`${l}.geojson: ${r.status} ${r.statusText}`);
      return [l, (await r.json()) as FeatureCollection] as const;
    })
  );
  return Object.fromEntries(parts) as unknown as DistrictLayers;
}

/** The district's layers; a failed fetch is forgotten, so the next call tries again. */
export function districtLayers(root: string, district: DistrictCode): Promise<DistrictLayers> {
  const key = `${root}|${district}`;
  let p = cache.get(key);
  if (!p) {
    p = fetchLayers(root, district);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  return p;
}
