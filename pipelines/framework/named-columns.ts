/**
 * A header bound by name: producers whose editions add, drop or move columns
 * (BPE, Annuaire Santé) are read by the names they document, never by
 * position. A required name missing from line 1 stops the run naming the file;
 * the indices then drive `stageCsv(..., { keep })` and `firstBadCell`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SourceError } from './errors.js';
import { readFirstLine } from './csv-header.js';
import { firstBadCell, stageCsv, type CellCheck } from './staged-csv.js';
import { withInsertionOrder } from './insertion-order.js';

export interface BoundHeader {
  /** Every name of line 1, in order; a trailing delimiter (Annuaire Santé) ends the line and names no column. */
  names: string[];
  /** Position of each declared name found (required ones always present). */
  index: Map<string, number>;
}

export async function bindHeader(
  sourceId: string, file: string, delimiter: string, required: readonly string[], optional: readonly string[] = [],
): Promise<BoundHeader> {
  const names = (await readFirstLine(file)).replace(/^\uFEFF/, '').replace(/\r$/, '').split(delimiter)
    .map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  if (names.length > 1 && names.at(-1) === '') names.pop();
  const index = new Map<string, number>();
  for (const name of [...required, ...optional]) {
    const at = names.indexOf(name);
    if (at >= 0) index.set(name, at);
    else if (required.includes(name)) {
      throw new SourceError(sourceId, file, `colonne « ${name} » absente de l'en-tête (trouvé : ${names.filter(Boolean).slice(0, 8).join(', ')}${names.length > 8 ? '…' : ''})`, 1);
    }
  }
  return { names, index };
}

/** Whether line 1 of `file` carries all of `names` (which of a producer's files this is). */
export async function headerHas(file: string, delimiter: string, names: readonly string[]): Promise<boolean> {
  const header = (await readFirstLine(file)).replace(/^\uFEFF/, '').split(delimiter).map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
  return names.every((n) => header.includes(n));
}

export interface NamedStage {
  delimiter: string;
  /** `''` for producers that never quote. Default `"`. */
  quote?: string;
  /** Producer's column name → staged column name (VARCHAR, trimmed, empty = NULL); absent optional columns stage as NULL. */
  columns: Record<string, string>;
  required: readonly string[];
  /** Cell checks over the raw columns (`c<i>`, `at(name)` gives i): the first failing cell stops the run with line and column. */
  checks?: (at: (name: string) => number | undefined) => CellCheck[];
}

/**
 * Appends the declared columns of one delimited file to `table` (created by
 * the first file): header bound by name, only those columns staged, cells
 * checked where the line is still known, then renamed. Every row must have
 * the header's number of fields: one too many stops the read at its line.
 */
export async function stageNamedColumns(duckdb: DuckDBConnection, sourceId: string, file: string, table: string, spec: NamedStage): Promise<void> {
  const names = Object.keys(spec.columns);
  const header = await bindHeader(sourceId, file, spec.delimiter, spec.required, names.filter((n) => !spec.required.includes(n)));
  const at = (name: string) => header.index.get(name);
  const raw = `${table}_brut`;
  const keep = [...new Set(header.index.values())].sort((a, b) => a - b);
  await stageCsv(duckdb, sourceId, raw, file, file, header.names.length, { delimiter: spec.delimiter, quote: spec.quote, keep, nullPadding: false });
  try {
    await firstBadCell(duckdb, sourceId, raw, file, spec.checks?.(at) ?? [], header.names);
    const select = names.map((n) => `${at(n) === undefined ? 'NULL::VARCHAR' : `nullif(trim(c${at(n)}), '')`} AS ${spec.columns[n]}`).join(', ');
    await duckdb.run(`CREATE TABLE IF NOT EXISTS ${table} AS SELECT ${select} FROM ${raw} LIMIT 0`);
    // In file order too: sources name a line from the staged table's rowid (qualite-air-atmo).
    await withInsertionOrder(duckdb, () => duckdb.run(`INSERT INTO ${table} SELECT ${select} FROM ${raw}`));
  } finally {
    await duckdb.run(`DROP TABLE IF EXISTS ${raw}`);
  }
}
