/**
 * One typed call to a module worker, for both ends. A worker describes its messages once as a
 * `Protocol` (request, reply, progress) and answers with `serve`; the page calls it through
 * `workerClient`, which numbers the requests, hands progress to the call that asked, and turns a
 * cancel (the worker terminated) or a crash into a value instead of a message that never comes.
 * The worker itself stays a plain module worker bundled by Vite (`?worker` import or `new URL`).
 */

/** What a worker accepts, answers, and posts while it works. Types only: nothing of it exists at run time. */
export interface Protocol<Req, Rep, Prog = never> {
  request: Req;
  reply: Rep;
  progress: Prog;
}
type AnyProtocol = Protocol<unknown, unknown, unknown>;

/** Messages on the wire: the request with its number, and per number progress, the reply or the error the handler threw. */
type Envelope<P extends AnyProtocol> =
  { id: number; progress: P['progress'] } | { id: number; reply: P['reply'] } | { id: number; error: string };

/** A call's outcome: the worker's reply, or why none came (the worker was terminated, or failed). */
export type CallResult<Rep> = { ok: true; reply: Rep } | { ok: false; reason: 'cancelled' | 'failed'; message: string };

export interface CallOptions<Prog> {
  onProgress?: (p: Prog) => void;
  /** Buffers moved to the worker rather than copied. */
  transfer?: Transferable[];
}

export interface WorkerClient<P extends AnyProtocol> {
  /** Sends a request; the worker is started on the first call and kept for the next ones. */
  call(request: P['request'], options?: CallOptions<P['progress']>): Promise<CallResult<P['reply']>>;
  /** Terminates the worker (how a call is cancelled): calls in flight resolve as cancelled; a later call starts a new worker. */
  terminate(): void;
  /** Calls still waiting for their reply. */
  readonly pending: number;
}

export interface ClientOptions {
  /**
   * Terminates the worker once it has had no call for this long (ms); the next call starts a new
   * one. For a worker whose memory only grows (a wasm heap never shrinks), so that what it needed
   * for its largest job is given back when the job is done.
   */
  idleMs?: number;
}

/** The page's end: `factory` makes the worker (so Vite bundles it). */
export function workerClient<P extends AnyProtocol>(factory: () => Worker, opts: ClientOptions = {}): WorkerClient<P> {
  let worker: Worker | null = null;
  let next = 0;
  let idle: ReturnType<typeof setTimeout> | null = null;
  const stopIdle = () => {
    if (idle) clearTimeout(idle);
    idle = null;
  };
  /** After the last reply: end the worker if no call comes within `idleMs`. */
  const whenIdle = () => {
    if (opts.idleMs == null || calls.size) return;
    stopIdle();
    idle = setTimeout(() => {
      idle = null;
      if (calls.size) return;
      worker?.terminate();
      worker = null;
    }, opts.idleMs);
  };
  const calls = new Map<
    number,
    { resolve: (r: CallResult<P['reply']>) => void; onProgress?: (p: P['progress']) => void }
  >();

  /** Ends every call in flight with `r` and forgets the worker. */
  const endAll = (r: CallResult<P['reply']>) => {
    worker?.terminate();
    worker = null;
    const waiting = [...calls.values()];
    calls.clear();
    for (const c of waiting) c.resolve(r);
  };

  const start = (): Worker => {
    const w = factory();
    w.onmessage = (e: MessageEvent<Envelope<P>>) => {
      const m = e.data;
      const c = calls.get(m.id);
      if (!c || w !== worker) return;
      if ('progress' in m) return c.onProgress?.(m.progress);
      calls.delete(m.id);
      c.resolve('reply' in m ? { ok: true, reply: m.reply } : { ok: false, reason: 'failed', message: m.error });
      whenIdle();
    };
    // A worker that fails to load or throws outside a handler answers nobody: every call is told.
    w.onerror = (e) => {
      if (w === worker) endAll({ ok: false, reason: 'failed', message: e.message ?? '' });
    };
    return w;
  };

  return {
    call(request, options = {}) {
      stopIdle();
      worker ??= start();
      const id = ++next;
      return new Promise((resolve) => {
        calls.set(id, { resolve, onProgress: options.onProgress });
        worker!.postMessage({ id, request }, options.transfer ?? []);
      });
    },
    terminate() {
      stopIdle();
      endAll({ ok: false, reason: 'cancelled', message: 'cancelled' });
    },
    get pending() {
      return calls.size;
    }
  };
}

/**
 * The worker's end: answers each request with `handle`'s reply; `progress` posts to the call that
 * asked (moving the buffers named in its second argument). A thrown error becomes that call's
 * failure (its message). `transfer` names the reply's buffers to move rather than copy.
 */
export function serve<P extends AnyProtocol>(
  handle: (
    request: P['request'],
    progress: (p: P['progress'], transfer?: Transferable[]) => void
  ) => P['reply'] | Promise<P['reply']>,
  transfer?: (reply: P['reply']) => Transferable[]
): void {
  const scope = self as unknown as {
    onmessage: ((e: MessageEvent<{ id: number; request: P['request'] }>) => void) | null;
    postMessage(m: Envelope<P>, transfer?: Transferable[]): void;
  };
  scope.onmessage = async (e) => {
    const { id, request } = e.data;
    try {
      const reply = await handle(request, (progress, moved) => scope.postMessage({ id, progress }, moved ?? []));
      scope.postMessage({ id, reply }, transfer?.(reply) ?? []);
    } catch (err) {
      scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
    }
  };
}
