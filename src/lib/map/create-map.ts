/**
 * Every maplibre map of the app starts here: the worker from the app's own files, local CJK
 * fonts, a drawing buffer kept for picture export and pixel tests, the same controls. And every
 * map ends in `removeMap`, which gives back both WebGL contexts (maplibre's and deck.gl's).
 */
import { Map as MapLibre, NavigationControl, ScaleControl, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { MapboxOverlay, type MapboxOverlayProps } from '@deck.gl/mapbox';

export const CJK_FONTS = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

type DeckDevice = Parameters<NonNullable<MapboxOverlayProps['onDeviceInitialized']>>[0];
type Handle = { __gridatlasMap?: MapLibre };

/** The deck.gl device of each map's overlay, and whether the map is gone already. */
const overlays = new WeakMap<MapLibre, { device: DeckDevice | null; removed: boolean }>();

export function createMap(
  container: HTMLElement,
  style: StyleSpecification,
  bounds: [number, number, number, number] | null
): MapLibre {
  setWorkerUrl(workerUrl);
  const m = new MapLibre({
    container,
    style,
    attributionControl: { compact: true },
    canvasContextAttributes: { preserveDrawingBuffer: true },
    localIdeographFontFamily: CJK_FONTS,
    ...(bounds ? { bounds, fitBoundsOptions: { padding: 24 } } : { center: [116.4, 39.9], zoom: 4 })
  });
  m.addControl(new NavigationControl({ visualizePitch: false }), 'top-right');
  m.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  // Browser tests read the rendered map through this handle.
  (window as unknown as Handle).__gridatlasMap = m;
  return m;
}

/** Puts one deck.gl overlay on a map: its own canvas above the map's, so its own WebGL context. */
export function addOverlay(m: MapLibre, props: MapboxOverlayProps): MapboxOverlay {
  const entry: { device: DeckDevice | null; removed: boolean } = { device: null, removed: false };
  overlays.set(m, entry);
  const overlay = new MapboxOverlay({
    ...props,
    interleaved: false,
    onDeviceInitialized: (device) => {
      entry.device = device;
      if (entry.removed) endDevice(device);
    }
  });
  m.addControl(overlay);
  return overlay;
}

/**
 * Takes a map down for good. maplibre's remove() loses its own WebGL context and removes the
 * overlay, whose deck.finalize() drops the canvas but leaves the rest to luma.gl's device: its
 * context stays live until garbage collection (Chromium allows 16, then drops the oldest: "Too
 * many active WebGL contexts"), and its canvas observers, among them a media-query listener the
 * document keeps, hold the device and its resources forever. Both are ended here.
 */
export function removeMap(m: MapLibre): void {
  m.remove();
  const overlay = overlays.get(m);
  if (overlay) {
    overlay.removed = true;
    if (overlay.device) endDevice(overlay.device);
  }
  const w = window as unknown as Handle;
  if (w.__gridatlasMap === m) delete w.__gridatlasMap;
}

function endDevice(device: DeckDevice): void {
  device.canvasContext?.destroy();
  device.loseDevice();
}
