/**
 * The import itself, pure: source features (from GeoJSON or OSM) → validated, converted to
 * WGS-84, clipped to the district, households estimated → schema `Building`s, roads and
 * compounds, or every error found. Nothing here reads or writes files.
 *
 * Strictness: GeoJSON inputs are prepared by someone for this import, so every defect is an error.
 * OSM data (PBF) is a volunteer-mapped regional extract: features outside the district are
 * dropped, and mapping quirks (a building mapped as a point or an unclosed way) are warnings.
 */
import { bbox as turfBbox, booleanPointInPolygon, centroid, along, length as turfLength, area as turfArea } from '@turf/turf';
import type { Feature, Geometry, LineString, MultiLineString, MultiPolygon, Polygon, Position } from 'geojson';
import type { Building, DistrictCode } from '../schema';
import { type Crs, toWgs84, toWgs84Geometry } from '../../geo/crs';
import { type HouseholdMethod, estimateHouseholds, unitsFor } from '../../geo/households';
import { type ImportError, type ImportResult, fail, importError, msg, ok } from './errors';
import { type SourceFeature, explicitFloors, explicitHouseholds, geometryProblem } from './geojson';
import {
  type BBox,
  type DistrictArea,
  BBOX_MARGIN_KM,
  crsSuspicionMessage,
  detectCrsMislabel,
  inBox,
  insideDistrict,
  kmOutsideBox
} from './district';

export type InputFormat = 'geojson' | 'osm';

export interface LayerInput {
  file: string;
  format: InputFormat;
  features: SourceFeature[];
}

export interface ImportInput {
  crs: Crs;
  district: DistrictArea & { code: DistrictCode };
  buildings: LayerInput;
  roads?: LayerInput;
  compounds?: LayerInput;
  /** Warnings already found while reading (e.g. OSM quirks). */
  warnings?: ImportError[];
  /** Check that the coordinates fit the declared CRS (default true); see detectCrsMislabel. */
  checkCrs?: boolean;
  /**
   * Refuse a GeoJSON building with a defect (geometry, households, floors, far outside) through
   * this callback and go on without it, instead of failing the whole import (data packages:
   * refused rows never stop an import there).
   */
  refuse?: (e: ImportError) => void;
}

export interface ImportedBuilding extends Building {
  method: HouseholdMethod;
  areaM2: number;
  name: string | null;
  /** The OSM `building` value ('apartments', 'yes', …). */
  type: string;
}

export interface ImportedRoad {
  id: string;
  class: string;
  name: string | null;
  geometry: LineString | MultiLineString;
}

export interface ImportedCompound {
  id: string;
  name: string | null;
  geometry: Polygon | MultiPolygon;
  households: number;
  buildings: number;
}

export interface ImportStats {
  /** Building features in the input. */
  features: number;
  /** Valid buildings whose centroid lies outside the district (dropped). */
  outsideDistrict: number;
  /** Buildings in the district skipped for OSM mapping quirks (warnings). */
  skipped: number;
  nonResidential: number;
  nonResidentialByType: Record<string, number>;
  residential: number;
  households: number;
  /** Residential buildings whose households were estimated, and their households. */
  estimated: number;
  estimatedHouseholds: number;
  byMethod: Partial<Record<HouseholdMethod, number>>;
  /** Estimated buildings whose estimate hit the per-building cap. */
  capped: number;
  roads: { features: number; inside: number };
  compounds: { features: number; inside: number; withBuildings: number };
}

export interface ImportOutput {
  district: DistrictCode;
  crs: Crs;
  buildings: ImportedBuilding[];
  roads: ImportedRoad[];
  compounds: ImportedCompound[];
  stats: ImportStats;
  warnings: ImportError[];
  /** Of the output buildings' footprints (WGS-84). */
  bbox: BBox;
}

const round7 = (x: number) => Math.round(x * 1e7) / 1e7;

function roundCoords<G extends Geometry>(g: G): G {
  const r = (c: unknown): unknown =>
    Array.isArray(c) && typeof c[0] === 'number' ? (c as number[]).map(round7) : (c as unknown[]).map(r);
  return { ...g, coordinates: r((g as unknown as { coordinates: unknown }).coordinates) } as G;
}

function tagString(v: unknown): string | null {
  if (typeof v === 'string' && v.trim()) return v.trim();
  if (typeof v === 'number') return String(v);
  return null;
}

interface Checked {
  f: SourceFeature;
  raw: Geometry;
}

/** First position of a geometry, if it has one. */
function firstPosition(g: Geometry | null): Position | null {
  let c: unknown = g && 'coordinates' in g ? g.coordinates : null;
  while (Array.isArray(c) && Array.isArray(c[0])) c = c[0];
  return Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number' ? (c as Position) : null;
}

/**
 * Duplicate ids and geometry checks shared by all layers. GeoJSON: every problem is an error.
 * OSM: a problem is a warning, reported only when the feature lies in the district (`relevant`).
 */
function checkLayer(
  layer: LayerInput,
  kind: 'polygon' | 'line',
  errors: ImportError[],
  warnings: ImportError[],
  relevant: (p: Position) => boolean,
  refuse?: (e: ImportError) => void
): { checked: Checked[]; skipped: number } {
  const seen = new Map<string, SourceFeature>();
  const checked: Checked[] = [];
  let skipped = 0;
  for (const f of layer.features) {
    const first = seen.get(f.id);
    if (first) {
      const where = first.row !== null ? `feature ${first.row}` : first.ref ?? 'another feature';
      (refuse ?? ((e: ImportError) => errors.push(e)))({ file: layer.file, row: f.row, ref: f.ref, field: 'id', message: `duplicate id "${f.id}" (also ${where})` });
      continue;
    }
    seen.set(f.id, f);
    // A reader's problem (OSM, in English) or the geometry check's message.
    const problem = f.problem ?? geometryProblem(f.geometry, kind);
    if (problem) {
      const e: ImportError = typeof problem === 'string' ? { file: layer.file, row: f.row, ref: f.ref, field: 'geometry', message: problem } : importError(layer.file, f.row, 'geometry', problem, f.ref);
      if (layer.format === 'geojson') (refuse ?? ((x: ImportError) => errors.push(x)))(e);
      else {
        const p = firstPosition(f.geometry);
        if (p && Number.isFinite(p[0]) && Number.isFinite(p[1]) && relevant(p)) {
          warnings.push(e);
          skipped++;
        }
      }
      continue;
    }
    checked.push({ f, raw: f.geometry as Geometry });
  }
  return { checked, skipped };
}

function position(g: Geometry): Position {
  return centroid(g as Polygon).geometry.coordinates;
}

function lineMidpoint(g: LineString | MultiLineString): Position {
  const coords = g.type === 'LineString' ? g.coordinates : g.coordinates.reduce((a, b) => (b.length > a.length ? b : a));
  const line: Feature<LineString> = { type: 'Feature', properties: {}, geometry: { type: 'LineString', coordinates: coords } };
  const len = turfLength(line, { units: 'kilometers' });
  return along(line, len / 2, { units: 'kilometers' }).geometry.coordinates;
}

function fmtBox(b: BBox): string {
  return `lon ${b[0].toFixed(4)}–${b[2].toFixed(4)}, lat ${b[1].toFixed(4)}–${b[3].toFixed(4)}`;
}

/** Where an import collects its problems: errors fail it, warnings are reported, the label names the district. */
interface Collect {
  errors: ImportError[];
  warnings: ImportError[];
  label: string;
}

interface CheckedBuildings {
  checked: Checked[];
  /** OSM buildings skipped for mapping quirks (warnings). */
  skipped: number;
  /** Households given by a GeoJSON feature. */
  explicit: Map<SourceFeature, number>;
}

/** 1. Structure: every building feature checked; a GeoJSON feature's households and floors too. */
function checkBuildings(input: ImportInput, c: Collect): CheckedBuildings {
  const { crs, district, refuse } = input;
  const bl = input.buildings;
  if (bl.features.length === 0) {
    c.errors.push({ file: bl.file, row: null, field: 'features', message: bl.format === 'osm' ? 'no buildings: the OSM data has no building=* areas' : 'no buildings: the FeatureCollection has 0 features' });
  }
  const relevant = (p: Position) => insideDistrict(district, toWgs84(p, crs));
  const { checked, skipped } = checkLayer(bl, 'polygon', c.errors, c.warnings, relevant, refuse);
  let kept = checked;
  const explicit = new Map<SourceFeature, number>();
  if (bl.format === 'geojson') {
    const bad = new Set<SourceFeature>();
    const problem = (e: ImportError, f: SourceFeature) => (refuse ? (refuse(e), bad.add(f)) : c.errors.push(e));
    for (const { f } of kept) {
      const hh = explicitHouseholds(f.tags['households']);
      if (hh.problem) problem(importError(bl.file, f.row, 'households', hh.problem, f.ref), f);
      else if (hh.value !== undefined) explicit.set(f, hh.value);
      const fl = explicitFloors(f.tags['floors']);
      if (fl.problem && !bad.has(f)) problem(importError(bl.file, f.row, 'floors', fl.problem, f.ref), f);
    }
    if (bad.size) kept = kept.filter((x) => !bad.has(x.f));
  }
  if (bl.features.length > 0 && kept.length === 0 && bl.format === 'osm') {
    c.errors.push({ file: bl.file, row: null, field: 'features', message: 'no buildings: none of the building=* objects has a usable footprint' });
  }
  return { checked: kept, skipped, explicit };
}

interface PlacedFootprint {
  f: SourceFeature;
  geometry: Polygon | MultiPolygon;
  /** The footprint's centroid, WGS-84. */
  at: Position;
}

/** 2. Coordinates: the declared CRS must fit the district; footprints to WGS-84; GeoJSON far outside the box is an error. */
function convertBuildings(input: ImportInput, checked: Checked[], c: Collect): PlacedFootprint[] {
  const { crs, district } = input;
  const bl = input.buildings;
  const rawCentroids = checked.map((x) => position(x.raw));
  const suspicion = input.checkCrs === false ? null : detectCrsMislabel(district, rawCentroids, crs);
  if (suspicion) c.errors.push({ file: bl.file, row: null, field: 'crs', message: crsSuspicionMessage(suspicion, c.label) });
  const buildings = checked.map((x, i) => {
    const geometry = toWgs84Geometry(x.raw, crs) as Polygon | MultiPolygon;
    return { f: x.f, geometry, at: crs === 'wgs84' ? rawCentroids[i] : position(geometry) };
  });
  // Lenient: buildings outside the district are refused as outside in step 4.
  if (bl.format !== 'geojson' || input.refuse) return buildings;
  const far = buildings.filter((b) => !inBox(b.at, district.marginBox));
  if (far.length > 0 && far.length * 2 > buildings.length) {
    c.errors.push({
      file: bl.file,
      row: null,
      field: 'geometry',
      message: `${far.length} of ${buildings.length} buildings lie outside the box of ${c.label} (${fmtBox(district.bbox)}, plus ${BBOX_MARGIN_KM} km): wrong --district, or coordinates in another system?`
    });
  }
  for (const b of far) {
    const km = kmOutsideBox(b.at, district.bbox);
    c.errors.push({
      file: bl.file,
      row: b.f.row,
      ref: b.f.ref,
      field: 'geometry',
      message: `centroid [${b.at[0].toFixed(5)}, ${b.at[1].toFixed(5)}] lies ${km.toFixed(1)} km outside the box of ${c.label} (${fmtBox(district.bbox)}; ${BBOX_MARGIN_KM} km margin allowed)`
    });
  }
  return buildings;
}

interface InsideCompound extends PlacedFootprint {
  box: BBox;
  areaM2: number;
}

/** 3a. Compounds whose centre lies in the district, smallest first (a building takes the smallest that holds it). */
function compoundsInside(input: ImportInput, checked: Checked[]): InsideCompound[] {
  return checked
    .map((x) => {
      const geometry = toWgs84Geometry(x.raw, input.crs) as Polygon | MultiPolygon;
      return { f: x.f, geometry, box: turfBbox(geometry) as BBox, areaM2: turfArea(geometry), at: position(geometry) };
    })
    .filter((x) => insideDistrict(input.district, x.at))
    .sort((a, b) => a.areaM2 - b.areaM2);
}

/** 3b. Roads whose midpoint lies in the district. */
function roadsInside(input: ImportInput, checked: Checked[]): ImportedRoad[] {
  const roads: ImportedRoad[] = [];
  for (const x of checked) {
    const geometry = toWgs84Geometry(x.raw, input.crs) as LineString | MultiLineString;
    if (!insideDistrict(input.district, lineMidpoint(geometry))) continue;
    roads.push({ id: x.f.id, class: tagString(x.f.tags['highway']) ?? tagString(x.f.tags['class']) ?? 'road', name: tagString(x.f.tags['name']), geometry: roundCoords(geometry) });
  }
  return roads;
}

export function importLayers(input: ImportInput): ImportResult<ImportOutput> {
  const { crs, district, refuse } = input;
  const bl = input.buildings;
  const c: Collect = { errors: [], warnings: [...(input.warnings ?? [])], label: `district ${district.code} ${district.name}` };
  const { errors, warnings, label } = c;
  const { checked: checkedBuildings, skipped, explicit } = checkBuildings(input, c);
  const relevant = (p: Position) => insideDistrict(district, toWgs84(p, crs));
  const checkedRoads = input.roads ? checkLayer(input.roads, 'line', errors, warnings, relevant).checked : [];
  const checkedCompounds = input.compounds ? checkLayer(input.compounds, 'polygon', errors, warnings, relevant).checked : [];
  const buildings = convertBuildings(input, checkedBuildings, c);
  if (errors.length) return fail(errors);
  const compounds = compoundsInside(input, checkedCompounds);
  const roads = roadsInside(input, checkedRoads);

  // 4. buildings inside the district, households
  const stats: ImportStats = {
    features: bl.features.length,
    outsideDistrict: 0,
    skipped,
    nonResidential: 0,
    nonResidentialByType: {},
    residential: 0,
    households: 0,
    estimated: 0,
    estimatedHouseholds: 0,
    byMethod: {},
    capped: 0,
    roads: { features: input.roads?.features.length ?? 0, inside: roads.length },
    compounds: { features: input.compounds?.features.length ?? 0, inside: compounds.length, withBuildings: 0 }
  };
  const compoundTotals = new Map<string, { households: number; buildings: number }>();
  const out: ImportedBuilding[] = [];
  for (const b of buildings) {
    if (!insideDistrict(district, b.at)) {
      stats.outsideDistrict++;
      if (refuse && bl.format === 'geojson')
        refuse(importError(bl.file, b.f.row, 'geometry', msg('import.pkg.err.outsideDistrict', { lon: round7(b.at[0]), lat: round7(b.at[1]), district: district.name }), b.f.ref));
      continue;
    }
    const est = estimateHouseholds({ tags: b.f.tags, footprint: b.geometry, households: explicit.get(b.f) });
    const type = (tagString(b.f.tags['building']) ?? 'yes').toLowerCase();
    if (!est.residential) {
      stats.nonResidential++;
      const key = est.group ?? type;
      stats.nonResidentialByType[key] = (stats.nonResidentialByType[key] ?? 0) + 1;
      continue;
    }
    const compound = compounds.find((c) => inBox(b.at, c.box) && booleanPointInPolygon(b.at, c.geometry));
    const { units, perFloor } = unitsFor(est.households, est.floors);
    if (compound) {
      const t = compoundTotals.get(compound.f.id) ?? { households: 0, buildings: 0 };
      t.households += est.households;
      t.buildings++;
      compoundTotals.set(compound.f.id, t);
    }
    stats.residential++;
    stats.households += est.households;
    stats.byMethod[est.method] = (stats.byMethod[est.method] ?? 0) + 1;
    if (est.estimated) {
      stats.estimated++;
      stats.estimatedHouseholds += est.households;
    }
    if (est.note?.startsWith('capped')) stats.capped++;
    out.push({
      id: b.f.id,
      district: district.code,
      community: '',
      compound: compound ? compound.f.id : null,
      grid: null,
      floors: est.floors,
      units,
      perFloor,
      households: est.households,
      estimated: est.estimated,
      lon: round7(b.at[0]),
      lat: round7(b.at[1]),
      footprint: roundCoords(b.geometry),
      method: est.method,
      areaM2: Math.round(est.areaM2),
      name: tagString(b.f.tags['name']),
      type
    });
  }
  if (out.length === 0) {
    const inside = buildings.length - stats.outsideDistrict;
    return fail([
      {
        file: bl.file,
        row: null,
        field: 'features',
        message:
          inside === 0
            ? `no buildings inside ${label}: all ${buildings.length} lie outside its outline — wrong --district?`
            : `no residential buildings inside ${label}: all ${inside} buildings there are non-residential`
      }
    ]);
  }
  stats.compounds.withBuildings = compoundTotals.size;
  const importedCompounds: ImportedCompound[] = compounds.map((c) => ({
    id: c.f.id,
    name: tagString(c.f.tags['name']),
    geometry: roundCoords(c.geometry),
    households: compoundTotals.get(c.f.id)?.households ?? 0,
    buildings: compoundTotals.get(c.f.id)?.buildings ?? 0
  }));
  const box = turfBbox({ type: 'FeatureCollection', features: out.map((b): Feature => ({ type: 'Feature', properties: {}, geometry: b.footprint })) }) as BBox;
  return ok({
    district: district.code,
    crs,
    buildings: out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    roads,
    compounds: importedCompounds,
    stats,
    warnings,
    bbox: [round7(box[0]), round7(box[1]), round7(box[2]), round7(box[3])]
  });
}
