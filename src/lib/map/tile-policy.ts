/**
 * Whether the site's Content-Security-Policy lets the map load a raster tile template. The policy
 * is fixed when the site is built (scripts/csp.js): the only remote origins it allows are those
 * named in GRIDATLAS_TILE_ORIGIN, as `https://host[:port]` or `https://*.host` (any subdomain),
 * matched the way the browser matches a CSP source.
 */
export function tileOriginAllowed(template: string, allowed: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(template.replaceAll(/\{[zxy]\}/g, '0'));
  } catch {
    return false;
  }
  return allowed.some((source) => {
    const [scheme, host] = source.split('://');
    if (url.protocol !== `${scheme}:`) return false;
    return host.startsWith('*.') ? url.host.endsWith(host.slice(1)) : url.host === host;
  });
}

/** The origin of a tile template, as the settings name it to the user. */
export function tileOrigin(template: string): string {
  try {
    return new URL(template.replaceAll(/\{[zxy]\}/g, '0')).origin;
  } catch {
    return template;
  }
}
