/**
 * A delimited file staged in DuckDB as declared VARCHAR columns `c0`…`cN`
 * (no type guessing: `01`, `2A`, `ZA` stay text; the header is bound by name
 * in Node first, since it can be shorter than the rows), then checked in SQL
 * cell by cell before anything is projected: the first offending cell stops
 * the run naming file, line and column. cp1252 files are first converted to
 * UTF-8 in the work directory, streaming: DuckDB only knows UTF-8 and
 * Latin-1, and Latin-1 would garble `œ`, `’`, `€`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { structValue, type DuckDBConnection } from '@duckdb/node-api';
import { SourceError } from './errors.js';

export async function toUtf8(path: string, encoding: string, workDir: string, tag: string): Promise<string> {
  if (encoding.toLowerCase() === 'utf-8') return path;
  const target = join(workDir, `${tag}-${basename(path)}.utf8`);
  await pipeline(createReadStream(path), iconv.decodeStream(encoding), iconv.encodeStream('utf8'), createWriteStream(target));
  return target;
}

/**
 * `CREATE OR REPLACE TABLE <table>` from the file (header skipped), `columnCount`
 * VARCHAR columns; `name` is the file as shown in errors. Line of row r = r + 2.
 * null_padding: rows may stop early (législatives stop after the last candidate standing).
 */
export async function stageCsv(
  duckdb: DuckDBConnection, sourceId: string, table: string, path: string, name: string, columnCount: number,
): Promise<void> {
  const columns = structValue(Object.fromEntries(Array.from({ length: columnCount }, (_, i) => [`c${i}`, 'VARCHAR'])));
  const read = `read_csv($path, delim=';', header=false, skip=1, auto_detect=false, quote='"', escape='"', null_padding=true, columns=$columns)`;
  try {
    await duckdb.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM ${read}`, { path, columns });
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    const line = message.match(/Line: (\d+)/)?.[1];
    const detail = message.split('\n').find((l) => /Expected Number of Columns|Error/.test(l)) ?? message;
    throw new SourceError(sourceId, name, `lecture CSV impossible : ${detail.trim()}`, line ? Number(line) : undefined);
  }
}

/** SQL over staged column `c<col>`: trimmed text or null, integer or null, blank, and the format checks. */
export const text = (col: number | undefined): string => (col === undefined ? 'NULL' : `nullif(trim(c${col}), '')`);
export const integer = (col: number | undefined): string => (col === undefined ? 'NULL' : `TRY_CAST(nullif(trim(c${col}), '') AS BIGINT)`);
export const isBlank = (col: number): string => `(coalesce(trim(c${col}), '') = '')`;
export const notInteger = (col: number): string => `(NOT ${isBlank(col)} AND TRY_CAST(trim(c${col}) AS BIGINT) IS NULL)`;
/** Percentages come as `98,10%`, `98,10` or `98.10`: all accepted. */
export const notPercent = (col: number): string => `(NOT ${isBlank(col)} AND NOT regexp_full_match(trim(c${col}), '-?[0-9]+([.,][0-9]+)? ?%?'))`;

/** A failing cell: `sql` is true on the offending rows; the first check that fails on a row names it. */
export interface CellCheck { sql: string; column: number; problem: string }

/** First offending row in file order, first failing check of that row → SourceError naming line and column. */
export async function firstBadCell(
  duckdb: DuckDBConnection, sourceId: string, table: string, name: string, checks: CellCheck[], columnNames: string[],
): Promise<void> {
  const cases = checks.map((c, i) => `WHEN ${c.sql} THEN ${i}`).join(' ');
  const result = await duckdb.runAndReadAll(
    `SELECT rowid, CASE ${cases} END AS k FROM ${table} WHERE (${checks.map((c) => c.sql).join(' OR ')}) ORDER BY rowid LIMIT 1`,
  );
  const row = result.getRowsJS()[0];
  if (!row) return;
  const check = checks[Number(row[1])];
  const value = await duckdb.runAndReadAll(`SELECT c${check.column} FROM ${table} WHERE rowid = ${Number(row[0])}`);
  throw new SourceError(
    sourceId, name, `${check.problem}, trouvé « ${String(value.getRowsJS()[0]?.[0] ?? '')} »`, Number(row[0]) + 2,
    columnNames[check.column] ?? check.column + 1,
  );
}
