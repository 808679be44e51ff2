/**
 * The site's Content-Security-Policy, one definition for SvelteKit's `kit.csp` (a <meta> tag in
 * every prerendered page, with hashes of Kit's inline bootstrap script) and for the preview
 * server's headers (scripts/vite.config.ts), which also cover workers: a worker loaded from a URL
 * is governed by its own response's header, never by the page's <meta>.
 *
 * A <meta> policy is fixed when the site is built, so the only remote origin it can allow is one
 * named at build time: GRIDATLAS_TILE_ORIGIN (e.g. `https://tile.openstreetmap.org` or
 * `https://*.tianditu.gov.cn`, several separated by spaces) adds raster-tile origins to
 * connect-src and img-src. The list also reaches the app (vite `define`), so the basemap
 * settings can say when a tile URL is outside the policy instead of drawing a broken map.
 */

/** @typedef {Record<string, string[]>} Directives */

const ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$/;

/**
 * The tile origins named in GRIDATLAS_TILE_ORIGIN, lower-cased, without a trailing slash.
 * @param {string | undefined} value
 * @returns {string[]}
 */
export function tileOrigins(value) {
  const origins = (value ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((o) => o.toLowerCase().replace(/\/$/, ''));
  for (const o of origins) {
    if (!ORIGIN.test(o)) {
      throw new Error(
        `GRIDATLAS_TILE_ORIGIN: "${o}" is not an origin; write scheme and host only, e.g. https://tile.openstreetmap.org or https://*.tianditu.gov.cn`
      );
    }
  }
  return origins;
}

/**
 * The policy's directives. 'wasm-unsafe-eval' lets DuckDB-wasm compile its WebAssembly and
 * allows no JavaScript eval; no page or worker needs 'unsafe-eval' (DuckDB-wasm, maplibre and
 * deck.gl run without it; Arrow's builders would not, so parquet-arrow.ts fills buffers itself). style-src needs 'unsafe-inline': Svelte's style: bindings and
 * maplibre/deck.gl set element style attributes, and maplibre injects its control styles.
 * `frame-ancestors` only works as a header (Kit leaves it out of the <meta> tag).
 * @param {string[]} tiles remote tile origins allowed for connect-src and img-src
 * @returns {Directives}
 */
export function directives(tiles) {
  return {
    'default-src': ['self'],
    'script-src': ['self', 'wasm-unsafe-eval'],
    'style-src': ['self', 'unsafe-inline'],
    'img-src': ['self', 'data:', 'blob:', ...tiles],
    'font-src': ['self'],
    // deck.gl's icon layer fetch()es the station icons, which are data: URLs (local, no network).
    'connect-src': ['self', 'data:', ...tiles],
    // maplibre starts its worker from a blob: URL; the app's own workers are same-origin files.
    'worker-src': ['self', 'blob:'],
    'manifest-src': ['self'],
    'object-src': ['none'],
    'base-uri': ['self'],
    'form-action': ['self'],
    'frame-ancestors': ['none']
  };
}

// The keywords the policy uses; CSP writes them in single quotes (as Kit does for the <meta> tag).
const KEYWORDS = new Set(['self', 'none', 'unsafe-inline', 'wasm-unsafe-eval']);

/**
 * The directives as a header value, for responses that are not pages (workers' scripts above all).
 * @param {Directives} d
 */
export function serialize(d) {
  return Object.entries(d)
    .map(([k, v]) => [k, ...v.map((s) => (KEYWORDS.has(s) ? `'${s}'` : s))].join(' '))
    .join('; ');
}

/** The policy of this build, from GRIDATLAS_TILE_ORIGIN. */
export function sitePolicy() {
  const tiles = tileOrigins(process.env.GRIDATLAS_TILE_ORIGIN);
  return { tiles, directives: directives(tiles) };
}
