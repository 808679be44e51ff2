/**
 * The planner's autosave across tabs and page closes. Tabs of one browser tell each other what
 * they saved over a BroadcastChannel; `conflictAfter` (pure) says what a tab makes of such a
 * message about the community it has open. The channel only tells the user early: the guarantee
 * that a stale tab cannot overwrite a newer plan is plan-store's revision check. `onLeave` runs
 * the pending save when the page is hidden or closed, where a timer would never fire.
 */

/**
 * A conflict over the open community. `newer`: another tab saved a newer revision, so this tab's
 * edits are refused by the store until the planner reloads or keeps them as a named version.
 * `theirs`: another tab's edits were refused because this tab's plan is the newer one.
 */
export type Conflict = { kind: 'newer'; revision: number } | { kind: 'theirs' } | null;

export type SyncMessage =
  /** A tab saved the community's autosave as `revision`. */
  | { type: 'saved'; community: string; revision: number }
  /** A tab's save of the community was refused: it holds edits built on an older revision. */
  | { type: 'refused'; community: string }
  /** A tab saved a named version of the community. */
  | { type: 'versions'; community: string };

/** What this tab makes of another tab's message, with `open` the community it shows and the revision its plan is built on. */
export function conflictAfter(
  current: Conflict,
  open: { community: string; revision: number } | null,
  m: SyncMessage
): Conflict {
  if (!open || m.community !== open.community) return current;
  if (m.type === 'saved')
    return m.revision > open.revision
      ? { kind: 'newer', revision: Math.max(m.revision, current?.kind === 'newer' ? current.revision : 0) }
      : current;
  // A tab refused because of this tab's plan; if this tab is itself behind, that matters more.
  if (m.type === 'refused') return current?.kind === 'newer' ? current : { kind: 'theirs' };
  return current;
}

const CHANNEL = 'gridatlas-plans';

/** The tabs' channel: `receive` gets the other tabs' messages (a tab never hears its own). */
export function openChannel(receive: (m: SyncMessage) => void): { post(m: SyncMessage): void; close(): void } {
  const ch = new BroadcastChannel(CHANNEL);
  ch.onmessage = (e: MessageEvent<SyncMessage>) => receive(e.data);
  return { post: (m) => ch.postMessage(m), close: () => ch.close() };
}

/**
 * Calls `f(false)` when the page is hidden (a phone may then kill it without another event) and
 * `f(true)` when it is left (`pagehide`: closed, reloaded, navigated away). Returns the cleanup.
 */
export function onLeave(f: (left: boolean) => void): () => void {
  const hidden = () => {
    if (document.visibilityState === 'hidden') f(false);
  };
  const left = () => f(true);
  addEventListener('pagehide', left);
  document.addEventListener('visibilitychange', hidden);
  return () => {
    removeEventListener('pagehide', left);
    document.removeEventListener('visibilitychange', hidden);
  };
}
