/**
 * A delimited file staged in DuckDB as declared VARCHAR columns `c0`…`cN`
 * (no type guessing: `01`, `2A`, `ZA` stay text, secret markers stay
 * visible; the header is bound by name in Node first, since it can be shorter
 * than the rows), then checked in SQL cell by cell before anything is
 * projected: the first offending cell stops the run naming file, line and
 * column. cp1252 files are first converted to UTF-8 in the work directory,
 * streaming: DuckDB only knows UTF-8 and Latin-1, and Latin-1 would garble
 * `œ`, `’`, `€`. Written once for every source that reads a file this way
 * (elections, insee-comparateur, the read errors of etat-civil-insee).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import { structValue, type DuckDBConnection } from '@duckdb/node-api';
import { SourceError } from './errors.js';
import { parseDuckdbCsvError } from './duckdb-csv-error.js';
import { sqlString } from './sql-script.js';
import { withInsertionOrder } from './insertion-order.js';
import { shapeSql } from './counted-checks.js';

export async function toUtf8(path: string, encoding: string, workDir: string, tag: string): Promise<string> {
  if (encoding.toLowerCase() === 'utf-8') return path;
  const target = join(workDir, `${tag}-${basename(path)}.utf8`);
  await pipeline(createReadStream(path), iconv.decodeStream(encoding), iconv.encodeStream('utf8'), createWriteStream(target));
  return target;
}

/**
 * Which line of DuckDB's message follows « lecture CSV impossible : »: the
 * first naming the error (`error-line`, elections), or the first after
 * DuckDB's "Invalid Input Error" heading (`after-heading`, INSEE sources).
 * Each source keeps the wording its releases and tests already show.
 */
export type CsvErrorDetail = 'error-line' | 'after-heading';

/** A DuckDB error while reading `file` as a SourceError « lecture CSV impossible : … » with DuckDB's line when it gives one. */
export function csvReadError(sourceId: string, file: string, error: unknown, detail: CsvErrorDetail = 'error-line'): SourceError {
  const { message, line } = parseDuckdbCsvError(error);
  const lines = message.split('\n');
  const picked = detail === 'error-line'
    ? lines.find((l) => /Expected Number of Columns|Error/.test(l))
    : lines.find((l) => l.trim() && !l.startsWith('Invalid Input Error'));
  return new SourceError(sourceId, file, `lecture CSV impossible : ${(picked ?? message).trim()}`, line);
}

export interface StageOptions {
  /** Rows may stop early, the missing cells read as NULL (législatives stop after the last candidate standing). Default true. */
  nullPadding?: boolean;
  /** Default `;`. */
  delimiter?: string;
  /** How a read error is worded (csvReadError). Default `error-line`. */
  errorDetail?: CsvErrorDetail;
  /** Only these columns are kept (still named `c<i>`): a wide national file stages what the source reads. Default all. */
  keep?: number[];
  /** Quote character; `''` for producers that never quote (a `"` inside a name is then text). Default `"`. */
  quote?: string;
}

/**
 * `CREATE OR REPLACE TABLE <table>` from the file (header skipped), `columnCount`
 * VARCHAR columns; `name` is the file as shown in errors. Rows are stored in file
 * order whatever the run's setting (insertion-order.ts): line of row r = r + 2.
 */
export async function stageCsv(
  duckdb: DuckDBConnection, sourceId: string, table: string, path: string, name: string, columnCount: number,
  options: StageOptions = {},
): Promise<void> {
  const { nullPadding = true, delimiter = ';', errorDetail = 'error-line', keep, quote = '"' } = options;
  const columns = structValue(Object.fromEntries(Array.from({ length: columnCount }, (_, i) => [`c${i}`, 'VARCHAR'])));
  const read = `read_csv($path, delim=$delimiter, header=false, skip=1, auto_detect=false, quote=$quote, escape=$quote, null_padding=${nullPadding}, columns=$columns)`;
  const select = keep ? keep.map((i) => `c${i}`).join(', ') : '*';
  try {
    await withInsertionOrder(duckdb, () => duckdb.run(`CREATE OR REPLACE TABLE ${table} AS SELECT ${select} FROM ${read}`, { path, delimiter, columns, quote }));
  } catch (e) {
    throw csvReadError(sourceId, name, e, errorDetail);
  }
}


/** SQL over staged column `c<col>`: trimmed text or null, integer or null, blank, and the format checks. */
export const text = (col: number | undefined): string => (col === undefined ? 'NULL' : `nullif(trim(c${col}), '')`);
export const integer = (col: number | undefined): string => (col === undefined ? 'NULL' : `TRY_CAST(nullif(trim(c${col}), '') AS BIGINT)`);
export const isBlank = (col: number): string => `(coalesce(trim(c${col}), '') = '')`;
export const notInteger = (col: number): string => `(NOT ${isBlank(col)} AND TRY_CAST(trim(c${col}) AS BIGINT) IS NULL)`;
/** Percentages come as `98,10%`, `98,10` or `98.10`: all accepted. */
export const notPercent = (col: number): string => `(NOT ${isBlank(col)} AND NOT regexp_full_match(trim(c${col}), '-?[0-9]+([.,][0-9]+)? ?%?'))`;

/** Empty, or one of the secret markers (INSEE writes `s` for a value under statistical secrecy). */
const blankOrMarker = (col: number, markers: readonly string[]): string =>
  `coalesce(trim(c${col}), '') IN (${['', ...markers].map(sqlString).join(', ')})`;
/** A number or null: null when empty or a secret marker, decimal comma accepted. */
export const numeric = (col: number, markers: readonly string[] = ['s']): string =>
  `CASE WHEN ${blankOrMarker(col, markers)} THEN NULL ELSE TRY_CAST(replace(trim(c${col}), ',', '.') AS DOUBLE) END`;

/** A failing cell: `sql` is true on the offending rows; the first check that fails on a row names it. */
export interface CellCheck {
  sql: string;
  column: number;
  problem: string;
  /** The whole error text from the value found, where a source words it otherwise than « <problem>, trouvé « <value> » ». */
  wording?: (found: string) => string;
}

/** A cell that is neither a number with `.` or `,` as decimal separator, nor empty, nor a secret marker. */
export function numericCheck(col: number, markers: readonly string[] = ['s']): CellCheck {
  const expected = ['nombre', 'vide', ...markers].join(', ').replace(/, ([^,]*)$/, ' ou $1');
  return {
    sql: `(NOT ${blankOrMarker(col, markers)} AND TRY_CAST(replace(trim(c${col}), ',', '.') AS DOUBLE) IS NULL)`,
    column: col,
    problem: 'valeur non numérique',
    wording: (found) => `valeur non numérique « ${found} » (attendu : ${expected})`,
  };
}

const DIGITS = (n: number) => '[0-9]'.repeat(n);
const COMMUNE_CODE_SHAPES = [DIGITS(4), DIGITS(5), `2[AB]${DIGITS(3)}`];

/** A commune code that is not 4 or 5 digits (a lost leading zero is repaired later) or 2A/2B and 3 digits. */
export function communeCodeCheck(col: number): CellCheck {
  return {
    // The shapes as GLOB (counted-checks.ts): cheaper than a regular expression on every row of a national file.
    sql: `(NOT coalesce(${shapeSql(`trim(c${col})`, COMMUNE_CODE_SHAPES)}, false))`,
    column: col,
    problem: 'code commune invalide',
    wording: (found) => `code commune invalide « ${found} »`,
  };
}

/** A non-empty cell that does not match `pattern` (a whole-cell regular expression). */
export function formatCheck(col: number, pattern: string, what: string): CellCheck {
  return {
    sql: `(NOT ${isBlank(col)} AND NOT regexp_full_match(trim(c${col}), ${sqlString(pattern)}))`,
    column: col,
    problem: `${what} mal formé`,
    wording: (found) => `${what} mal formé « ${found} »`,
  };
}

/** First offending row in file order, first failing check of that row → SourceError naming line and column. */
export async function firstBadCell(
  duckdb: DuckDBConnection, sourceId: string, table: string, name: string, checks: CellCheck[], columnNames: string[],
): Promise<void> {
  if (checks.length === 0) return;
  const cases = checks.map((c, i) => `WHEN ${c.sql} THEN ${i}`).join(' ');
  const result = await duckdb.runAndReadAll(
    `SELECT rowid, CASE ${cases} END AS k FROM ${table} WHERE (${checks.map((c) => c.sql).join(' OR ')}) ORDER BY rowid LIMIT 1`,
  );
  const row = result.getRowsJS()[0];
  if (!row) return;
  const check = checks[Number(row[1])];
  const value = await duckdb.runAndReadAll(`SELECT c${check.column} FROM ${table} WHERE rowid = ${Number(row[0])}`);
  const found = String(value.getRowsJS()[0]?.[0] ?? '');
  throw new SourceError(
    sourceId, name, check.wording ? check.wording(found) : `${check.problem}, trouvé « ${found} »`, Number(row[0]) + 2,
    columnNames[check.column] ?? check.column + 1,
  );
}
