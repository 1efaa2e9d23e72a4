/**
 * A producer's code list with its labels (a nomenclature read from the
 * producer's own file) as a DuckDB table `<table>(code, libelle)`: records
 * built in SQL join it for their labels, and code-list.ts' codeListCheck
 * refuses a value outside it.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export async function stageLabels(duckdb: DuckDBConnection, table: string, entries: Iterable<{ code: string; libelle: string }>): Promise<void> {
  await duckdb.run(`CREATE OR REPLACE TEMP TABLE ${table} (code VARCHAR PRIMARY KEY, libelle VARCHAR)`);
  const appender = await duckdb.createAppender(table, 'main', 'temp');
  for (const { code, libelle } of entries) { appender.appendVarchar(code); appender.appendVarchar(libelle); appender.endRow(); }
  appender.closeSync();
}
