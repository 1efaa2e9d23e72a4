/**
 * A bounded least-recently-used map with single-flight loading: concurrent
 * requests for a missing key share one build, and a failed build is not kept.
 * The bound is a total weight: by default each entry weighs 1 (a bound in
 * entries); given `weigh`, a bound in whatever it measures (bytes), so that
 * entries of very different sizes cannot hold more memory than the bound.
 * Map iteration order is insertion order, so re-inserting on access keeps the
 * least recently used entry first.
 */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>();
  private readonly pending = new Map<string, Promise<V>>();
  private total = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxWeight: number, private readonly weigh: (value: V, key: string) => number = () => 1) {
    if (!Number.isInteger(maxWeight) || maxWeight < 0) throw new Error(`taille de cache invalide: ${maxWeight}`);
  }

  get size(): number { return this.entries.size; }

  /** Sum of the entries' weights (never above `maxWeight`). */
  get weight(): number { return this.total; }

  /** The cached value (now the most recently used), or undefined; synchronous, for the hot path. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps the value, evicting the least recently used; a value heavier than the whole bound is not kept. */
  set(key: string, value: V): void {
    this.remove(key);
    const weight = this.weigh(value, key);
    if (weight > this.maxWeight) return;
    this.entries.set(key, { value, weight });
    this.total += weight;
    this.evict();
  }

  /** Weighs an entry again after its value grew in place (a compressed copy added), evicting others if needed. */
  reweigh(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    const weight = this.weigh(entry.value, key);
    this.total += weight - entry.weight;
    entry.weight = weight;
    if (weight > this.maxWeight) this.remove(key);
    this.evict();
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

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.total -= entry.weight;
  }

  private evict(): void {
    while (this.total > this.maxWeight) this.remove(this.entries.keys().next().value!);
  }
}
