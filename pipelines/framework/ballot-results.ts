/**
 * Results of a vote in one commune (présidentielle, européennes, législatives,
 * and whatever election-like source comes next: municipales, référendums):
 * the percentages shown next to every count, the ballot-paper order, and who
 * came first. Written once so that every such source rounds the same way and
 * says a tie the same way instead of hiding it behind whichever came first.
 */

/** `part` as a percentage of `whole`, rounded to two decimals; null when `whole` is 0 (no base, not 0 %). */
export const pct = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10000) / 100 : null);

/** What ranking needs of a candidate, list or answer. */
export interface Ballot { numeroPanneau: string | null; candidat: string; voix: number }

/** Ballot-paper order: panneau number (none last), then name, so that results and ties read the same on every run. */
export const panneauOrder = (a: Ballot, b: Ballot): number =>
  Number(a.numeroPanneau ?? Infinity) - Number(b.numeroPanneau ?? Infinity) || a.candidat.localeCompare(b.candidat);

/** The candidate or list with the most votes (null when nobody has any); ties are said, not hidden. */
export function leader<T extends Ballot>(list: T[]): (T & { exAequo?: true }) | null {
  let best: T | null = null;
  let tie = false;
  for (const c of [...list].sort(panneauOrder)) {
    if (!best || c.voix > best.voix) { best = c; tie = false; } else if (c.voix === best.voix) tie = true;
  }
  if (!best || best.voix === 0) return null;
  return tie ? { ...best, exAequo: true } : best;
}
