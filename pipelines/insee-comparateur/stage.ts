/**
 * Stage and check: the comparateur and its dictionary are read by DuckDB with
 * every column declared as VARCHAR (no type guessing: codes keep their zeros
 * and `2A`, secret markers stay visible), then each indicator column is checked
 * to hold a number with `.` or `,` as decimal separator, empty, or `s`.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SourceError } from '../framework/errors.js';
import { readFirstLines, splitLine } from '../framework/csv-header.js';
import type { BoundIndicator } from './variables.js';

export const DICTIONARY_HEADER = ['COD_VAR', 'LIB_VAR', 'LIB_VAR_LONG', 'COD_MOD', 'LIB_MOD', 'TYPE_VAR', 'LONG_VAR'];

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** `read_csv` over a `;` file with one VARCHAR column per header name, named c0…cN. */
export function readCsvSql(path: string, columnCount: number): string {
  const columns = Array.from({ length: columnCount }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  return `read_csv(${sqlString(path)}, delim=';', header=false, skip=1, auto_detect=false, quote='"', escape='"', columns={${columns}})`;
}

/** DuckDB reports "CSV Error on Line: N"; keep that line for the SourceError. */
export function duckdbCsvError(sourceId: string, file: string, e: unknown): SourceError {
  const message = (e as Error).message ?? String(e);
  const line = message.match(/Line: (\d+)/)?.[1];
  const first = message.split('\n').find((l) => l.trim() && !l.startsWith('Invalid Input Error')) ?? message;
  return new SourceError(sourceId, file, `lecture CSV impossible : ${first.trim()}`, line ? Number(line) : undefined);
}

export async function stageTable(
  duckdb: DuckDBConnection, sourceId: string, table: string, path: string, name: string, columnCount: number,
): Promise<void> {
  try {
    await duckdb.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM ${readCsvSql(path, columnCount)}`);
  } catch (e) {
    throw duckdbCsvError(sourceId, name, e);
  }
}

/** SQL value of an indicator cell: null when secret (empty or `s`), decimal comma accepted. */
export const numericSql = (column: string): string =>
  `CASE WHEN coalesce(trim(${column}), '') IN ('', 's') THEN NULL ELSE TRY_CAST(replace(trim(${column}), ',', '.') AS DOUBLE) END`;

const badSql = (column: string): string =>
  `(coalesce(trim(${column}), '') NOT IN ('', 's') AND TRY_CAST(replace(trim(${column}), ',', '.') AS DOUBLE) IS NULL)`;

/**
 * First cell that is neither a number nor a secret marker, and first malformed
 * commune code: either stops the run with file, line and column named.
 */
export async function checkValues(
  duckdb: DuckDBConnection, sourceId: string, table: string, name: string,
  codeColumn: number, indicators: BoundIndicator[],
): Promise<void> {
  const code = `c${codeColumn}`;
  const badCode = await duckdb.runAndReadAll(
    `SELECT rowid, ${code} FROM ${table} WHERE NOT regexp_full_match(coalesce(trim(${code}), ''), '[0-9]{4,5}|2[AB][0-9]{3}') ORDER BY rowid LIMIT 1`,
  );
  const codeRow = badCode.getRowsJS()[0];
  if (codeRow) {
    throw new SourceError(sourceId, name, `code commune invalide « ${codeRow[1] ?? ''} »`, Number(codeRow[0]) + 2, 'CODGEO');
  }
  if (indicators.length === 0) return;
  const cases = indicators.map((ind) => `WHEN ${badSql(`c${ind.column}`)} THEN ${ind.column}`).join(' ');
  const where = indicators.map((ind) => badSql(`c${ind.column}`)).join(' OR ');
  const bad = await duckdb.runAndReadAll(
    `SELECT rowid, CASE ${cases} END AS col FROM ${table} WHERE ${where} ORDER BY rowid LIMIT 1`,
  );
  const row = bad.getRowsJS()[0];
  if (row) {
    const column = Number(row[1]);
    const ind = indicators.find((i) => i.column === column)!;
    const value = await duckdb.runAndReadAll(`SELECT c${column} FROM ${table} WHERE rowid = ${Number(row[0])}`);
    throw new SourceError(
      sourceId, name, `valeur non numérique « ${String(value.getRowsJS()[0]?.[0])} » (attendu : nombre, vide ou s)`,
      Number(row[0]) + 2, ind.variable,
    );
  }
}

export interface DictionaryEntry { variable: string; libelle: string; definition: string; type: string; longueur: string }

/** The `meta_…CSV` dictionary: one row per variable (rows with a modality only list commune names). */
export async function readDictionary(
  duckdb: DuckDBConnection, sourceId: string, path: string, name: string,
): Promise<Map<string, DictionaryEntry>> {
  const [head] = readFirstLines(path, 1);
  const header = splitLine(head ?? '').map((h) => h.trim());
  DICTIONARY_HEADER.forEach((expected, i) => {
    if (header[i] !== expected) {
      throw new SourceError(sourceId, name, `en-tête du dictionnaire inattendu : « ${header[i] ?? '(absent)'} » au lieu de « ${expected} »`, 1, i + 1);
    }
  });
  if (header.length !== DICTIONARY_HEADER.length) {
    throw new SourceError(sourceId, name, `le dictionnaire a ${header.length} colonnes au lieu de ${DICTIONARY_HEADER.length}`, 1);
  }
  const table = `${sourceId.replace(/-/g, '_')}_dictionnaire`;
  await stageTable(duckdb, sourceId, table, path, name, DICTIONARY_HEADER.length);
  const result = await duckdb.runAndReadAll(
    `SELECT trim(c0), c1, c2, c5, c6 FROM ${table} WHERE coalesce(c3, '') = '' AND coalesce(trim(c0), '') <> '' ORDER BY rowid`,
  );
  const map = new Map<string, DictionaryEntry>();
  for (const [variable, libelle, definition, type, longueur] of result.getRowsJS() as (string | null)[][]) {
    if (!map.has(variable!)) {
      map.set(variable!, { variable: variable!, libelle: libelle ?? variable!, definition: definition ?? libelle ?? variable!, type: type ?? '', longueur: longueur ?? '' });
    }
  }
  await duckdb.run(`DROP TABLE IF EXISTS ${table}`);
  return map;
}
