import { describe, expect, it } from 'vitest';
import { guardSql, splitStatements } from '../../src/lib/data/sql-guard';

describe('SQL console guard (the friendly early message, not the protection)', () => {
  it('accepts one query and returns it without comments', () => {
    expect(guardSql('select 1 as x;  -- trailing comment')).toEqual({
      ok: true,
      kind: 'SELECT',
      statement: 'select 1 as x'
    });
    for (const sql of [
      'WITH a AS (SELECT 1) SELECT * FROM a',
      'DESCRIBE grids_230102',
      'SHOW TABLES',
      'SUMMARIZE grids_370881',
      '(SELECT 2)',
      'FROM grids_230102',
      'VALUES (1)'
    ])
      expect(guardSql(sql).ok, sql).toBe(true);
  });

  it('names the first word of anything but a query', () => {
    for (const [sql, kw] of [
      ['DROP TABLE grids_230102', 'DROP'],
      ['insert into t values (1)', 'INSERT'],
      ['CREATE TABLE x AS SELECT 1', 'CREATE'],
      ['SET threads = 1', 'SET'],
      ["COPY grids_230102 TO 'x.csv'", 'COPY'],
      ["ATTACH 'x.db'", 'ATTACH'],
      ['PRAGMA version', 'PRAGMA'],
      ['EXPLAIN ANALYZE DROP TABLE t', 'EXPLAIN']
    ])
      expect(guardSql(sql)).toEqual({ ok: false, reason: 'not_read_only', keyword: kw });
  });

  it('counts statements outside strings and comments', () => {
    expect(guardSql('SELECT 1; DROP TABLE grids_230102')).toEqual({ ok: false, reason: 'multiple', count: 2 });
    expect(guardSql('SELECT \';DROP TABLE x\' AS s, "a;b" FROM t /* ; */ -- ;\n').ok).toBe(true);
    expect(guardSql('SELECT $$;DROP$$').ok).toBe(true);
    expect(guardSql('   ;  -- nothing')).toEqual({ ok: false, reason: 'empty' });
    expect(guardSql("SELECT 'open")).toEqual({ ok: false, reason: 'unterminated', what: 'string' });
    expect(guardSql('SELECT 1 /* open')).toEqual({ ok: false, reason: 'unterminated', what: 'comment' });
    expect(splitStatements("a ';' ; b")).toEqual({ statements: ["a ';'", 'b'] });
  });
});
