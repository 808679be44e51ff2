/**
 * The one selection every view of /heatmap reads (map, KPI cards, timeline, export): categories,
 * statuses, time range (day indices, China time, half-open) and street/community. Views never
 * keep their own copy; they read `filters.current` (a plain IncidentFilter snapshot).
 */
import { INCIDENT_DAYS, dateToDay, dayToDate, type IncidentFilter } from '$lib/data/queries';
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES, type IncidentCategory, type IncidentStatus } from '$lib/data/schema';

/** First day of each month of the period, as day indices; MONTH_STARTS[24] = INCIDENT_DAYS. */
export const MONTH_STARTS: readonly number[] = Array.from({ length: 25 }, (_, i) =>
  dateToDay(`${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`)
);

/** Month index (0 = 2024-01) of a day index. */
export function monthOf(day: number): number {
  let m = 0;
  while (m < 23 && MONTH_STARTS[m + 1] <= day) m++;
  return m;
}

/** 'YYYY-MM' of a month index. */
export function monthLabel(m: number): string {
  return dayToDate(MONTH_STARTS[m]).slice(0, 7);
}

export function defaultFilter(): IncidentFilter {
  return {
    categories: [...INCIDENT_CATEGORIES],
    statuses: [...INCIDENT_STATUSES],
    from: 0,
    to: INCIDENT_DAYS,
    street: null,
    community: null
  };
}

class FiltersState {
  categories = $state<IncidentCategory[]>([...INCIDENT_CATEGORIES]);
  statuses = $state<IncidentStatus[]>([...INCIDENT_STATUSES]);
  from = $state(0);
  to = $state(INCIDENT_DAYS);
  street = $state<string | null>(null);
  community = $state<string | null>(null);

  current: IncidentFilter = $derived({
    categories: INCIDENT_CATEGORIES.filter((c) => this.categories.includes(c)),
    statuses: INCIDENT_STATUSES.filter((s) => this.statuses.includes(s)),
    from: this.from,
    to: this.to,
    street: this.street,
    community: this.community
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
    const a = Math.max(0, Math.min(INCIDENT_DAYS - 1, Math.round(from)));
    const b = Math.max(a + 1, Math.min(INCIDENT_DAYS, Math.round(to)));
    this.from = a;
    this.to = b;
  }
  setMonth(m: number) {
    this.setRange(MONTH_STARTS[m], MONTH_STARTS[m + 1]);
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
    this.apply(defaultFilter());
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
    const start = filters.to - filters.from > 31 || filters.from >= MONTH_STARTS[23] ? 0 : monthOf(filters.from);
    filters.setMonth(start);
    this.timer = setInterval(() => {
      const next = monthOf(filters.from) + 1;
      if (next > 23) this.pause();
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
