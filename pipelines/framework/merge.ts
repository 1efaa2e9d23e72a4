/**
 * Rows of a source keyed by commune codes of its own date, merged onto
 * today's communes by each field's declared `aggregation`, written once:
 * a commune merged since the file (several old codes), or a file with several
 * rows per commune (bureaux de vote, parts of a commune in different
 * circonscriptions), gives one set of values per current commune.
 *
 * `place` (rekey.ts) decides where a source code goes (today's commune through
 * `rekey`, outside the run's `--departement` scope, or set aside: unknown,
 * split since); `Merge` then adds the rows up:
 * - 'sum': added up; a missing (null) part makes the whole null, since a
 *   partial sum would look like a real figure;
 * - 'mean-weighted-population': Σ value × weight / Σ weight, the weight being
 *   the `weight` field of each row (the population of the old commune);
 *   null when a part or its weight is missing; without a `weight` option
 *   (a file without the old communes' populations) it merges as 'none';
 * - 'none' or no aggregation (medians…): the value when one row makes the
 *   group, null when several do (not aggregable);
 * - 'key' and 'method': group the rows (a long table: one group per key per commune).
 *
 * `cells` says why a value is missing, for sources that publish a status per
 * value; `PlacedMerge` feeds a merge through `place`, keeping the rows set
 * aside (with their line) and counting those outside the scope.
 */
import type { Aggregation, Scalar } from '../../src/contract/dataset.js';
import type { Referential } from '../../src/domain/referential.js';
import { place } from './rekey.js';
import type { DepartementScope } from './scope.js';
import type { RunReport } from './types.js';

export interface MergeField { name: string; aggregation?: Aggregation }

export interface MergedGroup {
  /** Values of the key fields ('key', 'method') shared by the group's rows. */
  key: Record<string, Scalar>;
  values: Record<string, Scalar>;
  rows: number;
}

export interface MergedCommune {
  code: string;
  /** Source codes merged here, in the order first met. */
  sourceCodes: string[];
  rows: number;
  /** In the order their key was first met. */
  groups: MergedGroup[];
}

/** Why a value is null: not published by the producer (or a part of a sum is not), or not aggregable over several rows. */
export type MergeStatus = 'secret' | 'non-additionnable';
export interface MergedCell { valeur: number | null; statut?: MergeStatus }

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The source codes merged onto a commune (sorted), or undefined when it is its own single row. */
export function mergedFrom(commune: MergedCommune): string[] | undefined {
  if (commune.rows === 1 && commune.sourceCodes[0] === commune.code) return undefined;
  return [...commune.sourceCodes].sort();
}


const SUM = 0, MEAN = 1, NONE = 2;

export class Merge {
  private readonly keys: string[];
  /** Value fields by position: name, how they merge, and for means the slot in `weighted`. */
  private readonly names: string[];
  private readonly kinds: number[];
  private readonly slots: number[];
  /** Every group's values start from this shape (all value fields, null), so that groups share one object layout. */
  private readonly template: Record<string, Scalar>;
  private readonly byCommune = new Map<string, { merged: MergedCommune; groups: Map<Scalar, MergedGroup> }>();
  private last: { merged: MergedCommune; groups: Map<Scalar, MergedGroup> } | undefined;
  /** Per group with mean fields: Σ value × weight and Σ weight of each (null once a part is missing). */
  private readonly weighted = new WeakMap<MergedGroup, (number | null)[]>();

  /** `weight`: the field weighting means; `digits`: sums of several rows rounded to this many digits in `cells` (float noise). */
  constructor(fields: readonly MergeField[], private readonly options: { weight?: string; digits?: number } = {}) {
    const grouping = (f: MergeField) => f.aggregation === 'key' || f.aggregation === 'method';
    this.keys = fields.filter(grouping).map((f) => f.name);
    const values = fields.filter((f) => !grouping(f));
    this.names = values.map((f) => f.name);
    this.kinds = values.map((f) => (f.aggregation === 'sum' ? SUM : f.aggregation === 'mean-weighted-population' && options.weight !== undefined ? MEAN : NONE));
    let slot = 0;
    this.slots = this.kinds.map((k) => (k === MEAN ? 2 * slot++ : -1));
    this.template = Object.fromEntries(this.names.map((n) => [n, null]));
  }

  /** One source row (values by field name) of `sourceCode`, placed on today's commune `commune`. */
  add(commune: string, sourceCode: string, row: Record<string, Scalar>): void {
    // Rows of one commune usually come together (a row per candidate of a long table): keep the last one at hand.
    let entry = this.last?.merged.code === commune ? this.last : this.byCommune.get(commune);
    if (!entry) {
      entry = { merged: { code: commune, sourceCodes: [], rows: 0, groups: [] }, groups: new Map() };
      this.byCommune.set(commune, entry);
    }
    this.last = entry;
    const { merged, groups } = entry;
    if (!merged.sourceCodes.includes(sourceCode)) merged.sourceCodes.push(sourceCode);
    merged.rows++;
    // One key field: its value is the map key as is (no string built per row).
    const keyValue = this.keys.length === 1 ? row[this.keys[0]] ?? null : this.keys.map((k) => String(row[k] ?? null)).join('\u0001');
    let group = groups.get(keyValue);
    if (!group) {
      const key: Record<string, Scalar> = {};
      for (const k of this.keys) key[k] = row[k] ?? null;
      group = { key, values: { ...this.template }, rows: 0 };
      if (this.slots.some((s) => s >= 0)) this.weighted.set(group, this.slots.flatMap((s) => (s >= 0 ? [0, 0] : [])));
      groups.set(keyValue, group);
      merged.groups.push(group);
    }
    const values = group.values;
    const first = ++group.rows === 1;
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i];
      const v = row[name] ?? null;
      if (this.kinds[i] === SUM) {
        // The running sum is the value itself: null for good once a part is missing.
        const sum = first ? 0 : values[name];
        values[name] = typeof sum !== 'number' || typeof v !== 'number' ? null : sum + v;
      } else if (this.kinds[i] === MEAN) {
        const w = this.weighted.get(group)!;
        const at = this.slots[i];
        const weight = this.options.weight === undefined ? null : row[this.options.weight];
        const ok = w[at] !== null && w[at + 1] !== null && typeof v === 'number' && typeof weight === 'number';
        [w[at], w[at + 1]] = ok ? [w[at]! + v * weight, w[at + 1]! + weight] : [null, null];
        values[name] = w[at] === null || !w[at + 1] ? null : w[at]! / w[at + 1]!;
      } else {
        values[name] = first ? v : null;
      }
    }
  }

  /**
   * The group's values in field order, each with why it is null: a single row keeps its values
   * (null: `secret`); over several rows a null sum or mean is `secret` (a part is missing), a value
   * that does not merge is `non-additionnable`.
   */
  cells(group: MergedGroup): MergedCell[] {
    return this.names.map((name, i) => {
      const v = group.values[name] as number | null;
      if (group.rows > 1 && this.kinds[i] === NONE) return { valeur: null, statut: 'non-additionnable' };
      if (v === null) return { valeur: null, statut: 'secret' };
      return { valeur: group.rows > 1 && this.kinds[i] === SUM && this.options.digits !== undefined ? round(v, this.options.digits) : v };
    });
  }

  /** How many of today's communes are made of other codes than their own (see `mergedFrom`). */
  get mergedCommunes(): number {
    let n = 0;
    for (const { merged } of this.byCommune.values()) if (mergedFrom(merged)) n++;
    return n;
  }

  get(commune: string): MergedCommune | undefined {
    return this.byCommune.get(commune)?.merged;
  }

  /** Every commune, in the order first met. */
  *communes(): Iterable<MergedCommune> {
    for (const { merged } of this.byCommune.values()) yield merged;
  }

  get size(): number {
    return this.byCommune.size;
  }
}

/** A row that could not be placed on today's commune, as listed in a source's metadata. */
export interface SetAside { code: string; ligne: number; raison: string; codesActuels: string[] }

/**
 * A Merge fed through `place`, row by row: each row is counted outside the
 * scope (not read), or read and then merged (projected) or set aside
 * (rejected with the reason given for unknown or split codes, and listed).
 */
export class PlacedMerge extends Merge {
  readonly setAside: SetAside[] = [];
  outsideScope = 0;

  constructor(
    fields: readonly MergeField[],
    private readonly ctx: { referential: Referential; scope: DepartementScope; report: RunReport },
    private readonly reasons: { unknown: string; split: string },
    options: { weight?: string; digits?: number } = {},
  ) {
    super(fields, options);
  }

  /** One row of the file: its commune code as written (normalised), its line, its values by field name. */
  placeRow(code: string, line: number, row: Record<string, Scalar>): void {
    const placed = place(code, this.ctx.referential, this.ctx.scope);
    if (placed.kind === 'outside') { this.outsideScope++; return; }
    this.ctx.report.read();
    if (placed.kind !== 'commune') {
      const raison = placed.kind === 'unknown' ? this.reasons.unknown : this.reasons.split;
      this.ctx.report.rejected(raison);
      this.setAside.push({ code, ligne: line, raison, codesActuels: placed.kind === 'split' ? placed.codes : [] });
      return;
    }
    this.add(placed.code, code, row);
    this.ctx.report.projected();
  }
}
