/** User settings kept in localStorage: the optional external basemap tiles (off by default). */
import { isValidTileTemplate } from '$lib/map/style';

const KEY = 'gridatlas.externalTiles';

class Settings {
  externalTiles = $state<string | null>(null);

  constructor() {
    if (typeof localStorage === 'undefined') return;
    const saved = localStorage.getItem(KEY);
    if (saved && isValidTileTemplate(saved)) this.externalTiles = saved;
  }

  /** Returns false (and changes nothing) when the template is not a usable tile URL. */
  setExternalTiles(url: string | null): boolean {
    if (url && !isValidTileTemplate(url)) return false;
    this.externalTiles = url || null;
    if (url) localStorage.setItem(KEY, url);
    else localStorage.removeItem(KEY);
    return true;
  }
}

export const settings = new Settings();
