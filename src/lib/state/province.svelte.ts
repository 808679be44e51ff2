/**
 * The province layout the site may carry (`npm run data -- --districts N` into static/province/):
 * its districts.json, fetched once per session. A site without one answers 404: the registry is
 * then empty and the pages are as they were (never an error on screen for that). A file that is
 * there but broken is an error naming the file, row and field (province.ts parseProvinceIndex).
 */
import { base } from '$app/paths';
import { dataRoot, provinceIndexUrl } from '$lib/data/paths';
import { districtEntries, parseProvinceIndex, provinceDistrict, type DistrictEntry } from '$lib/data/province';
import type { DistrictCode, ProvinceDistrict, ProvinceIndex } from '$lib/data/schema';

class ProvinceState {
  index = $state.raw<ProvinceIndex | null>(null);
  /** True once the fetch has answered (with an index, a 404 or an error). */
  settled = $state(false);
  error = $state<string | null>(null);
  /** The demo districts and the province layout's, for search. */
  entries = $derived<DistrictEntry[]>(districtEntries(this.index));

  private loading: Promise<void> | null = null;

  load(): Promise<void> {
    this.loading ??= this.fetchIndex();
    return this.loading;
  }

  private async fetchIndex(): Promise<void> {
    const url = provinceIndexUrl(dataRoot(location.origin, base));
    try {
      const res = await fetch(url);
      // No province build on this site: nothing to list.
      if (res.status === 404) return;
      if (!res.ok) throw new Error(`${url}: ${res.status} ${res.statusText}`);
      this.index = parseProvinceIndex(await res.json(), 'province/districts.json');
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    } finally {
      this.settled = true;
    }
  }

  district = (code: DistrictCode): ProvinceDistrict | undefined => provinceDistrict(this.index, code);
}

export const province = new ProvinceState();
