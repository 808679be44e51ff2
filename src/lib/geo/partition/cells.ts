/**
 * Grid polygons that tile the community: each building's Voronoi cell clipped to the community
 * boundary, and each grid drawn as the union of its buildings' cells. Because the cells tile the
 * boundary, the grids cover the community without gaps or overlaps whatever the assignment.
 *
 * Cells also give the engine its compactness measure cheaply: a grid's area is the sum of its
 * cells' areas and its perimeter the sum of the cell edges on the community boundary plus those
 * shared with cells of other grids (see compactness.ts), so moving one building updates both in
 * O(its neighbours).
 */
import { Delaunay } from 'd3';
import { ccw, pointInRing, ringArea, type Ring, type XY } from './planar';
import { cutCell, ROAD, type CutEdge, type StreetCuts } from './streets';

export interface Cells {
  n: number;
  /** Per point: its clipped cell, one ring per boundary part it meets (usually one). */
  rings: Ring[][];
  area: Float64Array;
  /** Length of the cell's edges on the community boundary. */
  outer: Float64Array;
  /** Voronoi neighbours: nbr[off[i]] … with the length of the edge shared with i. */
  off: Int32Array;
  nbr: Int32Array;
  len: Float64Array;
  /**
   * With street cuts: the road-bounded block of each point (-1: no cell) and of each piece of a
   * cell, with the piece's owner and area (see streets.ts `acrossRoads`).
   */
  blocks?: CellBlocks;
}

export interface CellBlocks {
  pointBlock: Int32Array;
  pieceOwner: Int32Array;
  pieceBlock: Int32Array;
  pieceArea: Float64Array;
}

/** Cells sharing less than this length of edge (metres) touch only at a corner on the map. */
export const MIN_SHARED_EDGE = 0.5;

/**
 * Voronoi cells of the points clipped to the boundary, cut along `cuts` (streets.ts) unless
 * `follow` is false (then the cuts only measure the plain cells' blocks) (outer rings of the community's polygon
 * parts; holes are ignored). Each cell is the boundary clipped by the half-plane of every
 * Delaunay neighbour (the side nearer the point, cut at their bisector). Clipping by bisectors
 * rather than by the Voronoi polygon's own vertices keeps exact lattices right: there four cells
 * meet at one corner, the Voronoi polygon repeats that corner (two circumcentres a rounding error
 * apart), and an edge between the two copies points anywhere. Each edge keeps the neighbour whose
 * bisector made it, so shared lengths need no matching. Points sharing a position split nothing:
 * the later ones get an empty cell (prepare() nudges them apart first).
 */
export function voronoiCells(
  points: readonly XY[],
  boundary: readonly Ring[],
  cuts?: StreetCuts,
  follow = true
): Cells {
  const n = points.length;
  const rings: Ring[][] = Array.from({ length: n }, () => []);
  const area = new Float64Array(n);
  const outer = new Float64Array(n);
  const shared: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  const parts = boundary.filter((r) => r.length >= 3).map(ccw);
  if (n === 0 || parts.length === 0) return pack(n, rings, area, outer, shared);
  const delaunay = n === 1 ? null : Delaunay.from(points as XY[]);
  const seen = new Set<string>();
  const pieces: Piece[] = [];
  for (let i = 0; i < n; i++) {
    const pi = points[i];
    const key = `${pi[0]},${pi[1]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // Nearest neighbours first: they cut the most, so later clips see fewer vertices.
    const cands = (delaunay ? [...delaunay.neighbors(i)] : [])
      .filter((j) => points[j][0] !== pi[0] || points[j][1] !== pi[1])
      .sort((a, b) => dist2(points[a], pi) - dist2(points[b], pi) || a - b);
    parts.forEach((part, k) => {
      let poly: Vertex[] = part.map((p) => ({ p, o: -1 }));
      for (const j of cands) {
        poly = clipHalf(poly, pi, points[j], j);
        if (poly.length < 3) break;
      }
      if (poly.length < 3) return;
      const edges = cancelSlivers(poly, points, pi);
      // Cut along the streets that cross the cell: each face is a piece of its own. Rings keep
      // the points where streets cross cell edges, straight or not, so that the cells on either
      // side of an edge have the same vertices along it (dissolve matches edges end to end).
      const cut = cuts ? cutCell(edges, cuts) : null;
      if (cut?.cut) {
        for (const face of cut.faces) {
          const ring = face.map((e) => e.a);
          if (ringArea(ring) <= 1e-9) continue;
          pieces.push({ cell: i, part: k, ring, area: ringArea(ring), edges: face });
        }
        return;
      }
      if (cut) {
        const split = cut.faces[0];
        const segs = split.map((e) => [e.a, e.b] as const);
        for (const loop of chainLoops(segs, fineKey)) {
          const ring = loop.map((e) => split[e].a);
          if (ringArea(ring) <= 1e-9) continue;
          pieces.push({ cell: i, part: k, ring, area: ringArea(ring), edges: loop.map((e) => split[e]) });
        }
        return;
      }
      const segs = edges.map((e) => [e.a, e.b] as const);
      for (const loop of chainLoops(segs, fineKey)) {
        const ring = loopRing(segs, loop);
        if (!ring || ringArea(ring) <= 1e-9) continue;
        pieces.push({ cell: i, part: k, ring, area: ringArea(ring), edges: loop.map((e) => edges[e]) });
      }
    });
  }
  const block = cuts ? blocksOf(pieces) : undefined;
  const { owner, anchor } = handOverDetached(pieces, points, parts, block, follow);
  pieces.forEach((pc, k) => {
    rings[owner[k]].push(pc.ring);
    area[owner[k]] += pc.area;
  });
  // Edge lengths by the cells on either side: the piece across an edge is found by its ends (the
  // same segment seen from the other cell), else by the neighbour whose bisector made it.
  const across = new Map<string, number[]>();
  pieces.forEach((pc, k) => {
    for (const e of pc.edges) {
      const sk = segKey(e);
      (across.get(sk) ?? across.set(sk, []).get(sk)!).push(k);
    }
  });
  pieces.forEach((pc, k) => {
    const c = owner[k];
    for (const e of pc.edges) {
      const l = Math.hypot(e.b[0] - e.a[0], e.b[1] - e.a[1]);
      const other = across.get(segKey(e))!.find((q) => q !== k);
      const o = other !== undefined ? owner[other] : e.o === ROAD ? pc.cell : e.o;
      if (o === c) continue;
      if (o < 0) outer[c] += l;
      else shared[c].set(o, (shared[c].get(o) ?? 0) + l);
    }
  });
  symmetrise(shared, outer);
  const cells = pack(n, rings, area, outer, shared);
  if (block)
    cells.blocks = {
      pointBlock: Int32Array.from(anchor, (k) => (k >= 0 ? block[k] : -1)),
      pieceOwner: Int32Array.from(owner),
      pieceBlock: block,
      pieceArea: Float64Array.from(pieces, (pc) => pc.area)
    };
  return cells;
}

/** An edge by its two ends, either way round, to the millimetre. */
const segKey = (e: Edge) => {
  const a = key(e.a);
  const b = key(e.b);
  return a < b ? `${a}|${b}` : `${b}|${a}`;
};

/** One connected piece of a cell within one part of the boundary, with its edges. */
interface Piece {
  cell: number;
  part: number;
  ring: Ring;
  area: number;
  edges: Edge[];
}

/**
 * Road-bounded blocks: pieces joined across every edge that is not a street cut (a cell edge;
 * the outline is shared with nothing), matched by their ends as in `voronoiCells`.
 */
function blocksOf(pieces: readonly Piece[]): Int32Array {
  const parent = pieces.map((_, k) => k);
  const find = (k: number): number => {
    while (parent[k] !== k) k = parent[k] = parent[parent[k]];
    return k;
  };
  const bySeg = new Map<string, number>();
  pieces.forEach((pc, k) => {
    for (const e of pc.edges) {
      if (e.o === ROAD) continue;
      const sk = segKey(e);
      const q = bySeg.get(sk);
      if (q === undefined) bySeg.set(sk, k);
      else parent[find(q)] = find(k);
    }
  });
  const id = new Map<number, number>();
  return Int32Array.from(pieces, (_, k) => {
    const r = find(k);
    if (!id.has(r)) id.set(r, id.size);
    return id.get(r)!;
  });
}

/**
 * A Voronoi cell cut by a non-convex outline can fall apart: in a U-shaped community the cell of a
 * building at the top of one arm reaches across the gap into the other arm. A piece that does not
 * hold its building is handed to the cell beside it (across its longest shared edge) whose piece
 * there is already anchored to that cell's building, round after round, so that cells, and grids
 * drawn from them, are one piece on the map. A piece touching no anchored piece (a part of the
 * outline without buildings) stays with its own cell; validation reports its grid.
 * With street cuts (`block` given), in this order, round after round:
 *  1. a piece in a block with buildings goes to a cell beside it across a cell edge (never a
 *     street), so it stays with buildings of its own block;
 *  2. a piece of a block without buildings stays with its own cell where that is beside it (the
 *     plain Voronoi division there: a park is shared by the buildings around it, not flooded
 *     into one grid);
 *  3. else, as without cuts, the longest shared edge.
 * With `follow` false the cells are not cut (the cuts only measure them): rule 2 for every piece.
 * Returns the cell owning each piece, and each point's own piece (-1: none).
 */
function handOverDetached(
  pieces: readonly Piece[],
  points: readonly XY[],
  parts: readonly Ring[],
  block?: Int32Array,
  follow = true
): { owner: number[]; anchor: number[] } {
  const owner = pieces.map((pc) => pc.cell);
  const anchor = new Array<number>(points.length).fill(-1);
  const byCell = new Map<number, number[]>();
  pieces.forEach((pc, k) => (byCell.get(pc.cell) ?? byCell.set(pc.cell, []).get(pc.cell)!).push(k));
  const anchored = new Uint8Array(pieces.length);
  const loose: number[] = [];
  for (const [i, own] of byCell) {
    const part = parts.findIndex((r) => pointInRing(points[i], r));
    const holds = own.find((k) => pieces[k].part === part && pointInRing(points[i], pieces[k].ring));
    const main = holds ?? own.reduce((a, b) => (pieces[b].area > pieces[a].area ? b : a));
    anchored[main] = 1;
    anchor[i] = main;
    for (const k of own) if (k !== main) loose.push(k);
  }
  if (!loose.length) return { owner, anchor };
  const bySeg = new Map<string, number[]>();
  pieces.forEach((pc, k) => {
    for (const e of pc.edges) {
      const sk = segKey(e);
      (bySeg.get(sk) ?? bySeg.set(sk, []).get(sk)!).push(k);
    }
  });
  const built = new Set(block ? anchor.filter((k) => k >= 0).map((k) => block[k]) : []);
  /** One pass of rule 1, 2 or 3 over the loose pieces; true when one was handed over. */
  const pass = (rule: 1 | 2 | 3): boolean => {
    let changed = false;
    for (const k of loose) {
      if (anchored[k]) continue;
      if (rule === 1 && !built.has(block![k])) continue;
      if (rule === 2 && follow && built.has(block![k])) continue;
      // Shared length with each anchored piece beside this one.
      const beside = new Map<number, number>();
      for (const e of pieces[k].edges)
        if (rule !== 1 || e.o !== ROAD)
          for (const q of bySeg.get(segKey(e)) ?? [])
            if (q !== k && anchored[q])
              beside.set(q, (beside.get(q) ?? 0) + Math.hypot(e.b[0] - e.a[0], e.b[1] - e.a[1]));
      let to = -1;
      let best = 0;
      for (const [q, l] of beside)
        if (rule !== 2 || owner[q] === pieces[k].cell)
          if (l > best + 1e-9 || (Math.abs(l - best) <= 1e-9 && to >= 0 && q < to)) [to, best] = [q, l];
      if (to < 0) continue;
      owner[k] = owner[to];
      anchored[k] = 1;
      changed = true;
    }
    return changed;
  };
  if (block && follow) while (pass(1) || pass(2) || pass(3));
  else if (block) while (pass(2) || pass(3));
  else while (pass(3));
  return { owner, anchor };
}

/** A ring vertex and the owner of the edge leaving it: -1 for the boundary, else the neighbour. */
interface Vertex {
  p: XY;
  o: number;
}

type Edge = CutEdge;

const dist2 = (a: XY, b: XY) => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2;

/** Points within this distance (metres) of a bisector count as on it: no sliver edges are cut. */
const ON_LINE = 1e-6;

/**
 * Sutherland–Hodgman against one half-plane: the part of the ring nearer `pi` than `pj`. Edges
 * made along the bisector are owned by `j`. Where the result falls apart into pieces they are
 * joined by zero-width slivers along the bisector (removed by `cancelSlivers`).
 */
function clipHalf(poly: readonly Vertex[], pi: XY, pj: XY, j: number): Vertex[] {
  const dx = pj[0] - pi[0];
  const dy = pj[1] - pi[1];
  const d = Math.hypot(dx, dy);
  const mx = (pi[0] + pj[0]) / 2;
  const my = (pi[1] + pj[1]) / 2;
  const side = (p: XY) => ((p[0] - mx) * dx + (p[1] - my) * dy) / d;
  const out: Vertex[] = [];
  const m = poly.length;
  let sa = side(poly[0].p);
  for (let k = 0; k < m; k++) {
    const a = poly[k];
    const b = poly[(k + 1) % m];
    const sb = k + 1 < m ? side(b.p) : side(poly[0].p);
    const ina = sa <= ON_LINE;
    const inb = sb <= ON_LINE;
    if (ina) {
      if (!inb && sa >= -ON_LINE) out.push({ p: a.p, o: j });
      else out.push(a);
      if (!inb && sa < -ON_LINE) {
        const t = sa / (sa - sb);
        out.push({ p: [a.p[0] + (b.p[0] - a.p[0]) * t, a.p[1] + (b.p[1] - a.p[1]) * t], o: j });
      }
    } else if (inb && sb < -ON_LINE) {
      const t = sa / (sa - sb);
      out.push({ p: [a.p[0] + (b.p[0] - a.p[0]) * t, a.p[1] + (b.p[1] - a.p[1]) * t], o: a.o });
    }
    sa = sb;
  }
  return out;
}

/**
 * The ring's edges with the zero-width slivers gone: on each bisector the edges are cut at every
 * vertex on it and summed with their direction, so a sliver (there and back) cancels and the true
 * boundary stays.
 */
function cancelSlivers(poly: readonly Vertex[], points: readonly XY[], pi: XY): Edge[] {
  const edges: Edge[] = [];
  const byOwner = new Map<number, Edge[]>();
  for (let k = 0; k < poly.length; k++) {
    const a = poly[k].p;
    const b = poly[(k + 1) % poly.length].p;
    if (a[0] === b[0] && a[1] === b[1]) continue;
    const e = { a, b, o: poly[k].o };
    if (e.o < 0) edges.push(e);
    else (byOwner.get(e.o) ?? byOwner.set(e.o, []).get(e.o)!).push(e);
  }
  for (const [o, list] of byOwner) {
    if (list.length === 1) {
      edges.push(list[0]);
      continue;
    }
    // Position along the bisector of pi and points[o].
    const ux = -(points[o][1] - pi[1]);
    const uy = points[o][0] - pi[0];
    const t = (p: XY) => p[0] * ux + p[1] * uy;
    const at = new Map<number, XY>();
    for (const e of list) {
      at.set(t(e.a), e.a);
      at.set(t(e.b), e.b);
    }
    const ts = [...at.keys()].sort((x, y) => x - y);
    for (let k = 0; k + 1 < ts.length; k++) {
      const lo = ts[k];
      const hi = ts[k + 1];
      let net = 0;
      for (const e of list) {
        const ta = t(e.a);
        const tb = t(e.b);
        if (Math.min(ta, tb) <= lo && Math.max(ta, tb) >= hi) net += ta < tb ? 1 : -1;
      }
      if (net > 0) edges.push({ a: at.get(lo)!, b: at.get(hi)!, o });
      else if (net < 0) edges.push({ a: at.get(hi)!, b: at.get(lo)!, o });
    }
  }
  return edges;
}

/**
 * Makes shared lengths symmetric: where rounding let one side count an edge as boundary, the
 * edge is moved from that cell's boundary length to its shared length.
 */
function symmetrise(shared: Map<number, number>[], outer: Float64Array): void {
  for (let i = 0; i < shared.length; i++)
    for (const [j, l] of shared[i]) {
      if (j < i && shared[j].has(i)) continue;
      const back = shared[j].get(i);
      if (back === undefined) {
        shared[j].set(i, l);
        outer[j] = Math.max(0, outer[j] - l);
      } else {
        const m = (l + back) / 2;
        shared[i].set(j, m);
        shared[j].set(i, m);
      }
    }
}

function pack(
  n: number,
  rings: Ring[][],
  area: Float64Array,
  outer: Float64Array,
  shared: Map<number, number>[]
): Cells {
  const off = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) off[i + 1] = off[i] + shared[i].size;
  const nbr = new Int32Array(off[n]);
  const len = new Float64Array(off[n]);
  for (let i = 0; i < n; i++) {
    const entries = [...shared[i]].sort((a, b) => a[0] - b[0]);
    entries.forEach(([j, l], k) => {
      nbr[off[i] + k] = j;
      len[off[i] + k] = l;
    });
  }
  return { n, rings, area, outer, off, nbr, len };
}

/** A polygon: outer ring (counter-clockwise) then holes (clockwise), open rings. */
export type PlanarPolygon = Ring[];

const key = (p: XY) => `${Math.round(p[0] * 1000)},${Math.round(p[1] * 1000)}`;
const fineKey = (p: XY) => `${p[0]},${p[1]}`;

/**
 * Chains directed edges into closed loops (lists of edge indices). Where several edges leave one
 * vertex (two pieces touching at a corner, a hole touching its outer), the walk takes the
 * sharpest left turn, so every loop is simple and pieces that only touch at a point stay apart.
 */
function chainLoops(edges: readonly (readonly [XY, XY])[], keyOf: (p: XY) => string): number[][] {
  const out = new Map<string, number[]>();
  const keys = edges.map(([a, b]) => [keyOf(a), keyOf(b)] as const);
  edges.forEach((_, e) => {
    const [ka, kb] = keys[e];
    if (ka === kb) return;
    const l = out.get(ka);
    if (l) l.push(e);
    else out.set(ka, [e]);
  });
  const turn = (e: number, f: number) => {
    const ax = edges[e][1][0] - edges[e][0][0];
    const ay = edges[e][1][1] - edges[e][0][1];
    const bx = edges[f][1][0] - edges[f][0][0];
    const by = edges[f][1][1] - edges[f][0][1];
    return Math.atan2(ax * by - ay * bx, ax * bx + ay * by);
  };
  const loops: number[][] = [];
  // Walks start where one edge leaves, so that a branching vertex is never a walk's end.
  const starts = [...out.keys()].sort(
    (a, b) => out.get(a)!.length - out.get(b)!.length || (a < b ? -1 : a > b ? 1 : 0)
  );
  for (const start of starts) {
    while ((out.get(start)?.length ?? 0) > 0) {
      const loop = [out.get(start)!.shift()!];
      for (let guard = 0; guard < 1e7; guard++) {
        const last = loop[loop.length - 1];
        const cur = keys[last][1];
        if (cur === start) break;
        const nexts = out.get(cur);
        if (!nexts || nexts.length === 0) break;
        let pick = 0;
        if (nexts.length > 1) {
          let best = -Infinity;
          nexts.forEach((f, idx) => {
            const t = turn(last, f);
            if (t > best) {
              best = t;
              pick = idx;
            }
          });
        }
        loop.push(nexts.splice(pick, 1)[0]);
      }
      loops.push(loop);
    }
  }
  return loops;
}

/** A loop of edges as a ring (collinear points dropped), or null when it encloses no area. */
function loopRing(edges: readonly (readonly [XY, XY])[], loop: readonly number[]): Ring | null {
  const clean = dropCollinear(loop.map((e) => edges[e][0]));
  return clean.length >= 3 && Math.abs(ringArea(clean)) > 1e-6 ? clean : null;
}

/** Chains directed edges into closed rings (see `chainLoops`). */
function chainRings(edges: readonly (readonly [XY, XY])[], keyOf: (p: XY) => string = key): Ring[] {
  return chainLoops(edges, keyOf)
    .map((loop) => loopRing(edges, loop))
    .filter((r): r is Ring => r !== null);
}

/**
 * The union of the members' cells: edges met in both directions cancel, the rest are chained
 * into rings; counter-clockwise rings are outers, clockwise ones holes of the outer holding them.
 * One polygon per piece of the union (pieces touching only at a point are separate polygons).
 */
export function dissolve(cells: Cells, members: Iterable<number>): PlanarPolygon[] {
  const count = new Map<string, number>();
  const pts = new Map<string, XY>();
  for (const i of members)
    for (const r of cells.rings[i])
      for (let e = 0; e < r.length; e++) {
        const p = r[e];
        const q = r[(e + 1) % r.length];
        const kp = key(p);
        const kq = key(q);
        if (kp === kq) continue;
        if (!pts.has(kp)) pts.set(kp, p);
        if (!pts.has(kq)) pts.set(kq, q);
        const back = `${kq}|${kp}`;
        const nb = count.get(back) ?? 0;
        if (nb > 0) {
          if (nb === 1) count.delete(back);
          else count.set(back, nb - 1);
        } else {
          const fwd = `${kp}|${kq}`;
          count.set(fwd, (count.get(fwd) ?? 0) + 1);
        }
      }
  const edges: [XY, XY][] = [];
  for (const [e, c] of [...count].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const [a, b] = e.split('|');
    for (let t = 0; t < c; t++) edges.push([pts.get(a)!, pts.get(b)!]);
  }
  const rings = chainRings(edges);
  const outers = rings.filter((r) => ringArea(r) > 0).sort((a, b) => ringArea(b) - ringArea(a));
  const holes = rings.filter((r) => ringArea(r) < 0);
  const polys: PlanarPolygon[] = outers.map((r) => [r]);
  for (const h of holes) {
    // The smallest outer that holds the hole.
    let best = -1;
    for (let k = 0; k < outers.length; k++) if (pointInRing(midpoint(h), outers[k])) best = k;
    if (best >= 0) polys[best].push(h);
  }
  return polys;
}

function midpoint(r: Ring): XY {
  // A point just inside the hole's first edge would be ideal; the edge midpoint is on the hole
  // boundary and never on an outer's boundary for a proper hole.
  return [(r[0][0] + r[1][0]) / 2, (r[0][1] + r[1][1]) / 2];
}

function dropCollinear(r: XY[]): XY[] {
  if (r.length < 4) return r;
  const out: XY[] = [];
  const n = r.length;
  for (let i = 0; i < n; i++) {
    const a = r[(i + n - 1) % n];
    const b = r[i];
    const c = r[(i + 1) % n];
    const cr = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
    const l = Math.hypot(b[0] - a[0], b[1] - a[1]) * Math.hypot(c[0] - b[0], c[1] - b[1]);
    if (Math.abs(cr) > 1e-9 * Math.max(l, 1e-12)) out.push(b);
  }
  return out;
}
