/**
 * Re-keying inside a DuckDB aggregation (rekey.ts does it row by row in JS):
 * the rows of a source are grouped under the key of today's commune, and the
 * rows of a code that cannot be attributed under a key that says why and
 * keeps the code, so that one GROUP BY both counts the communes and accounts
 * for every rejected row: `!S:<code>` split since, `!U:<code>` unknown to the
 * COG, `!M:<code>` absent or malformed.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { REJECT_MALFORMED, REJECT_UNKNOWN } from './rekey.js';
import type { RunReport } from './types.js';

/**
 * Defines the temporary macro `commune_key(code, known, commune)`: `known`
 * whether the code map (stageCodeMap) holds the code, `commune` its current
 * commune there (null when split since).
 */
export async function stageCommuneKey(duckdb: DuckDBConnection): Promise<void> {
  await duckdb.run(`CREATE OR REPLACE TEMP MACRO commune_key(code, known, commune) AS CASE
    WHEN known AND commune IS NOT NULL THEN commune
    WHEN known THEN '!S:' || code
    WHEN regexp_full_match(coalesce(code, ''), '(?:[0-9]{2}|2A|2B)[0-9]{3}') THEN '!U:' || code
    ELSE '!M:' || coalesce(code, '') END`);
}

/** The rejection a key stands for (`splitReason` for a code split since), or undefined for a commune. */
export function rejectionOf(key: string, splitReason: string): { reason: string; code: string } | undefined {
  if (!key.startsWith('!')) return undefined;
  const reason = key[1] === 'S' ? splitReason : key[1] === 'U' ? REJECT_UNKNOWN : REJECT_MALFORMED;
  return { reason, code: key.slice(3) };
}

/** The run summary's list of rejected codes: the 20 with most rows. */
export function rejectedCodesNote(rejectedCodes: Map<string, number>): string {
  return [...rejectedCodes].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([c, n]) => `${c || '(vide)'} (${n})`).join(', ');
}

/** Reports rows per key (a commune, or a rejection key) as read, projected or set aside, with the rejected codes note. */
export function reportKeyCounts(report: RunReport, keys: Iterable<{ cle: unknown; lignes: unknown }>, splitReason: string): void {
  const rejectedCodes = new Map<string, number>();
  for (const { cle, lignes } of keys) {
    const n = Number(lignes);
    report.read(n);
    const rejection = rejectionOf(String(cle), splitReason);
    if (!rejection) { report.projected(n); continue; }
    report.rejected(rejection.reason, n);
    rejectedCodes.set(rejection.code, (rejectedCodes.get(rejection.code) ?? 0) + n);
  }
  if (rejectedCodes.size) report.note('codesRejetes', rejectedCodesNote(rejectedCodes));
}
