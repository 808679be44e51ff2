/**
 * The district data package's readers: a station register or an incident log, CSV or XLSX, as
 * districts have them → the app's Station / Incident records and a report per file. Pure (no
 * file system, no DOM): the command line (scripts/import/package.ts) and the Data page's Web
 * Worker call the same functions.
 *
 * API
 *   const ctx = packageContext({
 *     district: '230102', name: '道里区',
 *     outline,                // Feature<Polygon|MultiPolygon>: the district's outline (map/outline.geojson)
 *     grids,                  // FeatureCollection of grid polygons with a 15-digit `code` (map/grids.geojson)
 *     crs: 'gcj02',           // the files' coordinate system: wgs84 | gcj02 | bd09
 *     vocabulary: loadVocabulary(stationKindsCsv, incidentCategoriesCsv), // data/*.csv texts (`?raw` in a worker)
 *     kindMap, categoryMap    // optional: the user's own mapping, file text → key, checked first
 *   });
 *   const s = await readStationTable('stations.xlsx', bytes, ctx);
 *   const i = await readIncidentTable('incidents.csv', bytes, ctx, { onProgress, signal });
 *
 * Result: `{ ok: true, value: { rows, report } }` or `{ ok: false, errors }`.
 * - ok: false means the file cannot be read at all: empty, text neither UTF-8 nor GBK/GB18030,
 *   a broken workbook, no header row, a required column missing (the error names the column and
 *   the header names it accepts), or cancelled. Nothing of it is usable.
 * - ok: true: `rows` are the accepted records; refused rows never stop the read. `report` counts
 *   read / accepted / refused, lists the first 100 errors (`row` is the row as Excel shows it,
 *   `field` the schema field, `message` the reason in English and `msg` its i18n key), counts all
 *   of them by field and by reason, and lists kinds or categories not in the app's lists (kept
 *   as `other`) with their counts; `warnings` says when the coordinates look like another CRS
 *   than the chosen one (GCJ-02 read as WGS-84 puts every point ≈ 500 m off).
 * Refused: rows without usable coordinates (GridAtlas does not geocode addresses: that needs an
 * online service), outside the district's outline, without a name or readable opening hours
 * (stations), without a readable report time or outside the period the app can show,
 * incidentPeriod (incidents: from the timeline's first day to the day of the import), and
 * repeated incident numbers.
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { DISTRICT_CODES } from '../districts';
import { INCIDENT_DAY0 } from '../queries';
import {
  STATION_SERVICES,
  type DistrictCode,
  type Incident,
  type IncidentCategory,
  type IncidentStatus,
  type InputCrs,
  type Station,
  type StationKind,
  type StationService
} from '../schema';
import type { TextEncodingName } from '../text-decode';
import { type DistrictArea, CRS_LABEL, detectCrsMislabel, prepareDistrict } from './district';
import { type ErrorCounts, type ImportError, type ImportResult, type Msg, ErrorCollector, fail, importError, msg, ok } from './errors';
import { type GridLocator, PositionSample, gridLocator, locate } from './locate';
import { type Table, type TableRow, readTable } from './table';
import { type Cell, cellText, formatChinaTime, parseChinaDate, parseHours } from './values';
import { type PackageTable, type TermTable, type Vocabulary, COLUMN_SYNONYMS, lookupTerm, normTerm } from './vocabulary';

export { loadVocabulary, type Vocabulary } from './vocabulary';

/**
 * The incidents an import takes (China time, [from, to) in epoch ms): from the timeline's first
 * day, INCIDENT_DAY0, to the end of the day of the import (`now`), so a log of this year is read
 * and the timeline runs to its last month (queries.ts periodDays); a date in the future is a typo.
 */
export function incidentPeriod(now: number): { from: number; to: number } {
  const from = Date.parse(`${INCIDENT_DAY0}T00:00:00+08:00`);
  const today = formatChinaTime(now).slice(0, 10);
  return { from, to: Date.parse(`${today}T00:00:00+08:00`) + 86_400_000 };
}

export interface PackageContextInput {
  district: DistrictCode;
  /** The district's name, as messages say it (道里区). */
  name: string;
  outline: Feature<Polygon | MultiPolygon>;
  grids: FeatureCollection<Polygon | MultiPolygon>;
  crs: InputCrs;
  vocabulary: Vocabulary;
  kindMap?: Readonly<Record<string, StationKind>>;
  categoryMap?: Readonly<Record<string, IncidentCategory>>;
  /** The time of the import (epoch ms; default now): incidents after its day are refused. */
  now?: number;
}

export interface PackageContext {
  district: DistrictCode;
  name: string;
  area: DistrictArea;
  grids: GridLocator;
  crs: InputCrs;
  vocabulary: Vocabulary;
  /** Normalised file text → key (see normTerm). */
  kindMap: ReadonlyMap<string, StationKind>;
  categoryMap: ReadonlyMap<string, IncidentCategory>;
  /** See incidentPeriod. */
  period: { from: number; to: number };
}

/** Prepares the outline and the grid index once for any number of files. */
export function packageContext(i: PackageContextInput): PackageContext {
  const norm = <K>(m: Readonly<Record<string, K>> | undefined) => new Map(Object.entries(m ?? {}).map(([k, v]) => [normTerm(k), v] as const));
  return {
    district: i.district,
    name: i.name,
    area: prepareDistrict(i.district, i.name, i.outline),
    grids: gridLocator(i.grids),
    crs: i.crs,
    vocabulary: i.vocabulary,
    kindMap: norm(i.kindMap),
    categoryMap: norm(i.categoryMap),
    period: incidentPeriod(i.now ?? Date.now())
  };
}

export interface CountedValue {
  /** As the file writes it ('' for empty cells). */
  value: string;
  /** For a 小类 not recognised: its 大类, when the row has one. */
  parent?: string;
  count: number;
}

export interface TableReport {
  table: PackageTable;
  file: string;
  format: 'csv' | 'xlsx';
  encoding?: TextEncodingName;
  sheet?: string;
  /** The header's row as Excel shows it. */
  headerRow: number;
  /** Each field read and the header it was read from. */
  columns: Record<string, string>;
  /** Headers of columns not read. */
  ignored: string[];
  crs: InputCrs;
  read: number;
  accepted: number;
  refused: number;
  /** The first MAX_LISTED_ERRORS refused rows: `row` as Excel shows it (also `line`). */
  errors: ImportError[];
  /** All refused rows by field and by reason (the message key). */
  errorCounts: ErrorCounts & { byReason: Record<string, number> };
  /** Kinds (stations) or categories (incidents) the app's lists lack, kept as `other`, most rows first. */
  unknown: CountedValue[];
  /** Accepted rows per kind or category. */
  byKey: Record<string, number>;
  /** Stations: services not recognised, left out of the stations' lists. */
  unknownServices?: CountedValue[];
  /** Accepted rows whose point lies in no grid: street, community and grid are empty. */
  outsideGrids: number;
  /**
   * File-level warnings (field 'crs'): the coordinates look like another CRS than the one chosen
   * (points just outside the outline that another reading puts inside; see detectCrsMislabel).
   */
  warnings: ImportError[];
}

export interface PackageRead<T> {
  rows: T[];
  report: TableReport;
}

export interface ReadOptions {
  /** Called every PROGRESS_EVERY rows: rows read so far and the fraction of the file. */
  onProgress?: (p: { read: number; fraction: number }) => void;
  /** Checked at each progress step (the read yields to the event loop there, so a worker sees a cancel message). */
  signal?: AbortSignal;
}

const PROGRESS_EVERY = 20_000;

/** Counts refused rows by field and reason; lists the first ones. */
class Refusals {
  readonly collector = new ErrorCollector();
  readonly byReason: Record<string, number> = {};
  constructor(private readonly file: string) {}
  add(row: number, field: string, m: Msg): void {
    this.byReason[m.key] = (this.byReason[m.key] ?? 0) + 1;
    this.collector.add(field, () => ({ ...importError(this.file, row, field, m, `row ${row}`), line: row }));
  }
}

class Counter {
  private readonly m = new Map<string, CountedValue>();
  add(value: string, parent?: string): void {
    const k = `${parent ?? ''}\u0000${value}`;
    const c = this.m.get(k);
    if (c) c.count++;
    else this.m.set(k, { value, ...(parent ? { parent } : {}), count: 1 });
  }
  list(): CountedValue[] {
    return [...this.m.values()].sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }
}

function missingColumn(file: string, table: Table, tableName: PackageTable, field: string, coord: boolean): ImportError {
  const names = (COLUMN_SYNONYMS[tableName] as Record<string, readonly string[]>)[field].join(', ');
  const found = table.header.filter(Boolean).join(', ');
  return importError(file, null, field, msg(coord ? 'import.pkg.err.noCoordColumn' : 'import.err.noColumn', { column: field, names, found }));
}

function reportOf(file: string, t: Table, table: PackageTable, ctx: PackageContext, read: number, accepted: number, refusals: Refusals): TableReport {
  const used = new Set(Object.values(t.columns));
  return {
    table,
    file,
    format: t.format,
    ...(t.encoding ? { encoding: t.encoding } : {}),
    ...(t.sheet !== undefined ? { sheet: t.sheet } : {}),
    headerRow: t.headerRow,
    columns: Object.fromEntries(Object.entries(t.columns).map(([f, i]) => [f, t.header[i]])),
    ignored: t.header.filter((h, i) => h && !used.has(i)),
    crs: ctx.crs,
    read,
    accepted,
    refused: read - accepted,
    errors: refusals.collector.errors,
    errorCounts: { ...refusals.collector.counts, byReason: refusals.byReason },
    unknown: [],
    byKey: {},
    outsideGrids: 0,
    warnings: []
  };
}

/** A warning when the sampled positions look like another CRS than the chosen one. */
function crsWarnings(file: string, ctx: PackageContext, sample: PositionSample): ImportError[] {
  const s = detectCrsMislabel(ctx.area, sample.points, ctx.crs);
  if (!s) return [];
  const pct = (x: number) => `${Math.round((100 * x) / s.declared.n)} %`;
  return [
    importError(
      file,
      null,
      'crs',
      msg('import.pkg.warn.crs', {
        likely: CRS_LABEL[s.likely.crs],
        declared: CRS_LABEL[s.declared.crs],
        offset: Math.round(s.offsetM / 10) * 10,
        justOff: pct(s.declared.justOff),
        inside: pct(s.declared.inside),
        likelyInside: pct(s.likely.inside)
      })
    )
  ];
}

/** Maps `raw` by the user's mapping, then the vocabulary; null when neither knows it. */
function mapTerm<K extends string>(raw: string, user: ReadonlyMap<string, K>, table: TermTable<K>): K | null {
  return user.get(normTerm(raw)) ?? lookupTerm(table, raw);
}

const yieldToEvents = () => new Promise<void>((r) => setTimeout(r, 0));

async function step(read: number, t: Table, o: ReadOptions): Promise<boolean> {
  if (read % PROGRESS_EVERY !== 0) return true;
  o.onProgress?.({ read, fraction: t.progress() });
  await yieldToEvents();
  return !o.signal?.aborted;
}

const cancelled = (file: string) => fail<never>([importError(file, null, 'file', msg('import.pkg.err.cancelled'))]);

/** Reads a station register (名称, 类型, 地址, 经度, 纬度, 开放时间, 服务, 电话); see the module comment. */
export async function readStationTable(file: string, bytes: Uint8Array, ctx: PackageContext, o: ReadOptions = {}): Promise<ImportResult<PackageRead<Station>>> {
  const tr = await readTable(file, bytes, 'stations');
  if (!tr.ok) return tr;
  const t = tr.value;
  const c = t.columns;
  const missing = (['name', 'lon', 'lat'] as const).filter((f) => c[f] === undefined).map((f) => missingColumn(file, t, 'stations', f, f !== 'name'));
  if (missing.length) return fail(missing);
  const refusals = new Refusals(file);
  const unknownKinds = new Counter();
  const unknownServices = new Counter();
  const byKey: Record<string, number> = {};
  const rows: Station[] = [];
  const sample = new PositionSample();
  let read = 0;
  let outsideGrids = 0;
  const at = (r: TableRow, i: number | undefined): Cell | undefined => (i === undefined ? undefined : r.cells[i]);
  const text = (r: TableRow, i: number | undefined) => cellText(at(r, i));
  for (const r of t.rows) {
    read++;
    if (!(await step(read, t, o))) return cancelled(file);
    const name = text(r, c.name);
    if (!name) {
      refusals.add(r.row, 'name', msg('import.pkg.err.nameEmpty'));
      continue;
    }
    const where = locate(at(r, c.lon), at(r, c.lat), ctx.crs, ctx.area, ctx.grids, ctx.name, sample);
    if ('problem' in where) {
      refusals.add(r.row, where.field, where.problem);
      continue;
    }
    const hoursText = text(r, c.hours);
    const hours = hoursText ? parseHours(hoursText) : null;
    if (!hours) {
      refusals.add(r.row, 'hours', hoursText ? msg('import.pkg.err.hours', { found: JSON.stringify(hoursText) }) : msg('import.pkg.err.hoursEmpty'));
      continue;
    }
    const kindText = text(r, c.kind);
    let kind = kindText ? mapTerm(kindText, ctx.kindMap, ctx.vocabulary.kinds) : null;
    if (!kind) {
      unknownKinds.add(kindText);
      kind = 'other';
    }
    const services = new Set<StationService>();
    for (const part of text(r, c.services).split(/[、,，;；/|\s]+/)) {
      if (!part) continue;
      const s = lookupTerm(ctx.vocabulary.services, part);
      if (s) services.add(s);
      else unknownServices.add(part);
    }
    if (!where.place) outsideGrids++;
    const phone = text(r, c.phone);
    byKey[kind] = (byKey[kind] ?? 0) + 1;
    rows.push({
      id: `${ctx.district}-R${r.row}`,
      district: ctx.district,
      community: where.place?.community ?? '',
      kind,
      name,
      address: text(r, c.address),
      services: STATION_SERVICES.filter((s) => services.has(s)),
      opens: hours[0],
      closes: hours[1],
      lon: where.lon,
      lat: where.lat,
      ...(phone ? { phone } : {})
    });
  }
  o.onProgress?.({ read, fraction: 1 });
  const report = reportOf(file, t, 'stations', ctx, read, rows.length, refusals);
  return ok({ rows, report: { ...report, unknown: unknownKinds.list(), byKey, unknownServices: unknownServices.list(), outsideGrids, warnings: crsWarnings(file, ctx, sample) } });
}

/** Unique across districts, as the generator numbers them: 10,000,000 × (district position + 1) + rank. */
function incidentIdBase(d: DistrictCode): number {
  return (DISTRICT_CODES.indexOf(d) + 1) * 10_000_000;
}

/**
 * Reads an incident log (编号, 类别/大类, 小类, 上报时间, 办结时间, 状态, 经度, 纬度, 网格编码, 地址);
 * see the module comment. Categories: the 小类 first, then the 大类, each by the user's mapping,
 * then the vocabulary; unknown ones become `other` and are listed. Status: 办结/处置中/待处理 and
 * synonyms; a close time makes an incident closed; no status and no close time is open.
 */
export async function readIncidentTable(file: string, bytes: Uint8Array, ctx: PackageContext, o: ReadOptions = {}): Promise<ImportResult<PackageRead<Incident>>> {
  const tr = await readTable(file, bytes, 'incidents');
  if (!tr.ok) return tr;
  const t = tr.value;
  const c = t.columns;
  const missing: ImportError[] = [];
  if (c.category === undefined && c.subcategory === undefined) missing.push(missingColumn(file, t, 'incidents', 'category', false));
  for (const f of ['reported_at', 'lon', 'lat'] as const) if (c[f] === undefined) missing.push(missingColumn(file, t, 'incidents', f, f !== 'reported_at'));
  if (missing.length) return fail(missing);
  const refusals = new Refusals(file);
  const unknown = new Counter();
  const byKey: Record<string, number> = {};
  const rows: Incident[] = [];
  const seen = new Map<string, number>();
  const categoryCache = new Map<string, IncidentCategory | null>();
  const sample = new PositionSample();
  const idBase = incidentIdBase(ctx.district);
  const { statuses, categories } = ctx.vocabulary;
  let read = 0;
  let outsideGrids = 0;
  const at = (r: TableRow, i: number | undefined): Cell | undefined => (i === undefined ? undefined : r.cells[i]);
  const text = (r: TableRow, i: number | undefined) => cellText(at(r, i));
  const category = (sub: string, main: string): IncidentCategory | null => {
    const k = `${sub}\u0000${main}`;
    let hit = categoryCache.get(k);
    if (hit !== undefined) return hit;
    const tries = [sub, main].filter(Boolean);
    hit = null;
    for (const s of tries) hit ??= ctx.categoryMap.get(normTerm(s)) ?? categories.exact.get(normTerm(s)) ?? null;
    for (const s of tries) hit ??= lookupTerm(categories, s);
    categoryCache.set(k, hit);
    return hit;
  };
  for (const r of t.rows) {
    read++;
    if (!(await step(read, t, o))) return cancelled(file);
    const ref = text(r, c.id);
    if (ref) {
      const first = seen.get(ref);
      if (first !== undefined) {
        refusals.add(r.row, 'id', msg('import.pkg.err.idUsed', { id: ref, row: first }));
        continue;
      }
      seen.set(ref, r.row);
    }
    const reportedCell = at(r, c.reported_at);
    const reportedText = cellText(reportedCell);
    if (!reportedText) {
      refusals.add(r.row, 'reported_at', msg('import.pkg.err.dateEmpty'));
      continue;
    }
    const reportedAt = parseChinaDate(typeof reportedCell === 'number' ? reportedCell : reportedText);
    if (reportedAt === null) {
      refusals.add(r.row, 'reported_at', msg('import.pkg.err.date', { found: JSON.stringify(reportedText) }));
      continue;
    }
    const { period } = ctx;
    if (reportedAt < period.from || reportedAt >= period.to) {
      refusals.add(
        r.row,
        'reported_at',
        msg('import.pkg.err.period', { date: formatChinaTime(reportedAt), from: formatChinaTime(period.from).slice(0, 10), to: formatChinaTime(period.to - 1).slice(0, 10) })
      );
      continue;
    }
    const closedCell = at(r, c.closed_at);
    const closedText = cellText(closedCell);
    let closedAt: number | null = null;
    if (closedText) {
      closedAt = parseChinaDate(typeof closedCell === 'number' ? closedCell : closedText);
      if (closedAt === null) {
        refusals.add(r.row, 'closed_at', msg('import.pkg.err.date', { found: JSON.stringify(closedText) }));
        continue;
      }
      if (closedAt < reportedAt) {
        refusals.add(r.row, 'closed_at', msg('import.pkg.err.closedBefore', { closed: formatChinaTime(closedAt), reported: formatChinaTime(reportedAt) }));
        continue;
      }
    }
    const statusText = text(r, c.status);
    // Exact names only: 未完成 must not read as 完成.
    let status: IncidentStatus | null = statusText ? (statuses.exact.get(normTerm(statusText)) ?? null) : 'open';
    if (closedAt !== null) status = 'closed';
    if (!status) {
      refusals.add(r.row, 'status', msg('import.pkg.err.status', { found: JSON.stringify(statusText) }));
      continue;
    }
    const where = locate(at(r, c.lon), at(r, c.lat), ctx.crs, ctx.area, ctx.grids, ctx.name, sample);
    if ('problem' in where) {
      refusals.add(r.row, where.field, where.problem);
      continue;
    }
    const sub = text(r, c.subcategory);
    const main = text(r, c.category);
    let cat = category(sub, main);
    if (!cat) {
      if (sub) unknown.add(sub, main || undefined);
      else unknown.add(main);
      cat = 'other';
    }
    const fileGrid = text(r, c.grid);
    const place = (fileGrid ? ctx.grids.byCode(fileGrid) : null) ?? where.place;
    if (!place) outsideGrids++;
    byKey[cat] = (byKey[cat] ?? 0) + 1;
    rows.push({
      id: idBase + rows.length + 1,
      ...(ref ? { ref } : {}),
      district: ctx.district,
      street: place?.street ?? '',
      community: place?.community ?? '',
      grid: place?.grid ?? '',
      category: cat,
      status,
      reportedAt,
      closedAt,
      lon: where.lon,
      lat: where.lat
    });
  }
  o.onProgress?.({ read, fraction: 1 });
  const report = reportOf(file, t, 'incidents', ctx, read, rows.length, refusals);
  return ok({ rows, report: { ...report, unknown: unknown.list(), byKey, outsideGrids, warnings: crsWarnings(file, ctx, sample) } });
}

/** A report's errors as the command line prints them: { file, row, field, reason }. */
export function errorLines(errors: readonly ImportError[]): { file: string; row: number | null; field: string; reason: string }[] {
  return errors.map((e) => ({ file: e.file, row: e.row, field: e.field, reason: e.message }));
}
