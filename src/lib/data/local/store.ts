/**
 * A district's own data in the browser's IndexedDB (never uploaded). IndexedDB rather than OPFS:
 * one transaction writes every file of an import and its summary together or not at all (OPFS
 * has no multi-file transaction, so a crash mid-save could leave new incidents beside old
 * stations), it is readable from the page and from every worker alike (the Parquet decoder reads
 * the tables there), and the planner already keeps its plans in IndexedDB the same way.
 *
 * Store `files`: key `<adcode>/<path>` (see LOCAL_FILES) → bytes. Store `imports`: one LocalSummary per district.
 */
import type { DistrictCode } from '../schema';
import { LOCAL_FILES, fileKey, type LocalFile, type LocalSummary } from './keys';

const DB = 'gridatlas-local-data';
const FILES = 'files';
const IMPORTS = 'imports';

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      const d = req.result;
      if (!d.objectStoreNames.contains(FILES)) d.createObjectStore(FILES);
      if (!d.objectStoreNames.contains(IMPORTS)) d.createObjectStore(IMPORTS, { keyPath: 'district' });
    };
    req.onsuccess = () => {
      const d = req.result;
      // Another tab upgrading later: step aside rather than block it.
      d.onversionchange = () => {
        d.close();
        opening = null;
      };
      resolve(d);
    };
    req.onerror = () => {
      opening = null;
      reject(req.error);
    };
  });
  return opening;
}

const done = (tx: IDBTransaction) =>
  new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });

const result = <T>(req: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/** Replaces the district's own data in one transaction: every file and the summary, or (on any failure) nothing. */
export async function saveLocal(summary: LocalSummary, files: Partial<Record<LocalFile, Uint8Array>>): Promise<void> {
  const d = await open();
  const tx = d.transaction([FILES, IMPORTS], 'readwrite');
  const fs = tx.objectStore(FILES);
  for (const f of LOCAL_FILES) {
    const bytes = files[f];
    if (bytes) fs.put(bytes, fileKey(summary.district, f));
    else fs.delete(fileKey(summary.district, f));
  }
  tx.objectStore(IMPORTS).put(summary);
  await done(tx);
}

/** Removes the district's own data (the demo shows again). */
export async function removeLocal(district: DistrictCode): Promise<void> {
  const d = await open();
  const tx = d.transaction([FILES, IMPORTS], 'readwrite');
  for (const f of LOCAL_FILES) tx.objectStore(FILES).delete(fileKey(district, f));
  tx.objectStore(IMPORTS).delete(district);
  await done(tx);
}

/** The districts that have their own data. */
export async function listLocal(): Promise<LocalSummary[]> {
  const d = await open();
  return result(d.transaction(IMPORTS).objectStore(IMPORTS).getAll() as IDBRequest<LocalSummary[]>);
}

/** One stored file (a key from localKey/fileKey), or null. */
export async function readLocal(key: string): Promise<Uint8Array | null> {
  const d = await open();
  const v = await result(d.transaction(FILES).objectStore(FILES).get(key) as IDBRequest<Uint8Array | undefined>);
  return v ?? null;
}

/** All stored files of a district (for "Export package"). */
export async function readLocalFiles(district: DistrictCode): Promise<Partial<Record<LocalFile, Uint8Array>>> {
  const out: Partial<Record<LocalFile, Uint8Array>> = {};
  for (const f of LOCAL_FILES) {
    const b = await readLocal(fileKey(district, f));
    if (b) out[f] = b;
  }
  return out;
}
