/**
 * Exports the current map as a PNG for a briefing: title and date range above, the map
 * (maplibre canvas + deck.gl canvas, both drawn with preserveDrawingBuffer) in the middle,
 * a drawn legend over its lower-left corner, and the source line (synthetic data) below.
 */
import type { LegendModel } from '$lib/map/heatmap-legend';
import { rgb } from '$lib/map/legend';
import { downloadBlob } from './download';

export interface ExportSpec {
  /** The element holding the map's canvases (maplibre's and deck.gl's). */
  mapElement: HTMLElement;
  title: string;
  /** Date range and filters, under the title. */
  subtitle: string;
  legendTitle: string;
  legend: LegendModel;
  source: string;
}

export const HEADER_PX = 84;
export const FOOTER_PX = 36;
export const LEGEND = { margin: 16, width: 260, row: 22, pad: 12, titlePx: 15 } as const;

/** Where the legend box lies in an exported image of the given CSS size (for tests). */
export function legendBox(mapWidth: number, mapHeight: number, rows: number) {
  const h = LEGEND.pad * 2 + LEGEND.titlePx + 8 + rows * LEGEND.row;
  return { x: LEGEND.margin, y: HEADER_PX + mapHeight - LEGEND.margin - h, width: LEGEND.width, height: h };
}

const FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

/** Draws the export into a new canvas (CSS pixel units × devicePixelRatio). */
export function composeExport(spec: ExportSpec): HTMLCanvasElement {
  const rect = spec.mapElement.getBoundingClientRect();
  const w = Math.round(rect.width);
  const h = Math.round(rect.height);
  const scale = Math.min(2, window.devicePixelRatio || 1);
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(w * scale);
  canvas.height = Math.round((h + HEADER_PX + FOOTER_PX) * scale);
  const g = canvas.getContext('2d')!;
  g.scale(scale, scale);
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, w, h + HEADER_PX + FOOTER_PX);

  g.fillStyle = '#1a1a1a';
  g.font = `600 26px ${FONT}`;
  g.textBaseline = 'top';
  g.fillText(spec.title, 16, 12, w - 32);
  g.fillStyle = '#444';
  g.font = `16px ${FONT}`;
  g.fillText(spec.subtitle, 16, 50, w - 32);

  for (const c of spec.mapElement.querySelectorAll('canvas')) {
    const r = c.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    g.drawImage(c, r.left - rect.left, HEADER_PX + r.top - rect.top, r.width, r.height);
  }

  // The class method, when there is one, takes a row under the swatches.
  const rows = spec.legend.swatches.length + (spec.legend.note ? 1 : 0);
  const box = legendBox(w, h, rows);
  g.fillStyle = 'rgba(255,255,255,0.94)';
  g.strokeStyle = '#999';
  g.lineWidth = 1;
  g.fillRect(box.x, box.y, box.width, box.height);
  g.strokeRect(box.x + 0.5, box.y + 0.5, box.width - 1, box.height - 1);
  g.fillStyle = '#222';
  g.font = `600 ${LEGEND.titlePx - 2}px ${FONT}`;
  g.fillText(spec.legendTitle, box.x + LEGEND.pad, box.y + LEGEND.pad, box.width - 2 * LEGEND.pad);
  g.font = `13px ${FONT}`;
  spec.legend.swatches.forEach((s, i) => {
    const y = box.y + LEGEND.pad + LEGEND.titlePx + 8 + i * LEGEND.row;
    g.fillStyle = rgb(s.color);
    g.fillRect(box.x + LEGEND.pad, y, 36, LEGEND.row - 6);
    g.fillStyle = '#222';
    g.fillText(s.label, box.x + LEGEND.pad + 46, y + 2, box.width - 70);
  });
  if (spec.legend.note) {
    g.fillStyle = '#444';
    g.font = `12px ${FONT}`;
    g.fillText(spec.legend.note, box.x + LEGEND.pad, box.y + LEGEND.pad + LEGEND.titlePx + 10 + spec.legend.swatches.length * LEGEND.row, box.width - 2 * LEGEND.pad);
  }

  g.fillStyle = '#f3f3f3';
  g.fillRect(0, HEADER_PX + h, w, FOOTER_PX);
  g.fillStyle = '#333';
  g.font = `13px ${FONT}`;
  g.fillText(spec.source, 16, HEADER_PX + h + 10, w - 32);
  return canvas;
}

export function toBlob(canvas: HTMLCanvasElement, type = 'image/png', quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(`${type} encoding failed`))), type, quality));
}

/** Composes the export and hands it to the browser as a download. */
export async function downloadPng(spec: ExportSpec, filename: string): Promise<void> {
  downloadBlob(filename, await toBlob(composeExport(spec)));
}
