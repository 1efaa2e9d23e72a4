/**
 * The first refused value of a file, by a plain scan: for a source that reads its file with typed columns (a value
 * DuckDB cannot convert stops the read) or counts its malformed cells in SQL, the line, column and value to name
 * in the error, found by repeating its checks in JS. Runs on the failure path only, and reads the file once.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { splitLine } from './csv-header.js';

export interface ValueCheck { column: string; bad: (value: string) => boolean; expected: string }

/** Line (header = 1), column, value and what was expected of the first refused cell; undefined when every cell passes. */
export async function firstRefusedValue(
  file: string, header: readonly string[], checks: readonly ValueCheck[], delimiter = ';',
): Promise<{ line: number; column: string; value: string; expected: string } | undefined> {
  const bound = checks.map((check) => ({ ...check, index: header.indexOf(check.column) }));
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    if (++line === 1) continue;
    const fields = splitLine(text, delimiter);
    const refused = bound.find((check) => check.bad(fields[check.index] ?? ''));
    if (refused) { lines.close(); return { line, column: refused.column, value: fields[refused.index] ?? '', expected: refused.expected }; }
  }
  return undefined;
}
