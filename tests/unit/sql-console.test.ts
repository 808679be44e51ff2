/**
 * The SQL console's sandbox, run on Node DuckDB with the same lockdown settings and the same
 * runner as the browser's console instance: hostile statements are refused or harmless with
 * the text guard on and off, and results are capped in rows and in characters per cell.
 * (The browser test runs the same list on DuckDB-wasm.)
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_ROW_LIMIT, cellCap, runConsoleStatement, type SqlSession } from '../../src/lib/data/console-sql';
import { LOCKDOWN_SQL } from '../../src/lib/data/lockdown';
import { guardSql } from '../../src/lib/data/sql-guard';
import { openNodeDb, type NodeDb, type Row } from '../../scripts/lib/node-db';
import hostileSql from '../fixtures/console/hostile-sql.json';

const HOSTILE_SQL: readonly string[] = hostileSql.statements;
const hostile = (sql: string, table: string, url: string) => sql.replaceAll('{t}', table).replaceAll('{url}', url);

let db: NodeDb;
let session: SqlSession;
let server: Server;
let url: string;
const heard: string[] = [];

const TABLE = 'grids_230102';
const state = async () => ({
  tables: (
    await db.all<{ name: string; n: number }>(
      'SELECT table_name AS name, estimated_size AS n FROM duckdb_tables() ORDER BY 1'
    )
  ).map((t) => t.name),
  rows: await db.scalar<number>(`SELECT count(*) FROM ${TABLE}`),
  households: await db.scalar<number>(`SELECT sum(households) FROM ${TABLE}`),
  external: await db.scalar<boolean>("SELECT current_setting('enable_external_access')"),
  locked: await db.scalar<boolean>("SELECT current_setting('lock_configuration')")
});

beforeAll(async () => {
  server = createServer((req, res) => {
    heard.push(req.url ?? '');
    res.end('code\n1\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  db = await openNodeDb();
  await db.run(
    `CREATE TABLE ${TABLE} AS SELECT '230102001001' || lpad(range::VARCHAR, 3, '0') AS code, 300 + range AS households FROM range(40)`
  );
  await db.run(LOCKDOWN_SQL);
  session = {
    exec: (sql) => db.run(sql),
    async prepared(sql) {
      const stmt = await db.connection.prepare(sql);
      const rows = (await stmt.runAndReadAll()).getRowObjectsJS() as Row[];
      return rows.map((r) =>
        Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v]))
      );
    }
  };
});

afterAll(() => {
  db?.close();
  server?.close();
});

describe('SQL console sandbox (Node DuckDB)', () => {
  it('answers a query, and a DESCRIBE or SUMMARIZE, as rows', async () => {
    const r = await runConsoleStatement(
      session,
      `SELECT households, code AS "code", code FROM ${TABLE} ORDER BY households LIMIT 2;`
    );
    expect(r.columns).toEqual(['households', 'code', 'code_1']);
    expect(r.rows[0]).toEqual({ households: 300, code: '230102001001000', code_1: '230102001001000' });
    expect((await runConsoleStatement(session, `DESCRIBE ${TABLE}`)).rows.map((x) => x.column_name)).toEqual([
      'code',
      'households'
    ]);
    expect((await runConsoleStatement(session, `SUMMARIZE ${TABLE}`)).rows).toHaveLength(2);
  });

  it(`refuses or harmlessly runs ${HOSTILE_SQL.length} hostile statements, with the guard on and off`, async () => {
    const before = await state();
    expect(before).toMatchObject({ rows: 40, external: false, locked: true });
    const outcomes: string[] = [];
    for (const guard of [true, false])
      for (const raw of HOSTILE_SQL) {
        const sql = hostile(raw, TABLE, url);
        if (guard && !guardSql(sql).ok) continue;
        const statement = guard ? (guardSql(sql) as { statement: string }).statement : sql;
        const outcome = await runConsoleStatement(session, statement).then(
          (r) => `ran: ${JSON.stringify(r.rows).slice(0, 60)}`,
          (e: Error) => `refused: ${e.message.split('\n')[0]}`
        );
        outcomes.push(`${guard ? 'guard' : 'no guard'} | ${raw} → ${outcome}`);
        // Whatever happened, nothing changed and nothing left.
        expect(await state(), `${raw}: ${outcome}`).toEqual(before);
      }
    expect(heard).toEqual([]);
    if (process.env.SHOW_OUTCOMES) console.log(outcomes.join('\n'));
    // Without the guard every statement reached DuckDB, and DuckDB refused every one.
    const unguarded = outcomes.filter((o) => o.startsWith('no guard'));
    expect(unguarded).toHaveLength(HOSTILE_SQL.length);
    expect(
      unguarded.filter((o) => !o.includes('→ refused')),
      'ran without the guard'
    ).toEqual([]);
  });

  it('each layer under the subquery holds by itself: locked settings, no external access, read-only transaction', async () => {
    const before = await state();
    for (const sql of [
      'SET enable_external_access = true',
      'RESET lock_configuration',
      'SET lock_configuration = false',
      'PRAGMA threads = 1'
    ])
      await expect(db.run(sql), sql).rejects.toThrow(/configuration has been locked/);
    for (const sql of [
      `COPY ${TABLE} TO 'grids.csv'`,
      `SELECT * FROM read_csv('${url}/leak.csv')`,
      "EXPORT DATABASE 'dump'",
      'LOAD httpfs'
    ])
      await expect(db.run(sql), sql).rejects.toThrow(/disabled/);
    await db.run('BEGIN TRANSACTION READ ONLY');
    await expect(db.run(`DROP TABLE ${TABLE}`)).rejects.toThrow(/read-only/);
    await db.run('ROLLBACK');
    expect(await state()).toEqual(before);
    expect(heard).toEqual([]);
  });

  it('caps rows and characters: a 10 MB string and a 500,000-element list come back cut (the browser test sends 100 MB and 5 million)', async () => {
    const many = await runConsoleStatement(session, 'SELECT range AS i FROM range(5000)');
    expect(many.rows).toHaveLength(CONSOLE_ROW_LIMIT + 1);
    const big = await runConsoleStatement(session, "SELECT repeat('x', 10000000) AS s, range(500000) AS l, 7 AS n");
    const cap = cellCap(3);
    expect(big.cap).toBe(cap);
    expect(big.cut).toBe(2);
    expect(big.rows[0].n).toBe(7);
    expect(big.rows[0].s).toBe(`${'x'.repeat(cap)}…`);
    expect(String(big.rows[0].l)).toMatch(/^\[0, 1, 2, 3, .*…$/);
    expect(String(big.rows[0].l).length).toBe(cap + 1);
    // Wider results share the same budget of characters.
    expect(cellCap(1)).toBe(2000);
    expect(cellCap(40) * 40 * (CONSOLE_ROW_LIMIT + 1)).toBeLessThanOrEqual(4_000_000);
  });
});
