/**
 * Page layout of the printable plan map (A4/A3, portrait/landscape): where the title, the
 * map, the legend, the grid table and the footer go, in pixels at the print resolution; and a
 * scale bar of a round length. Pure, so the browser test can find the legend and table areas.
 */
export type Paper = 'A4' | 'A3';
export type Orientation = 'portrait' | 'landscape';

export const PAPER_MM: Readonly<Record<Paper, readonly [number, number]>> = { A4: [210, 297], A3: [297, 420] };
/** Print resolution: 150 dpi is enough for a wall map read at arm's length and keeps A3 under 20 MP. */
export const PRINT_DPI = 150;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PrintLayout {
  width: number;
  height: number;
  /** Pixels per millimetre. */
  mm: number;
  title: Box;
  map: Box;
  legend: Box;
  table: Box;
  footer: Box;
}

export function pagePx(paper: Paper, orientation: Orientation, dpi = PRINT_DPI): { width: number; height: number } {
  const [a, b] = PAPER_MM[paper];
  const [w, h] = orientation === 'portrait' ? [a, b] : [b, a];
  return { width: Math.round((w / 25.4) * dpi), height: Math.round((h / 25.4) * dpi) };
}

export function printLayout(paper: Paper, orientation: Orientation, dpi = PRINT_DPI): PrintLayout {
  const { width, height } = pagePx(paper, orientation, dpi);
  const mm = dpi / 25.4;
  const m = 10 * mm;
  const gap = 5 * mm;
  const title: Box = { x: m, y: m, width: width - 2 * m, height: 16 * mm };
  const footer: Box = { x: m, y: height - m - 6 * mm, width: width - 2 * m, height: 6 * mm };
  const top = title.y + title.height + gap;
  const bottom = footer.y - gap;
  if (orientation === 'landscape') {
    const side = Math.round((width - 2 * m) * 0.34);
    const map: Box = { x: m, y: top, width: width - 2 * m - side - gap, height: bottom - top };
    const x = map.x + map.width + gap;
    const legend: Box = { x, y: top, width: side, height: Math.round((bottom - top) * 0.3) };
    const table: Box = {
      x,
      y: legend.y + legend.height + gap,
      width: side,
      height: bottom - legend.y - legend.height - gap
    };
    return { width, height, mm, title, map, legend, table, footer };
  }
  const lower = Math.round((bottom - top) * 0.34);
  const map: Box = { x: m, y: top, width: width - 2 * m, height: bottom - top - lower - gap };
  const y = map.y + map.height + gap;
  const legend: Box = { x: m, y, width: Math.round((width - 2 * m) * 0.34), height: lower };
  const table: Box = { x: legend.x + legend.width + gap, y, width: width - 2 * m - legend.width - gap, height: lower };
  return { width, height, mm, title, map, legend, table, footer };
}

/** A scale bar of a round length (1, 2 or 5 × 10ⁿ m) no longer than `maxPx` at `metresPerPx`. */
export function scaleBar(metresPerPx: number, maxPx: number): { metres: number; px: number; label: string } {
  const maxM = metresPerPx * maxPx;
  const p = 10 ** Math.floor(Math.log10(maxM));
  const metres = [5, 2, 1].map((k) => k * p).find((v) => v <= maxM) ?? p;
  return { metres, px: metres / metresPerPx, label: metres >= 1000 ? `${metres / 1000} km` : `${metres} m` };
}

/** Metres per CSS pixel of a web-mercator map (512-px tiles, as maplibre) at a latitude and zoom. */
export function metresPerPixel(lat: number, zoom: number): number {
  return (40_075_016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * 2 ** zoom);
}

/** The smallest type on a print, in points: grid labels on the map included. */
export const MIN_PRINT_PT = 7;

/**
 * The map's label size (CSS px) for a print: the map canvas (`canvasPx` device pixels, `dpr` of
 * them per CSS px) is scaled whole into the layout's map box, so labels shrink with it; they are
 * set to at least `MIN_PRINT_PT` on paper, and never smaller than on screen (`screenPx`).
 */
export function printLabelPx(
  layout: PrintLayout,
  canvasPx: { width: number; height: number },
  dpr: number,
  screenPx: number,
  minPt = MIN_PRINT_PT
): number {
  const k = Math.min(layout.map.width / canvasPx.width, layout.map.height / canvasPx.height);
  const minPaperPx = (minPt / 72) * 25.4 * layout.mm;
  return Math.max(screenPx, Math.ceil((10 * minPaperPx) / (dpr * k)) / 10);
}
