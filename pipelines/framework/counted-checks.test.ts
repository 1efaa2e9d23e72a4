import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from './sql-script.js';
import { firstFailingLine, shapeSql, shapeTest, trimmedSql, trimmed, type RowCheck } from './counted-checks.js';

const VALUES = ['01001', '2A004', '2B120', '2C004', '1001', '010011', ' 01001', '01001 ', '', ' ', '  x  ', '0100A', '1e3', '+1234', '１２３４５'];
const SHAPES = ['[0-9][0-9][0-9][0-9][0-9]', '2[AB][0-9][0-9][0-9]'];

async function column<T>(sql: (cell: string) => string): Promise<T[]> {
  const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
  const rows = await duckdb.runAndReadAll(`SELECT ${sql('v')} FROM (SELECT unnest([${VALUES.map(sqlString).join(', ')}]) AS v)`);
  return rows.getRowsJS().map((r) => r[0] as T);
}

describe('counted checks: the read and the rescan refuse the same cells', () => {
  it('a shape as GLOB in DuckDB and as a regular expression in JS', async () => {
    const test = shapeTest(SHAPES);
    // Independent reading of the shapes: five ASCII digits, or 2A/2B and three.
    expect(VALUES.map(test)).toEqual(VALUES.map((v) => /^[0-9]{5}$/.test(v) || /^2[AB][0-9]{3}$/.test(v)));
    expect(await column<boolean>((c) => shapeSql(c, SHAPES))).toEqual(VALUES.map(test));
  });

  it('refuses a shape the two would read differently', () => {
    expect(() => shapeTest(['[0-9]*'])).toThrow(/forme/);
    expect(() => shapeSql('c', ['[0-9]{5}'])).toThrow(/forme/);
  });

  it('trims exactly as nullif(trim(cell), \'\') does, spaces only', async () => {
    expect(await column<string | null>((c) => trimmedSql(c))).toEqual(await column<string | null>((c) => `nullif(trim(${c}), '')`));
    expect(trimmed(' \tx ')).toBe('\tx');
  });

  it('names the first failing line with the first failing check of that line', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'counted-')), 'f.txt');
    writeFileSync(file, 'code|pays|\n01001|99100|\n2A04|99100|\n01001|9X|\n');
    const checks: RowCheck[] = [
      { column: 'pays', sql: '', bad: (cell) => !shapeTest(['99[0-9][0-9][0-9]'])(cell('pays')), wording: (v) => `pays « ${v} »` },
      { column: 'code', sql: '', bad: (cell) => !shapeTest(SHAPES)(cell('code')), wording: (v, cell) => `code « ${v} » (pays ${cell('pays')})` },
    ];
    const error = await firstFailingLine('s', file, ['code', 'pays'], checks, '|', '');
    expect(error).toMatchObject({ line: 3, column: 'code', problem: 'code « 2A04 » (pays 99100)' });
  });
});
