/**
 * Cell checks (staged-csv.ts' CellCheck, for firstBadCell) of formats several national files share: a date
 * written ISO or `JJ/MM/AAAA` (the RNE mixes both), a sex code F/M, a SIREN. Columns are staged as c0…cN.
 */
import type { CellCheck } from './staged-csv.js';

const cell = (i: number) => `coalesce(trim(c${i}), '')`;

/** A date `AAAA-MM-JJ` or `JJ/MM/AAAA`; with `optional`, an empty cell passes. */
export function dateCheck(i: number, optional = false): CellCheck {
  const date = `regexp_full_match(${cell(i)}, '[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4}')`;
  return { sql: `(NOT ${date}${optional ? ` AND ${cell(i)} <> ''` : ''})`, column: i, problem: 'date attendue (AAAA-MM-JJ ou JJ/MM/AAAA)' };
}

/** A sex code as the producers write it: F or M. */
export function sexCheck(i: number): CellCheck {
  return { sql: `(${cell(i)} NOT IN ('F', 'M'))`, column: i, problem: 'code sexe attendu (F ou M)' };
}

/** A SIREN: nine digits. */
export function sirenCheck(i: number): CellCheck {
  return { sql: `(NOT regexp_full_match(${cell(i)}, '[0-9]{9}'))`, column: i, problem: 'SIREN attendu (9 chiffres)' };
}
