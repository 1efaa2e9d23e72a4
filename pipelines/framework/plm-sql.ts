/** Arrondissements municipaux and their city (Paris, Lyon, Marseille) as a DuckDB table `<table>(code, parent)` for joins and orderings. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Referential } from '../../src/domain/referential.js';

export async function stagePlm(duckdb: DuckDBConnection, referential: Referential, table: string): Promise<void> {
  await duckdb.run(`CREATE OR REPLACE TEMP TABLE ${table} (code VARCHAR PRIMARY KEY, parent VARCHAR)`);
  const appender = await duckdb.createAppender(table, 'main', 'temp');
  for (const c of referential.communesAndArrondissements()) {
    const parent = referential.plmParent(c.code);
    if (!parent) continue;
    appender.appendVarchar(c.code);
    appender.appendVarchar(parent);
    appender.endRow();
  }
  appender.closeSync();
}
