/**
 * Colours for grids on a map: no two neighbouring grids share a palette index (colouring by
 * sequence number puts grid n next to grid n + palette size). Greedy, and stable across small
 * edits: a grid keeps its previous colour while no neighbour already holds it, so one moved
 * building does not repaint the whole community. Pure TypeScript.
 */

/** Neighbouring node pairs → neighbour sets (self-pairs and unknown nodes ignored). */
function neighbourSets(nodes: readonly string[], pairs: Iterable<readonly [string, string]>): Map<string, Set<string>> {
  const nb = new Map(nodes.map((n) => [n, new Set<string>()]));
  for (const [a, b] of pairs) {
    if (a === b || !nb.has(a) || !nb.has(b)) continue;
    nb.get(a)!.add(b);
    nb.get(b)!.add(a);
  }
  return nb;
}

/**
 * A palette index in [0, k) per node. Nodes with a still-valid `previous` index keep it (in the
 * order of `nodes`); the rest, most neighbours first, take the lowest index no coloured
 * neighbour has. Only a node with k or more differently coloured neighbours can clash; it takes
 * the index fewest of them use.
 */
export function colourGraph(
  nodes: readonly string[],
  pairs: Iterable<readonly [string, string]>,
  k: number,
  previous: ReadonlyMap<string, number> = new Map()
): Map<string, number> {
  const nb = neighbourSets(nodes, pairs);
  const out = new Map<string, number>();
  const free = (n: string, c: number) => [...nb.get(n)!].every((m) => out.get(m) !== c);
  for (const n of nodes) {
    const c = previous.get(n);
    if (c !== undefined && c >= 0 && c < k && free(n, c)) out.set(n, c);
  }
  const rest = nodes.filter((n) => !out.has(n)).sort((a, b) => nb.get(b)!.size - nb.get(a)!.size);
  for (const n of rest) {
    const uses = new Array<number>(k).fill(0);
    for (const m of nb.get(n)!) if (out.has(m)) uses[out.get(m)!]++;
    let best = 0;
    for (let c = 1; c < k; c++) if (uses[c] < uses[best]) best = c;
    out.set(n, best);
  }
  return out;
}

/** Neighbouring pairs that share a colour (empty for a proper colouring). */
export function colourClashes(
  colours: ReadonlyMap<string, number>,
  pairs: Iterable<readonly [string, string]>
): [string, string][] {
  const out: [string, string][] = [];
  for (const [a, b] of pairs) if (a !== b && colours.has(a) && colours.get(a) === colours.get(b)) out.push([a, b]);
  return out;
}
