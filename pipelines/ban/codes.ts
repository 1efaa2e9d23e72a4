/**
 * Which current commune each `code_insee` of the file stands for, decided
 * once from the referential and joined in DuckDB to the partial counts per
 * code, so that distinct counts are taken after re-keying (and stay exact
 * after a merger).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Referential } from '../../src/domain/referential.js';

export const REJECT_UNKNOWN = 'code commune inconnu du COG';
export const REJECT_SPLIT = 'code commune scindé depuis (adresses non attribuables)';
export const REJECT_MALFORMED = 'code commune absent ou mal formé';

export interface CodeMapping {
  /** Code as written in the file. */
  source: string;
  /** Current commune (or arrondissement municipal), null when the rows are rejected. */
  commune: string | null;
  motif: string | null;
}

const CODE = /^(?:\d{2}|2A|2B)\d{3}$/;

/** Département of a commune code the way the COG spells it (`2A`, `971`…). */
export function departementOf(code: string): string {
  return code.startsWith('97') || code.startsWith('98') ? code.slice(0, 3) : code.slice(0, 2);
}

/**
 * Every code the referential knows: current communes and arrondissements for
 * themselves, déléguées/associées and retired codes for their successor. A
 * code absent from the map is unknown; a code split since cannot be attributed.
 */
export function codeMappings(referential: Referential): CodeMapping[] {
  const out = new Map<string, CodeMapping>();
  for (const c of referential.communesAndArrondissements()) out.set(c.code, { source: c.code, commune: c.code, motif: null });
  const others = new Set<string>();
  for (const c of referential.data.communes) if (!out.has(c.code)) others.add(c.code);
  for (const e of referential.data.history) if (!out.has(e.ancienCode)) others.add(e.ancienCode);
  for (const code of others) {
    const { codes } = referential.currentCodes(code);
    if (codes.length === 1) out.set(code, { source: code, commune: codes[0], motif: null });
    else if (codes.length > 1) out.set(code, { source: code, commune: null, motif: REJECT_SPLIT });
  }
  return [...out.values()];
}

export function isWellFormedCode(code: string | null | undefined): code is string {
  return !!code && CODE.test(code);
}

/** Loads the mapping into a temporary DuckDB table `ban_code_map(code_source, commune, motif)`. */
export async function stageCodeMap(duckdb: DuckDBConnection, mappings: CodeMapping[]): Promise<void> {
  await duckdb.run('CREATE OR REPLACE TEMP TABLE ban_code_map (code_source VARCHAR PRIMARY KEY, commune VARCHAR, motif VARCHAR)');
  const appender = await duckdb.createAppender('ban_code_map', 'main', 'temp');
  for (const m of mappings) {
    appender.appendVarchar(m.source);
    if (m.commune === null) appender.appendNull(); else appender.appendVarchar(m.commune);
    if (m.motif === null) appender.appendNull(); else appender.appendVarchar(m.motif);
    appender.endRow();
  }
  appender.closeSync();
}
