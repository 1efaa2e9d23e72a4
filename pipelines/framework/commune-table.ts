/**
 * The COG's current communes and arrondissements municipaux as a DuckDB
 * table, `cog_communes(code, region, departement, siren)`, for a source whose
 * per-commune record is built in SQL and names what the referential knows.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Referential } from '../../src/domain/referential.js';

export async function stageCogCommunes(duckdb: DuckDBConnection, referential: Referential): Promise<void> {
  await duckdb.run('CREATE OR REPLACE TEMP TABLE cog_communes (code VARCHAR PRIMARY KEY, region VARCHAR, departement VARCHAR, siren VARCHAR)');
  const appender = await duckdb.createAppender('cog_communes', 'main', 'temp');
  for (const c of referential.communesAndArrondissements()) {
    appender.appendVarchar(c.code);
    for (const v of [c.region, c.departement, c.siren]) if (v) appender.appendVarchar(v); else appender.appendNull();
    appender.endRow();
  }
  appender.closeSync();
}
