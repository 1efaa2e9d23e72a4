/**
 * Postal code → commune, only where the code names one commune: a source row
 * with no commune code but a postal code is attributed when that code belongs
 * to a single current commune (or arrondissement: Paris 75015 is 75115, not the
 * whole city), and set aside with the reason otherwise. La Poste's codes come
 * with the COG referential of the release.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Referential } from '../../src/domain/referential.js';

export const REJECT_POSTAL_SHARED = 'code postal commun à plusieurs communes';
export const REJECT_POSTAL_UNKNOWN = 'code postal inconnu du COG';

export function postalCodeCommunes(referential: Referential): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of referential.communesAndArrondissements()) {
    // A PLM city carries all its arrondissements' codes: its arrondissements answer for them.
    if (referential.arrondissementsOf(c.code).length) continue;
    for (const cp of c.codesPostaux) out.set(cp, [...(out.get(cp) ?? []), c.code]);
  }
  return out;
}

/** `<table>(code_postal, commune, motif)`: the single commune of a postal code, or why there is none. */
export async function stagePostalCodes(duckdb: DuckDBConnection, referential: Referential, table: string): Promise<void> {
  await duckdb.run(`CREATE OR REPLACE TEMP TABLE ${table} (code_postal VARCHAR PRIMARY KEY, commune VARCHAR, motif VARCHAR)`);
  const appender = await duckdb.createAppender(table, 'main', 'temp');
  for (const [cp, communes] of postalCodeCommunes(referential)) {
    appender.appendVarchar(cp);
    if (communes.length === 1) { appender.appendVarchar(communes[0]); appender.appendNull(); } else { appender.appendNull(); appender.appendVarchar(REJECT_POSTAL_SHARED); }
    appender.endRow();
  }
  appender.closeSync();
}
