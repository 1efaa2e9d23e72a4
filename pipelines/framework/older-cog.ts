/**
 * A national file of an older COG, judged on its re-keyed result. A file of one
 * row per commune (`uneLigneParCommune`) on the COG of 2018 has 35,357 rows
 * where the COG of 2026 has 34,969 communes: the rows that re-keying folded
 * into a commune another row already stands for (communes merged since) are
 * not counted against the registry's range, provided the history the `cog`
 * source holds accounts for them — at most one per commune merged since the
 * oldest COG accepted into the communes the file reached. A truncated file
 * still reaches too few communes, and a file with repeated rows folds more rows
 * than the COG has mergers.
 */
import type { Referential } from '../../src/domain/referential.js';
import type { SourceStats } from '../../src/contract/release.js';

/** Files of a COG older than this date are not recognised as such (their extra rows are not excused). */
export const OLDEST_COG = '2015-01-01';

const mergersCache = new WeakMap<Referential, Map<string, number>>();

/**
 * For each current commune, how many former codes merged into it since `OLDEST_COG`. Dated INSEE
 * events before that date are left out; undated ones (the package only says a code is a former
 * one) are counted, which can only widen the excuse by the communes merged before 2015.
 */
export function mergersByCommune(referential: Referential): Map<string, number> {
  const cached = mergersCache.get(referential);
  if (cached) return cached;
  const seen = new Set<string>();
  const counts = new Map<string, number>();
  for (const e of referential.data.history) {
    if (seen.has(e.ancienCode) || referential.commune(e.ancienCode) || (e.date && e.date < OLDEST_COG)) continue;
    const { codes } = referential.currentCodes(e.ancienCode);
    if (codes.length !== 1) continue;
    seen.add(e.ancienCode);
    counts.set(codes[0], (counts.get(codes[0]) ?? 0) + 1);
  }
  mergersCache.set(referential, counts);
  return counts;
}

export interface RekeyedResult {
  /** Current communes (and arrondissements) the file's rows were re-keyed onto. */
  communes: number;
  /** Rows set aside with a reason. */
  rejected: number;
  /** Rows that became part of a commune another row already stood for. */
  folded: number;
  /** Most rows the COG's history accounts for: communes merged since OLDEST_COG into the communes reached. */
  foldable: number;
}

export function rekeyedResult(referential: Referential, stats: SourceStats, reached: ReadonlySet<string>): RekeyedResult {
  const rejected = Object.values(stats.rejected).reduce((a, b) => a + b, 0);
  const mergers = mergersByCommune(referential);
  let foldable = 0;
  for (const code of reached) foldable += mergers.get(code) ?? 0;
  return { communes: reached.size, rejected, folded: stats.read - rejected - reached.size, foldable };
}

/** The count the gate judges for a file of an older COG, or why it cannot be excused. */
export function rekeyedCount(result: RekeyedResult): { count: number } | { problem: string } {
  if (result.folded > result.foldable) {
    return { problem: `${result.folded} lignes réunies par le recodage, plus que les ${result.foldable} communes fusionnées depuis ${OLDEST_COG.slice(0, 4)} dans les communes atteintes selon l'historique du COG (lignes répétées ?)` };
  }
  return { count: result.communes + result.rejected };
}
