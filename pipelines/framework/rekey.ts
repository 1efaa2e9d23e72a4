/**
 * Re-keying onto today's communes, written once: a code of the source file
 * (current, délégué, associé, or retired by a merger) → the current commune
 * it belongs to, or the reason its rows cannot be attributed.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Referential } from '../../src/domain/referential.js';
import type { DepartementScope } from './scope.js';

export const REJECT_UNKNOWN = 'code commune inconnu du COG';
export const REJECT_MALFORMED = 'code commune absent ou mal formé';

export type Rekeyed =
  | { ok: true; code: string; rekeyed: boolean }
  | { ok: false; reason: string };

/**
 * Today's commune for a code of the source: itself when current, the commune
 * it merged into otherwise. A code split since, or unknown, cannot carry a
 * polygon to today's communes and is refused with the reason.
 */
export function rekey(code: string, referential: Referential): Rekeyed {
  const { codes } = referential.currentCodes(code);
  if (codes.length === 1) return { ok: true, code: codes[0], rekeyed: codes[0] !== code };
  if (codes.length === 0) return { ok: false, reason: `code commune inconnu du COG ${referential.millesime}` };
  return { ok: false, reason: 'commune scindée depuis le millésime de la source: géométrie non attribuable' };
}

export type Placement =
  | { kind: 'commune'; code: string }
  | { kind: 'outside' }
  | { kind: 'unknown' }
  | { kind: 'split'; codes: string[] };

/**
 * Where the rows of a source code go, the same for every source. In a partial
 * run, a code is in scope when one of the current communes it stands for is,
 * or, for a code the COG does not know, when its spelling's département is:
 * such rows are then read and set aside, never silently dropped.
 */
export function place(code: string, referential: Referential, scope: DepartementScope): Placement {
  const target = rekey(code, referential);
  const codes = target.ok ? [target.code] : referential.currentCodes(code).codes;
  if (scope.isPartial && !(codes.length ? codes : [code]).some((c) => scope.includes(c))) return { kind: 'outside' };
  if (target.ok) return { kind: 'commune', code: target.code };
  return codes.length ? { kind: 'split', codes } : { kind: 'unknown' };
}

export interface CodeMapping {
  /** Code as written in the file. */
  source: string;
  /** Current commune (or arrondissement municipal), null when the rows are rejected. */
  commune: string | null;
  motif: string | null;
}

/**
 * Every code the referential knows: current communes and arrondissements for
 * themselves, déléguées/associées and retired codes for their successor. A
 * code absent from the map is unknown; a code split since cannot be attributed
 * (`splitReason` says what of the source's rows is lost).
 */
export function codeMappings(referential: Referential, splitReason: string): CodeMapping[] {
  const out = new Map<string, CodeMapping>();
  for (const c of referential.communesAndArrondissements()) out.set(c.code, { source: c.code, commune: c.code, motif: null });
  const others = new Set<string>();
  for (const c of referential.data.communes) if (!out.has(c.code)) others.add(c.code);
  for (const e of referential.data.history) if (!out.has(e.ancienCode)) others.add(e.ancienCode);
  for (const code of others) {
    const { codes } = referential.currentCodes(code);
    if (codes.length === 1) out.set(code, { source: code, commune: codes[0], motif: null });
    else if (codes.length > 1) out.set(code, { source: code, commune: null, motif: splitReason });
  }
  return [...out.values()];
}

/** Loads the mapping into a temporary DuckDB table `<table>(code_source, commune, motif)` for SQL joins. */
export async function stageCodeMap(duckdb: DuckDBConnection, mappings: CodeMapping[], table = 'code_map'): Promise<void> {
  await duckdb.run(`CREATE OR REPLACE TEMP TABLE ${table} (code_source VARCHAR PRIMARY KEY, commune VARCHAR, motif VARCHAR)`);
  const appender = await duckdb.createAppender(table, 'main', 'temp');
  for (const m of mappings) {
    appender.appendVarchar(m.source);
    if (m.commune === null) appender.appendNull(); else appender.appendVarchar(m.commune);
    if (m.motif === null) appender.appendNull(); else appender.appendVarchar(m.motif);
    appender.endRow();
  }
  appender.closeSync();
}
