/**
 * The départements a run covers (`--departement`), decided once by the
 * framework for every source: which codes are valid, which of a file's rows
 * are in scope, and which row-count range the gates apply.
 */
import { departementOf } from '../../src/domain/codes.js';
import type { Referential } from '../../src/domain/referential.js';

/** national: a whole national file; partial: some départements of it; sample: the bundled excerpt. */
export type ScopeKind = 'national' | 'sample' | 'partial';

export class ScopeError extends Error {
  constructor(message: string) { super(message); this.name = 'ScopeError'; }
}

export class DepartementScope {
  private readonly wanted: Set<string>;

  constructor(readonly departements: readonly string[], private readonly referential?: Referential) {
    this.wanted = new Set(departements);
  }

  /** Refuses codes the COG does not know, naming the valid ones, before any work is done. */
  static validated(departements: readonly string[], referential: Referential): DepartementScope {
    const unknown = departements.filter((d) => !referential.departements.has(d));
    if (unknown.length) {
      const valid = [...referential.departements.keys()].sort().join(', ');
      throw new ScopeError(`--departement ${unknown.join(', ')} : inconnu du COG ${referential.millesime} (codes valides : ${valid})`);
    }
    return new DepartementScope([...new Set(departements)], referential);
  }

  get isPartial(): boolean { return this.wanted.size > 0; }

  /**
   * A commune code (current or former) is in scope: its département in the COG
   * when the code is known there, else the one its spelling gives.
   */
  includes(code: string): boolean {
    if (!this.wanted.size) return true;
    return this.wanted.has(this.referential?.commune(code)?.departement ?? departementOf(code));
  }
}
