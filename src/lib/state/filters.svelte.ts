/**
 * The one selection every view of /heatmap reads (map, KPI cards, timeline, export): categories,
 * statuses, time range (day indices, China time, half-open) and street/community. Views never
 * keep their own copy; they read `filters.current` (a plain IncidentFilter snapshot).
 */
import { INCIDENT_DAYS, allIncidents, dayToDate, monthOf, monthStarts, type IncidentFilter } from '$lib/data/queries';

export { monthLabel, monthOf } from '$lib/data/queries';
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES, type IncidentCategory, type IncidentStatus } from '$lib/data/schema';

class FiltersState {
  categories = $state<IncidentCategory[]>([...INCIDENT_CATEGORIES]);
  statuses = $state<IncidentStatus[]>([...INCIDENT_STATUSES]);
  from = $state(0);
  to = $state(INCIDENT_DAYS);
  street = $state<string | null>(null);
  community = $state<string | null>(null);
  /** Days in the period shown: the demo's two years, or to the last month of a district's own log (setPeriod). */
  days = $state(INCIDENT_DAYS);
  /** The period's months (first days, then `days`): the month list and playback. */
  months = $derived(monthStarts(this.days));

  current: IncidentFilter = $derived({
    categories: INCIDENT_CATEGORIES.filter((c) => this.categories.includes(c)),
    statuses: INCIDENT_STATUSES.filter((s) => this.statuses.includes(s)),
    from: this.from,
    to: this.to,
    street: this.street,
    community: this.community,
    ...(this.days !== INCIDENT_DAYS ? { days: this.days } : {})
  });

  /** Last day in range (inclusive), as a date, for labels. */
  label = $derived(`${dayToDate(this.from)} – ${dayToDate(this.to - 1)}`);

  toggleCategory(c: IncidentCategory) {
    this.categories = this.categories.includes(c) ? this.categories.filter((x) => x !== c) : [...this.categories, c];
  }
  onlyCategory(c: IncidentCategory | null) {
    this.categories = c ? [c] : [...INCIDENT_CATEGORIES];
  }
  toggleStatus(s: IncidentStatus) {
    this.statuses = this.statuses.includes(s) ? this.statuses.filter((x) => x !== s) : [...this.statuses, s];
  }
  setRange(from: number, to: number) {
    const a = Math.max(0, Math.min(this.days - 1, Math.round(from)));
    const b = Math.max(a + 1, Math.min(this.days, Math.round(to)));
    this.from = a;
    this.to = b;
  }
  /** The whole period selected. */
  allTime() {
    this.setRange(0, this.days);
  }
  setMonth(m: number) {
    this.setRange(this.months[m], this.months[m + 1]);
  }
  /** The district's period (queries.ts periodDays); a range that ran to the old end runs to the new one. */
  setPeriod(days: number) {
    if (days === this.days) return;
    const toEnd = this.to >= this.days;
    this.days = days;
    this.setRange(this.from, toEnd ? days : this.to);
  }
  setPlace(street: string | null, community: string | null) {
    this.street = street;
    this.community = community;
  }
  /** Replaces the whole selection (a saved view). */
  apply(f: IncidentFilter) {
    this.categories = [...f.categories];
    this.statuses = [...f.statuses];
    this.setRange(f.from, f.to);
    this.setPlace(f.street, f.community);
  }
  reset() {
    this.apply({ ...allIncidents(), to: this.days });
  }
}

export const filters = new FiltersState();

/** Plays the timeline month by month; pausing keeps the month on screen. */
class Playback {
  playing = $state(false);
  /** Milliseconds per month. */
  interval = 1200;
  private timer: ReturnType<typeof setInterval> | null = null;

  play() {
    if (this.playing) return;
    this.playing = true;
    const months = filters.months;
    const last = months.length - 2;
    const start = filters.to - filters.from > 31 || filters.from >= months[last] ? 0 : monthOf(filters.from, months);
    filters.setMonth(start);
    this.timer = setInterval(() => {
      const next = monthOf(filters.from, filters.months) + 1;
      if (next > filters.months.length - 2) this.pause();
      else filters.setMonth(next);
    }, this.interval);
  }
  pause() {
    this.playing = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }
}

export const playback = new Playback();
