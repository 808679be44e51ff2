/** The version-diff minimap's grid colours: the main map's colours, neighbours always distinct. */
import { describe, expect, it } from 'vitest';
import { assignmentColours } from '../../src/lib/plan/minimap';

// Five buildings in a row, each touching the next.
const ids = ['a', 'b', 'c', 'd', 'e'];
const pairs: [number, number][] = [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 4]
];

describe('assignmentColours', () => {
  it('keeps the main map colours for the same grids', () => {
    const current = new Map([
      ['G1', 3],
      ['G2', 5],
      ['G3', 3]
    ]);
    const got = assignmentColours({ a: 'G1', b: 'G1', c: 'G2', d: 'G3', e: 'G3' }, ids, pairs, 8, current);
    expect(got).toEqual(current);
  });

  it('repaints only a grid whose map colour now clashes with a neighbour, and paints new grids', () => {
    // The saved version: G3 now touches G1 directly (G2 gone), and a grid G4 the map does not have.
    const current = new Map([
      ['G1', 3],
      ['G2', 5],
      ['G3', 3]
    ]);
    const got = assignmentColours({ a: 'G1', b: 'G1', c: 'G3', d: 'G4', e: 'G4' }, ids, pairs, 8, current);
    expect(got.get('G1')).toBe(3);
    expect(got.get('G3')).not.toBe(3);
    expect(got.get('G4')).not.toBe(got.get('G3'));
    expect([...got.keys()].sort()).toEqual(['G1', 'G3', 'G4']);
  });

  it('ignores unassigned buildings', () => {
    const got = assignmentColours({ a: 'G1', b: '', c: 'G2' }, ids, pairs, 8, new Map());
    expect([...got.keys()]).toEqual(['G1', 'G2']);
  });
});
