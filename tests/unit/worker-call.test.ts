/**
 * The typed worker call ($lib/workers/call.ts) end to end in Node: `serve` runs in a scope that
 * stands for the worker's `self`, `workerClient` talks to it through a Worker double that passes
 * structured clones asynchronously, as the browser does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serve, workerClient, type Protocol } from '$lib/workers/call';

type Req = { n: number; fail?: boolean; hang?: boolean };
type Rep = { square: number };
type Prog = { step: number };
type Call = Protocol<Req, Rep, Prog>;

/** A worker's global scope; `serve` sets its onmessage. */
interface Scope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: unknown, transfer?: Transferable[]): void;
}

let started = 0;
const transfers: Transferable[][] = [];

/** A Worker double: each instance gets a fresh scope with the handler served in it. */
class FakeWorker {
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  readonly scope: Scope;
  constructor(handle: Parameters<typeof serve<Call>>[0]) {
    started++;
    this.scope = {
      onmessage: null,
      postMessage: (m, transfer = []) => {
        if (transfer.length) transfers.push(transfer);
        const data = structuredClone(m);
        setTimeout(() => !this.terminated && this.onmessage?.({ data } as MessageEvent), 0);
      }
    };
    const saved = (globalThis as { self?: unknown }).self;
    (globalThis as { self?: unknown }).self = this.scope;
    try {
      serve<Call>(handle, (r) => (r.square > 100 ? [new ArrayBuffer(8)] : []));
    } finally {
      (globalThis as { self?: unknown }).self = saved;
    }
  }
  postMessage(m: unknown) {
    const data = structuredClone(m);
    setTimeout(() => !this.terminated && this.scope.onmessage?.({ data } as MessageEvent), 0);
  }
  terminate() {
    this.terminated = true;
  }
}

const handler = async (req: Req, progress: (p: Prog) => void): Promise<Rep> => {
  for (let step = 1; step <= req.n % 4; step++) progress({ step });
  if (req.fail) throw new Error(`bad request ${req.n}`);
  if (req.hang) await new Promise(() => {});
  // Later requests answer first: replies must still reach the call that asked.
  await new Promise((r) => setTimeout(r, 20 - req.n));
  return { square: req.n * req.n };
};

afterEach(() => {
  started = 0;
  transfers.length = 0;
});

describe('workerClient + serve', () => {
  it('answers concurrent calls by their own ids, with their own progress, on one worker', async () => {
    let last: FakeWorker | null = null;
    const client = workerClient<Call>(() => (last = new FakeWorker(handler)) as unknown as Worker);
    const progress: Record<number, number[]> = { 3: [], 6: [], 15: [] };
    const calls = [3, 6, 15].map((n) => client.call({ n }, { onProgress: (p) => progress[n].push(p.step) }));
    expect(client.pending).toBe(3);
    const results = await Promise.all(calls);
    expect(results).toEqual([
      { ok: true, reply: { square: 9 } },
      { ok: true, reply: { square: 36 } },
      { ok: true, reply: { square: 225 } }
    ]);
    expect(progress).toEqual({ 3: [1, 2, 3], 6: [1, 2], 15: [1, 2, 3] });
    expect(started).toBe(1);
    expect(last!.terminated).toBe(false);
    expect(client.pending).toBe(0);
    // The reply's buffers named by `transfer` (only the 225 reply's) were moved, not copied.
    expect(transfers).toHaveLength(1);
  });

  it('a handler that throws fails only its own call, with the message', async () => {
    const client = workerClient<Call>(() => new FakeWorker(handler) as unknown as Worker);
    const [bad, good] = await Promise.all([client.call({ n: 2, fail: true }), client.call({ n: 5 })]);
    expect(bad).toEqual({ ok: false, reason: 'failed', message: 'bad request 2' });
    expect(good).toEqual({ ok: true, reply: { square: 25 } });
  });

  it('terminate cancels the calls in flight; the next call starts a new worker', async () => {
    const workers: FakeWorker[] = [];
    const client = workerClient<Call>(() => {
      const w = new FakeWorker(handler);
      workers.push(w);
      return w as unknown as Worker;
    });
    const seen: number[] = [];
    const hanging = client.call({ n: 1, hang: true }, { onProgress: (p) => seen.push(p.step) });
    client.terminate();
    expect(await hanging).toEqual({ ok: false, reason: 'cancelled', message: 'cancelled' });
    expect(workers[0].terminated).toBe(true);
    expect(client.pending).toBe(0);
    // Nothing from the terminated worker reaches anyone.
    await new Promise((r) => setTimeout(r, 30));
    expect(seen).toEqual([]);
    expect(await client.call({ n: 4 })).toEqual({ ok: true, reply: { square: 16 } });
    expect(workers).toHaveLength(2);
  });

  it('a worker that fails (e.g. its script does not load) fails every call in flight', async () => {
    let w: FakeWorker | null = null;
    const client = workerClient<Call>(() => (w = new FakeWorker(handler)) as unknown as Worker);
    const a = client.call({ n: 1, hang: true });
    const b = client.call({ n: 2, hang: true });
    w!.onerror!({ message: 'Uncaught SyntaxError' } as ErrorEvent);
    expect(await a).toEqual({ ok: false, reason: 'failed', message: 'Uncaught SyntaxError' });
    expect(await b).toEqual({ ok: false, reason: 'failed', message: 'Uncaught SyntaxError' });
    expect(w!.terminated).toBe(true);
    expect(client.pending).toBe(0);
  });

  it('with idleMs, ends the worker once no call came for that long; a later call starts a new one', async () => {
    vi.useFakeTimers();
    try {
      const workers: FakeWorker[] = [];
      const client = workerClient<Call>(
        () => {
          const w = new FakeWorker(handler);
          workers.push(w);
          return w as unknown as Worker;
        },
        { idleMs: 1000 }
      );
      const a = client.call({ n: 2 });
      await vi.advanceTimersByTimeAsync(50);
      expect(await a).toEqual({ ok: true, reply: { square: 4 } });
      // A call within the idle time keeps the same worker.
      await vi.advanceTimersByTimeAsync(900);
      const b = client.call({ n: 3 });
      await vi.advanceTimersByTimeAsync(50);
      expect(await b).toEqual({ ok: true, reply: { square: 9 } });
      expect(workers).toHaveLength(1);
      expect(workers[0].terminated).toBe(false);
      // A call still waiting is never cut off, however long it takes.
      const slow = client.call({ n: 1, hang: true });
      await vi.advanceTimersByTimeAsync(5000);
      expect(workers[0].terminated).toBe(false);
      expect(client.pending).toBe(1);
      client.terminate();
      expect((await slow).ok).toBe(false);
      const c = client.call({ n: 4 });
      await vi.advanceTimersByTimeAsync(50);
      expect(await c).toEqual({ ok: true, reply: { square: 16 } });
      expect(workers).toHaveLength(2);
      // The idle time counts from the reply (≈ 16 ms after the call: 50 ms have passed).
      await vi.advanceTimersByTimeAsync(900);
      expect(workers[1].terminated).toBe(false);
      await vi.advanceTimersByTimeAsync(100);
      expect(workers[1].terminated).toBe(true);
      const d = client.call({ n: 5 });
      await vi.advanceTimersByTimeAsync(50);
      expect(await d).toEqual({ ok: true, reply: { square: 25 } });
      expect(workers).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
