/**
 * Cell checks of a file read once: the SQL that reads it gives each row the index of its first failing check (a
 * CASE over cheap column predicates, in the order of `checks`), and only when some check failed is the file
 * scanned again, in order, to name the first line where that column fails (declared-csv.ts' firstLineWhere). A
 * clean file is read once; a refused one stops the run naming file, line, column and value.
 */
import { SourceError } from './errors.js';
import { firstLineWhere } from './declared-csv.js';
import type { BoundHeader } from './header-prefix.js';

/** What a check refuses (the plain scan repeats it on the text of the cell) and what was expected instead. */
export interface CellCheck { bad: (value: string) => boolean; expected: string }

/** The first failing line of the first check (by index) that the read counted, as a SourceError; undefined if none failed. */
export async function countedCheckFailure<K extends string>(
  sourceId: string, file: string, header: BoundHeader<K>, checks: Partial<Record<K, CellCheck>>, failed: readonly number[], delimiter = ';',
): Promise<SourceError | undefined> {
  if (!failed.length) return undefined;
  const [key, check] = Object.entries(checks)[Math.min(...failed)] as [K, CellCheck];
  const column = header.names[header.index[key]];
  const { line, value } = await firstLineWhere(file, header.names, column, check.bad, delimiter);
  return new SourceError(sourceId, file, `valeur « ${value} » inattendue (attendu : ${check.expected})`, line, column);
}
