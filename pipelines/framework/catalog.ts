/**
 * Interning of the entities a file repeats on many rows (candidates, lists,
 * products…): each distinct one is built once and numbered in the order it is
 * first met, and rows keep only its number. Written once so that a source
 * streaming millions of rows holds a few thousand entities, not a copy per row.
 */
export class Catalog<T> {
  private readonly byKey = new Map<string, number>();
  /** Entries by number, in the order first met. */
  readonly list: T[] = [];

  /** The number of the entry of `key`, built by `make(number)` the first time `key` is met. */
  intern(key: string, make: (id: number) => T): number {
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    this.list.push(make(this.list.length));
    this.byKey.set(key, this.list.length - 1);
    return this.list.length - 1;
  }
}
