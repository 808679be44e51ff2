/**
 * Exports the current map as a PNG for a briefing: title and date range above, the map
 * (maplibre canvas + deck.gl canvas, both drawn with preserveDrawingBuffer) in the middle,
 * a drawn legend over its lower-left corner, the KPI figures shown on screen over its lower-right
 * corner (upper-right when the map is too narrow for both), and the source line (synthetic data) below.
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
  /** The KPI cards' figures as the screen shows them (kpi-figures.ts). */
  kpis: readonly { label: string; value: string; unit?: string }[];
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

export const KPI = { margin: 16, card: 150, gap: 8, pad: 10, labelPx: 13, valuePx: 24, height: 56 } as const;

/**
 * Where the KPI box lies: lower-right of the map, else upper-right when the lower one would meet
 * the legend's box; cards narrow on a narrow map. Null when neither spot is clear of the legend
 * (a very small map): the figures then go on the subtitle line instead.
 */
export function kpiBox(mapWidth: number, mapHeight: number, cards: number, legendRows: number) {
  const card = Math.min(
    KPI.card,
    Math.floor((mapWidth - 2 * KPI.margin - 2 * KPI.pad - (cards - 1) * KPI.gap) / cards)
  );
  const width = cards * card + (cards - 1) * KPI.gap + 2 * KPI.pad;
  const height = KPI.height + 2 * KPI.pad;
  const x = mapWidth - KPI.margin - width;
  const legend = legendBox(mapWidth, mapHeight, legendRows);
  const sideBySide = x >= legend.x + legend.width + KPI.gap;
  const low = HEADER_PX + mapHeight - KPI.margin - height;
  const high = HEADER_PX + KPI.margin;
  if (sideBySide) return { x, y: low, width, height, card };
  if (high + height <= legend.y - KPI.gap) return { x, y: high, width, height, card };
  return null;
}

const FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

/** The legend's rows: the class method, when there is one, takes a row under the swatches. */
const legendRows = (spec: ExportSpec) => spec.legend.swatches.length + (spec.legend.note ? 1 : 0);

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
  const figures = spec.kpis.map((f) => `${f.label} ${f.value}${f.unit ? ` ${f.unit}` : ''}`).join(' · ');
  g.fillText(
    spec.kpis.length && !kpiBox(w, h, spec.kpis.length, legendRows(spec))
      ? `${spec.subtitle} · ${figures}`
      : spec.subtitle,
    16,
    50,
    w - 32
  );

  for (const c of spec.mapElement.querySelectorAll('canvas')) {
    const r = c.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    g.drawImage(c, r.left - rect.left, HEADER_PX + r.top - rect.top, r.width, r.height);
  }

  const rows = legendRows(spec);
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
    g.fillText(
      spec.legend.note,
      box.x + LEGEND.pad,
      box.y + LEGEND.pad + LEGEND.titlePx + 10 + spec.legend.swatches.length * LEGEND.row,
      box.width - 2 * LEGEND.pad
    );
  }

  const k = spec.kpis.length ? kpiBox(w, h, spec.kpis.length, rows) : null;
  if (k) {
    g.fillStyle = 'rgba(255,255,255,0.94)';
    g.fillRect(k.x, k.y, k.width, k.height);
    g.strokeStyle = '#999';
    g.strokeRect(k.x + 0.5, k.y + 0.5, k.width - 1, k.height - 1);
    spec.kpis.forEach((f, i) => {
      const x = k.x + KPI.pad + i * (k.card + KPI.gap);
      g.fillStyle = '#444';
      g.font = `${KPI.labelPx}px ${FONT}`;
      g.fillText(f.label, x, k.y + KPI.pad, k.card - 4);
      g.fillStyle = '#111';
      g.font = `600 ${KPI.valuePx}px ${FONT}`;
      g.fillText(f.value, x, k.y + KPI.pad + KPI.labelPx + 8, k.card - 4);
      if (f.unit) {
        const vw = Math.min(g.measureText(f.value).width, k.card - 4);
        g.font = `${KPI.labelPx}px ${FONT}`;
        g.fillText(
          f.unit,
          x + vw + 4,
          k.y + KPI.pad + KPI.labelPx + 8 + KPI.valuePx - KPI.labelPx - 2,
          Math.max(0, k.card - vw - 8)
        );
      }
    });
  }

  g.fillStyle = '#f3f3f3';
  g.fillRect(0, HEADER_PX + h, w, FOOTER_PX);
  g.fillStyle = '#333';
  g.font = `13px ${FONT}`;
  g.fillText(spec.source, 16, HEADER_PX + h + 10, w - 32);
  return canvas;
}

export function toBlob(canvas: HTMLCanvasElement, type = 'image/png', quality?: number): Promise<Blob> {
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(`${type} encoding failed`))), type, quality)
  );
}

/** Composes the export and hands it to the browser as a download. */
export async function downloadPng(spec: ExportSpec, filename: string): Promise<void> {
  downloadBlob(filename, await toBlob(composeExport(spec)));
}
