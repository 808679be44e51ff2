// A static site: pages are prerendered as shells and everything runs in the browser
// (maplibre, deck.gl and DuckDB-wasm need window, WebGL and workers).
export const prerender = true;
export const ssr = false;
