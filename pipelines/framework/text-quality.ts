/**
 * Text lost upstream: a value carrying U+FFFD (the replacement character) went
 * through a bad re-encoding before it reached us, and the characters it stands
 * for cannot be recovered from the value alone. Sources count such values per
 * field; the run summary shows the counts as quality notes (the source's own
 * defect, not a rejection: the rest of the row is sound).
 */
import { noteQuality } from './report.js';
import type { RunReport } from './types.js';

export const REPLACEMENT_CHARACTER = '\uFFFD';

export function hasReplacementCharacter(value: unknown): boolean {
  return typeof value === 'string' && value.includes(REPLACEMENT_CHARACTER);
}

export class BrokenTextCounter {
  private readonly counts = new Map<string, number>();

  /** Counts `value` against `field` (the producer's field name) when it carries U+FFFD. */
  check(field: string | undefined, value: unknown): void {
    if (field !== undefined && hasReplacementCharacter(value)) this.counts.set(field, (this.counts.get(field) ?? 0) + 1);
  }

  count(field: string): number {
    return this.counts.get(field) ?? 0;
  }

  /** One quality note per field with broken values. */
  report(report: RunReport): void {
    for (const [field, n] of this.counts) noteQuality(report, `valeurs de ${field} contenant U+FFFD (caractères perdus par un ré-encodage en amont)`, n);
  }
}
