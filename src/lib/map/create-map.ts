/**
 * Every maplibre map of the app starts here: the worker from the app's own files, local CJK
 * fonts, a drawing buffer kept for picture export and pixel tests, the same controls.
 */
import { Map as MapLibre, NavigationControl, ScaleControl, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

export const CJK_FONTS = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

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
  (window as unknown as { __gridatlasMap?: MapLibre }).__gridatlasMap = m;
  return m;
}
