/**
 * Cell checks of a file read once: the SQL that reads it gives each row the index of its first failing check
 * (`firstFailedCheckSql`, a CASE over the checks in declared order), and only when some check failed is the file
 * scanned again, in order, to name the first line where that column fails. Each check is written once, as a SQL
 * predicate: the scan hands the column's cells to DuckDB in batches and asks the same predicate which one fails
 * first, so the read and the scan cannot disagree. A clean file is read once; a refused one stops the run naming
 * file, line, column and value.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SourceError } from './errors.js';
import { splitLine } from './csv-header.js';
import { fillSql } from './sql-script.js';
import type { BoundHeader } from './header-prefix.js';

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
