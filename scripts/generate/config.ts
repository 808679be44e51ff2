/**
 * Parameters of the synthetic dataset. Published figures (see data/published-figures.csv) are
 * marked "published"; everything else is an assumption, documented in data/README.md.
 */
import type { DistrictCode, StationKind } from '../../src/lib/data/schema';

/** Bump when the output changes: `npm run data -- --if-missing` then rebuilds. */
export const GENERATOR_VERSION = '1.5.0';
export const SEED = 20260101;
/** Fixed, so that the output is byte-identical across runs. */
export const GENERATED_AT = '2026-01-01T00:00:00Z';

/** China Standard Time offset: local dates are converted to UTC epoch milliseconds. */
export const CST_OFFSET_MS = 8 * 3600_000;
/** Incidents are reported between 2024-01-01 and 2025-12-31 (local time). */
export const INCIDENTS_FROM = Date.UTC(2024, 0, 1) - CST_OFFSET_MS;
export const INCIDENT_DAYS = 731;
/** Status is taken as of 2026-01-01 00:00 local time. */
export const AS_OF = Date.UTC(2026, 0, 1) - CST_OFFSET_MS;

export interface DistrictPlan {
  code: DistrictCode;
  /** Household total aimed at (assumption; see README). */
  households: number;
  /** Compounds (小区) aimed at; Bincheng's is published, the others are assumptions. */
  compounds: number;
  /** Hold the compound count exactly (when it is a published figure). */
  exactCompounds: boolean;
  /** Incidents in 2024–2025 at scale 1. */
  incidents: number;
  /** Station counts by kind besides one party_centre per community. */
  stations: Partial<Record<StationKind, number>>;
  /** Building spacing = height × factor (sunlight rule; larger in the north). */
  sunFactor: number;
  /** Lattice rotation (degrees, counter-clockwise from east). */
  latticeAngle: number;
  /** Heating season months (1–12, inclusive, wrapping) and how much it raises disputes and safety reports. */
  heating: { from: number; to: number; boost: number };
  /** Relative incident volume by month (Jan..Dec). */
  months: number[];
  /** Seed of every random stream; SEED when absent (the province generator's --seed sets it). */
  seed?: number;
}

export const PLANS: Record<DistrictCode, DistrictPlan> = {
  '230102': {
    code: '230102',
    // ≈ 1.0 M residents ÷ 2.4 persons per household (assumption).
    households: 420_000,
    compounds: 1100,
    exactCompounds: false,
    incidents: 400_000,
    // published: 80 暖心驿站; compound stations in about a fifth of the compounds (assumption).
    stations: { warm_heart: 80, compound_station: 190 },
    sunFactor: 1.9,
    latticeAngle: -9,
    heating: { from: 10, to: 4, boost: 1.45 },
    months: [1.25, 1.1, 1.05, 1.0, 0.95, 0.9, 0.92, 0.95, 0.95, 1.1, 1.2, 1.3]
  },
  '370881': {
    code: '370881',
    // published: 267 grids; × ≈ 400 households per grid (assumption).
    households: 107_000,
    compounds: 330,
    exactCompounds: false,
    // published: 350,000+ incidents reported since 2022 (report of 2023): at least 175,000 a year;
    // two years of that (data/README.md, "Incident volumes as yearly rates").
    incidents: 350_000,
    // published: 83 红帆驿站; 16 compound stations (99 compound party branches − 83; assumption).
    stations: { red_sail: 83, compound_station: 16 },
    sunFactor: 1.4,
    latticeAngle: 4,
    heating: { from: 11, to: 3, boost: 1.15 },
    months: [0.95, 0.85, 1.0, 1.0, 1.05, 1.1, 1.15, 1.15, 1.05, 1.0, 0.95, 0.95]
  },
  '371602': {
    code: '371602',
    households: 230_000,
    // published: 856 compounds, 570 compound party-and-people service stations.
    compounds: 856,
    exactCompounds: true,
    incidents: 250_000,
    // rider / outdoor-worker stations: assumption.
    stations: { compound_station: 570, outdoor_worker: 60 },
    sunFactor: 1.45,
    latticeAngle: 0,
    heating: { from: 11, to: 3, boost: 1.15 },
    months: [0.95, 0.85, 1.0, 1.0, 1.05, 1.1, 1.15, 1.15, 1.05, 1.0, 0.95, 0.95]
  }
};

/** Households per grid aimed at by the initial partition, and its bounds. */
export const GRID_TARGET = 400;
export const GRID_MIN = 300;
export const GRID_MAX = 500;
/** Bounds of a community's households. */
export const COMMUNITY_MIN = 800;
export const COMMUNITY_MAX = 9000;
