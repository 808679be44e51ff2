/**
 * Staffing of a community's grids: a grid worker (网格员) and a grid chief (网格长) per grid.
 * Checks what a street office asks about: grids without a worker or chief, and one person named
 * for several grids in the same role (flagged for review: usually a copy-paste slip). Pure.
 */
import { toCsv } from '$lib/export/csv';

export type Role = 'worker' | 'chief';

export interface StaffRow {
  code: string;
  worker: string;
  chief: string;
  /** Roles of this row whose person is also named for another grid. */
  shared: Role[];
}

export interface StaffIssue {
  role: Role;
  name: string;
  codes: string[];
}

export interface Staffing {
  rows: StaffRow[];
  /** Grids with both a worker and a chief. */
  staffed: number;
  total: number;
  noWorker: number;
  noChief: number;
  /** One person in one role for several grids. */
  issues: StaffIssue[];
}

export function staffing(
  codes: readonly string[],
  workers: Readonly<Record<string, string>>,
  chiefs: Readonly<Record<string, string>>
): Staffing {
  const people = { worker: workers, chief: chiefs };
  const issues: StaffIssue[] = [];
  for (const role of ['worker', 'chief'] as const) {
    const by = new Map<string, string[]>();
    for (const c of codes) {
      const n = (people[role][c] ?? '').trim();
      if (n) by.set(n, [...(by.get(n) ?? []), c]);
    }
    for (const [name, cs] of by) if (cs.length > 1) issues.push({ role, name, codes: cs });
  }
  const rows = codes.map((code) => {
    const worker = (workers[code] ?? '').trim();
    const chief = (chiefs[code] ?? '').trim();
    const shared = issues.filter((i) => i.codes.includes(code)).map((i) => i.role);
    return { code, worker, chief, shared };
  });
  return {
    rows,
    staffed: rows.filter((r) => r.worker && r.chief).length,
    total: rows.length,
    noWorker: rows.filter((r) => !r.worker).length,
    noChief: rows.filter((r) => !r.chief).length,
    issues
  };
}

/** The staffing table as CSV: grid, households, worker, chief (empty = unstaffed). */
export function staffingCsv(s: Staffing, households: Readonly<Record<string, number>>): string {
  return toCsv(
    ['grid', 'households', 'worker', 'chief'],
    s.rows.map((r) => [r.code, households[r.code] ?? 0, r.worker, r.chief])
  );
}
