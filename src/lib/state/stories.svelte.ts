/**
 * Saved views ("stories") of /heatmap: map mode + filters + caption, stepped through in
 * briefing mode. A few built-in views per district; the user's own are kept in localStorage.
 */
import { allIncidents, dateToDay, type IncidentFilter } from '$lib/data/queries';
import type { DistrictCode } from '$lib/data/schema';
import type { MessageKey } from '$lib/i18n/messages';
import type { HeatmapMode } from '$lib/map/heatmap-legend';

export interface Story {
  id: string;
  /** Built-in views name message keys (so they follow the language); saved ones carry text. */
  title: string | { key: MessageKey };
  caption: string | { key: MessageKey };
  mode: HeatmapMode;
  filter: IncidentFilter;
  builtin?: boolean;
}

const KEY = (d: DistrictCode) => `gridatlas.stories.${d}`;

/** The built-in views of a district (heating season differs: Harbin Oct–Apr, Shandong Nov–Mar). */
export function builtinStories(district: DistrictCode): Story[] {
  const all = allIncidents();
  const winter =
    district === '230102'
      ? { from: dateToDay('2024-10-01'), to: dateToDay('2025-05-01') }
      : { from: dateToDay('2024-11-01'), to: dateToDay('2025-04-01') };
  return [
    {
      id: 'all',
      title: { key: 'briefing.story.all' },
      caption: { key: 'briefing.story.allCaption' },
      mode: 'heatmap',
      filter: all,
      builtin: true
    },
    {
      id: 'hazards',
      title: { key: 'briefing.story.hazards' },
      caption: { key: 'briefing.story.hazardsCaption' },
      mode: 'hexagon',
      filter: { ...all, categories: ['safety'], ...winter },
      builtin: true
    },
    {
      id: 'open',
      title: { key: 'briefing.story.open' },
      caption: { key: 'briefing.story.openCaption' },
      mode: 'heatmap',
      filter: { ...all, statuses: ['open', 'dispatched'] },
      builtin: true
    },
    {
      id: 'rate',
      title: { key: 'briefing.story.rate' },
      caption: { key: 'briefing.story.rateCaption' },
      mode: 'choropleth',
      filter: { ...all, from: dateToDay('2025-01-01') },
      builtin: true
    }
  ];
}

function isStory(x: unknown): x is Story {
  const s = x as Story;
  return (
    !!s && typeof s.id === 'string' && typeof s.mode === 'string' && !!s.filter && Array.isArray(s.filter.categories)
  );
}

class StoriesState {
  district = $state<DistrictCode | null>(null);
  saved = $state.raw<Story[]>([]);
  list = $derived(this.district ? [...builtinStories(this.district), ...this.saved] : []);

  use(district: DistrictCode) {
    if (this.district === district) return;
    this.district = district;
    let saved: Story[] = [];
    try {
      const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(KEY(district));
      const parsed: unknown = raw ? JSON.parse(raw) : [];
      if (Array.isArray(parsed)) saved = parsed.filter(isStory);
    } catch {
      saved = [];
    }
    this.saved = saved;
  }

  add(title: string, caption: string, mode: HeatmapMode, filter: IncidentFilter): Story {
    const s: Story = {
      id: `s${Date.now().toString(36)}`,
      title,
      caption,
      mode,
      filter: structuredClone($state.snapshot(filter)) as IncidentFilter
    };
    this.saved = [...this.saved, s];
    this.persist();
    return s;
  }

  remove(id: string) {
    this.saved = this.saved.filter((s) => s.id !== id);
    this.persist();
  }

  private persist() {
    if (this.district) localStorage.setItem(KEY(this.district), JSON.stringify(this.saved));
  }
}

export const stories = new StoriesState();
