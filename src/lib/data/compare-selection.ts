/** Which districts /compare shows side by side: 2–3, kept in the URL as ?ds=230102,370102 (pure; the page state is state/compare.svelte.ts). */
import { DISTRICT_CODES } from './districts';
import { isAdcode, type DistrictCode } from './schema';

export const PARAM = 'ds';
export const MIN_DISTRICTS = 2;
export const MAX_DISTRICTS = 3;

/**
 * Reads ?ds=…: up to three distinct six-digit codes in the URL's order (demo districts or the
 * province layout's; whether the site has a province code is known only once its index is in: the
 * page state's `load` says so), or all three demo districts when none is given. One code is kept: the page asks for more.
 */
export function parseSelection(param: string | null): DistrictCode[] {
  const codes = [...new Set((param ?? '').split(',').map((s) => s.trim()))].filter(isAdcode);
  return codes.length ? codes.slice(0, MAX_DISTRICTS) : [...DISTRICT_CODES];
}

/** The selection after ticking or unticking one district: never fewer than two (or the one given), never more than three. */
export function toggleSelection(current: readonly DistrictCode[], code: DistrictCode): DistrictCode[] {
  if (current.includes(code)) return current.length <= MIN_DISTRICTS ? [...current] : current.filter((c) => c !== code);
  return current.length >= MAX_DISTRICTS ? [...current] : [...current, code];
}

