/// <reference lib="webworker" />
/**
 * The Data page's import, off the main thread: reads the dropped station register and incident
 * log with the data package's readers (src/lib/data/import/package.ts, the same code as the
 * command line) or a package zip, and builds every file the district's own data replaces
 * (local/package.ts). Progress is posted as it reads; the page cancels by terminating the worker,
 * so nothing half-read is ever kept. Nothing is stored here: the page saves the result in one
 * IndexedDB transaction when the user says so.
 *
 * Called through $lib/workers/call.ts (DataImportCall): ImportRequest in, 'progress' messages, then the
 * reply 'done' (its files transferred) or 'failed'.
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import stationKindsCsv from '../../data/station-kinds.csv?raw';
import incidentCategoriesCsv from '../../data/incident-categories.csv?raw';
import {
  loadVocabulary,
  packageContext,
  readIncidentTable,
  readStationTable,
  type TableReport
} from '$lib/data/import/package';
import { importError, msg, type ImportError } from '$lib/data/import/errors';
import { DISTRICTS } from '$lib/data/districts';
import type { Building, DistrictCode, Incident, Manifest, Station, TableProvenance } from '$lib/data/schema';
import { type Area, type AreaContext, type AreaReport, readAreaLayer } from '$lib/data/import/areas';
import { loadGeography } from '$lib/data/import/base-geography';
import { prepareDistrict } from '$lib/data/import/district';
import { type Geography, assembleGeography, derivedProvenance, ownGeoProvenance } from '$lib/data/import/geography';
import { type BuildingsReport, readPackageBuildings } from '$lib/data/import/package-buildings';
import { decodeText } from '$lib/data/text-decode';
import { fetchData } from '$lib/data/source';
import { mapLayerUrl } from '$lib/data/paths';
import { riderUrl, type RiderStations } from '$lib/geo/nearest-data';
import { localFiles, readPackageZip, PackageError, type LocalTables } from '$lib/data/local/package';
import { GEO_TABLES, LOCAL_TABLES, type LocalTable } from '$lib/data/local/keys';
import {
  roleOf,
  samplePoints,
  type FileReport,
  type FlatPoints,
  type ImportMessage,
  type ImportRequest
} from '$lib/data/local/report';
import { serve, type Protocol } from '$lib/workers/call';

export type ImportProgress = Extract<ImportMessage, { type: 'progress' }>;
export type ImportReply = Exclude<ImportMessage, { type: 'progress' }>;
export type DataImportCall = Protocol<ImportRequest, ImportReply, ImportProgress>;

/** Posts the running import's progress (set per request). */
let post: (p: ImportProgress) => void = () => {};

/** Points drawn by the preview (SVG circles); the counts say how many there were. */
const PREVIEW_POINTS = 3000;

/** The demo's files of the district (never its own data: these are the geography the rows are placed in). */
async function demo<T>(url: string): Promise<T> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`);
  return (await r.json()) as T;
}

const LICENCE = "the district's own data (its licence as the district sets it)";

function provenanceOf(r: FileReport, crs: TableProvenance['crs'], source: string): TableProvenance {
  return { source, licence: LICENCE, crs, read: r.read, accepted: r.accepted, refused: r.refused, synthetic: false };
}

/** The readers' report as the page shows it. */
function fileReport(t: TableReport): FileReport {
  return {
    file: t.file,
    table: t.table,
    read: t.read,
    accepted: t.accepted,
    refused: t.refused,
    errors: t.errors,
    counts: t.errorCounts,
    unknown: t.unknown.map((u) => ({ value: u.value, count: u.count }))
  };
}

/** Points of listed errors that fell outside the district (the readers give their WGS-84 position). */
function outsidePoints(errors: readonly ImportError[]): FlatPoints {
  const out: FlatPoints = [];
  for (const e of errors) {
    const p = e.msg && OUTSIDE_KEYS.has(e.msg.key) ? e.msg.params : undefined;
    if (p && typeof p.lon === 'number' && typeof p.lat === 'number') out.push(p.lon, p.lat);
  }
  return out;
}

const GEO_ROLES = ['streets', 'communities', 'grids', 'buildings'] as const;
type GeoRole = (typeof GEO_ROLES)[number];
const isGeo = (r: string | null): r is GeoRole => (GEO_ROLES as readonly string[]).includes(r ?? '');
const OUTSIDE_KEYS = new Set(['import.pkg.err.outsideDistrict', 'import.area.err.outside']);

/** An area or buildings report as the page shows it. */
function geoReport(table: GeoRole, r: AreaReport | BuildingsReport): FileReport {
  return {
    file: r.file,
    table,
    read: r.read,
    accepted: r.accepted,
    refused: r.refused,
    errors: r.errors,
    counts: r.errorCounts,
    unknown: []
  };
}

/** The district's own geometry files, read; fatal problems into `failed`. */
async function readGeometry(files: File[], area: AreaContext, failed: ImportError[]): Promise<GivenReads> {
  const out: GivenReads = {};
  for (const file of files) {
    const role = roleOf(file.name);
    if (!isGeo(role)) continue;
    post({ type: 'progress', file: file.name, step: 'read', fraction: 0 });
    if (/\.osm\.pbf$/i.test(file.name)) {
      failed.push(importError(file.name, null, 'file', msg('import.data.pbfCli')));
      continue;
    }
    const text = decodeText(new Uint8Array(await file.arrayBuffer()), file.name);
    if (!text.ok) {
      failed.push(...text.errors);
      continue;
    }
    const r =
      role === 'buildings'
        ? readPackageBuildings(
            file.name,
            { format: /\.csv$/i.test(file.name) ? 'csv' : 'geojson', text: text.value.text },
            area
          )
        : readAreaLayer(file.name, text.value.text, role, area);
    if (!r.ok) failed.push(...r.errors);
    else (out as Record<string, unknown>)[role] = r.value;
    post({ type: 'progress', file: file.name, step: 'read', fraction: 1 });
  }
  return out;
}

interface GivenReads {
  streets?: { rows: Area[]; report: AreaReport };
  communities?: { rows: Area[]; report: AreaReport };
  grids?: { rows: Area[]; report: AreaReport };
  buildings?: { rows: Building[]; report: BuildingsReport };
}

/** The app's current data of the district (the demo, or an earlier import) through the data seam. */
async function current(url: string): Promise<ArrayBuffer> {
  const r = await fetchData(url);
  if (!r.ok) throw new Error(`${url}: ${r.status} ${r.statusText}`);
  return r.arrayBuffer();
}
const currentJson = async <T>(url: string): Promise<T> => JSON.parse(new TextDecoder().decode(await current(url))) as T;

serve<DataImportCall>(
  async (req, progress): Promise<ImportReply> => {
    post = progress;
    const { files, crs, mapping, root } = req;
    const district = req.district as DistrictCode;
    try {
      post({ type: 'progress', file: null, step: 'geo', fraction: 0 });
      const info = DISTRICTS.find((d) => d.code === district)!;
      // The outline is the demo's (no import replaces it); the rest is what the app shows now, so a
      // station register imported after the district's grids is placed in those grids.
      const [outlineFc, manifest, riderDemo] = await Promise.all([
        demo<FeatureCollection<Polygon | MultiPolygon>>(mapLayerUrl(root, district, 'outline')),
        currentJson<Manifest>(`${root}/${district}/manifest.json`),
        currentJson<RiderStations>(riderUrl(root, district, 'stations'))
      ]);
      const outline = outlineFc.features[0] as Feature<Polygon | MultiPolygon>;
      const area: AreaContext = { district, name: info.name, area: prepareDistrict(district, info.name, outline), crs };
      const failed: ImportError[] = [];
      const given = await readGeometry(files, area, failed);
      if (failed.length) return { type: 'failed', errors: failed };
      const givenRoles = GEO_ROLES.filter((r) => given[r]);
      let geography: Geography | null = null;
      if (givenRoles.length) {
        post({ type: 'progress', file: null, step: 'geo', fraction: 0 });
        const base = await loadGeography((f) => current(`${root}/${district}/${f}`));
        geography = assembleGeography(district, base, Object.fromEntries(givenRoles.map((r) => [r, given[r]!.rows])));
      }
      const grids = geography
        ? geography.layers.grids
        : await currentJson<FeatureCollection<Polygon | MultiPolygon>>(mapLayerUrl(root, district, 'grids'));
      const pctx = packageContext({
        district,
        name: info.name,
        outline,
        grids,
        crs,
        vocabulary: loadVocabulary(stationKindsCsv, incidentCategoriesCsv),
        kindMap: mapping.stations,
        categoryMap: mapping.incidents
      });

      const tables: LocalTables = { district, stations: null, incidents: null, geography };
      const reports: FileReport[] = [];
      const provenance: Partial<Record<LocalTable, TableProvenance>> = {};
      const own: LocalTable[] = [...givenRoles];
      let outside: FlatPoints = [];
      let outsideTotal = 0;
      let ignored: string[] = [];
      const countOutside = (rep: FileReport, byReason: Record<string, number>) => {
        outside = outside.concat(outsidePoints(rep.errors));
        for (const k of OUTSIDE_KEYS) outsideTotal += byReason[k] ?? 0;
      };
      if (geography) {
        for (const t of GEO_TABLES) {
          const g = t === 'compounds' ? undefined : given[t];
          provenance[t] = g
            ? ownGeoProvenance(t as GeoRole, g.report, LICENCE, geography.notes[t])
            : derivedProvenance(manifest.tables[t], geography.notes[t]);
        }
        for (const r of givenRoles) {
          const rep = geoReport(r, given[r]!.report);
          reports.push(rep);
          const g = given[r]!.report;
          countOutside(rep, { 'import.area.err.outside': 'outsideDistrict' in g ? g.outsideDistrict : g.outside });
        }
      }

      for (const file of files) {
        const role = roleOf(file.name);
        if (!role || isGeo(role)) continue;
        post({ type: 'progress', file: file.name, step: 'read', fraction: 0 });
        const bytes = new Uint8Array(await file.arrayBuffer());
        if (role === 'package') {
          const p = await readPackageZip(bytes, file.name);
          if (p.tables.district !== district) {
            failed.push(
              importError(file.name, null, 'district', msg('import.data.wrongDistrict', { code: p.tables.district }))
            );
            continue;
          }
          ignored = p.ignored;
          tables.geoFiles = p.tables.geoFiles;
          for (const t of LOCAL_TABLES) {
            const rows = t === 'stations' || t === 'incidents' ? p.tables[t] : null;
            const geo = p.tables.geoFiles?.[`${t}.parquet`];
            if (!rows && !geo) continue;
            if (rows) (tables[t as 'stations'] as Station[] | Incident[] | null) = rows;
            // The package's own provenance travels with its tables (source files, counts, CRS).
            const prov = p.manifest?.tables?.[t];
            const n = rows?.length ?? prov?.accepted ?? 0;
            provenance[t] = prov ?? {
              source: file.name,
              licence: LICENCE,
              crs: null,
              read: n,
              accepted: n,
              refused: 0,
              synthetic: false
            };
            if (prov?.synthetic !== true) own.push(t);
            reports.push({ file: file.name, table: t, read: n, accepted: n, refused: 0, errors: [], unknown: [] });
          }
          continue;
        }
        const onProgress = (p: { fraction: number }) =>
          post({ type: 'progress', file: file.name, step: 'read', fraction: p.fraction });
        const r =
          role === 'stations'
            ? await readStationTable(file.name, bytes, pctx, { onProgress })
            : await readIncidentTable(file.name, bytes, pctx, { onProgress });
        if (!r.ok) {
          failed.push(...r.errors);
          continue;
        }
        (tables[role] as Station[] | Incident[] | null) = r.value.rows;
        const rep = fileReport(r.value.report);
        reports.push(rep);
        provenance[role] = provenanceOf(rep, crs, file.name);
        own.push(role);
        countOutside(rep, r.value.report.errorCounts.byReason);
      }
      // A file that cannot be read at all stops the whole import: the stored data stays as it was.
      if (failed.length) return { type: 'failed', errors: failed };

      post({ type: 'progress', file: null, step: 'build', fraction: 0 });
      const built = localFiles(tables, { manifest, places: riderDemo.places }, provenance, own);
      const accepted: FlatPoints = [];
      for (const rows of [tables.stations, tables.incidents, given.buildings?.rows])
        for (const s of rows ?? []) accepted.push(s.lon, s.lat);
      const outlineRings = (
        outline.geometry.type === 'Polygon' ? [outline.geometry.coordinates] : outline.geometry.coordinates
      ).map((p) => p[0] as [number, number][]);
      const out = built.files as Record<string, Uint8Array>;
      return {
        type: 'done',
        reports,
        preview: {
          outline: outlineRings,
          accepted: samplePoints(accepted, PREVIEW_POINTS),
          outside: samplePoints(outside, PREVIEW_POINTS),
          acceptedTotal: accepted.length / 2,
          outsideTotal
        },
        ignored,
        files: out,
        summary: (({ district: _d, ...rest }) => rest)(built.summary)
      };
    } catch (err) {
      // Package zips name the file inside them and the field; anything else names the files read.
      const e: ImportError =
        err instanceof PackageError
          ? importError(err.file, null, err.field, err.msg)
          : {
              file: files.map((f) => f.name).join(', '),
              row: null,
              field: 'file',
              message: err instanceof Error ? err.message : String(err)
            };
      return { type: 'failed', errors: [e] };
    }
  },
  (r) => (r.type === 'done' ? Object.values(r.files).map((b) => b.buffer) : [])
);
