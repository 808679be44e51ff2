/** User settings kept in localStorage: the optional external basemap tiles (off by default). */
import { isValidTileTemplate } from '$lib/map/style';
import { tileOriginAllowed } from '$lib/map/tile-policy';

const KEY = 'gridatlas.externalTiles';
/** The tile origins this build's Content-Security-Policy allows (GRIDATLAS_TILE_ORIGIN, scripts/csp.js). */
const ALLOWED: readonly string[] = import.meta.env.GRIDATLAS_TILE_ORIGINS ?? [];

class Settings {
  /** The tiles the map draws: set, valid and allowed by the site policy. */
  externalTiles = $state<string | null>(null);
  /** A saved template the site policy would block: kept off the map, named in the settings. */
  blockedTiles = $state<string | null>(null);

  constructor() {
    if (typeof localStorage === 'undefined') return;
    const saved = localStorage.getItem(KEY);
    if (!saved || !isValidTileTemplate(saved)) return;
    if (tileOriginAllowed(saved, ALLOWED)) this.externalTiles = saved;
    else this.blockedTiles = saved;
  }

  /**
   * 'invalid' when the template is not a usable tile URL, 'blocked' when the site policy does not
   * allow its origin (the browser would refuse every tile); then nothing changes.
   */
  setExternalTiles(url: string | null): 'ok' | 'invalid' | 'blocked' {
    if (url && !isValidTileTemplate(url)) return 'invalid';
    if (url && !tileOriginAllowed(url, ALLOWED)) return 'blocked';
    this.externalTiles = url || null;
    this.blockedTiles = null;
    if (url) localStorage.setItem(KEY, url);
    else localStorage.removeItem(KEY);
    return 'ok';
  }

  get allowedTileOrigins(): readonly string[] {
    return ALLOWED;
  }
}

export const settings = new Settings();
