/**
 * The open plan's autosave (runes): edits saved to IndexedDB shortly after they are made, each
 * save a revision of the community's plan; a tab whose plan is built on an older revision is
 * refused by the store and told so (see plan-sync), and the planner either reloads the newer plan
 * or keeps this tab's as a named version. A closing tab's last edit is left in localStorage and
 * saved on the next open (plan-rescue). The plan itself is the host's (PlanState).
 */
import { i18n } from '$lib/i18n/index.svelte';
import {
  loadPlan,
  savePlan,
  saveVersion,
  versionOf,
  type PlanRecord,
  type PlanVersion,
  type SavedPlan
} from '$lib/data/plan-store';
import { TAB, dropOwnRescue, leaveRescue, rescueAction, takeRescue } from '$lib/data/plan-rescue';
import { conflictAfter, onLeave, openChannel, type Conflict, type SyncMessage } from './plan-sync';

/** What the autosave needs of the plan. */
export interface AutosaveHost {
  /** The open plan as the store keeps it (null when none is open). */
  record(): PlanRecord | null;
  /** The open community's code. */
  openCode(): string | undefined;
  /** Opens the community's autosave again, dropping unsaved edits. */
  reopen(): Promise<boolean>;
  /** An IndexedDB failure to show. */
  fail(message: string): void;
}

/** What opening a community found in the store. */
export interface Opened {
  saved?: SavedPlan;
  /** A closing tab's last edit found on open: saved now, or kept as this named version. */
  rescued: { kept?: string } | null;
  /** IndexedDB failed (the message to show). */
  error?: string;
}

export class PlanAutosave {
  /** 'conflict': the store refused the save, another tab saved a newer revision (see `conflict`). */
  save = $state<'idle' | 'saving' | 'saved' | 'error' | 'conflict'>('idle');
  savedAt = $state<string | null>(null);
  /** Another tab changed the open community (or was refused because of this tab's plan). */
  conflict = $state.raw<Conflict>(null);
  /** What the planner did about a conflict: reloaded the newer plan, or kept this tab's as the named version `name` first. */
  resolved = $state.raw<{ revision: number; kept?: string } | null>(null);
  /** A closing tab's last edit found on open (see plan-rescue): saved now, or kept as this named version. */
  rescued = $state.raw<{ kept?: string } | null>(null);
  /** Bumped when the open community's named versions change elsewhere than in the versions panel (another tab, a kept plan). */
  versionsChanged = $state(0);

  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  /** The autosave revision that the next save builds on (see plan-store's savePlan). */
  private revision = 0;
  /** Edits scheduled for saving and the count of them saved: unsaved edits while they differ. */
  private edits = 0;
  private savedEdits = 0;
  /** Bumped when a community is opened or closed: what a save of the last one learns no longer applies. */
  private session = 0;
  private channel: { post(m: SyncMessage): void; close(): void } | null = null;

  constructor(private readonly host: AutosaveHost) {}

  /** The open community is being left: its pending edit is saved, later answers about it ignored. */
  leave() {
    this.flush();
    this.session++;
  }

  /** Reads a community's autosave, first saving a rescued edit of a closed tab (or keeping it as a version when another tab's plan is newer). */
  async load(code: string): Promise<Opened> {
    let saved: SavedPlan | undefined;
    let rescued: { kept?: string } | null = null;
    try {
      saved = await loadPlan(code);
      const rescue = takeRescue(code);
      if (rescue) {
        const act = rescueAction(rescue, saved);
        const r = act.kind === 'restore' ? await savePlan(rescue.record, act.base) : null;
        if (r?.ok) {
          saved = { ...rescue.record, revision: r.revision };
          rescued = {};
        } else if (act.kind !== 'landed') {
          // Another tab's plan is newer: the rescued edits become a version, never an overwrite.
          const name = keptName();
          await saveVersion(versionOf(rescue.record, name));
          rescued = { kept: name };
        }
      }
    } catch (e) {
      return { saved, rescued, error: `IndexedDB: ${(e as Error).message}` };
    }
    return { saved, rescued };
  }

  /** A community was opened from what `load` found. */
  opened({ saved, rescued }: Opened) {
    this.revision = saved?.revision ?? 0;
    this.edits = this.savedEdits = 0;
    this.conflict = null;
    this.resolved = null;
    this.rescued = rescued;
    this.save = saved ? 'saved' : 'idle';
    this.savedAt = saved?.savedAt ?? null;
  }

  /** An edit was made: it is saved shortly (edits in quick succession are saved once). */
  schedule() {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.edits++;
    this.save = 'saving';
    this.saveTimer = setTimeout(() => void this.saveNow(), 150);
  }

  /** Saves a pending edit at once: the page is being hidden or left, and the timer would not fire. */
  flush() {
    if (this.saveTimer) void this.saveNow();
  }

  /**
   * Saves the plan as the revision after `revision`. The write starts synchronously (the page may be
   * closing); a refusal means another tab saved a newer revision: this tab's edits stay on screen,
   * unsaved, until the planner picks what to do (`conflict`), and the other tabs are told.
   */
  saveNow(given?: PlanRecord): Promise<void> {
    this.dropPending();
    const rec = given ?? this.host.record();
    if (!rec) return Promise.resolve();
    const { session, edits } = this;
    const base = this.revision;
    // The next save builds on this one: IndexedDB runs the two in order, and refuses the next if this one is refused.
    this.revision = base + 1;
    return savePlan(rec, base).then(
      async (r) => {
        this.channel?.post(
          r.ok
            ? { type: 'saved', community: rec.community, revision: r.revision }
            : { type: 'refused', community: rec.community }
        );
        if (r.ok) dropOwnRescue(rec.community, rec.savedAt);
        if (this.session !== session) return;
        if (r.ok) {
          this.savedEdits = Math.max(this.savedEdits, edits);
          if (this.edits === edits) this.save = 'saved';
          this.savedAt = rec.savedAt;
          return;
        }
        this.save = 'conflict';
        const head = await loadPlan(rec.community).catch(() => undefined);
        if (this.session === session) this.conflict = { kind: 'newer', revision: head?.revision ?? base };
      },
      (e: Error) => {
        if (this.revision === base + 1) this.revision = base;
        this.save = 'error';
        this.host.fail(`IndexedDB: ${e.message}`);
      }
    );
  }

  private receive(m: SyncMessage) {
    const code = this.host.openCode();
    if (m.type === 'versions' && m.community === code) this.versionsChanged++;
    this.conflict = conflictAfter(this.conflict, code ? { community: code, revision: this.revision } : null, m);
  }

  /**
   * Listens to the other tabs and saves a pending edit when the page is hidden or left. Edits that
   * another tab's newer plan holds unsaved are kept as a named version when the page is left
   * (they cannot be the autosave, and the planner has not chosen). Returns the cleanup.
   */
  connect(): () => void {
    const channel = openChannel((m) => this.receive(m));
    this.channel = channel;
    const offLeave = onLeave((left) => {
      if (left && this.conflict?.kind === 'newer' && this.edits !== this.savedEdits) {
        this.dropPending();
        void this.saveVersion(keptName()).catch(() => undefined);
      } else if (left && this.edits !== this.savedEdits) this.leaveWithRescue();
      else this.flush();
    });
    return () => {
      offLeave();
      channel.close();
      if (this.channel === channel) this.channel = null;
    };
  }

  /** The page is going away with unsaved edits: save them, and leave them in localStorage in case the save does not commit in time. */
  private leaveWithRescue() {
    const rec = this.host.record();
    if (!rec) return;
    // `revision` already counts saves still in flight: the rescue builds on what they will store.
    leaveRescue({ record: rec, base: this.revision, tab: TAB });
    void this.saveNow(rec);
  }

  /** Forgets a scheduled save (the edits it would save are being dropped or saved otherwise). */
  dropPending() {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
  }

  /** Conflict, first way out: open the newer plan another tab saved, dropping this tab's unsaved edits. */
  async takeNewer(): Promise<void> {
    if (await this.host.reopen()) this.resolved = { revision: this.revision };
  }

  /** Saves the open plan as a named version (the other tabs' version lists are told). */
  async saveVersion(name: string): Promise<PlanVersion | null> {
    const rec = this.host.record();
    if (!rec) return null;
    const v = versionOf(rec, name);
    await saveVersion(v);
    this.channel?.post({ type: 'versions', community: rec.community });
    return v;
  }

  /** Conflict, second way out: keep this tab's plan as a named version, then open the newer autosave; both stay saved. */
  async keepAsVersion(): Promise<void> {
    const name = keptName();
    try {
      if (!(await this.saveVersion(name))) return;
    } catch (e) {
      this.host.fail(`IndexedDB: ${(e as Error).message}`);
      return;
    }
    this.versionsChanged++;
    if (await this.host.reopen()) this.resolved = { revision: this.revision, kept: name };
  }

  /** Closes the notice that another tab's edits were refused (this tab's plan is the saved one). */
  dismissConflict() {
    if (this.conflict?.kind === 'theirs') this.conflict = null;
  }

  /**
   * A street run stored `community`'s autosave as `revision`: the other tabs are told; the open
   * community, without unsaved edits, shows the result; with some, it is now behind.
   */
  savedElsewhere(community: string, revision: number) {
    this.channel?.post({ type: 'saved', community, revision });
    if (this.host.openCode() !== community) return;
    if (this.edits === this.savedEdits) void this.host.reopen();
    else this.conflict = { kind: 'newer', revision };
  }
}

/** The name of a version that keeps a tab's plan when another tab's newer one is the autosave. */
const keptName = () => i18n.f('plan.sync.keptName', { when: new Date().toLocaleString(i18n.dateTag) });
