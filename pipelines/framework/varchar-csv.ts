/**
 * A delimited file staged in DuckDB with every column VARCHAR (no type
 * guessing: codes keep their zeros and `2A`, secret markers stay visible),
 * then checked cell by cell in SQL: the first bad cell stops the run with the
 * file, line and column named. Columns are named c0…cN by position, so a
 * source binds its header by name first and refers to columns by index.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SourceError } from './errors.js';

export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** `read_csv` over a file with a header line and one VARCHAR column per header name, named c0…cN. */
export function readCsvSql(path: string, columnCount: number, delimiter = ';'): string {
  const columns = Array.from({ length: columnCount }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  return `read_csv(${sqlString(path)}, delim=${sqlString(delimiter)}, header=false, skip=1, auto_detect=false, quote='"', escape='"', columns={${columns}})`;
}

/** DuckDB reports "CSV Error on Line: N"; keep that line for the SourceError. */
export function duckdbCsvError(sourceId: string, file: string, e: unknown): SourceError {
  const message = (e as Error).message ?? String(e);
  const line = message.match(/Line: (\d+)/)?.[1];
  const first = message.split('\n').find((l) => l.trim() && !l.startsWith('Invalid Input Error')) ?? message;
  return new SourceError(sourceId, file, `lecture CSV impossible : ${first.trim()}`, line ? Number(line) : undefined);
}

/** `CREATE OR REPLACE TABLE <table>` from the file; `name` is the file as shown in errors. Line of row r = r + 2. */
export async function stageVarcharCsv(
  duckdb: DuckDBConnection, sourceId: string, table: string, path: string, name: string, columnCount: number,
): Promise<void> {
  try {
    await duckdb.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM ${readCsvSql(path, columnCount)}`);
  } catch (e) {
    throw duckdbCsvError(sourceId, name, e);
  }
}

const blank = (column: string, markers: readonly string[]): string =>
  `coalesce(trim(${column}), '') IN (${['', ...markers].map(sqlString).join(', ')})`;

/** SQL value of a numeric cell: null when empty or a secret marker, decimal comma accepted. */
export const numericSql = (column: string, markers: readonly string[] = ['s']): string =>
  `CASE WHEN ${blank(column, markers)} THEN NULL ELSE TRY_CAST(replace(trim(${column}), ',', '.') AS DOUBLE) END`;

const badSql = (column: string, markers: readonly string[]): string =>
  `(NOT ${blank(column, markers)} AND TRY_CAST(replace(trim(${column}), ',', '.') AS DOUBLE) IS NULL)`;

/** A staged column and the name errors give it (the header's). */
export interface NamedColumn { column: number; name: string }

/**
 * The first cell (by row, then in the order given) that is neither a number
 * with `.` or `,` as decimal separator, nor empty, nor a secret marker.
 */
export async function checkNumericCells(
  duckdb: DuckDBConnection, sourceId: string, table: string, name: string,
  columns: readonly NamedColumn[], markers: readonly string[] = ['s'],
): Promise<void> {
  if (columns.length === 0) return;
  const cases = columns.map((c) => `WHEN ${badSql(`c${c.column}`, markers)} THEN ${c.column}`).join(' ');
  const where = columns.map((c) => badSql(`c${c.column}`, markers)).join(' OR ');
  const bad = await duckdb.runAndReadAll(`SELECT rowid, CASE ${cases} END AS col FROM ${table} WHERE ${where} ORDER BY rowid LIMIT 1`);
  const row = bad.getRowsJS()[0];
  if (!row) return;
  const column = Number(row[1]);
  const named = columns.find((c) => c.column === column)!;
  const value = await duckdb.runAndReadAll(`SELECT c${column} FROM ${table} WHERE rowid = ${Number(row[0])}`);
  const expected = ['nombre', 'vide', ...markers].join(', ').replace(/, ([^,]*)$/, ' ou $1');
  throw new SourceError(
    sourceId, name, `valeur non numérique « ${String(value.getRowsJS()[0]?.[0])} » (attendu : ${expected})`,
    Number(row[0]) + 2, named.name,
  );
}

/** The first commune code that is not 4 or 5 digits (a lost leading zero is repaired later) or 2A/2B and 3 digits. */
export async function checkCommuneCodes(
  duckdb: DuckDBConnection, sourceId: string, table: string, name: string, code: NamedColumn,
): Promise<void> {
  const c = `c${code.column}`;
  const bad = await duckdb.runAndReadAll(
    `SELECT rowid, ${c} FROM ${table} WHERE NOT regexp_full_match(coalesce(trim(${c}), ''), '[0-9]{4,5}|2[AB][0-9]{3}') ORDER BY rowid LIMIT 1`,
  );
  const row = bad.getRowsJS()[0];
  if (row) throw new SourceError(sourceId, name, `code commune invalide « ${row[1] ?? ''} »`, Number(row[0]) + 2, code.name);
}
