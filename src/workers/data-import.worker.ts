/// <reference lib="webworker" />
/**
 * The Data page's import, off the main thread: reads the dropped station register and incident
 * log with the data package's readers (src/lib/data/import/package.ts, the same code as the
 * command line) or a package zip, and builds every file the district's own data replaces
 * (local/package.ts). Progress is posted as it reads; the page cancels by terminating the worker,
 * so nothing half-read is ever kept. Nothing is stored here: the page saves the result in one
 * IndexedDB transaction when the user says so.
 *
 * In:  ImportRequest. Out: ImportMessage ('progress'…, then 'done' or 'failed').
 */
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import stationKindsCsv from '../../data/station-kinds.csv?raw';
import incidentCategoriesCsv from '../../data/incident-categories.csv?raw';
import { loadVocabulary, packageContext, readIncidentTable, readStationTable, type TableReport } from '$lib/data/import/package';
import { importError, msg, type ImportError } from '$lib/data/import/errors';
import { DISTRICTS } from '$lib/data/districts';
import type { DistrictCode, Incident, Manifest, Station, TableProvenance } from '$lib/data/schema';
import { mapLayerUrl } from '$lib/data/paths';
import { riderUrl, type RiderStations } from '$lib/geo/nearest-data';
import { localFiles, readPackageZip, PackageError, type LocalTables } from '$lib/data/local/package';
import type { LocalTable } from '$lib/data/local/keys';
import { roleOf, samplePoints, type FileReport, type FlatPoints, type ImportMessage, type ImportRequest } from '$lib/data/local/report';

const ctx = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: ImportMessage, transfer: Transferable[] = []) => ctx.postMessage(m, transfer);

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
    const p = e.msg?.key === 'import.pkg.err.outsideDistrict' ? e.msg.params : undefined;
    if (p && typeof p.lon === 'number' && typeof p.lat === 'number') out.push(p.lon, p.lat);
  }
  return out;
}

ctx.onmessage = async (e: MessageEvent<ImportRequest>) => {
  const { files, crs, mapping, root } = e.data;
  const district = e.data.district as DistrictCode;
  try {
    post({ type: 'progress', file: null, step: 'geo', fraction: 0 });
    const info = DISTRICTS.find((d) => d.code === district)!;
    const [outlineFc, grids, manifest, riderDemo] = await Promise.all([
      demo<FeatureCollection<Polygon | MultiPolygon>>(mapLayerUrl(root, district, 'outline')),
      demo<FeatureCollection<Polygon | MultiPolygon>>(mapLayerUrl(root, district, 'grids')),
      demo<Manifest>(`${root}/${district}/manifest.json`),
      demo<RiderStations>(riderUrl(root, district, 'stations'))
    ]);
    const outline = outlineFc.features[0] as Feature<Polygon | MultiPolygon>;
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

    const tables: LocalTables = { district, stations: null, incidents: null };
    const reports: FileReport[] = [];
    const provenance: Partial<Record<LocalTable, TableProvenance>> = {};
    const failed: ImportError[] = [];
    let outside: FlatPoints = [];
    let outsideTotal = 0;
    let ignored: string[] = [];

    for (const file of files) {
      const role = roleOf(file.name);
      if (!role) continue;
      post({ type: 'progress', file: file.name, step: 'read', fraction: 0 });
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (role === 'package') {
        const p = await readPackageZip(bytes, file.name);
        if (p.tables.district !== district) {
          failed.push(importError(file.name, null, 'district', msg('import.data.wrongDistrict', { code: p.tables.district })));
          continue;
        }
        ignored = p.ignored;
        for (const t of ['stations', 'incidents'] as const) {
          const rows = p.tables[t];
          if (!rows) continue;
          (tables[t] as Station[] | Incident[] | null) = rows;
          // The package's own provenance travels with its tables (source files, counts, CRS).
          const prov = p.manifest?.tables?.[t];
          provenance[t] = prov && prov.synthetic === false ? prov : { source: file.name, licence: LICENCE, crs: null, read: rows.length, accepted: rows.length, refused: 0, synthetic: false };
          reports.push({ file: file.name, table: t, read: rows.length, accepted: rows.length, refused: 0, errors: [], unknown: [] });
        }
        continue;
      }
      const onProgress = (p: { fraction: number }) => post({ type: 'progress', file: file.name, step: 'read', fraction: p.fraction });
      const r = role === 'stations' ? await readStationTable(file.name, bytes, pctx, { onProgress }) : await readIncidentTable(file.name, bytes, pctx, { onProgress });
      if (!r.ok) {
        failed.push(...r.errors);
        continue;
      }
      (tables[role] as Station[] | Incident[] | null) = r.value.rows;
      const rep = fileReport(r.value.report);
      reports.push(rep);
      provenance[role] = provenanceOf(rep, crs, file.name);
      outside = outside.concat(outsidePoints(rep.errors));
      outsideTotal += r.value.report.errorCounts.byReason['import.pkg.err.outsideDistrict'] ?? 0;
    }
    // A file that cannot be read at all stops the whole import: the stored data stays as it was.
    if (failed.length) return post({ type: 'failed', errors: failed });

    post({ type: 'progress', file: null, step: 'build', fraction: 0 });
    const built = localFiles(tables, { manifest, places: riderDemo.places }, provenance);
    const accepted: FlatPoints = [];
    for (const rows of [tables.stations, tables.incidents]) for (const s of rows ?? []) accepted.push(s.lon, s.lat);
    const outlineRings = (outline.geometry.type === 'Polygon' ? [outline.geometry.coordinates] : outline.geometry.coordinates).map((p) => p[0] as [number, number][]);
    const out = built.files as Record<string, Uint8Array>;
    post(
      {
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
        summary: { stations: built.summary.stations, incidents: built.summary.incidents, tables: built.summary.tables }
      },
      Object.values(out).map((b) => b.buffer)
    );
  } catch (err) {
    // Package zips name the file inside them and the field; anything else names the files read.
    const e: ImportError =
      err instanceof PackageError
        ? { file: err.file, row: null, field: err.field, message: err.message }
        : { file: files.map((f) => f.name).join(', '), row: null, field: 'file', message: err instanceof Error ? err.message : String(err) };
    post({ type: 'failed', errors: [e] });
  }
};
