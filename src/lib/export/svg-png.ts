/**
 * PNG export of an SVG chart: inline its computed text style, draw it on a canvas at 2×, with
 * the synthetic label as a footer line under the chart when there is one, save.
 */
import { downloadBlob } from './download';

const FOOTER_PX = 22;
const FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif";

/** What the charts' (scoped) style sheets set; an SVG drawn as an image sees none of its page's CSS. */
const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'opacity',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
  'display'
];

export function svgMarkup(svg: SVGSVGElement): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const { width, height } = svg.getBoundingClientRect();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(Math.round(width)));
  clone.setAttribute('height', String(Math.round(height)));
  // Each element's computed style inlined (colours, strokes, text sizes), else bars draw black.
  const from = svg.querySelectorAll('*');
  clone.querySelectorAll('*').forEach((el, i) => {
    const cs = getComputedStyle(from[i]);
    el.setAttribute('style', STYLE_PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';'));
  });
  const root = getComputedStyle(svg);
  clone.setAttribute('style', `font-family:${root.fontFamily};font-size:${root.fontSize};background:#fff`);
  return new XMLSerializer().serializeToString(clone);
}

export async function svgToPng(svg: SVGSVGElement, footer: string | null, scale = 2): Promise<Blob> {
  const { width, height } = svg.getBoundingClientRect();
  const foot = footer ? FOOTER_PX : 0;
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svgMarkup(svg)], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round((height + foot) * scale));
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(img, 0, 0, Math.round(width * scale), Math.round(height * scale));
    if (footer) {
      ctx.scale(scale, scale);
      ctx.fillStyle = '#555';
      ctx.font = `11px ${FONT}`;
      ctx.textBaseline = 'middle';
      ctx.fillText(footer, 4, height + foot / 2, Math.max(1, width - 8));
    }
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png')
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** `footer`: the line under the chart (the synthetic label, `export.footer`), or null for none. */
export async function downloadSvgPng(name: string, svg: SVGSVGElement, footer: string | null): Promise<void> {
  downloadBlob(name.endsWith('.png') ? name : `${name}.png`, await svgToPng(svg, footer));
}
