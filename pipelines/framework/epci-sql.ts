/** The member communes of every EPCI of the COG as a DuckDB table `<table>(siren, commune)`, for sources published per EPCI. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Referential } from '../../src/domain/referential.js';

export async function stageEpciMembers(duckdb: DuckDBConnection, referential: Referential, table: string): Promise<void> {
  await duckdb.run(`CREATE OR REPLACE TEMP TABLE ${table} (siren VARCHAR, commune VARCHAR)`);
  const appender = await duckdb.createAppender(table, 'main', 'temp');
  for (const e of referential.data.epci) {
    for (const commune of e.membres) { appender.appendVarchar(e.code); appender.appendVarchar(commune); appender.endRow(); }
  }
  appender.closeSync();
}
