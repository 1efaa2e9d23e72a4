/**
 * The first record of a delimited UTF-8 (or latin-1) file that a check refuses, found by a
 * plain CSV parse: DuckDB counts what a check refuses over many files in
 * parallel, this scan then names the file's line and column. Unlike a
 * line-by-line split (`firstLineWhere`), it follows quoted fields over
 * several lines and tolerates quotes inside unquoted fields (loose quoting),
 * so the line it names is the one an editor shows.
 */
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';

export interface RecordCheck { column: string; bad: (value: string) => boolean }

export async function firstRecordWhere(
  file: string, header: readonly string[], checks: RecordCheck[], delimiter = ';', encoding: 'utf8' | 'latin1' = 'utf8',
): Promise<{ line: number; column: string; value: string } | undefined> {
  const indexed = checks.map((c) => ({ ...c, index: header.indexOf(c.column) }));
  const parser = createReadStream(file).pipe(parse({
    delimiter, encoding, from_line: 2, relax_quotes: true, relax_column_count: true, info: true, skip_empty_lines: true,
  }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      for (const check of indexed) {
        const value = record[check.index] ?? '';
        if (check.bad(value)) return { line: info.lines, column: check.column, value };
      }
    }
  } finally {
    parser.destroy();
  }
  return undefined;
}
