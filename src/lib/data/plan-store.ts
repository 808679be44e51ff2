/**
 * Plans in IndexedDB: the autosave, one record per community (the plan being worked on), so a
 * reload or a crash loses nothing; named versions, several per community, that the planner
 * saves, opens, compares and deletes; and the planner's own imported communities (their data,
 * which no district file holds). A tiny promise wrapper over `indexedDB`; no package.
 */
import type { Assignment, CommunityData } from '$lib/state/plan-core';

export interface SavedPlan {
  /** The community's 12-digit code (the key). */
  community: string;
  district: string;
  min: number;
  max: number;
  assignment: Assignment;
  /** Grid code → grid worker (网格员). */
  workers: Record<string, string>;
  /** Grid code → the planner's name for the grid; locked grid codes (absent in older autosaves). */
  names?: Record<string, string>;
  locked?: string[];
  /** Grid code → grid chief (网格长); absent in autosaves from before chiefs existed. */
  chiefs?: Record<string, string>;
  /** ISO time of the save. */
  savedAt: string;
}

/** A named version of a community's plan. */
export interface PlanVersion extends SavedPlan {
  /** Key: `${community}|${savedAt}`. */
  id: string;
  name: string;
}

const DB = 'gridatlas-plans';
const STORE = 'plans';
const VERSIONS = 'versions';
const OWN = 'own';
/** 1: autosaves; 2: + named versions (indexed by community); 3: + the planner's own imported communities. */
const DB_VERSION = 3;

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, DB_VERSION);
    req.onupgradeneeded = () => {
      // Adds what is missing; the autosaves of version 1 stay as they are.
      const db = req.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'community' });
      if (!db.objectStoreNames.contains(VERSIONS)) db.createObjectStore(VERSIONS, { keyPath: 'id' }).createIndex('community', 'community');
      if (!db.objectStoreNames.contains(OWN)) db.createObjectStore(OWN, { keyPath: 'code' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(req.error);
    };
  });
  return opening;
}

function run<T>(store: string, mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  return open().then(
    (db) =>
      new Promise<T>((resolve, reject) => {
        const tx = db.transaction(store, mode);
        const req = f(tx.objectStore(store));
        tx.oncomplete = () => resolve(req.result as T);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      })
  );
}

export const savePlan = (p: SavedPlan): Promise<void> => run<unknown>(STORE, 'readwrite', (s) => s.put(p)).then(() => undefined);
export const loadPlan = (community: string): Promise<SavedPlan | undefined> => run<SavedPlan | undefined>(STORE, 'readonly', (s) => s.get(community));

export const saveVersion = (v: PlanVersion): Promise<void> => run<unknown>(VERSIONS, 'readwrite', (s) => s.put(v)).then(() => undefined);
export const deleteVersion = (id: string): Promise<void> => run<unknown>(VERSIONS, 'readwrite', (s) => s.delete(id)).then(() => undefined);
/** A community's versions, oldest first. */
export const listVersions = (community: string): Promise<PlanVersion[]> =>
  run<PlanVersion[]>(VERSIONS, 'readonly', (s) => s.index('community').getAll(community)).then((vs) => vs.sort((a, b) => (a.savedAt < b.savedAt ? -1 : 1)));

/** An imported community's data, kept so that a reload reopens it (its plan is an ordinary autosave). */
export const saveOwnData = (d: CommunityData): Promise<void> => run<unknown>(OWN, 'readwrite', (s) => s.put(d)).then(() => undefined);
export const loadOwnData = (code: string): Promise<CommunityData | undefined> => run<CommunityData | undefined>(OWN, 'readonly', (s) => s.get(code));
