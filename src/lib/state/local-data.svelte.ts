/**
 * The Data page's state: the picked files, the input CRS, the category/kind mapping, the import
 * worker's run (progress, cancel, report), saving to and removing from IndexedDB, and the package
 * export. Every page reads the saved data through src/lib/data/source.ts; after a save or a
 * removal `changed` is set so the next page visit reloads (DuckDB tables and layers already held
 * in this tab would be the old ones).
 */
import type { DistrictCode, InputCrs } from '$lib/data/schema';
import type { ImportError } from '$lib/data/import/errors';
import type { LocalFile, LocalSummary } from '$lib/data/local/keys';
import { readLocalFiles, removeLocal, saveLocal } from '$lib/data/local/store';
import { roleOf, type FileReport, type ImportRequest, type Mapping, type Preview } from '$lib/data/local/report';
import { downloadBlob } from '$lib/export/download';
import { exportFileName } from '$lib/export/file-name';
import ImportWorker from '../../workers/data-import.worker?worker';
import type { DataImportCall, ImportProgress } from '../../workers/data-import.worker';
import { workerClient } from '$lib/workers/call';
import { dataset } from './dataset.svelte';

export interface Result {
  district: DistrictCode;
  reports: FileReport[];
  preview: Preview;
  ignored: string[];
  files: Partial<Record<LocalFile, Uint8Array>>;
  summary: Omit<LocalSummary, 'savedAt' | 'district'>;
}

class LocalDataState {
  files = $state.raw<File[]>([]);
  crs = $state<InputCrs>('wgs84');
  mapping = $state<Mapping>({ stations: {}, incidents: {} });
  running = $state(false);
  progress = $state<{ file: string | null; step: 'geo' | 'read' | 'build'; fraction: number } | null>(null);
  result = $state.raw<Result | null>(null);
  errors = $state.raw<ImportError[]>([]);
  /** The last thing that happened, for the status line: a message key and its district. */
  notice = $state<{ key: 'data.cancelled' | 'data.saved' | 'data.removed'; district: DistrictCode } | null>(null);
  saving = $state(false);
  saveError = $state<string | null>(null);
  /** Set once this tab saved or removed data: pages already loaded hold the old tables. */
  changed = $state(false);

  /** The files the page reads (known names); the others are listed as not read. */
  readable = $derived(this.files.filter((f) => roleOf(f.name) !== null));

  private worker = workerClient<DataImportCall>(() => new ImportWorker());

  pick(list: FileList | File[] | null) {
    this.files = list ? [...list] : [];
    this.result = null;
    this.errors = [];
    this.notice = null;
    this.mapping = { stations: {}, incidents: {} };
  }

  run() {
    if (!this.readable.length || this.running) return;
    const district = dataset.code;
    this.cancel();
    this.running = true;
    this.result = null;
    this.errors = [];
    this.notice = null;
    this.progress = { file: null, step: 'geo', fraction: 0 };
    // Values left at 'other' are not sent: the readers then still list them as unknown.
    const chosen = <K extends string>(m: Record<string, K>) =>
      Object.fromEntries(Object.entries(m).filter(([, v]) => v !== 'other')) as Record<string, K>;
    const mapping = {
      stations: chosen($state.snapshot(this.mapping.stations)),
      incidents: chosen($state.snapshot(this.mapping.incidents))
    };
    const req: ImportRequest = { files: this.readable, district, crs: this.crs, mapping, root: dataset.root };
    const onProgress = ({ file, step, fraction }: ImportProgress) => (this.progress = { file, step, fraction });
    void this.worker.call(req, { onProgress }).then((r) => {
      // Cancelled: `cancel` has said so.
      if (!r.ok && r.reason === 'cancelled') return;
      this.stop();
      if (!r.ok) {
        this.errors = [
          {
            file: req.files.map((f) => f.name).join(', '),
            row: null,
            field: 'file',
            message: r.message || 'import worker failed'
          }
        ];
        return;
      }
      const m = r.reply;
      if (m.type === 'failed') this.errors = m.errors;
      else {
        // Unknown values stay 'other' (what the readers did) until the user picks another.
        for (const rep of m.reports)
          if (rep.table === 'stations' || rep.table === 'incidents')
            for (const u of rep.unknown) (this.mapping[rep.table] as Record<string, string>)[u.value] ??= 'other';
        this.result = {
          district,
          reports: m.reports,
          preview: m.preview,
          ignored: m.ignored,
          files: m.files,
          summary: m.summary
        };
      }
    });
  }

  /** Stops a running read: the worker is terminated, nothing is kept, stored data untouched. */
  cancel() {
    if (!this.worker.pending) return;
    const was = this.running;
    this.stop();
    if (was) this.notice = { key: 'data.cancelled', district: dataset.code };
  }

  private stop() {
    this.worker.terminate();
    this.running = false;
    this.progress = null;
  }

  async save(): Promise<void> {
    const r = this.result;
    if (!r || this.saving) return;
    this.saving = true;
    this.saveError = null;
    try {
      // A table this import lacks keeps its stored own data (stations stay when only incidents come).
      const { carryOver } = await import('$lib/data/local/package');
      const stored = dataset.local.find((l) => l.district === r.district) ?? null;
      const prev = stored && { files: await readLocalFiles(r.district), summary: stored };
      const next = carryOver({ files: r.files, summary: { ...r.summary, district: r.district } }, prev);
      await saveLocal({ ...next.summary, savedAt: new Date().toISOString() }, next.files);
      this.changed = true;
      this.result = null;
      this.files = [];
      this.notice = { key: 'data.saved', district: r.district };
      await dataset.loadLocal();
    } catch (e) {
      this.saveError = e instanceof Error ? e.message : String(e);
    } finally {
      this.saving = false;
    }
  }

  async remove(district: DistrictCode): Promise<void> {
    await removeLocal(district);
    this.changed = true;
    this.notice = { key: 'data.removed', district };
    await dataset.loadLocal();
  }

  async exportPackage(district: DistrictCode): Promise<void> {
    const { packageZip } = await import('$lib/data/local/package');
    const zip = packageZip(district, await readLocalFiles(district));
    downloadBlob(
      exportFileName(['GridAtlas', district, 'package', new Date().toISOString().slice(0, 10)], 'zip'),
      new Blob([zip as BlobPart], { type: 'application/zip' })
    );
  }
}

export const localData = new LocalDataState();
