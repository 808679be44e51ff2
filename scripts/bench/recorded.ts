/**
 * Cases measured in real Chromium by browser tests, which write their timings under tests/.tmp/;
 * these cases read what the test wrote and report medians against a budget. They measure nothing
 * themselves (a timing is a benchmark figure, never a test assertion). Without the file they say
 * which test writes it.
 *
 * - plan-move: a manual move in the planner with 3,000+ households on screen
 *   (`tests/e2e/plan-edit.test.ts`; each move: click → panel updated, and click → the next frame).
 * - rider: /rider's first answer on a throttled phone (`tests/e2e/rider.test.ts`: 150 ms latency,
 *   1.6 Mbit/s, CPU ×2; page start → first station list).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 100) / 100;
}

const summary = (xs: number[], budget: number) => ({
  median: quantile(xs, 0.5),
  p90: quantile(xs, 0.9),
  max: quantile(xs, 1),
  withinBudget: xs.filter((x) => x <= budget).length
});

function read<T>(file: string, test: string): { ok: true; value: T; source: string } | { ok: false; error: string } {
  if (!existsSync(file))
    return {
      ok: false,
      error: `${file} is missing: it is written by a browser test. Run: GRIDATLAS_OUT=bench npx vitest run --config tests/vitest.config.ts --project e2e ${test}`
    };
  return {
    ok: true,
    value: JSON.parse(readFileSync(file, 'utf8')) as T,
    source: `${file} (${test}, headless Chromium), measured ${statSync(file).mtime.toISOString()}`
  };
}

export async function benchPlanMove(): Promise<unknown> {
  const BUDGET_MS = 16.7;
  const r = read<{ community: string; households: number; buildings: number; syncMs: number[]; frameMs: number[] }>(
    'tests/.tmp/plan-move.json',
    'tests/e2e/plan-edit.test.ts'
  );
  if (!r.ok) return { error: r.error };
  const m = r.value;
  return {
    source: r.source,
    community: m.community,
    householdsOnScreen: m.households,
    buildings: m.buildings,
    n: m.syncMs.length,
    budgetMs: BUDGET_MS,
    clickToPanelMs: summary(m.syncMs, BUDGET_MS),
    clickToNextFrameMs: summary(m.frameMs, BUDGET_MS)
  };
}

export async function benchRider(): Promise<unknown> {
  const BUDGET_MS = 1500;
  const r = read<{ firstAnswerMs: number[]; jsKb: number; throttling: string }>(
    'tests/.tmp/rider-first-answer.json',
    'tests/e2e/rider.test.ts'
  );
  if (!r.ok) return { error: r.error };
  return {
    source: r.source,
    throttling: r.value.throttling,
    jsKbGzipped: r.value.jsKb,
    n: r.value.firstAnswerMs.length,
    budgetMs: BUDGET_MS,
    firstAnswerMs: summary(r.value.firstAnswerMs, BUDGET_MS)
  };
}
