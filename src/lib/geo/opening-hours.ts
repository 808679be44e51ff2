/**
 * Open-now for stations whose hours are 'HH:MM' opens/closes in China time (UTC+8, no DST).
 * opens === closes means open 24 hours; closes < opens means open past midnight.
 */

const CHINA_OFFSET_MIN = 8 * 60;

function minutes(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm.trim());
  if (!m) throw new Error(`bad time '${hhmm}', expected HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Minutes since midnight China time for an instant. */
export function chinaMinuteOfDay(at: Date | number): number {
  const t = typeof at === 'number' ? at : at.getTime();
  const m = Math.floor(t / 60_000) + CHINA_OFFSET_MIN;
  return ((m % 1440) + 1440) % 1440;
}

export function isOpen24h(opens: string, closes: string): boolean {
  return minutes(opens) === minutes(closes);
}

export function isOpenAt(opens: string, closes: string, at: Date | number): boolean {
  const o = minutes(opens);
  const c = minutes(closes);
  if (o === c) return true;
  const now = chinaMinuteOfDay(at);
  return o < c ? now >= o && now < c : now >= o || now < c;
}
