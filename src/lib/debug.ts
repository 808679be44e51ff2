/**
 * `?debug` in the URL: developer timings (filter, query and move times) shown on the pages.
 * Without it they stay out of the UI; benches read them from data attributes either way.
 */
export const debug = typeof location !== 'undefined' && new URLSearchParams(location.search).has('debug');
