/** Benchmark helpers: run a function several times in one process and keep the median. */
export interface Timing {
  ms: number;
  runs: number;
  minMs: number;
  maxMs: number;
}

export async function time(fn: () => unknown | Promise<unknown>, runs = 5, warmup = 1): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return { ms: round(t[Math.floor(t.length / 2)]), runs, minMs: round(t[0]), maxMs: round(t[t.length - 1]) };
}

export type BenchCase = (args: string[]) => Promise<unknown>;

/** `--name=N` or `--name N` (scripts/bench.ts passes its options on in the second form). */
export function intArg(args: string[], name: string, dflt: number): number {
  const eq = args.find((x) => x.startsWith(`${name}=`));
  const i = args.indexOf(name);
  const n = eq ? Number(eq.slice(name.length + 1)) : i >= 0 ? Number(args[i + 1]) : dflt;
  return Number.isFinite(n) && n > 0 ? Math.trunc(n) : dflt;
}
