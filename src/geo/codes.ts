/**
 * Commune codes as the geographic sources write them, brought to the COG's
 * 5-character form, and re-keyed onto the communes of the release's COG.
 */
import type { Referential } from '../domain/referential.js';

const COMMUNE_CODE = /^(\d{5}|2[AB]\d{3})$/;

/**
 * `5001` → `05001` (all-digit 4-char codes lost their zero in a spreadsheet),
 * `2a004` → `2A004`; undefined when the value cannot be a commune code.
 */
export function normaliseCommuneCode(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  let s = String(typeof value === 'number' ? Math.trunc(value) : value).trim().toUpperCase();
  s = s.replace(/^="?|"$/g, ''); // Excel-wrapped ="01053"
  if (/^\d{4}$/.test(s)) s = `0${s}`;
  return COMMUNE_CODE.test(s) ? s : undefined;
}

/** Département of a commune code (3 characters overseas). */
export function departementOf(code: string): string {
  return code.startsWith('97') || code.startsWith('98') ? code.slice(0, 3) : code.slice(0, 2);
}

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
