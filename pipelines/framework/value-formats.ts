/**
 * A delimited file's declared value formats, and the errors that say where a
 * file breaks them, naming file, line and column: DuckDB's CSV errors turned
 * into a SourceError, and, when DuckDB only counted the bad values (a check
 * written as a SQL count, which its parallel reader cannot place), the first
 * offending line found by reading the files again in JS (error path only).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { SourceError } from './errors.js';
import { parseDuckdbCsvError } from './duckdb-csv-error.js';

/** What a value of a column must look like; `expected` completes « valeur « x » au lieu de … ». */
export interface ValueFormat { test: (value: string) => boolean; expected: string }

/** Turns DuckDB's CSV errors into a SourceError naming file, line and column; any other error is returned as is. */
export function csvError(
  sourceId: string, files: string[], layout: { columns: readonly string[]; delimiter: string },
  formats: Partial<Record<string, ValueFormat>>, error: unknown,
): unknown {
  const { columns, delimiter } = layout;
  const e = parseDuckdbCsvError(error);
  if (e.line === undefined) return error;
  let column: string | number | undefined;
  let problem: string;
  if (e.columnCount) {
    const n = e.columnCount.found;
    column = n < columns.length ? columns[n] : n + 1;
    problem = `${n} colonnes au lieu de ${columns.length}`;
  } else if (e.column !== undefined) {
    column = e.column;
    problem = `valeur « ${e.value ?? ''} » au lieu de ${formats[e.column]?.expected ?? 'une valeur du type déclaré'}`;
  } else if (e.unterminatedQuote) {
    const before = e.original.slice(0, Math.max(0, e.original.indexOf('"')));
    column = columns[before.split(delimiter).length - 1] ?? before.split(delimiter).length;
    problem = 'guillemet ouvert jamais refermé';
  } else {
    problem = e.message.split('\n')[0].replace(/^Invalid Input Error: /, '');
  }
  return new SourceError(sourceId, e.file ?? files.join(', '), problem, e.line, column);
}

/**
 * Error path only: reads the files again in JS to name the first line and
 * column whose value breaks its format, among the columns `counts` says are
 * broken and the rows `include` keeps (the scan's own filter). Line numbers
 * are physical lines, as an editor shows them.
 */
export async function locateBadValue(
  sourceId: string, files: string[],
  layout: { columns: readonly string[]; delimiter: string; include(row: Record<string, string>): boolean; headerLines?: number },
  formats: Record<string, ValueFormat>, counts: Record<string, number>,
): Promise<SourceError> {
  const wanted = Object.keys(counts).filter((k) => counts[k] > 0);
  for (const file of files) {
    const raw = createReadStream(file);
    const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    const parser = input.pipe(parse({ delimiter: layout.delimiter, from_line: (layout.headerLines ?? 1) + 1, relax_quotes: false, info: true }));
    try {
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
        const row = Object.fromEntries(layout.columns.map((c, i) => [c, record[i] ?? '']));
        if (!layout.include(row)) continue;
        for (const k of wanted) {
          if (!formats[k].test(row[k])) {
            return new SourceError(sourceId, file, `valeur « ${row[k]} » au lieu de ${formats[k].expected}`, info.lines, k);
          }
        }
      }
    } finally {
      raw.destroy();
    }
  }
  const detail = wanted.map((k) => `${k}: ${counts[k]}`).join(', ');
  return new SourceError(sourceId, files.join(', '), `valeurs hors format (${detail})`);
}
