/**
 * Measurements for `npm run bench -- compare` (scripts/bench/compare.ts), run inside the real
 * page of an instrumented build (bench-hook.ts loads this module): `window.__gridatlasCompareBench(runs)`
 * waits for the chosen districts, then times each named comparison query of queries.ts in DuckDB-wasm and returns medians in milliseconds.
 */
import { COMPARE_QUERIES, type CompareQueryName } from '$lib/data/queries';
import { compare } from '$lib/state/compare.svelte';

export interface CompareBenchResult {
  /** Page's DuckDB-wasm start-up: instantiate + connect + first query. */
  startMs: number | null;
  /** Decode (hyparquet → Arrow) and insert of the comparison tables' columns, per district (the loads overlap). */
  loadMs: Record<string, number>;
  /** From the first district's load starting to the last one's ending: the wall time to have every table. */
  loadAllMs: number | null;
  /** Median ms per query and district. */
  queries: Record<string, Record<string, number>>;
  runs: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.floor(s.length / 2)] * 100) / 100;
};

export async function compareBench(runs = 5): Promise<CompareBenchResult> {
  await Promise.all(compare.selected.map((d) => compare.load(d)));
  // The coverage shares follow the figures; let them finish so they do not run beside the timings.
  await Promise.all(compare.selected.map((d) => compare.loadCoverage(d)));
  const db = await compare.database();
  const queries: CompareBenchResult['queries'] = {};
  for (const name of Object.keys(COMPARE_QUERIES) as CompareQueryName[]) {
    queries[name] = {};
    for (const d of compare.selected) {
      const sql = COMPARE_QUERIES[name](db.source, d);
      await db.query(sql);
      const t: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await db.query(sql);
        t.push(performance.now() - t0);
      }
      queries[name][d] = median(t);
    }
  }
  const loadMs = Object.fromEntries(Object.entries(compare.loadMs).map(([k, v]) => [k, Math.round(v!)]));
  const spans = Object.values(compare.loadSpans);
  const loadAllMs = spans.length
    ? Math.round(Math.max(...spans.map((x) => x![1])) - Math.min(...spans.map((x) => x![0])))
    : null;
  return { startMs: compare.startMs == null ? null : Math.round(compare.startMs), loadMs, loadAllMs, queries, runs };
}
