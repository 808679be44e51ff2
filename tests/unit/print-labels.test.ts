/** Grid labels on a printed plan are at least 7 pt on paper (issue #15), whatever the screen's pixel ratio. */
import { describe, expect, it } from 'vitest';
import { MIN_PRINT_PT, printLabelPx, printLayout } from '$lib/plan/print';

/** A label of `px` CSS px, as drawn on the print, in points. */
function printedPt(
  paper: 'A4' | 'A3',
  o: 'portrait' | 'landscape',
  canvas: { width: number; height: number },
  dpr: number,
  px: number
): number {
  const L = printLayout(paper, o);
  const k = Math.min(L.map.width / canvas.width, L.map.height / canvas.height);
  return ((px * dpr * k) / L.mm / 25.4) * 72;
}

describe('printLabelPx', () => {
  const cases = [
    { paper: 'A4', o: 'landscape', canvas: { width: 1132, height: 855 }, dpr: 1 },
    { paper: 'A4', o: 'portrait', canvas: { width: 1132, height: 855 }, dpr: 1 },
    { paper: 'A4', o: 'landscape', canvas: { width: 2264, height: 1710 }, dpr: 2 },
    { paper: 'A3', o: 'portrait', canvas: { width: 390, height: 500 }, dpr: 3 }
  ] as const;
  for (const c of cases)
    it(`${c.paper} ${c.o}, canvas ${c.canvas.width}×${c.canvas.height} at ${c.dpr}×: labels ≥ ${MIN_PRINT_PT} pt`, () => {
      const px = printLabelPx(printLayout(c.paper, c.o), c.canvas, c.dpr, 13);
      expect(px).toBeGreaterThanOrEqual(13);
      expect(printedPt(c.paper, c.o, c.canvas, c.dpr, px)).toBeGreaterThanOrEqual(MIN_PRINT_PT);
    });
  it('13 px on a 1440-wide desktop map would print under 7 pt on A4 portrait: enlarged', () => {
    const canvas = { width: 1132, height: 855 };
    expect(printedPt('A4', 'portrait', canvas, 1, 13)).toBeLessThan(MIN_PRINT_PT);
    expect(printLabelPx(printLayout('A4', 'portrait'), canvas, 1, 13)).toBeGreaterThan(13);
  });
});
