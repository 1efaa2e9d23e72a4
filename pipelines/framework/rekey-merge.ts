/**
 * Re-keying of a statistical table whose rows are communes of an older COG:
 * the rows of communes merged since are gathered under today's commune and
 * their values merged by each value's declared aggregation. Only sums can be
 * merged without the old communes' populations at the file's date, so a
 * 'sum' is added up and every other aggregation (rates, shares, medians)
 * becomes null with the status `non-additionnable`. A missing value stays
 * `secret`: a partial sum would look like a real figure.
 *
 * Where each row goes (today's commune, outside the run's départements, set
 * aside as unknown or split since) is `place` of rekey.ts, as for every source.
 */
import type { Aggregation } from '../../src/contract/dataset.js';
import type { Referential } from '../../src/domain/referential.js';
import { place } from './rekey.js';
import type { DepartementScope } from './scope.js';
import type { RunReport } from './types.js';

export type MergeStatus = 'secret' | 'non-additionnable';
export interface MergedCell { valeur: number | null; statut?: MergeStatus }

/** One row of the file: its commune code as written (normalised), its line, its numeric values. */
export interface KeyedRow { code: string; line: number; values: (number | null)[] }

/** A row that could not be attributed, as listed in the source metadata. */
export interface SetAside { code: string; ligne: number; raison: string; codesActuels: string[] }

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Merges the rows of one current commune, value by value (`aggregations[i]` for `values[i]`). */
export function mergeByAggregation(rows: KeyedRow[], aggregations: readonly Aggregation[]): MergedCell[] {
  if (rows.length === 1) return rows[0].values.map((v) => (v === null ? { valeur: null, statut: 'secret' } : { valeur: v }));
  return aggregations.map((aggregation, i) => {
    if (aggregation !== 'sum') return { valeur: null, statut: 'non-additionnable' };
    let sum = 0;
    for (const r of rows) {
      const v = r.values[i];
      if (v === null) return { valeur: null, statut: 'secret' };
      sum += v;
    }
    return { valeur: round(sum, 6) };
  });
}

/**
 * Today's commune → the rows that make it up, filled row by row: each row is
 * counted outside the scope (not read), or read and then projected or rejected.
 */
export class RekeyedRows {
  readonly groups = new Map<string, KeyedRow[]>();
  readonly setAside: SetAside[] = [];
  outsideScope = 0;

  constructor(
    private readonly ctx: { referential: Referential; scope: DepartementScope; report: RunReport },
    private readonly reasons: { unknown: string; split: string },
  ) {}

  add(row: KeyedRow): void {
    const placed = place(row.code, this.ctx.referential, this.ctx.scope);
    if (placed.kind === 'outside') { this.outsideScope++; return; }
    this.ctx.report.read();
    if (placed.kind !== 'commune') {
      const raison = placed.kind === 'unknown' ? this.reasons.unknown : this.reasons.split;
      this.ctx.report.rejected(raison);
      this.setAside.push({ code: row.code, ligne: row.line, raison, codesActuels: placed.kind === 'split' ? placed.codes : [] });
      return;
    }
    const group = this.groups.get(placed.code) ?? [];
    group.push(row);
    this.groups.set(placed.code, group);
    this.ctx.report.projected();
  }

  /** The source codes summed onto `code`, or undefined when it is its own single row. */
  static sourceCodes(code: string, rows: KeyedRow[]): string[] | undefined {
    if (rows.length === 1 && rows[0].code === code) return undefined;
    return [...new Set(rows.map((r) => r.code))].sort();
  }

  /** How many of today's communes are made of other codes than their own. */
  get mergedCommunes(): number {
    let n = 0;
    for (const [code, rows] of this.groups) if (RekeyedRows.sourceCodes(code, rows)) n++;
    return n;
  }
}
