/**
 * The briefing PNG's layout (src/lib/export/png.ts) and the KPI text it writes (kpi-figures.ts):
 * the KPI box never covers the legend box, whatever the map's size, and the figures read as the
 * KPI cards do in each language.
 */
import { describe, expect, it } from 'vitest';
import { HEADER_PX, kpiBox, legendBox } from '../../src/lib/export/png';
import { kpiFigures } from '../../src/lib/state/kpi-figures';
import { exportFileName, periodPart } from '../../src/lib/export/file-name';
import { messages } from '../../src/lib/i18n/format';

const overlap = (a: { x: number; y: number; width: number; height: number }, b: typeof a) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('briefing PNG: KPI box', () => {
  it('sits in the lower-right corner of a wide map, inside the map, clear of the legend', () => {
    const k = kpiBox(1400, 700, 3, 7)!;
    expect(k.x + k.width).toBe(1400 - 16);
    expect(k.y + k.height).toBe(HEADER_PX + 700 - 16);
    expect(overlap(k, legendBox(1400, 700, 7))).toBe(false);
  });
  it('moves to the upper-right on a map too narrow for both, narrows its cards, and never meets the legend', () => {
    let placed = 0;
    for (const w of [390, 500, 640, 760, 900, 1024, 1280, 1920])
      for (const h of [200, 300, 500, 800])
        for (const rows of [2, 7, 8]) {
          const k = kpiBox(w, h, 3, rows);
          if (!k) continue;
          placed++;
          expect(overlap(k, legendBox(w, h, rows)), `${w}×${h}, ${rows} rows`).toBe(false);
          expect(k.x).toBeGreaterThanOrEqual(0);
          expect(k.y).toBeGreaterThanOrEqual(HEADER_PX);
          expect(k.y + k.height).toBeLessThanOrEqual(HEADER_PX + h);
        }
    expect(placed).toBeGreaterThan(70);
    expect(kpiBox(640, 500, 3, 7)!.y).toBe(HEADER_PX + 16);
    // A phone's briefing map (390 × 600): upper-right, cards narrowed to fit.
    const phone = kpiBox(390, 600, 3, 8)!;
    expect(phone.x).toBeGreaterThanOrEqual(16);
    expect(phone.card).toBeLessThan(150);
    // Too small for a box clear of the legend: none (the figures go on the subtitle line).
    expect(kpiBox(390, 200, 3, 8)).toBeNull();
  });
});

describe('KPI figures as the cards and the picture write them', () => {
  const num =
    (locale: string) =>
    (n: number, digits = 0) =>
      new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
  it('Chinese: counts with separators, a rate in %, hours with their unit', () => {
    const zh = messages('zh');
    const f = kpiFigures({ incidents: 350000, closedRate: 0.9786, medianHours: 41.38 }, (k) => zh[k], num('zh-CN'));
    expect(f.map((x) => [x.key, x.label, x.value, x.unit ?? null, x.raw])).toEqual([
      ['incidents', zh['kpi.incidents'], '350,000', null, 350000],
      ['closed-rate', zh['kpi.closedRate'], '97.9%', null, 0.9786],
      ['median-hours', zh['kpi.medianClose'], '41.4', zh['kpi.hours'], 41.38]
    ]);
  });
  it('while loading, and with nothing closed', () => {
    const en = messages('en');
    expect(kpiFigures(null, (k) => en[k], num('en')).map((x) => x.value)).toEqual(['…', '…', '…']);
    const none = kpiFigures({ incidents: 0, closedRate: null, medianHours: null }, (k) => en[k], num('en'));
    expect(none.map((x) => [x.value, x.unit ?? null])).toEqual([
      ['0', null],
      ['—', null],
      ['—', null]
    ]);
  });
});

describe('download names', () => {
  it('say the place, the view and the period, in the user’s language, with nothing a file system refuses', () => {
    expect(
      exportFileName(['GridAtlas', '曲阜市', '冬季安全隐患', null, periodPart('2024-11-01', '2025-03-31', 'zh')], 'png')
    ).toBe('GridAtlas_曲阜市_冬季安全隐患_2024-11-01至2025-03-31.png');
    expect(
      exportFileName(
        ['GridAtlas', 'Qufu', 'Incident heatmap', 'Lucheng / Gucheng', periodPart('2024-01-01', '2025-12-31', 'en')],
        'png'
      )
    ).toBe('GridAtlas_Qufu_Incident-heatmap_Lucheng-Gucheng_2024-01-01-to-2025-12-31.png');
    expect(exportFileName(['a:b*c?', ' "x" ', '<y>|z'], 'csv')).toBe('a-b-c_x_y-z.csv');
    expect(periodPart('2025-03-01', '2025-03-01', 'zh')).toBe('2025-03-01');
  });
});
