/**
 * A bounded least-recently-used map with single-flight loading: concurrent
 * requests for a missing key share one build, and a failed build is not kept.
 * Bounded by entries and, when given a weigher, by bytes: a value may grow
 * after insertion (a body compressed on demand), so its weight is read again
 * on each hit. Map iteration order is insertion order, so re-inserting on
 * access keeps the least recently used entry first.
 */
export interface LruOptions<V> {
  /** Total weight kept (bytes), measured by `weigh`. */
  maxBytes?: number;
  weigh?: (value: V) => number;
}

interface Entry<V> { value: V; weight: number }

export class LruCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly pending = new Map<string, Promise<V>>();
  readonly maxBytes: number;
  private readonly weigh: (value: V) => number;
  private weightTotal = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number, options: LruOptions<V> = {}) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) throw new Error(`taille de cache invalide: ${maxEntries}`);
    this.maxBytes = options.maxBytes ?? Infinity;
    if (!(this.maxBytes >= 0)) throw new Error(`budget de cache invalide: ${options.maxBytes}`);
    this.weigh = options.weigh ?? (() => 0);
  }

  get size(): number { return this.entries.size; }

  /** Weight of what is kept (bytes, when the cache has a weigher). */
  get bytes(): number { return this.weightTotal; }

  has(key: string): boolean { return this.entries.has(key); }

  /** The cached value (now the most recently used), or undefined; synchronous, for the hot path. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, entry);
    const weight = this.weigh(entry.value);
    if (weight !== entry.weight) {
      this.weightTotal += weight - entry.weight;
      entry.weight = weight;
      this.evict();
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    this.delete(key);
    if (this.maxEntries === 0) return;
    const weight = this.weigh(value);
    if (weight > this.maxBytes) return;
    this.entries.set(key, { value, weight });
    this.weightTotal += weight;
    this.evict();
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weightTotal -= entry.weight;
  }

  private evict(): void {
    while (this.entries.size > this.maxEntries || this.weightTotal > this.maxBytes) this.delete(this.entries.keys().next().value!);
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
