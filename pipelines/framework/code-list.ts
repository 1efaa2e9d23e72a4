/**
 * A column whose values must come from a producer's list (a nomenclature read
 * from the producer's own file): the list is staged in DuckDB and a value
 * outside it stops the run at its line and column, like any other cell check.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CellCheck } from './staged-csv.js';

export async function stageCodeList(duckdb: DuckDBConnection, table: string, codes: Iterable<string>): Promise<void> {
  await duckdb.run(`CREATE OR REPLACE TEMP TABLE ${table} (code VARCHAR PRIMARY KEY)`);
  const appender = await duckdb.createAppender(table, 'main', 'temp');
  for (const code of new Set(codes)) { appender.appendVarchar(code); appender.endRow(); }
  appender.closeSync();
}

/** A non-empty value of column `c<col>` absent from `table`. */
export function codeListCheck(col: number, table: string, what: string): CellCheck {
  return {
    sql: `(nullif(trim(c${col}), '') IS NOT NULL AND trim(c${col}) NOT IN (SELECT code FROM ${table}))`,
    column: col,
    problem: what,
    wording: (found) => `${what} « ${found} »`,
  };
}
