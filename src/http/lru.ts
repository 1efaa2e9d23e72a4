/**
 * A bounded least-recently-used map with single-flight loading: concurrent
 * requests for a missing key share one build, and a failed build is not kept.
 * Map iteration order is insertion order, so re-inserting on access keeps the
 * least recently used entry first.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly pending = new Map<string, Promise<V>>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new Error(`taille de cache invalide: ${maxEntries}`);
  }

  get size(): number { return this.entries.size; }

  /** The cached value (now the most recently used), or undefined; synchronous, for the hot path. */
  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    if (this.maxEntries === 0) return;
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The cached value, or the one `build` makes (built once however many ask at the same time). */
  async getOrBuild(key: string, build: () => Promise<V>): Promise<V> {
    const cached = this.get(key);
    if (cached !== undefined) return cached;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    this.misses++;
    const promise = build().then((value) => {
      this.set(key, value);
      return value;
    }).finally(() => this.pending.delete(key));
    this.pending.set(key, promise);
    return promise;
  }
}
