/**
 * The printable plan map: the planner's map canvas (kept with preserveDrawingBuffer) fitted
 * into the page's map box with a north arrow and a scale bar, the title, a legend of grid
 * colours, the grid table (short code, households, worker, chief; the community code once above it) and a source line, drawn on one
 * 2D canvas at the print resolution; then a PNG, or a JPEG wrapped in a one-page PDF.
 */
import { printLayout, scaleBar, type Box, type Orientation, type Paper } from '$lib/plan/print';
import { PAPER_PT, pdfWithImage } from '$lib/plan/pdf';
import { toBlob } from './png';
import { inkOn } from '$lib/map/legend';

export interface PrintSpec {
  paper: Paper;
  orientation: Orientation;
  /** The map's WebGL canvas (drawn with preserveDrawingBuffer). */
  mapCanvas: HTMLCanvasElement;
  /** Metres per CSS pixel of the map at its centre. */
  metresPerCssPx: number;
  /** Map rotation in degrees (0: north up). */
  bearing: number;
  title: string;
  subtitle: string;
  legendTitle: string;
  /** One entry per grid: its number written on its colour (colours repeat between grids; numbers do not), then `label`. */
  legend: { color: string; seq: string; label: string }[];
  /** A line above the table, once for every row (the community part of the grid codes). */
  tableCaption: string;
  tableHead: [string, string, string, string];
  /** `code`: the short grid code (3-digit sequence, with the grid's name when it has one). */
  table: { code: string; households: string; worker: string; chief: string; out: boolean }[];
  /** Shown after the table when it does not fit ("… and {n} more"). */
  more: (n: number) => string;
  source: string;
}

const FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

function frame(g: CanvasRenderingContext2D, b: Box, lw: number) {
  g.strokeStyle = '#555';
  g.lineWidth = lw;
  g.strokeRect(b.x, b.y, b.width, b.height);
}

export function composePlanPrint(spec: PrintSpec): HTMLCanvasElement {
  const L = printLayout(spec.paper, spec.orientation);
  const mm = L.mm;
  const canvas = document.createElement('canvas');
  canvas.width = L.width;
  canvas.height = L.height;
  const g = canvas.getContext('2d')!;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, L.width, L.height);
  g.textBaseline = 'top';

  g.fillStyle = '#111';
  g.font = `600 ${7 * mm}px ${FONT}`;
  g.fillText(spec.title, L.title.x, L.title.y, L.title.width);
  g.fillStyle = '#444';
  g.font = `${3.6 * mm}px ${FONT}`;
  g.fillText(spec.subtitle, L.title.x, L.title.y + 9.5 * mm, L.title.width);

  // The map, fitted whole into its box (aspect kept), centred.
  const c = spec.mapCanvas;
  const cssW = c.clientWidth || c.width;
  const k = Math.min(L.map.width / c.width, L.map.height / c.height);
  const dw = c.width * k;
  const dh = c.height * k;
  const mx = L.map.x + (L.map.width - dw) / 2;
  const my = L.map.y + (L.map.height - dh) / 2;
  g.fillStyle = '#eef0eb';
  g.fillRect(L.map.x, L.map.y, L.map.width, L.map.height);
  g.drawImage(c, mx, my, dw, dh);
  frame(g, L.map, 0.4 * mm);

  // North arrow: a triangle pointing to north (rotated against the map's bearing) and an N.
  const ax = L.map.x + L.map.width - 12 * mm;
  const ay = L.map.y + 14 * mm;
  g.save();
  g.translate(ax, ay);
  g.rotate((-spec.bearing * Math.PI) / 180);
  g.fillStyle = '#222';
  g.beginPath();
  g.moveTo(0, -9 * mm);
  g.lineTo(4 * mm, 5 * mm);
  g.lineTo(0, 2 * mm);
  g.lineTo(-4 * mm, 5 * mm);
  g.closePath();
  g.fill();
  g.restore();
  g.fillStyle = '#222';
  g.font = `700 ${4.5 * mm}px ${FONT}`;
  g.textAlign = 'center';
  g.fillText('N', ax, ay + 6 * mm);
  g.textAlign = 'left';

  // Scale bar: a drawn px is (c.width / cssW) / k CSS px of the map.
  const metresPerPx = (spec.metresPerCssPx * (c.width / cssW)) / k;
  const bar = scaleBar(metresPerPx, L.map.width * 0.3);
  const bx = L.map.x + 6 * mm;
  const by = L.map.y + L.map.height - 8 * mm;
  g.fillStyle = 'rgba(255,255,255,0.85)';
  g.fillRect(bx - 2 * mm, by - 7 * mm, bar.px + 4 * mm, 11 * mm);
  g.fillStyle = '#222';
  g.fillRect(bx, by, bar.px / 2, 1.5 * mm);
  g.strokeStyle = '#222';
  g.lineWidth = 0.3 * mm;
  g.strokeRect(bx, by, bar.px, 1.5 * mm);
  g.font = `${3.2 * mm}px ${FONT}`;
  g.fillText('0', bx, by - 5 * mm);
  g.textAlign = 'right';
  g.fillText(bar.label, bx + bar.px, by - 5 * mm);
  g.textAlign = 'left';

  // Legend: one swatch per grid (in columns when there are many).
  const lg = L.legend;
  frame(g, lg, 0.3 * mm);
  g.fillStyle = '#111';
  g.font = `600 ${4 * mm}px ${FONT}`;
  g.fillText(spec.legendTitle, lg.x + 3 * mm, lg.y + 3 * mm, lg.width - 6 * mm);
  const rowH = 5.5 * mm;
  const rowsPerCol = Math.max(1, Math.floor((lg.height - 11 * mm) / rowH));
  const cols = Math.ceil(spec.legend.length / rowsPerCol);
  const colW = (lg.width - 6 * mm) / Math.max(1, cols);
  g.font = `${3.2 * mm}px ${FONT}`;
  spec.legend.forEach((s, i) => {
    const x = lg.x + 3 * mm + Math.floor(i / rowsPerCol) * colW;
    const y = lg.y + 10 * mm + (i % rowsPerCol) * rowH;
    g.fillStyle = s.color;
    g.fillRect(x, y, 9 * mm, 4.4 * mm);
    g.fillStyle = inkOn(s.color);
    g.font = `600 ${3.2 * mm}px ${FONT}`;
    g.textAlign = 'center';
    g.fillText(s.seq, x + 4.5 * mm, y + 0.5 * mm, 8.4 * mm);
    g.textAlign = 'left';
    g.font = `${3.2 * mm}px ${FONT}`;
    g.fillStyle = '#222';
    g.fillText(s.label, x + 11 * mm, y + 0.5 * mm, colW - 12 * mm);
  });

  // Grid table.
  const tb = L.table;
  frame(g, tb, 0.3 * mm);
  const colX = [0, 0.3, 0.46, 0.73].map((f) => tb.x + 3 * mm + f * (tb.width - 6 * mm));
  const colMax = [0.29, 0.15, 0.26, 0.27].map((f) => f * (tb.width - 6 * mm));
  const line = 5 * mm;
  g.font = `${3.2 * mm}px ${FONT}`;
  g.fillStyle = '#333';
  g.fillText(spec.tableCaption, colX[0], tb.y + 2.5 * mm, tb.width - 6 * mm);
  // The column heads and rows sit one line below the caption.
  const top = tb.y + line;
  g.font = `600 ${3.4 * mm}px ${FONT}`;
  g.fillStyle = '#111';
  spec.tableHead.forEach((h, i) => g.fillText(h, colX[i], top + 3 * mm, colMax[i]));
  g.fillRect(tb.x + 3 * mm, top + 8.5 * mm, tb.width - 6 * mm, 0.25 * mm);
  const fits = Math.max(0, Math.floor((tb.height - line - 12 * mm) / line));
  const shown = spec.table.length > fits ? spec.table.slice(0, Math.max(0, fits - 1)) : spec.table;
  g.font = `${3.2 * mm}px ${FONT}`;
  shown.forEach((r, i) => {
    const y = top + 10 * mm + i * line;
    [r.code, r.households, r.worker, r.chief].forEach((v, j) => {
      g.fillStyle = j === 1 && r.out ? '#b00020' : '#222';
      g.fillText(v, colX[j], y, colMax[j]);
    });
  });
  if (shown.length < spec.table.length) {
    g.fillStyle = '#555';
    g.fillText(
      spec.more(spec.table.length - shown.length),
      colX[0],
      top + 10 * mm + shown.length * line,
      tb.width - 6 * mm
    );
  }

  g.fillStyle = '#555';
  g.font = `${3 * mm}px ${FONT}`;
  g.fillText(spec.source, L.footer.x, L.footer.y + 1.5 * mm, L.footer.width);
  return canvas;
}

/** The print as a PNG blob, or a one-page PDF of the paper's size holding it as a JPEG. */
export async function planPrintBlob(spec: PrintSpec, format: 'png' | 'pdf'): Promise<Blob> {
  const canvas = composePlanPrint(spec);
  if (format === 'png') return toBlob(canvas);
  const jpeg = new Uint8Array(await (await toBlob(canvas, 'image/jpeg', 0.92)).arrayBuffer());
  const [a, b] = PAPER_PT[spec.paper];
  const [w, h] = spec.orientation === 'portrait' ? [a, b] : [b, a];
  return new Blob([pdfWithImage({ jpeg, width: canvas.width, height: canvas.height }, w, h) as BlobPart], {
    type: 'application/pdf'
  });
}
