/**
 * Outlines drawn with Canvas 2D on a canvas of their own above the map and its deck.gl canvas:
 * /heatmap's grid borders over the choropleth. As deck.gl lines (PathLayer, LineLayer) Daoli's
 * 14,000 border segments cost 270–550 ms of SwiftShader on every redraw, and a playback step
 * redraws the deck.gl canvas; here they are drawn only when the view changes (a few ms, on the
 * CPU either way), and a step redraws only the fill. Added as a map control after the deck.gl
 * overlay, so the canvas comes after its canvas in the page: above it, and in that order in the
 * exported picture (png.ts draws the map's canvases in page order).
 */
import type { IControl, Map as MapLibre } from 'maplibre-gl';
import type { OutlineSpec } from './outline-rings';

export class OutlineCanvas implements IControl {
  private map: MapLibre | null = null;
  private canvas: HTMLCanvasElement | null = null;
  private spec: OutlineSpec | null = null;
  private screen = new Float32Array(0);
  /** Nothing is drawn: a view change without outlines has nothing to clear. */
  private blank = true;
  private readonly draw = () => this.redraw();

  onAdd(map: MapLibre): HTMLElement {
    this.map = map;
    const c = (this.canvas = document.createElement('canvas'));
    c.className = 'outline-canvas';
    c.setAttribute('aria-hidden', 'true');
    Object.assign(c.style, { position: 'absolute', left: '0', top: '0', pointerEvents: 'none' });
    map.on('render', this.draw);
    map.on('resize', this.draw);
    this.redraw();
    return c;
  }

  onRemove(): void {
    this.map?.off('render', this.draw);
    this.map?.off('resize', this.draw);
    this.canvas?.remove();
    this.map = null;
    this.canvas = null;
  }

  set(spec: OutlineSpec | null): void {
    if (spec === this.spec) return;
    this.spec = spec;
    this.redraw();
  }

  private redraw(): void {
    const m = this.map;
    const c = this.canvas;
    if (!m || !c) return;
    const { clientWidth: w, clientHeight: h } = m.getContainer();
    const dpr = window.devicePixelRatio || 1;
    const cw = Math.round(w * dpr);
    const ch = Math.round(h * dpr);
    let resized = false;
    if (c.width !== cw || c.height !== ch) {
      c.width = cw;
      c.height = ch;
      c.style.width = `${w}px`;
      c.style.height = `${h}px`;
      resized = true;
    }
    const s = this.spec;
    const empty = !s || !s.rings.path.length;
    if (empty && this.blank && !resized) return;
    const g = c.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, h);
    this.blank = empty;
    if (empty) return;
    const { coords, path } = s.rings;
    const n = coords.length / 2;
    if (this.screen.length < 2 * n) this.screen = new Float32Array(2 * n);
    const p = this.screen;
    for (let i = 0; i < n; i++) {
      const q = m.project([coords[2 * i], coords[2 * i + 1]]);
      p[2 * i] = q.x;
      p[2 * i + 1] = q.y;
    }
    g.beginPath();
    let start = true;
    for (const v of path) {
      if (v < 0) start = true;
      else if (start) {
        g.moveTo(p[2 * v], p[2 * v + 1]);
        start = false;
      } else g.lineTo(p[2 * v], p[2 * v + 1]);
    }
    g.strokeStyle = s.color;
    g.lineWidth = s.width;
    g.stroke();
  }
}
