import { describe, expect, it } from 'vitest';
import { guardSql, splitStatements } from '../../src/lib/data/sql-guard';
import { openNodeDb } from '../../scripts/lib/node-db';

describe('SQL console guard', () => {
  it('accepts one read-only statement and wraps it with a row limit', () => {
    const r = guardSql('select 1 as x;  -- trailing comment', 10);
    expect(r).toEqual({ ok: true, kind: 'SELECT', statement: 'select 1 as x', sql: 'SELECT * FROM (select 1 as x\n) AS console_query LIMIT 11' });
    for (const sql of ['WITH a AS (SELECT 1) SELECT * FROM a', 'DESCRIBE grids_230102', 'SHOW TABLES', 'SUMMARIZE grids_370881', '(SELECT 2)'])
      expect(guardSql(sql).ok, sql).toBe(true);
  });

  it('rejects writes, settings and anything but a query', () => {
    for (const [sql, kw] of [
      ['DROP TABLE grids_230102', 'DROP'],
      ['insert into t values (1)', 'INSERT'],
      ['CREATE TABLE x AS SELECT 1', 'CREATE'],
      ['SET threads = 1', 'SET'],
      ['COPY grids_230102 TO \'x.csv\'', 'COPY'],
      ['ATTACH \'x.db\'', 'ATTACH'],
      ['PRAGMA version', 'PRAGMA'],
      ['EXPLAIN ANALYZE DROP TABLE t', 'EXPLAIN DROP']
    ])
      expect(guardSql(sql)).toEqual({ ok: false, reason: 'not_read_only', keyword: kw });
    expect(guardSql('EXPLAIN SELECT 1').ok).toBe(true);
  });

  it('rejects a second statement hidden after a semicolon, but not semicolons in strings or comments', () => {
    expect(guardSql('SELECT 1; DROP TABLE grids_230102')).toEqual({ ok: false, reason: 'multiple', count: 2 });
    expect(guardSql("SELECT ';DROP TABLE x' AS s, \"a;b\" FROM t /* ; */ -- ;\n").ok).toBe(true);
    expect(guardSql("SELECT $$;DROP$$").ok).toBe(true);
    expect(guardSql('   ;  -- nothing')).toEqual({ ok: false, reason: 'empty' });
    expect(guardSql("SELECT 'open")).toEqual({ ok: false, reason: 'unterminated', what: 'string' });
    expect(guardSql('SELECT 1 /* open')).toEqual({ ok: false, reason: 'unterminated', what: 'comment' });
    expect(splitStatements("a ';' ; b")).toEqual({ statements: ["a ';'", 'b'] });
  });

  it('the wrapped text runs in DuckDB, and DuckDB itself refuses a write smuggled into the subquery', async () => {
    const db = await openNodeDb();
    await db.run('CREATE TABLE t AS SELECT range AS x FROM range(5)');
    const ok = guardSql('SELECT x FROM t ORDER BY x', 3);
    expect(ok.ok && (await db.all(ok.sql)).map((r) => r.x)).toEqual([0, 1, 2, 3]);
    const desc = guardSql('DESCRIBE t');
    expect(desc.ok && (await db.all(desc.sql)).map((r) => r.column_name)).toEqual(['x']);
    // A statement the guard did not expect would still fail to parse inside the wrapper.
    await expect(db.all('SELECT * FROM (DROP TABLE t\n) AS console_query LIMIT 2')).rejects.toThrow();
    expect(await db.scalar('SELECT count(*) FROM t')).toBe(5);
    db.close();
  });
});
