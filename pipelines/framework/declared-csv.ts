/**
 * Delimited files whose producer documents a fixed header: the header must be
 * exactly the declared one (a renamed or moved column stops the run naming its
 * position), and DuckDB reads them with the declared column types, so a value
 * that does not convert stops the run with its file, line and column.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { SourceError } from './errors.js';
import { readFirstLine, readFirstLines, splitLine } from './csv-header.js';
import { parseDuckdbCsvError } from './duckdb-csv-error.js';
import { sqlString } from './sql-script.js';

export type DuckdbType = 'VARCHAR' | 'DOUBLE' | 'UTINYINT' | 'BIGINT' | 'INTEGER';

/** `read_csv` of several files with the same declared header (name → DuckDB type, in file order). */
export function readDeclaredCsvSql(files: string[], columns: readonly (readonly [string, DuckdbType])[], delimiter = ';'): string {
  const declared = columns.map(([name, type]) => `'${name}': '${type}'`).join(', ');
  return `read_csv([${files.map(sqlString).join(', ')}], columns = {${declared}}, header = true, auto_detect = false, delim = '${delimiter}', quote = '"', escape = '"', strict_mode = true)`;
}

/**
 * The header line (the first, or `line` for a file with several header lines,
 * e.g. labels then codes) must list exactly `expected` (quotes, BOM and CR
 * dropped); column numbers start at 1.
 */
export async function checkExactHeader(sourceId: string, file: string, expected: readonly string[], delimiter = ';', line = 1): Promise<void> {
  const text = line === 1 ? await readFirstLine(file) : readFirstLines(file, line)[line - 1] ?? '';
  const found = text.replace(/^\uFEFF/, '').replace(/\r$/, '').split(delimiter).map((h) => h.replace(/^"(.*)"$/, '$1'));
  for (let i = 0; i < Math.max(found.length, expected.length); i++) {
    if (found[i] !== expected[i]) {
      throw new SourceError(sourceId, file, found[i] === undefined ? `colonne « ${expected[i]} » absente`
        : `en-tête « ${found[i]} » au lieu de « ${expected[i] ?? '(fin de ligne)'} »`, line, i + 1);
    }
  }
}

/**
 * A DuckDB "CSV Error on Line: N" as a SourceError: the file DuckDB names (or
 * all of them), the column that did not convert and what it expected
 * (`expected(column)`, e.g. "0 ou 1"). Other errors are returned unchanged.
 */
export function conversionError(sourceId: string, files: string[], error: unknown, expected: (column: string) => string): unknown {
  const e = parseDuckdbCsvError(error);
  if (e.line === undefined) return error;
  const problem = e.column ? `valeur « ${e.value} » non conforme (${expected(e.column)} attendu)` : e.message.split('\n')[0];
  return new SourceError(sourceId, e.file ?? files.join(', '), problem, e.line, e.column);
}

/**
 * First data line (header = line 1) whose `column` fails `bad`, with the value
 * found there: DuckDB's parallel reader counts what a check refuses, this
 * plain scan then names the exact line.
 */
export async function firstLineWhere(
  file: string, header: readonly string[], column: string, bad: (value: string) => boolean, delimiter = ';',
): Promise<{ line: number; value: string }> {
  const index = header.indexOf(column);
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    if (++line === 1) continue;
    const value = splitLine(text, delimiter)[index] ?? '';
    if (bad(value)) { lines.close(); return { line, value }; }
  }
  throw new Error(`${file} : aucune ligne ne correspond (colonne ${column})`);
}
