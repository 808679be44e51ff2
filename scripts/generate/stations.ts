/**
 * Service stations: a 党群服务中心 in every community, compound stations in compounds, and
 * rest stations for riders and outdoor workers by the main roads, counts from the district plan.
 */
import type { StationKind, StationService } from '../../src/lib/data/schema';

/** The kinds the generator places; 'other' exists only for kinds a district's own register names. */
type GeneratedKind = Exclude<StationKind, 'other'>;
import { STATION_SERVICES } from '../../src/lib/data/schema';
import {
  type Rng,
  chance,
  cumulative,
  pick,
  pickCumulative,
  randInt,
  sampleWeighted,
  uniform
} from '../../src/lib/geo/random';
import type { CompoundGeo } from './compounds';
import type { DistrictPlan } from './config';
import { type XY, multiBBox, pointInMulti, ringCentroid } from './geom';
import type { CommunityGeo, Layout } from './layout';
import type { Road, RoadIndex } from './roads';

export interface StationGeo {
  id: string;
  community: CommunityGeo;
  kind: StationKind;
  name: string;
  address: string;
  services: StationService[];
  opens: string;
  closes: string;
  pos: XY;
}

const KIND_SUFFIX: Record<GeneratedKind, string> = {
  party_centre: '党群服务中心',
  compound_station: '党群服务站',
  warm_heart: '暖心驿站',
  red_sail: '红帆驿站',
  red_station: '红色驿站',
  outdoor_worker: '户外劳动者服务站'
};

/** Services every station of a kind offers, and extras some add ("6+N"). */
const SERVICES: Record<GeneratedKind, { base: StationService[]; extra: StationService[]; nExtra: [number, number] }> = {
  party_centre: {
    base: ['rest', 'water', 'toilet', 'wifi', 'reading'],
    extra: ['first_aid', 'charging', 'heating_cooling', 'microwave', 'repair_kit'],
    nExtra: [1, 4]
  },
  compound_station: {
    base: ['rest', 'water', 'reading'],
    extra: ['first_aid', 'wifi', 'charging', 'repair_kit', 'toilet'],
    nExtra: [0, 3]
  },
  warm_heart: {
    base: ['rest', 'water', 'charging', 'wifi', 'microwave', 'heating_cooling'],
    extra: ['toilet', 'first_aid', 'reading', 'repair_kit'],
    nExtra: [1, 4]
  },
  red_sail: {
    base: ['rest', 'water', 'charging', 'microwave'],
    extra: ['wifi', 'toilet', 'first_aid', 'reading', 'heating_cooling', 'repair_kit'],
    nExtra: [1, 4]
  },
  red_station: {
    base: ['rest', 'water', 'charging', 'reading'],
    extra: ['wifi', 'toilet', 'first_aid', 'microwave'],
    nExtra: [1, 3]
  },
  outdoor_worker: {
    base: ['rest', 'water', 'charging', 'toilet', 'heating_cooling', 'microwave'],
    extra: ['first_aid', 'wifi', 'repair_kit', 'reading'],
    nExtra: [0, 3]
  }
};

const HOURS: Record<GeneratedKind, { open24: number; day: [string, string][] }> = {
  party_centre: {
    open24: 0,
    day: [
      ['08:30', '17:30'],
      ['08:00', '20:00'],
      ['08:30', '18:00']
    ]
  },
  compound_station: {
    open24: 0,
    day: [
      ['09:00', '17:00'],
      ['08:30', '18:00'],
      ['09:00', '20:00']
    ]
  },
  warm_heart: {
    open24: 0.45,
    day: [
      ['07:00', '21:00'],
      ['08:00', '20:00'],
      ['06:30', '22:00']
    ]
  },
  red_sail: {
    open24: 0.3,
    day: [
      ['08:00', '20:00'],
      ['08:30', '18:00'],
      ['07:00', '21:00']
    ]
  },
  red_station: { open24: 0.2, day: [['08:00', '20:00']] },
  outdoor_worker: {
    open24: 0.5,
    day: [
      ['06:00', '22:00'],
      ['07:00', '21:00']
    ]
  }
};

function services(rng: Rng, kind: GeneratedKind): StationService[] {
  const s = SERVICES[kind];
  const extra = [...s.extra];
  const n = randInt(rng, s.nExtra[0], s.nExtra[1]);
  const chosen = new Set<StationService>(s.base);
  for (let i = 0; i < n && extra.length > 0; i++) chosen.add(extra.splice(Math.floor(rng() * extra.length), 1)[0]);
  return STATION_SERVICES.filter((x) => chosen.has(x));
}

function hours(rng: Rng, kind: GeneratedKind): [string, string] {
  const h = HOURS[kind];
  if (chance(rng, h.open24)) return ['00:00', '00:00'];
  return pick(rng, h.day);
}

export interface StationContext {
  rng: Rng;
  district: string;
  plan: DistrictPlan;
  layout: Layout;
  compounds: CompoundGeo[];
  roads: Road[];
  roadIndex: RoadIndex;
}

export function buildStations(ctx: StationContext): StationGeo[] {
  const { rng, plan, layout, compounds, roadIndex } = ctx;
  const out: StationGeo[] = [];
  const names = new Set<string>();
  const uniqueName = (candidates: string[]): string => {
    for (const n of candidates) if (!names.has(n)) return (names.add(n), n);
    for (let i = 2; ; i++) {
      const n = candidates[0].replace(
        /(党群服务中心|党群服务站|暖心驿站|红帆驿站|红色驿站|户外劳动者服务站)$/,
        `${i}号$1`
      );
      if (!names.has(n)) return (names.add(n), n);
    }
  };
  const boxes = layout.communities.map((c) => multiBBox(c.poly));
  const communityAt = (p: XY): CommunityGeo | null => {
    for (let i = 0; i < layout.communities.length; i++) {
      const b = boxes[i];
      if (p[0] < b[0] || p[0] > b[2] || p[1] < b[1] || p[1] > b[3]) continue;
      if (pointInMulti(p, layout.communities[i].poly)) return layout.communities[i];
    }
    return null;
  };
  const address = (c: CommunityGeo, p: XY): string => {
    const near = roadIndex.nearest(p);
    const road = near?.road.name ?? `${c.nbs.name}路`;
    return `${c.street.name}${c.nbs.name} ${road}${randInt(rng, 1, 299)}号`;
  };
  const add = (kind: GeneratedKind, c: CommunityGeo, pos: XY, nameCandidates: string[]) => {
    const [opens, closes] = hours(rng, kind);
    out.push({
      id: `${ctx.district}-S${String(out.length + 1).padStart(4, '0')}`,
      community: c,
      kind,
      name: uniqueName(nameCandidates),
      address: address(c, pos),
      services: services(rng, kind),
      opens,
      closes,
      pos
    });
  };
  /** A point just inside the compound, on the side facing its nearest road. */
  const gate = (comp: CompoundGeo): XY => {
    const centre = ringCentroid(comp.ring);
    const near = roadIndex.nearest(centre);
    if (!near) return centre;
    let best: XY = comp.ring[0];
    let bestD = Infinity;
    const r = comp.ring;
    for (let i = 0; i < r.length; i++) {
      const a = r[i];
      const b = r[(i + 1) % r.length];
      const ex = b[0] - a[0];
      const ey = b[1] - a[1];
      const l2 = ex * ex + ey * ey;
      const t =
        l2 > 0 ? Math.max(0.1, Math.min(0.9, ((near.point[0] - a[0]) * ex + (near.point[1] - a[1]) * ey) / l2)) : 0;
      const q: XY = [a[0] + t * ex, a[1] + t * ey];
      const d = Math.hypot(q[0] - near.point[0], q[1] - near.point[1]);
      if (d < bestD) {
        bestD = d;
        best = q;
      }
    }
    const dx = centre[0] - best[0];
    const dy = centre[1] - best[1];
    const l = Math.hypot(dx, dy) || 1;
    return [best[0] + (dx / l) * 3, best[1] + (dy / l) * 3];
  };

  // One community centre each, in the compound nearest the community's middle.
  const byCommunity = new Map<string, CompoundGeo[]>();
  for (const comp of compounds) {
    const l = byCommunity.get(comp.community.nbs.code);
    if (l) l.push(comp);
    else byCommunity.set(comp.community.nbs.code, [comp]);
  }
  for (const c of layout.communities) {
    // Compounds with buildings only: a real (OSM) compound can be an empty area away from the homes.
    const list = (byCommunity.get(c.nbs.code) ?? []).filter((comp) => comp.buildings.length > 0);
    let pos: XY = c.site;
    if (list.length > 0) {
      const near = [...list].sort(
        (a, b) => Math.hypot(...sub(ringCentroid(a.ring), c.site)) - Math.hypot(...sub(ringCentroid(b.ring), c.site))
      )[0];
      pos = gate(near);
    }
    add('party_centre', c, pos, [`${c.nbs.name}${KIND_SUFFIX.party_centre}`]);
  }

  // Stations inside compounds (compound stations, red-sail stations), bigger compounds first.
  const inCompounds: GeneratedKind[] = ['compound_station', 'red_sail', 'red_station'];
  const hosted = new Set<string>();
  for (const kind of inCompounds) {
    const n = plan.stations[kind] ?? 0;
    if (n === 0) continue;
    const free = compounds.filter((c) => !hosted.has(c.id));
    const chosen = sampleWeighted(
      rng,
      free.map((c) => Math.sqrt(c.households)),
      n
    ).map((i) => free[i]);
    if (chosen.length < n) throw new Error(`${ctx.district}: only ${chosen.length} compounds for ${n} ${kind}`);
    chosen.sort((a, b) => (a.id < b.id ? -1 : 1));
    for (const comp of chosen) {
      hosted.add(comp.id);
      // Unnamed (OSM) compounds: named after their community, numbered by uniqueName.
      add(kind, comp.community, gate(comp), [`${comp.name || comp.community.nbs.name}${KIND_SUFFIX[kind]}`]);
    }
  }

  // Rest stations by the main roads, spread out.
  const roadside: GeneratedKind[] = ['warm_heart', 'outdoor_worker'];
  const main = ctx.roads.filter(
    (r) => (r.class === 'primary' || r.class === 'secondary' || r.class === 'tertiary') && r.name
  );
  const lengths = main.map(
    (r) =>
      r.line.slice(1).reduce((s, p, i) => s + Math.hypot(p[0] - r.line[i][0], p[1] - r.line[i][1]), 0) *
      (r.class === 'primary' ? 3 : 1)
  );
  const cum = cumulative(lengths);
  const placed: XY[] = [];
  for (const kind of roadside) {
    const n = plan.stations[kind] ?? 0;
    let minGap = 500;
    for (let made = 0, tries = 0; made < n; tries++) {
      if (tries > 0 && tries % 2000 === 0) minGap *= 0.7;
      if (tries > 50_000) throw new Error(`${ctx.district}: cannot place ${kind}`);
      const road = main[pickCumulative(rng, cum)];
      const seg = randInt(rng, 1, road.line.length - 1);
      const a = road.line[seg - 1];
      const b = road.line[seg];
      const t = uniform(rng, 0.15, 0.85);
      const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
      const side = chance(rng, 0.5) ? 1 : -1;
      const off = uniform(rng, 6, 9) * side;
      const p: XY = [
        a[0] + (b[0] - a[0]) * t + (-(b[1] - a[1]) / len) * off,
        a[1] + (b[1] - a[1]) * t + ((b[0] - a[0]) / len) * off
      ];
      if (placed.some((q) => Math.hypot(q[0] - p[0], q[1] - p[1]) < minGap)) continue;
      const c = communityAt(p);
      if (!c) continue;
      placed.push(p);
      add(kind, c, p, [`${road.name}${KIND_SUFFIX[kind]}`, `${c.nbs.name}${KIND_SUFFIX[kind]}`]);
      made++;
    }
  }
  return out;
}

function sub(a: XY, b: XY): [number, number] {
  return [a[0] - b[0], a[1] - b[1]];
}
