/**
 * Autosaved plans in IndexedDB, one record per community (the plan being worked on), so a
 * reload or a crash loses nothing. A tiny promise wrapper over `indexedDB`; no package.
 */
import type { Assignment } from '$lib/state/plan-core';

export interface SavedPlan {
  /** The community's 12-digit code (the key). */
  community: string;
  district: string;
  min: number;
  max: number;
  assignment: Assignment;
  /** Grid code → grid worker (网格员). */
  workers: Record<string, string>;
  /** ISO time of the save. */
  savedAt: string;
}

const DB = 'gridatlas-plans';
const STORE = 'plans';

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE, { keyPath: 'community' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(req.error);
    };
  });
  return opening;
}

function run<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(STORE, mode);
        const req = f(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(req.result as T);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      })
  );
}

export const savePlan = (p: SavedPlan): Promise<void> => run<unknown>('readwrite', (s) => s.put(p)).then(() => undefined);
export const loadPlan = (community: string): Promise<SavedPlan | undefined> => run<SavedPlan | undefined>('readonly', (s) => s.get(community));
export const deletePlan = (community: string): Promise<void> => run<unknown>('readwrite', (s) => s.delete(community)).then(() => undefined);
