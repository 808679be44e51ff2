/**
 * A district's figures.json (src/lib/data/precomputed.ts): the pages' numbers computed when the
 * data was built, which /compare and /heatmap show while DuckDB-wasm starts.
 */
import { figuresUrl } from '$lib/data/paths';
import { readPrecomputed, type PrecomputedFigures } from '$lib/data/precomputed';
import type { DistrictCode } from '$lib/data/schema';
import { dataset } from './dataset.svelte';

/**
 * The district's built figures; null when it runs on its own data (Data page: only the browser can
 * compute those), or the file is missing or malformed (the browser's answer follows either way).
 */
export async function builtFigures(code: DistrictCode): Promise<PrecomputedFigures | null> {
  try {
    // Asked for at once; whether the district runs on its own data is known from the index meanwhile.
    const req = fetch(figuresUrl(dataset.root, code));
    req.catch(() => {});
    await dataset.load();
    if (dataset.hasLocal(code)) return null;
    const res = await req;
    return res.ok ? readPrecomputed(await res.json()) : null;
  } catch {
    return null;
  }
}
