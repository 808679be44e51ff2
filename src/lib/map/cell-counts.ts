/**
 * Incidents counted into hexagons or squares on the CPU, for the hexagon and grid modes where WebGL
 * is software (heatmap-layers.ts draws the cells). deck.gl's own CPU aggregation allocates per
 * point (a bin id array and a string key each, and a JavaScript array of point indices per bin):
 * with the three districts' 1,000,000 incidents 120–480 ms a filter. Here one pass over the typed
 * positions, typed arrays out.
 *
 * Cells are laid out in metres on a plane tangent at the points' mean latitude (equirectangular),
 * the way deck.gl sizes its cells at the data's centre: exact for one district, and the drawn cell
 * (a radius in metres at its own latitude) differs from the lattice by well under 1 % across one.
 * Hexagons are pointy-topped (rows 1.5 r apart, odd rows shifted by half a column), as deck.gl's.
 */
import { METRES_PER_DEGREE } from '$lib/geo/crs';
import { metresPerDegreeLon } from './heatmap-data';

export interface CellCounts {
  /** Interleaved lon, lat of each non-empty cell's centre. */
  centers: Float64Array;
  counts: Int32Array;
  length: number;
  /** [fewest, most] incidents in a non-empty cell; null when there is none (deck.gl's colour domain). */
  domain: [number, number] | null;
}

export type CellShape = 'hexagon' | 'square';

const SQRT3 = Math.sqrt(3);
/** Keys pack two cell indices, each kept within ±2^25 (cells of a metre or more anywhere on Earth). */
const OFFSET = 2 ** 25;
const SPAN = 2 ** 26;

/**
 * The hexagon (column i, row j) whose centre is nearest to (x, y), in units of the radius: the
 * nearest of the nearest centre in each of the three closest rows (a hexagon is the set of points
 * nearer its centre than any other). Written into `out` (no allocation per point).
 */
export function hexCell(x: number, y: number, out: [number, number] = [0, 0]): [number, number] {
  const row = Math.round(y / 1.5);
  let best = Infinity;
  for (let j = row - 1; j <= row + 1; j++) {
    const shift = j & 1 ? 0.5 : 0;
    const i = Math.round(x / SQRT3 - shift);
    const dx = x - (i + shift) * SQRT3;
    const dy = y - j * 1.5;
    const d = dx * dx + dy * dy;
    if (d < best) {
      best = d;
      out[0] = i;
      out[1] = j;
    }
  }
  return out;
}

/** Centre of hexagon (i, j), in units of the radius. */
export function hexCenter(i: number, j: number): [number, number] {
  return [(i + (j & 1 ? 0.5 : 0)) * SQRT3, j * 1.5];
}

/**
 * Counts points (interleaved lon, lat) per cell: hexagons of circumradius `sizeM` metres, or
 * squares `sizeM` metres on a side.
 */
export function countCells(
  points: { positions: Float64Array; length: number },
  shape: CellShape,
  sizeM: number
): CellCounts {
  const { positions: p, length: n } = points;
  const mx = metresPerDegreeLon(points);
  const my = METRES_PER_DEGREE;
  const slot = new Map<number, number>();
  const cellI: number[] = [];
  const cellJ: number[] = [];
  const count: number[] = [];
  const cell: [number, number] = [0, 0];
  for (let k = 0; k < n; k++) {
    const x = (p[2 * k] * mx) / sizeM;
    const y = (p[2 * k + 1] * my) / sizeM;
    if (shape === 'hexagon') hexCell(x, y, cell);
    else {
      cell[0] = Math.floor(x);
      cell[1] = Math.floor(y);
    }
    const [i, j] = cell;
    const key = (i + OFFSET) * SPAN + (j + OFFSET);
    let c = slot.get(key);
    if (c === undefined) {
      c = count.length;
      slot.set(key, c);
      cellI.push(i);
      cellJ.push(j);
      count.push(0);
    }
    count[c]++;
  }
  const m = count.length;
  const centers = new Float64Array(2 * m);
  const counts = Int32Array.from(count);
  let lo = Infinity,
    hi = -Infinity;
  for (let c = 0; c < m; c++) {
    const [cx, cy] = shape === 'hexagon' ? hexCenter(cellI[c], cellJ[c]) : [cellI[c] + 0.5, cellJ[c] + 0.5];
    centers[2 * c] = (cx * sizeM) / mx;
    centers[2 * c + 1] = (cy * sizeM) / my;
    if (count[c] < lo) lo = count[c];
    if (count[c] > hi) hi = count[c];
  }
  return { centers, counts, length: m, domain: m ? [lo, hi] : null };
}
