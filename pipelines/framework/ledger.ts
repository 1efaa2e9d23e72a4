/**
 * Row accounting with totals, for sources whose rows carry figures that must
 * add up (inscrits, votes…): every row of a file ends up projected, set aside
 * with its reason, or outside the run's `--departement` scope, and the totals
 * of each measure over the three must equal the file's own totals, summed
 * independently (by DuckDB). The gate is written once: nothing lost silently.
 */
export type Totals<K extends string> = Record<K, number>;

export class Ledger<K extends string> {
  /** Totals of the rows set aside, by reason, in the order reasons were first met. */
  readonly aside = new Map<string, Totals<K>>();
  readonly outside: Totals<K>;

  /** `measures` in the order totals are shown (e.g. `lignes` first). */
  constructor(private readonly measures: readonly K[]) {
    this.outside = this.empty();
  }

  empty(): Totals<K> {
    return Object.fromEntries(this.measures.map((k) => [k, 0])) as Totals<K>;
  }

  /** Adds `values` (missing measures count 0) into `totals`, and returns it. */
  add(totals: Totals<K>, values: Partial<Totals<K>>): Totals<K> {
    for (const k of this.measures) totals[k] += values[k] ?? 0;
    return totals;
  }

  setAside(reason: string, values: Partial<Totals<K>>): void {
    this.aside.set(reason, this.add(this.aside.get(reason) ?? this.empty(), values));
  }

  leaveOut(values: Partial<Totals<K>>): void {
    this.add(this.outside, values);
  }

  /** Totals of `rows` (e.g. the communes projected, each with its count of source rows). */
  sum(rows: Iterable<Partial<Totals<K>>>): Totals<K> {
    const totals = this.empty();
    for (const values of rows) this.add(totals, values);
    return totals;
  }

  /** The accounts as shown in a pack's metadata: the file, the communes, set aside by reason, and outside the scope when any row was. */
  balance(expected: Totals<K>, projected: Totals<K>) {
    const outside = this.measures.some((k) => this.outside[k] !== 0);
    return { fichier: expected, communes: projected, ecartes: Object.fromEntries(this.aside), ...(outside ? { horsFiltreDepartements: this.outside } : {}) };
  }

  /** The gate's message when the file's totals differ from projected + set aside + outside; undefined when they agree. */
  gaps(expected: Totals<K>, projected: Totals<K>): string | undefined {
    const accounted = [projected, ...this.aside.values(), this.outside].reduce((a, t) => this.add(a, t), this.empty());
    const gaps = this.measures.filter((k) => expected[k] !== accounted[k]);
    return gaps.length ? gaps.map((k) => `${k} : fichier ${expected[k]}, communes + écartés ${accounted[k]}`).join(' ; ') : undefined;
  }
}
