/**
 * Briefing mode of /heatmap: full screen, large type, controls hidden; the arrow keys step
 * through the saved views (stories). Applying a view writes the shared filters and map mode.
 */
import { filters } from './filters.svelte';
import { incidents } from './incidents.svelte';
import { stories, type Story } from './stories.svelte';

export function applyStory(s: Story) {
  filters.apply(s.filter);
  incidents.setMode(s.mode);
  incidents.resetView();
}

class BriefingState {
  active = $state(false);
  /** Index in stories.list of the view on screen; -1 = the view the user had when entering. */
  index = $state(-1);
  current = $derived(this.index >= 0 ? (stories.list[this.index] ?? null) : null);

  enter() {
    this.active = true;
    this.index = -1;
    // Full screen where the browser allows it; the layout is full-window either way.
    document.documentElement.requestFullscreen?.().catch(() => {});
  }

  exit() {
    this.active = false;
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  }

  step(delta: number) {
    const n = stories.list.length;
    if (!n) return;
    this.index = this.index < 0 ? (delta > 0 ? 0 : n - 1) : (this.index + delta + n) % n;
    applyStory(stories.list[this.index]);
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
