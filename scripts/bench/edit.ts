/**
 * Editing and parsing in Node, timed here instead of in unit tests (a timed test flakes on a busy
 * machine and says nothing when it passes): `npm run bench -- edit --json`.
 *   moveMs       the planner's move of one building to another grid with the whole community
 *                revalidated (CommunityPlan.move on Daoli's community with the most buildings),
 *                median of --runs moves and their undo (default 50), budget 16 ms (one frame);
 *   engineMoveMs the same through the engine's GridEditor alone;
 *   csvParseMs   the own-data import's parse + GCJ-02 conversion of a 50,000-row CSV, median of 5,
 *                budget 5,000 ms.
 * Needs the built dataset (npm run data).
 */
import { CommunityPlan, communityData } from '../../src/lib/plan/community-plan';
import { parseBuildings } from '../../src/lib/data/import/planner';
import { intArg, time } from './harness';
import { readDistrictLayers } from '../lib/district-layers';

export async function benchEdit(args: string[]): Promise<unknown> {
  const runs = intArg(args, '--runs', 50);
  const layers = readDistrictLayers('230102');
  const count = new Map<string, number>();
  for (const f of layers.buildings.features)
    count.set(f.properties!.community, (count.get(f.properties!.community) ?? 0) + 1);
  const CODE = [...count].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0][0];
  const data = communityData(layers, CODE);
  if (!data) return { error: `community ${CODE} is not in the built dataset` };
  const plan = new CommunityPlan(data, { min: 300, max: 500 });
  const ids = data.buildings.map((b) => b.properties.id);
  // Each move sends the next building to another grid and back, so the plan stays what it was.
  let k = 0;
  const move = () => {
    const id = ids[k++ % ids.length];
    const from = plan.codeOf(id)!;
    const to = plan.codes.find((c) => c !== from)!;
    plan.move([id], to);
    plan.move([id], from);
  };
  const moves = await time(move, runs, 5);
  const editor = plan.editor;
  const p = editor.plan.p;
  let j = 0;
  const engineMove = () => {
    const i = j++ % p.n;
    const from = editor.plan.assign[i];
    const to = (from + 1) % editor.plan.k;
    editor.move([p.building[i]], to);
    editor.move([p.building[i]], from);
  };
  const engineMoves = await time(engineMove, runs, 5);
  const lines = ['lon,lat,households'];
  for (let i = 0; i < 50_000; i++)
    lines.push(
      `${(126.6 + (i % 250) * 0.0004).toFixed(6)},${(45.75 + Math.floor(i / 250) * 0.0003).toFixed(6)},${60 + (i % 90)}`
    );
  const text = lines.join('\n');
  const parse = await time(
    () => {
      const r = parseBuildings(text, 'big.csv', 'gcj02');
      if (!r.ok || r.value.buildings.length !== 50_000) throw new Error('the 50,000-row CSV did not parse');
    },
    5,
    1
  );
  // A move and its undo are two moves: halve the pair's time.
  const half = (t: { ms: number; minMs: number; maxMs: number; runs: number }) => ({
    ms: t.ms / 2,
    minMs: t.minMs / 2,
    maxMs: t.maxMs / 2,
    runs: t.runs
  });
  return {
    community: CODE,
    buildings: ids.length,
    households: data.buildings.reduce((t, b) => t + b.properties.households, 0),
    grids: plan.codes.length,
    moveMs: { ...half(moves), budgetMs: 16, withinBudget: moves.ms / 2 < 16 },
    engineMoveMs: { ...half(engineMoves), budgetMs: 16, withinBudget: engineMoves.ms / 2 < 16 },
    csvParseMs: { ...parse, rows: 50_000, budgetMs: 5000, withinBudget: parse.ms < 5000 }
  };
}
