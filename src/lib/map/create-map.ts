/**
 * Every maplibre map of the app starts here: the worker from the app's own files, local CJK
 * fonts, a drawing buffer kept for picture export and pixel tests, the same controls. And every
 * map ends in `removeMap`, which gives back both WebGL contexts (maplibre's and deck.gl's).
 */
import {
  AttributionControl,
  Map as MapLibre,
  NavigationControl,
  ScaleControl,
  addProtocol,
  setWorkerUrl,
  type IControl,
  type StyleSpecification
} from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { MapboxOverlay, type MapboxOverlayProps } from '@deck.gl/mapbox';
import { i18n } from '$lib/i18n/index.svelte';
import { expose, withdraw } from '$lib/instrumented';
import type { MessageKey } from '$lib/i18n/messages';
import { fetchLayer } from './layer-cache';
import { softwareWebGl } from './webgl-info';
import { DATA_PROTOCOL, layerUrlOf } from './style';

export const CJK_FONTS = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

type DeckDevice = Parameters<NonNullable<MapboxOverlayProps['onDeviceInitialized']>>[0];

/** maplibre's UI strings (control tooltips, scale units, the canvas's label) → the app's messages. */
const UI_STRINGS: Record<string, MessageKey> = {
  'NavigationControl.ZoomIn': 'map.ctl.zoomIn',
  'NavigationControl.ZoomOut': 'map.ctl.zoomOut',
  'NavigationControl.ResetBearing': 'map.ctl.resetBearing',
  'AttributionControl.ToggleAttribution': 'map.ctl.attribution',
  'AttributionControl.MapFeedback': 'map.ctl.feedback',
  'Map.Title': 'map.ctl.title',
  'Marker.Title': 'map.ctl.marker',
  'Popup.Close': 'map.ctl.popupClose',
  'ScaleControl.Meters': 'map.ctl.meters',
  'ScaleControl.Kilometers': 'map.ctl.km'
};

/** maplibre's `locale` option in the UI's language. */
export function mapLocale(t: (key: MessageKey) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(UI_STRINGS).map(([k, m]) => [k, t(m)]));
}

/** Per map: stops following the UI language. */
const localeWatchers = new WeakMap<MapLibre, () => void>();

/** The deck.gl device of each map's overlay, and whether the map is gone already. */
const overlays = new WeakMap<MapLibre, { device: DeckDevice | null; removed: boolean }>();

let protocolAdded = false;

/** Style sources named `gridatlas-data://<url>` (style.ts) are fetched through the data seam, in this thread. */
function addDataProtocol(): void {
  if (protocolAdded) return;
  protocolAdded = true;
  addProtocol(DATA_PROTOCOL, async (params) => ({ data: await fetchLayer(layerUrlOf(params.url)) }));
}

export function createMap(
  container: HTMLElement,
  style: StyleSpecification,
  bounds: [number, number, number, number] | null
): MapLibre {
  setWorkerUrl(workerUrl);
  addDataProtocol();
  const m = new MapLibre({
    container,
    style,
    // Added below, so that a language change can put it back with the new tooltip.
    attributionControl: false,
    locale: mapLocale(i18n.t),
    canvasContextAttributes: { preserveDrawingBuffer: true },
    localIdeographFontFamily: CJK_FONTS,
    ...(bounds ? { bounds, fitBoundsOptions: { padding: 24 } } : { center: [116.4, 39.9], zoom: 4 })
  });
  const controls: [() => IControl, 'top-right' | 'bottom-left' | 'bottom-right'][] = [
    [() => new NavigationControl({ visualizePitch: false }), 'top-right'],
    [() => new ScaleControl({ unit: 'metric' }), 'bottom-left'],
    [() => new AttributionControl({ compact: true }), 'bottom-right']
  ];
  let added = controls.map(([make, where]) => {
    const c = make();
    m.addControl(c, where);
    return c;
  });
  // maplibre reads its UI strings when a control is added and has no public way to change them:
  // on a language switch (i18n.set sets <html lang>) the map gets the new table and the controls
  // are added again, which writes their titles afresh.
  const watcher = new MutationObserver(() => {
    m._locale = { ...m._locale, ...mapLocale(i18n.t) };
    m.getCanvas().setAttribute('aria-label', m._getUIString('Map.Title'));
    for (const c of added) m.removeControl(c);
    added = controls.map(([make, where]) => {
      const c = make();
      m.addControl(c, where);
      return c;
    });
  });
  watcher.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  localeWatchers.set(m, () => watcher.disconnect());
  // Browser tests read the rendered map through this handle (an instrumented build only).
  if (import.meta.env.GRIDATLAS_BENCH) expose('__gridatlasMap', m);
  return m;
}

/** Puts one deck.gl overlay on a map: its own canvas above the map's, so its own WebGL context. */
export function addOverlay(m: MapLibre, props: MapboxOverlayProps): MapboxOverlay {
  const entry: { device: DeckDevice | null; removed: boolean } = { device: null, removed: false };
  overlays.set(m, entry);
  const overlay = new MapboxOverlay({
    ...props,
    interleaved: false,
    // Under software WebGL 4× multisampling made every deck.gl redraw dearer (SwiftShader, /heatmap:
    // hexagon cells 85 → 60 ms, squares 115 → 60 ms a frame); a GPU keeps it.
    deviceProps: { webgl: { antialias: !softwareWebGl() } },
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
  localeWatchers.get(m)?.();
  m.remove();
  const overlay = overlays.get(m);
  if (overlay) {
    overlay.removed = true;
    if (overlay.device) endDevice(overlay.device);
  }
  if (import.meta.env.GRIDATLAS_BENCH) withdraw('__gridatlasMap', m);
}

function endDevice(device: DeckDevice): void {
  device.canvasContext?.destroy();
  device.loseDevice();
}
