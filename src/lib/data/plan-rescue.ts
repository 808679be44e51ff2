/**
 * The last edit of a closing tab, kept where it is sure to be written. When a tab is closed,
 * `pagehide` starts an IndexedDB save, but the renderer may go away before that transaction
 * commits (seen in 3 of 5 closes in Chromium). localStorage is written synchronously, so the
 * closing tab also leaves its plan there; the next open of the community decides what to do with
 * it (`rescueAction`) against the stored autosave, and removes it.
 */
import type { PlanRecord } from './plan-store';

/** A plan left by a closing tab: its content and the revision it was saved on top of. */
export interface Rescue {
  record: PlanRecord;
  base: number;
  /** The page that left it (see `dropOwnRescue`). */
  tab: string;
}

/** This page load's id. */
export const TAB = typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : String(Math.random());

/** What the open's stored autosave says about a rescue. */
export type RescueAction =
  /** The closing tab's save reached IndexedDB after all. */
  | { kind: 'landed' }
  /** It did not, and nobody saved since: save the rescue on top of `base`. */
  | { kind: 'restore'; base: number }
  /** Another tab saved after it: keep the rescue as a named version, never over the newer plan. */
  | { kind: 'keep' };

export function rescueAction(rescue: Rescue, head: { revision: number; savedAt: string } | undefined): RescueAction {
  const stored = head?.revision ?? 0;
  if (head && head.savedAt === rescue.record.savedAt) return { kind: 'landed' };
  // Stored below the rescue's base: this tab's own earlier saves were lost too; the rescue holds their edits.
  if (stored <= rescue.base) return { kind: 'restore', base: stored };
  return { kind: 'keep' };
}

const key = (community: string) => `gridatlas.plan.rescue.${community}`;

/** Writes the rescue synchronously; false when storage refused it (quota, private mode). */
export function leaveRescue(rescue: Rescue, storage: Storage = localStorage): boolean {
  try {
    storage.setItem(key(rescue.record.community), JSON.stringify(rescue));
    return true;
  } catch {
    return false;
  }
}

/**
 * A later save of this page reached IndexedDB (the page came back from the back/forward cache and
 * went on): its own rescue is out of date. Another tab's rescue is never dropped here.
 */
export function dropOwnRescue(community: string, savedAt: string, storage: Storage = localStorage): void {
  try {
    const r = JSON.parse(storage.getItem(key(community)) ?? 'null') as Rescue | null;
    if (r?.tab === TAB && r.record.savedAt <= savedAt) storage.removeItem(key(community));
  } catch {
    // Nothing to drop.
  }
}

/** Reads and removes a community's rescue; a damaged one is dropped. */
export function takeRescue(community: string, storage: Storage = localStorage): Rescue | null {
  const text = storage.getItem(key(community));
  if (text === null) return null;
  storage.removeItem(key(community));
  try {
    const r = JSON.parse(text) as Rescue;
    return r && typeof r.base === 'number' && r.record?.community === community && r.record.assignment ? r : null;
  } catch {
    return null;
  }
}
