/**
 * Keeps items until their group is complete, with group sizes known from a
 * first pass: a source sorted by commune then never holds more than one
 * commune's features in memory, and an unsorted one at worst holds them all.
 */
export class GroupCollector<T> {
  private readonly pending = new Map<string, T[]>();
  private held = 0;
  /** Largest number of items held at once (reported by benches). */
  peak = 0;

  constructor(private readonly expected: Map<string, number>) {}

  /** Adds an item; returns the group's items when it is complete. */
  add(key: string, item: T): T[] | undefined {
    const size = this.expected.get(key) ?? 1;
    if (size <= 1 && !this.pending.has(key)) return [item];
    const list = this.pending.get(key) ?? [];
    list.push(item);
    if (list.length >= size) {
      this.pending.delete(key);
      this.held -= list.length - 1;
      return list;
    }
    this.held++;
    if (this.held > this.peak) this.peak = this.held;
    this.pending.set(key, list);
    return undefined;
  }

  /** Groups still incomplete (the file changed between passes, or a count was wrong). */
  *leftovers(): Generator<[string, T[]]> {
    for (const entry of this.pending) yield entry;
    this.pending.clear();
    this.held = 0;
  }
}

/**
 * Builds one record per group as soon as the group is complete (see
 * GroupCollector), then one per incomplete group at the end: the projector of
 * a source whose record for a commune needs all its polygons at once.
 */
export class GroupProjector<T, R> {
  private readonly collector: GroupCollector<T>;

  constructor(expected: Map<string, number>, private readonly build: (key: string, group: T[]) => R) {
    this.collector = new GroupCollector<T>(expected);
  }

  get peakHeld(): number {
    return this.collector.peak;
  }

  add(key: string, item: T): R | undefined {
    const group = this.collector.add(key, item);
    return group ? this.build(key, group) : undefined;
  }

  *finish(): Generator<R> {
    for (const [key, group] of this.collector.leftovers()) if (group.length) yield this.build(key, group);
  }
}
