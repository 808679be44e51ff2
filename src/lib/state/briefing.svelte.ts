/**
 * Briefing mode of /heatmap: full screen, large type, controls hidden; the arrow keys step
 * through the saved views (stories). Applying a view writes the shared filters and map mode.
 */
import { filters } from './filters.svelte';
import { incidents } from './incidents.svelte';
import { stories, type Story } from './stories.svelte';
import type { IncidentFilter } from '$lib/data/queries';
import type { HeatmapMode } from '$lib/map/heatmap-legend';

export function applyStory(s: Story) {
  filters.apply(s.filter);
  incidents.setMode(s.mode);
  incidents.resetView();
}

class BriefingState {
  active = $state(false);
  /** Index in stories.list of the view on screen; -1 = the view the user had when entering (view 1). */
  index = $state(-1);
  /** The views to step through: the one on screen when entering, then the saved ones. */
  count = $derived(stories.list.length + 1);
  /** 1-based number of the view on screen, for "1 / N". */
  position = $derived(this.index + 2);
  private entry: { filter: IncidentFilter; mode: HeatmapMode } | null = null;
  current = $derived(this.index >= 0 ? (stories.list[this.index] ?? null) : null);

  enter() {
    this.active = true;
    this.index = -1;
    this.entry = { filter: filters.current, mode: incidents.mode };
    // Full screen where the browser allows it; the layout is full-window either way.
    document.documentElement.requestFullscreen?.().catch(() => {});
  }

  exit() {
    this.active = false;
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  }

  /** Steps through the entry view and the saved views, round and round. */
  step(delta: number) {
    const n = this.count;
    if (n < 2) return;
    this.index = ((this.index + 1 + delta + n) % n) - 1;
    const s = stories.list[this.index];
    if (s) applyStory(s);
    else if (this.entry) applyStory({ id: '', title: '', caption: '', ...this.entry });
  }

  /** Keyboard: → / PageDown / Space next, ← / PageUp previous, Esc leaves. Returns true if handled. */
  key(e: KeyboardEvent): boolean {
    if (!this.active) return false;
    if (e.key === 'ArrowRight' || e.key === 'PageDown' || e.key === ' ') this.step(1);
    else if (e.key === 'ArrowLeft' || e.key === 'PageUp') this.step(-1);
    else if (e.key === 'Escape') this.exit();
    else return false;
    return true;
  }
}

export const briefing = new BriefingState();
