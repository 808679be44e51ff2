/** Lasso and cut line on small hand-made point sets (planar metres), checked against brute reasoning. */
import { describe, expect, it } from 'vitest';
import { cutByLine, insideLasso, leftOf, simplifyLine } from '$lib/geo/sketch';
import type { XY } from '$lib/geo/partition/planar';

// A 5 × 5 lattice of points 10 m apart, (0,0) … (40,40).
const grid: XY[] = [];
for (let y = 0; y <= 40; y += 10) for (let x = 0; x <= 40; x += 10) grid.push([x, y]);
const inSquare = (p: XY) => p[0] >= -5 && p[0] <= 45 && p[1] >= -5 && p[1] <= 45;

describe('lasso', () => {
  it('selects the points inside a freehand polygon, open or closed', () => {
    const lasso: XY[] = [
      [-1, -1],
      [21, -1],
      [21, 21],
      [-1, 21]
    ];
    expect(insideLasso(grid, lasso).map((i) => grid[i])).toEqual([
      [0, 0],
      [10, 0],
      [20, 0],
      [0, 10],
      [10, 10],
      [20, 10],
      [0, 20],
      [10, 20],
      [20, 20]
    ]);
    expect(insideLasso(grid, [...lasso, lasso[0]]).length).toBe(9);
  });
  it('a scribble of fewer than three vertices selects nothing', () => {
    expect(
      insideLasso(grid, [
        [0, 0],
        [40, 40]
      ])
    ).toEqual([]);
  });
});

describe('side of a polyline', () => {
  const l: XY[] = [
    [0, 0],
    [10, 0],
    [10, 10]
  ]; // east, then a left turn north
  it('at a left turn: left only inside the corner', () => {
    expect(leftOf(l, [5, 5])).toBe(true);
    expect(leftOf(l, [12, -2])).toBe(false); // nearest the vertex, outside the corner
    expect(leftOf(l, [5, -1])).toBe(false);
    expect(leftOf(l, [11, 5])).toBe(false);
  });
  it('at a right turn: left also around the corner', () => {
    const r: XY[] = [
      [0, 0],
      [10, 0],
      [10, -10]
    ];
    expect(leftOf(r, [12, 2])).toBe(true);
    expect(leftOf(r, [5, -5])).toBe(false);
  });
  it('simplifies repeated positions of a drag', () => {
    expect(
      simplifyLine([
        [0, 0],
        [0, 0.1],
        [3, 0],
        [3, 0]
      ])
    ).toEqual([
      [0, 0],
      [3, 0]
    ]);
  });
});

describe('cut by a drawn line', () => {
  it('a line across the area cuts it into two sides', () => {
    const r = cutByLine(
      grid,
      [
        [-10, 15],
        [50, 15]
      ],
      inSquare
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.left.map((i) => grid[i][1]).every((y) => y > 15)).toBe(true);
    expect(r.left.length).toBe(15);
    expect(r.right.length).toBe(10);
  });
  it('a bent line: points beyond its ends fall on the side of the extended end', () => {
    const r = cutByLine(
      grid,
      [
        [-10, 25],
        [20, 25],
        [20, 50]
      ],
      inSquare
    );
    expect(r.ok && r.left.map((i) => grid[i]).sort()).toEqual(
      [
        [0, 30],
        [0, 40],
        [10, 30],
        [10, 40]
      ].sort()
    );
  });
  it('a line that starts or ends inside is refused', () => {
    expect(
      cutByLine(
        grid,
        [
          [-10, 15],
          [20, 15]
        ],
        inSquare
      )
    ).toEqual({ ok: false, reason: 'not-across' });
  });
  it('a line that never enters the area is refused', () => {
    expect(
      cutByLine(
        grid,
        [
          [-10, -20],
          [60, -20]
        ],
        inSquare
      )
    ).toEqual({ ok: false, reason: 'not-across' });
  });
  it('a line through the area with every point on one side is refused', () => {
    expect(
      cutByLine(
        grid,
        [
          [-10, 44],
          [50, 44]
        ],
        inSquare
      )
    ).toEqual({ ok: false, reason: 'one-side' });
  });
});
