/**
 * A national file staged and checked in ONE read: the declared columns are
 * bound by name (named-columns.ts for delimited text, the schema for parquet),
 * read once, and each row carries the index of its first failing cell check
 * (`_defaut`, NULL when clean), so that a clean file costs one read and no
 * raw copy. The first failing row in file order stops the run naming file,
 * line and column, like staged-csv.ts' firstBadCell.
 *
 * Parquet (the BPE publishes both) is recognised by its magic bytes; its
 * columns are bound by the same names and read as text, so that one stage.sql
 * serves both. A declared name missing from the schema stops the run naming it.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { structValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { SourceError } from './errors.js';
import { bindHeader, type NamedStage } from './named-columns.js';
import { csvReadError } from './staged-csv.js';
import { withInsertionOrder } from './insertion-order.js';
import { trimmedSql } from './counted-checks.js';

/** Whether `file` starts with parquet's magic bytes `PAR1`. */
export function isParquet(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    return readSync(fd, head, 0, 4, 0) === 4 && head.toString('latin1') === 'PAR1';
  } finally {
    closeSync(fd);
  }
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** The parquet schema's names, bound like a header: a required one missing stops the run naming file and column. */
async function bindParquet(duckdb: DuckDBConnection, sourceId: string, file: string, required: readonly string[], optional: readonly string[]) {
  const described = await duckdb.runAndReadAll('DESCRIBE SELECT * FROM read_parquet($path)', { path: file });
  const names = described.getRowObjectsJS().map((r) => String(r.column_name));
  const index = new Map<string, number>();
  for (const name of [...required, ...optional]) {
    const at = names.indexOf(name);
    if (at >= 0) index.set(name, at);
    else if (required.includes(name)) {
      throw new SourceError(sourceId, file, `colonne « ${name} » absente du fichier parquet (trouvé : ${names.slice(0, 8).join(', ')}${names.length > 8 ? '…' : ''})`, undefined, name);
    }
  }
  return { names, index };
}

/**
 * Appends the declared columns of `file` (delimited text or parquet) to
 * `table` (VARCHAR, trimmed, empty = NULL; absent optional columns NULL),
 * plus `_defaut`. Throws a SourceError at the first row failing a check.
 */
export async function stageCheckedColumns(duckdb: DuckDBConnection, sourceId: string, file: string, table: string, spec: NamedStage): Promise<void> {
  const names = Object.keys(spec.columns);
  const optional = names.filter((n) => !spec.required.includes(n));
  const parquet = isParquet(file);
  const header = parquet ? await bindParquet(duckdb, sourceId, file, spec.required, optional) : await bindHeader(sourceId, file, spec.delimiter, spec.required, optional);
  const at = (name: string) => header.index.get(name);
  const keep = [...new Set(header.index.values())].sort((a, b) => a - b);
  const quote = spec.quote ?? '"';
  const source = parquet
    ? `(SELECT ${keep.map((i) => `CAST(${quoteIdent(header.names[i])} AS VARCHAR) AS c${i}`).join(', ')} FROM read_parquet($path))`
    : `(SELECT ${keep.map((i) => `c${i}`).join(', ')} FROM read_csv($path, delim=$delimiter, header=false, skip=1, auto_detect=false, quote=$quote, escape=$quote, null_padding=false, columns=$columns))`;
  const checks = spec.checks?.(at) ?? [];
  const defect = checks.length ? `CASE ${checks.map((c, i) => `WHEN ${c.sql} THEN ${i}`).join(' ')} END` : 'NULL';
  const select = names.map((n) => `${at(n) === undefined ? 'NULL::VARCHAR' : trimmedSql(`c${at(n)}`)} AS ${spec.columns[n]}`).join(', ');

  await duckdb.run(`CREATE TABLE IF NOT EXISTS ${table} (${names.map((n) => `${spec.columns[n]} VARCHAR`).join(', ')}, _defaut INTEGER)`);
  const before = Number((await duckdb.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJS()[0][0]);
  const params: Record<string, DuckDBValue> = parquet ? { path: file } : {
    path: file, delimiter: spec.delimiter, quote,
    columns: structValue(Object.fromEntries(header.names.map((_, i) => [`c${i}`, 'VARCHAR']))),
  };
  try {
    await duckdb.run(`INSERT INTO ${table} SELECT ${select}, ${defect} FROM ${source}`, params);
  } catch (e) {
    if (parquet) throw new SourceError(sourceId, file, `lecture parquet impossible : ${(e as Error).message.split('\n')[0]}`);
    throw csvReadError(sourceId, file, e);
  }
  if (!checks.length) return;
  const defective = await duckdb.runAndReadAll(`SELECT 1 FROM ${table} WHERE rowid >= ${before} AND _defaut IS NOT NULL LIMIT 1`);
  if (!defective.getRowsJS().length) return;
  // The run may not keep insertion order (framework/duckdb.ts): the first bad row in file order is found by
  // reading the file again with order kept — only when there is one, so a clean file is read once.
  try {
    await withInsertionOrder(duckdb, () => duckdb.run(`CREATE OR REPLACE TEMP TABLE ${table}_defauts AS SELECT ${defect} AS k, * FROM ${source}`, params));
    const [row, k, ...cells] = (await duckdb.runAndReadAll(`SELECT rowid, k, * EXCLUDE (k) FROM ${table}_defauts WHERE k IS NOT NULL ORDER BY rowid LIMIT 1`)).getRowsJS()[0];
    const check = checks[Number(k)];
    const found = String(cells[keep.indexOf(check.column)] ?? '');
    // A text file's row r is on line r + 2 (after the header); a parquet file has no header line: row r is row r + 1.
    throw new SourceError(sourceId, file, check.wording ? check.wording(found) : `${check.problem}, trouvé « ${found} »`,
      Number(row) + (parquet ? 1 : 2), header.names[check.column] ?? check.column + 1);
  } finally {
    await duckdb.run(`DROP TABLE IF EXISTS ${table}_defauts`);
  }
}
