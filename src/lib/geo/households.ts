/**
 * Households per building from OSM-style tags and the footprint, for real-data imports where
 * nobody has counted flats. Pure; the assumptions are constants here so the manifest and the
 * UI can state them.
 *
 * Order of evidence:
 *   1. an explicit `households` value (GridAtlas field, e.g. from a community register) — not estimated;
 *   2. the OSM tag `building:flats` (mapped by someone who counted) — not estimated;
 *   3. footprint area (turf.area, m²) × floors ÷ FLAT_GROSS_AREA_M2, rounded, at least 1 — estimated.
 *      Floors come from `floors`/`building:levels`, else `height` ÷ 3 m, else DEFAULT_FLOORS by type.
 *   Single-family types (house, detached, bungalow) count 1 household, semidetached_house 2.
 * Non-residential buildings (by `building` value, or a `building=yes` with tags/names/size that say
 * otherwise) get 0 households and `residential: false`.
 */
import { area } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';

/**
 * Gross floor area per flat, m², including walls, stairwells and corridors. Chinese flats of the
 * 1980s–2000s that dominate central Harbin are 50–90 m² usable; with the ~25 % common area of
 * walk-up and slab blocks, 90 m² gross per flat is the assumption.
 */
export const FLAT_GROSS_AREA_M2 = 90;

/** Storey height used to turn an OSM `height` (metres) into floors. */
export const STOREY_HEIGHT_M = 3;

/**
 * Assumed floors when neither `building:levels` nor `height` is mapped. Old central Harbin
 * (Daoli) is mostly 5–7-storey walk-ups of the 1980s–90s, so apartments/residential/yes → 6.
 * This underestimates the high-rises of newer districts (e.g. Qunli 群力, 18–33 storeys).
 */
export const DEFAULT_FLOORS: Readonly<Record<string, number>> = {
  apartments: 6,
  residential: 6,
  yes: 6,
  dormitory: 5,
  terrace: 2,
  house: 2,
  detached: 2,
  semidetached_house: 2,
  bungalow: 1
};

/** An explicit or estimated count above this in one building is implausible (split by unit 单元). */
export const MAX_HOUSEHOLDS_PER_BUILDING = 1500;

/** `building=yes` smaller than this is a kiosk, shed or guard house, not a dwelling. */
export const MIN_RESIDENTIAL_YES_M2 = 40;
/** `building=yes` larger than this without a residential hint is taken as a mall, market or plant. */
export const MAX_RESIDENTIAL_YES_M2 = 10_000;

export const RESIDENTIAL_TYPES: ReadonlySet<string> = new Set([
  'apartments',
  'residential',
  'dormitory',
  'terrace',
  'house',
  'detached',
  'semidetached_house',
  'bungalow',
  'yes'
]);

const SINGLE_FAMILY: Readonly<Record<string, number>> = { house: 1, detached: 1, bungalow: 1, semidetached_house: 2 };

/** Tags on a `building=yes` that mark it as not a dwelling. */
const NON_RESIDENTIAL_TAGS = [
  'amenity',
  'shop',
  'office',
  'tourism',
  'leisure',
  'religion',
  'healthcare',
  'man_made',
  'railway',
  'public_transport',
  'aeroway',
  'power',
  'industrial'
];

/** Name fragments that mark a `building=yes` as non-residential (商场, 学校, 医院 …). */
const NON_RESIDENTIAL_NAME =
  /(购物|商场|商厦|商城|广场|大厦|中心|酒店|宾馆|饭店|医院|卫生|学校|小学|中学|大学|学院|幼儿园|银行|公司|工厂|厂房|研究|政府|派出所|法院|检察|局|教堂|寺|庙|馆|车站|火车站|市场|超市|影城|影院|体育|仓库|变电|加油|停车|mall|plaza|center|centre|hotel|hospital|school|bank|church|station|market|tower)/i;
/** Name fragments that mark a building as residential (公寓, 住宅, 家园, X号楼 …). */
const RESIDENTIAL_NAME = /(公寓|住宅|宿舍|家园|花园|小区|新村|苑|号楼|栋|单元|apartment|residen)/i;

export type HouseholdMethod =
  | 'explicit'
  | 'osm-flats'
  | 'area-levels'
  | 'area-height'
  | 'area-default-floors'
  | 'single-family'
  | 'non-residential';

export interface HouseholdEstimate {
  households: number;
  floors: number;
  /** False when households were given (explicit value or building:flats). */
  estimated: boolean;
  method: HouseholdMethod;
  residential: boolean;
  /** Footprint area, m². */
  areaM2: number;
  /** Non-residential buildings: the group counted in summaries (see classifyBuilding). */
  group?: string;
  /** Why a building is non-residential, or what was assumed. */
  note?: string;
}

export type Tags = Readonly<Record<string, unknown>>;

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** First number in an OSM value ('6', '6.5', '5;7', '18 m'); undefined when none. */
export function parseOsmNumber(v: unknown): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const m = /-?\d+(\.\d+)?/.exec(s.replace(',', '.'));
  return m ? Number(m[0]) : undefined;
}

/** Floors from tags: `floors`, `building:levels` (above ground), else `height` ÷ 3 m; undefined when none usable. */
export function floorsFromTags(tags: Tags): { floors: number; from: 'levels' | 'height' } | undefined {
  const levels = parseOsmNumber(tags['floors']) ?? parseOsmNumber(tags['building:levels']);
  if (levels !== undefined && levels >= 1 && levels <= 150) return { floors: Math.round(levels), from: 'levels' };
  const height = parseOsmNumber(tags['height']);
  if (height !== undefined && height >= 2 && height <= 600)
    return { floors: Math.max(1, Math.round(height / STOREY_HEIGHT_M)), from: 'height' };
  return undefined;
}

export interface BuildingClass {
  residential: boolean;
  /** For non-residential buildings: a stable group for counting ('commercial', 'yes+tags', 'yes+name', 'yes<40m²', 'yes>10000m²'). */
  group?: string;
  /** For non-residential buildings: why, in words. */
  note?: string;
}

/** Residential or not, from `building`, other tags, name and footprint size. */
export function classifyBuilding(tags: Tags, areaM2: number): BuildingClass {
  const type = (str(tags['building']) ?? 'yes').toLowerCase();
  if (!RESIDENTIAL_TYPES.has(type)) return { residential: false, group: type, note: `building=${type}` };
  if (type !== 'yes') return { residential: true };
  const name = str(tags['name']) ?? str(tags['name:zh']) ?? '';
  if (name && RESIDENTIAL_NAME.test(name)) return { residential: true };
  const tag = NON_RESIDENTIAL_TAGS.find((k) => str(tags[k]) !== undefined);
  if (tag) return { residential: false, group: 'yes+tags', note: `building=yes with ${tag}=${str(tags[tag])}` };
  if (name && NON_RESIDENTIAL_NAME.test(name))
    return { residential: false, group: 'yes+name', note: `building=yes named ${name}` };
  if (areaM2 < MIN_RESIDENTIAL_YES_M2)
    return {
      residential: false,
      group: `yes<${MIN_RESIDENTIAL_YES_M2}m²`,
      note: `building=yes under ${MIN_RESIDENTIAL_YES_M2} m²`
    };
  if (areaM2 > MAX_RESIDENTIAL_YES_M2)
    return {
      residential: false,
      group: `yes>${MAX_RESIDENTIAL_YES_M2}m²`,
      note: `building=yes over ${MAX_RESIDENTIAL_YES_M2.toLocaleString('en')} m²`
    };
  return { residential: true };
}

export interface HouseholdInput {
  tags: Tags;
  footprint: Polygon | MultiPolygon;
  /** An explicit count (already validated as an integer 1..MAX). */
  households?: number;
}

/** Households, floors and how they were obtained for one building. */
export function estimateHouseholds(input: HouseholdInput): HouseholdEstimate {
  const areaM2 = area(input.footprint);
  const type = (str(input.tags['building']) ?? 'yes').toLowerCase();
  const tagged = floorsFromTags(input.tags);
  const defaultFloors = DEFAULT_FLOORS[type] ?? DEFAULT_FLOORS.yes;
  const floors = tagged?.floors ?? defaultFloors;

  if (input.households !== undefined) {
    return { households: input.households, floors, estimated: false, method: 'explicit', residential: true, areaM2 };
  }
  const cls = classifyBuilding(input.tags, areaM2);
  if (!cls.residential) {
    return {
      households: 0,
      floors,
      estimated: false,
      method: 'non-residential',
      residential: false,
      areaM2,
      group: cls.group,
      note: cls.note
    };
  }
  const flats = parseOsmNumber(input.tags['building:flats']);
  if (flats !== undefined && Number.isInteger(flats) && flats >= 1 && flats <= MAX_HOUSEHOLDS_PER_BUILDING) {
    return { households: flats, floors, estimated: false, method: 'osm-flats', residential: true, areaM2 };
  }
  const single = SINGLE_FAMILY[type];
  if (single !== undefined) {
    return { households: single, floors, estimated: true, method: 'single-family', residential: true, areaM2 };
  }
  const raw = Math.round((areaM2 * floors) / FLAT_GROSS_AREA_M2);
  const households = Math.min(MAX_HOUSEHOLDS_PER_BUILDING, Math.max(1, raw));
  const method: HouseholdMethod = tagged
    ? tagged.from === 'levels'
      ? 'area-levels'
      : 'area-height'
    : 'area-default-floors';
  const note = raw > MAX_HOUSEHOLDS_PER_BUILDING ? `capped from ${raw} at ${MAX_HOUSEHOLDS_PER_BUILDING}` : undefined;
  return { households, floors, estimated: true, method, residential: true, areaM2, ...(note ? { note } : {}) };
}

/** Units (单元) and households per floor per unit for an estimated building: 一梯两户 (2 per floor) assumed. */
export function unitsFor(households: number, floors: number, perFloor = 2): { units: number; perFloor: number } {
  return { units: Math.max(1, Math.round(households / (Math.max(1, floors) * perFloor))), perFloor };
}

/** One sentence stating the estimation method and its assumptions (for manifests and summaries). */
export const ESTIMATION_METHOD =
  `households = footprint area (turf.area, m²) × floors ÷ ${FLAT_GROSS_AREA_M2} m² gross floor area per flat (incl. walls, stairs, corridors), rounded, at least 1; ` +
  `floors from building:levels, else height ÷ ${STOREY_HEIGHT_M} m, else an assumed ${DEFAULT_FLOORS.apartments} for apartments/residential/yes (5–7-storey walk-ups of old central Harbin; underestimates high-rises); ` +
  `building:flats or an explicit households value is used as given; house/detached/bungalow count 1; ` +
  `non-residential buildings (commercial, retail, school, industrial, garage, …, and building=yes with amenity/shop/office tags, a non-residential name, under ${MIN_RESIDENTIAL_YES_M2} m² or over ${MAX_RESIDENTIAL_YES_M2} m²) are excluded; ` +
  `units assume 2 flats per floor per unit (一梯两户)`;
