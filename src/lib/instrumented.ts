/**
 * Handles on `window` for the bench (`npm run bench -- heatmap|compare`) and the browser tests
 * (`__gridatlasMap`), in an instrumented build only: GRIDATLAS_BENCH=1 (scripts/vite.config.ts;
 * scripts/lib/preview.ts builds so). Call these only inside `if (import.meta.env.GRIDATLAS_BENCH)`:
 * `npm run build` then drops the call, the handle's name and any module it loads, and
 * scripts/check-bundle.ts fails that build if a `__gridatlas` name is left.
 */
type Handles = Record<string, unknown>;

/** Puts `value` on `window` under `name`. */
export function expose(name: `__gridatlas${string}`, value: unknown): void {
  (window as unknown as Handles)[name] = value;
}

/** Takes `name` off `window` if it still holds `value` (a newer map may have taken its place). */
export function withdraw(name: `__gridatlas${string}`, value: unknown): void {
  const w = window as unknown as Handles;
  if (w[name] === value) delete w[name];
}
