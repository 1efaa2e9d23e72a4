/**
 * Commune and circonscription codes as the Ministère de l'Intérieur writes
 * them in its results files (présidentielle, européennes, législatives, and
 * the municipales and bureau-de-vote files of the same producer), turned into
 * INSEE codes once for every source that reads them.
 *
 * Présidentielle 2022 splits the commune code: `Code du département` (`01`…`95`,
 * `2A`, `ZA`…`ZZ`, sometimes unpadded `1`) and a commune number of up to 3
 * chars (`2`, `062`). Overseas departments are letters, Mayotte keeps its
 * numbering from before it became a département (`ZM` `508` = 97608), and `ZZ`
 * is the French abroad, who have no commune. The 2024 files carry the full
 * INSEE code, without its leading zero in the 1st-round législatives (`1001`).
 */

export type CodeResult =
  | { kind: 'commune'; code: string }
  | { kind: 'abroad' }
  | { kind: 'invalid'; problem: string };

/** Ministry letter codes → how to build the INSEE code from the commune number. */
const LETTER_CODES: Record<string, (n: string) => string> = {
  // Guadeloupe, Martinique, Guyane, La Réunion: the number already starts with the department's last digit (ZA 110 = 97110).
  ZA: (n) => overseas('1', n),
  ZB: (n) => overseas('2', n),
  ZC: (n) => overseas('3', n),
  ZD: (n) => overseas('4', n),
  // Mayotte: pre-2011 numbering 501…517 (as 985xx) → 976 + the last two digits.
  ZM: (n) => `976${last2(n)}`,
  ZS: (n) => `975${last2(n)}`,
  // Saint-Barthélemy 701 → 97701, Saint-Martin 801 → 97801.
  ZX: (n) => `97${n.padStart(3, '0')}`,
  ZW: (n) => `986${last2(n)}`,
  ZP: (n) => `987${last2(n)}`,
  ZN: (n) => `988${last2(n)}`,
};

function last2(n: string): string {
  return n.padStart(2, '0').slice(-2);
}

function overseas(digit: string, n: string): string {
  const padded = n.padStart(3, '0');
  return padded.startsWith(digit) ? `97${padded}` : `97${digit}${last2(n)}`;
}

const FULL_CODE = /^(\d{5}|2[AB]\d{3})$/;

export function communeCode(depRaw: string | null, communeRaw: string | null): CodeResult {
  const dep = (depRaw ?? '').trim().toUpperCase();
  const n = (communeRaw ?? '').trim().toUpperCase();
  if (dep === 'ZZ') return { kind: 'abroad' };
  if (n === '') return { kind: 'invalid', problem: 'code commune vide' };
  // Full INSEE code (2024 files), with its leading zero restored when lost.
  if (FULL_CODE.test(n)) return { kind: 'commune', code: n };
  if (/^\d{4}$/.test(n)) return { kind: 'commune', code: `0${n}` };
  if (!/^\d{1,3}$/.test(n)) return { kind: 'invalid', problem: `code commune « ${n} » inattendu` };
  if (/^\d{1,2}$/.test(dep)) return { kind: 'commune', code: `${dep.padStart(2, '0')}${n.padStart(3, '0')}` };
  if (/^2[AB]$/.test(dep)) return { kind: 'commune', code: `${dep}${n.padStart(3, '0')}` };
  if (/^97\d$/.test(dep)) return { kind: 'commune', code: `${dep}${last2(n)}` };
  const build = LETTER_CODES[dep];
  if (build) return { kind: 'commune', code: build(n) };
  return { kind: 'invalid', problem: `code département « ${dep} » inconnu` };
}

/** Circonscription codes: `101` (T1 2024, unpadded) and `0101` (T2) are the same one. */
export function circonscriptionCode(raw: string | null): string | null {
  const c = (raw ?? '').trim().toUpperCase();
  if (c === '') return null;
  return /^\d{3}$/.test(c) ? `0${c}` : c;
}
