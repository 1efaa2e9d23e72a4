/**
 * Cell checks of a file read once: the SQL that reads it gives each row the index of its first failing check (a
 * CASE over cheap column predicates, in the order of the checks), the read counts or keeps the smallest index, and
 * only when some check failed is the file scanned again, in order, to name the first line where a check fails. A
 * clean file is read once; a refused one stops the run naming file, line, column and value.
 *
 * A cell check (`CellCheck`) is written once, as a SQL predicate: the rescan hands the column's cells to DuckDB in
 * batches and asks the same predicate which one fails first, so the read and the rescan cannot disagree. A row check
 * (`RowCheck`, over several cells of a line) is written in SQL for the read and in JS for the rescan.
 *
 * The predicates are meant to cost little more than the read itself: `trimmedSql` trims only the cells that start
 * or end with a space, `shapeSql` tests a code's shape with GLOB instead of a regular expression (measured on the
 * national Annuaire Santé file: four regular expressions add ~0.5× the bare read in CPU, the same shapes as GLOB
 * ~0.1×), and the same shapes are read by the rescan as regular expressions, so both sides refuse the same cells.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SourceError } from './errors.js';
import { splitLine } from './csv-header.js';
import type { BoundHeader } from './header-prefix.js';
import { fillSql, sqlString } from './sql-script.js';

/**
 * What a check refuses: a SQL predicate over `{{cell}}` (the cell's text as DuckDB's CSV reader gives it, NULL when
 * empty), true when the cell is refused; and what was expected instead.
 */
export interface CellCheck { refuses: string; expected: string }

/** `CASE WHEN <check 0 refuses> THEN 0 WHEN … END`: the index of a row's first failing check, NULL when none. */
export function firstFailedCheckSql<K extends string>(checks: Partial<Record<K, CellCheck>>, column: (key: K) => string): string {
  const whens = (Object.entries(checks) as [K, CellCheck][]).map(([key, check], i) => `WHEN ${fillSql(check.refuses, { cell: column(key) })} THEN ${i}`);
  return `CASE ${whens.join(' ')} END`;
}

/**
 * A check of a row, written twice: `sql` is true on a failing row of the read (over the query's cell names),
 * `bad` on a failing line of the rescan (`cell(name)`: the raw text of the header column `name`); `column` is
 * the header column named in the error, `wording` its text from the value found there (and the line's other cells).
 */
export interface RowCheck {
  column: string;
  sql: string;
  bad: (cell: (name: string) => string) => boolean;
  wording: (found: string, cell: (name: string) => string) => string;
}

/** `nullif(trim(cell), '')` (DuckDB's trim: spaces only) at the price of byte tests: trim runs only on the cells that need it. */
export const trimmedSql = (cell: string): string =>
  `CASE WHEN ${cell} = '' OR starts_with(${cell}, ' ') OR ends_with(${cell}, ' ') THEN nullif(trim(${cell}), '') ELSE ${cell} END`;

/** The same on one cell of the rescan. */
export const trimmed = (value: string): string => value.replace(/^ +| +$/g, '');

/**
 * A shape: literal letters and digits and bracket classes (`2[AB][0-9][0-9][0-9]`), which DuckDB's GLOB and a
 * regular expression read alike. Anything else (`*`, `?`, `{n}`…) is refused here, where the two would differ.
 */
function checkedShapes(shapes: readonly string[]): readonly string[] {
  for (const s of shapes) if (!/^([A-Za-z0-9]|\[[A-Za-z0-9-]+\])+$/.test(s)) throw new Error(`forme « ${s} » : lettres, chiffres et classes [..] seulement`);
  return shapes;
}

/** SQL: `cell` (text or NULL) has one of `shapes`; NULL when the cell is NULL. */
export const shapeSql = (cell: string, shapes: readonly string[]): string =>
  `(${checkedShapes(shapes).map((s) => `${cell} GLOB '${s}'`).join(' OR ')})`;

/** JS: `value` has one of `shapes`. */
export function shapeTest(shapes: readonly string[]): (value: string) => boolean {
  const regex = new RegExp(`^(?:${checkedShapes(shapes).join('|')})$`);
  return (value) => regex.test(value);
}

/** The index of a row's first failing check, NULL when it passes them all (`offset` is added: e.g. a file's number × checks). */
export const firstFailingSql = (checks: readonly RowCheck[], offset = ''): string =>
  checks.length ? `CASE ${checks.map((c, i) => `WHEN ${c.sql} THEN ${offset}${i}`).join(' ')} END` : 'NULL';

/**
 * The first line of `file` on which one of `checks` fails, named with the first failing check of that line
 * (the order of the read's CASE), as a SourceError. `quote` `''`: the producer never quotes (a plain split).
 */
export async function firstFailingLine(
  sourceId: string, file: string, names: readonly string[], checks: readonly RowCheck[], delimiter = ';', quote = '"',
): Promise<SourceError> {
  const index = new Map(names.map((n, i) => [n, i]));
  const input = createReadStream(file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      if (++line === 1) continue;
      const cells = quote === '' ? text.split(delimiter) : splitLine(text, delimiter);
      const cell = (name: string) => cells[index.get(name) ?? -1] ?? '';
      const check = checks.find((c) => c.bad(cell));
      if (check) return new SourceError(sourceId, file, check.wording(cell(check.column), cell), line, check.column);
    }
  } finally {
    lines.close();
    input.destroy();
  }
  throw new Error(`${file} : la lecture a compté une ligne refusée que la relecture ne trouve pas`);
}

const BATCH = 65_536;

/** The first failing line of the first check (by index) that the read counted, as a SourceError; undefined if none failed. */
export async function countedCheckFailure<K extends string>(
  duckdb: DuckDBConnection, sourceId: string, file: string, header: BoundHeader<K>, checks: Partial<Record<K, CellCheck>>,
  failed: readonly number[], delimiter = ';',
): Promise<SourceError | undefined> {
  if (!failed.length) return undefined;
  const [key, check] = Object.entries(checks)[Math.min(...failed)] as [K, CellCheck];
  const column = header.names[header.index[key]];
  const found = await firstRefusedLine(duckdb, file, header.index[key], check, delimiter);
  if (!found) throw new Error(`${file} : aucune ligne ne correspond (colonne ${column})`);
  return new SourceError(sourceId, file, `valeur « ${found.value} » inattendue (attendu : ${check.expected})`, found.line, column);
}

/** The first data line (header = line 1) whose cell in column `index` the check refuses, asked of DuckDB by batches. */
async function firstRefusedLine(duckdb: DuckDBConnection, file: string, index: number, check: CellCheck, delimiter: string) {
  await duckdb.run('CREATE OR REPLACE TEMP TABLE counted_check_cells (line BIGINT, cell VARCHAR)');
  const ask = async (cells: [number, string][]) => {
    await duckdb.run('DELETE FROM counted_check_cells');
    const appender = await duckdb.createAppender('counted_check_cells');
    for (const [line, cell] of cells) {
      appender.appendBigInt(BigInt(line));
      if (cell === '') appender.appendNull(); else appender.appendVarchar(cell);
      appender.endRow();
    }
    appender.closeSync();
    const [row] = (await duckdb.runAndReadAll(
      `SELECT line, cell FROM counted_check_cells WHERE ${fillSql(check.refuses, { cell: 'cell' })} ORDER BY line LIMIT 1`,
    )).getRowObjectsJS();
    return row ? { line: Number(row.line), value: String(row.cell ?? '') } : undefined;
  };
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  try {
    let line = 0;
    let cells: [number, string][] = [];
    for await (const text of lines) {
      if (++line === 1) continue;
      cells.push([line, splitLine(text, delimiter)[index] ?? '']);
      if (cells.length === BATCH) {
        const found = await ask(cells);
        if (found) return found;
        cells = [];
      }
    }
    return cells.length ? await ask(cells) : undefined;
  } finally {
    lines.close();
    await duckdb.run('DROP TABLE IF EXISTS counted_check_cells');
  }
}

/**
 * The SELECT of one delimited file for a counted read: each declared column (header name → name in the query, its
 * position from named-columns.ts' bindHeader; an absent one NULL) trimmed, empty = NULL, and `fichier` the file's
 * number (`files.map(...).join(' UNION ALL ')` reads several in one query). Every column of the header is declared
 * VARCHAR (no type guessing) and a row with a field too many or too few stops the read at its line.
 */
export function namedCellsSql(
  file: string, header: { names: readonly string[]; index: ReadonlyMap<string, number> }, columns: Record<string, string>, fichier: number,
  delimiter: string, quote = '"',
): string {
  const cells = Object.entries(columns).map(([name, as]) => {
    const at = header.index.get(name);
    return `${at === undefined ? 'NULL::VARCHAR' : trimmedSql(`c${at}`)} AS ${as}`;
  });
  const declared = `{${header.names.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ')}}`;
  const q = sqlString(quote);
  return `SELECT ${fichier} AS fichier, ${cells.join(', ')} FROM read_csv(${sqlString(file)}, delim=${sqlString(delimiter)}, header=false, skip=1, `
    + `auto_detect=false, quote=${q}, escape=${q}, null_padding=false, columns=${declared})`;
}
