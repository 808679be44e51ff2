/**
 * Synthetic 民生事件 (livelihood incidents) over 2024–2025: each at a building, drawn by
 * households (some grids "hot" ×3, old compounds more), with seasonality, a weekday effect and
 * slight growth; the category mix depends on the compound kind and the season; handling time is
 * log-normal by category; ~98.3 % of incidents older than 30 days are closed.
 */
import type { CompoundKind, IncidentCategory } from '../../src/lib/data/schema';
import { INCIDENT_CATEGORIES, INCIDENT_STATUSES } from '../../src/lib/data/schema';
import { type Rng, chance, cumulative, logNormal, normal, pickCumulative } from '../../src/lib/geo/random';
import { AS_OF, CST_OFFSET_MS, type DistrictPlan, INCIDENT_DAYS, INCIDENTS_FROM } from './config';

const DAY = 86_400_000;

export interface IncidentSite {
  households: number;
  kind: CompoundKind;
  hot: boolean;
  x: number;
  y: number;
}

/** Column arrays, sorted by report time. */
export interface IncidentColumns {
  n: number;
  site: Int32Array;
  category: Uint8Array;
  status: Uint8Array;
  reportedAt: Float64Array;
  /** NaN when not closed. */
  closedAt: Float64Array;
  x: Float64Array;
  y: Float64Array;
}

/** Base category mix by compound kind, in INCIDENT_CATEGORIES order. */
const MIX: Record<CompoundKind, number[]> = {
  //           dispute safety sanitation property order livelihood other
  old: [0.15, 0.13, 0.25, 0.22, 0.06, 0.14, 0.05],
  work_unit: [0.15, 0.15, 0.21, 0.19, 0.05, 0.18, 0.07],
  commercial: [0.18, 0.1, 0.14, 0.26, 0.06, 0.18, 0.08],
  resettlement: [0.22, 0.13, 0.2, 0.14, 0.07, 0.18, 0.06]
};
const KIND_RATE: Record<CompoundKind, number> = { old: 1.3, work_unit: 1.15, commercial: 0.85, resettlement: 1.2 };
/** Median days to close, by category. */
const MEDIAN_DAYS: Record<IncidentCategory, number> = {
  dispute: 2.5,
  safety: 1.0,
  sanitation: 1.2,
  property: 3.0,
  public_order: 0.8,
  livelihood: 2.0,
  other: 1.5
};
const CLOSE_RATE_OLD = 0.983;
const WEEKDAY = [0.65, 1.08, 1.05, 1.03, 1.02, 1.0, 0.75]; // Sunday first
/** Spring Festival eves (local dates): fewer reports for a week around them. */
const SPRING_FESTIVAL = [Date.UTC(2024, 1, 10), Date.UTC(2025, 0, 29)];

function inSeason(month: number, from: number, to: number): boolean {
  return from <= to ? month >= from && month <= to : month >= from || month <= to;
}

/** Seconds after local midnight: office hours, some evening, few at night. */
function timeOfDay(rng: Rng): number {
  const u = rng();
  let h: number;
  if (u < 0.42) h = 8 + rng() * 4;
  else if (u < 0.82) h = 13.5 + rng() * 4.5;
  else if (u < 0.95) h = 18 + rng() * 4;
  else h = (22 + rng() * 10) % 24;
  return Math.floor(h * 3600);
}

export function generateIncidents(rng: Rng, plan: DistrictPlan, sites: IncidentSite[], count: number): IncidentColumns {
  const n = Math.max(0, Math.round(count));
  const siteCum = cumulative(sites.map((s) => s.households * KIND_RATE[s.kind] * (s.hot ? 3 : 1)));
  const dayW: number[] = [];
  for (let d = 0; d < INCIDENT_DAYS; d++) {
    const t = Date.UTC(2024, 0, 1) + d * DAY;
    const date = new Date(t);
    let w = plan.months[date.getUTCMonth()] * WEEKDAY[date.getUTCDay()] * (1 + (0.12 * d) / INCIDENT_DAYS);
    if (SPRING_FESTIVAL.some((sf) => Math.abs(t - sf) <= 3 * DAY)) w *= 0.5;
    dayW.push(w);
  }
  const dayCum = cumulative(dayW);
  // Category distributions by kind × heating season × summer.
  const kinds = Object.keys(MIX) as CompoundKind[];
  const catCum = new Map<string, Float64Array>();
  for (const k of kinds)
    for (const heat of [false, true])
      for (const summer of [false, true]) {
        const m = [...MIX[k]];
        if (heat) {
          m[0] *= plan.heating.boost; // disputes (heating fees, noise indoors)
          m[1] *= plan.heating.boost; // safety (gas, fire, ice)
          m[5] *= 1 + (plan.heating.boost - 1) / 2; // livelihood (heating complaints)
        }
        if (summer) m[2] *= 1.3; // sanitation
        catCum.set(`${k}|${heat}|${summer}`, cumulative(m));
      }

  const site = new Int32Array(n);
  const category = new Uint8Array(n);
  const status = new Uint8Array(n);
  const reportedAt = new Float64Array(n);
  const closedAt = new Float64Array(n);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const closed = INCIDENT_STATUSES.indexOf('closed');
  const open = INCIDENT_STATUSES.indexOf('open');
  const dispatched = INCIDENT_STATUSES.indexOf('dispatched');
  for (let i = 0; i < n; i++) {
    const s = pickCumulative(rng, siteCum);
    const d = pickCumulative(rng, dayCum);
    const rep = INCIDENTS_FROM + d * DAY + timeOfDay(rng) * 1000;
    const month = new Date(rep + CST_OFFSET_MS).getUTCMonth() + 1;
    const heat = inSeason(month, plan.heating.from, plan.heating.to);
    const summer = month >= 6 && month <= 8;
    const cat = pickCumulative(rng, catCum.get(`${sites[s].kind}|${heat}|${summer}`)!);
    const dur = Math.min(90 * DAY, Math.max(600_000, logNormal(rng, MEDIAN_DAYS[INCIDENT_CATEGORIES[cat]], 0.9) * DAY));
    let st: number;
    let clo = NaN;
    if (rep < AS_OF - 30 * DAY) {
      if (chance(rng, CLOSE_RATE_OLD)) {
        st = closed;
        clo = Math.min(rep + dur, AS_OF - rng() * DAY);
      } else st = chance(rng, 0.8) ? dispatched : open;
    } else if (rep + dur < AS_OF) {
      st = closed;
      clo = rep + dur;
    } else st = AS_OF - rep > 6 * 3600_000 || chance(rng, 0.5) ? dispatched : open;
    site[i] = s;
    category[i] = cat;
    status[i] = st;
    reportedAt[i] = rep;
    closedAt[i] = Number.isNaN(clo) ? NaN : Math.round(clo / 1000) * 1000;
    x[i] = sites[s].x + normal(rng) * 4;
    y[i] = sites[s].y + normal(rng) * 4;
  }
  // Sort by report time (stable on draw order) so that ids follow time.
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => reportedAt[a] - reportedAt[b] || a - b);
  const perm = <T extends Int32Array | Uint8Array | Float64Array>(arr: T): T => {
    const out = new (arr.constructor as new (n: number) => T)(n);
    for (let i = 0; i < n; i++) out[i] = arr[order[i]];
    return out;
  };
  return {
    n,
    site: perm(site),
    category: perm(category),
    status: perm(status),
    reportedAt: perm(reportedAt),
    closedAt: perm(closedAt),
    x: perm(x),
    y: perm(y)
  };
}
