import { describe, expect, it } from 'vitest';
import { LruCache } from './lru.js';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond its bound', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  it('builds a missing value once for concurrent callers and does not keep a failure', async () => {
    const cache = new LruCache<number>(10);
    let builds = 0;
    const build = async () => { builds++; await new Promise((r) => setTimeout(r, 5)); return 42; };
    expect(await Promise.all([cache.getOrBuild('k', build), cache.getOrBuild('k', build), cache.getOrBuild('k', build)])).toEqual([42, 42, 42]);
    expect(builds).toBe(1);
    expect(await cache.getOrBuild('k', build)).toBe(42);
    expect(builds).toBe(1);
    expect(cache.hits).toBe(1);
    await expect(cache.getOrBuild('x', async () => { throw new Error('échec'); })).rejects.toThrow('échec');
    expect(await cache.getOrBuild('x', async () => 7)).toBe(7);
  });

  it('keeps nothing with a size of 0 and refuses a negative size', () => {
    const cache = new LruCache<number>(0);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
    expect(() => new LruCache<number>(-1)).toThrow();
  });

  it('keeps its total weight within maxBytes, re-weighing an entry that grew since it was stored', () => {
    const sized = (n: number) => ({ bytes: n });
    const cache = new LruCache<{ bytes: number }>(100, { maxBytes: 10, weigh: (v) => v.bytes });
    cache.set('a', sized(4));
    cache.set('b', sized(4));
    expect(cache.bytes).toBe(8);
    cache.set('c', sized(4)); // 12 > 10: a, the least recently used, goes
    expect(cache.get('a')).toBeUndefined();
    expect(cache.bytes).toBe(8);
    const b = cache.get('b')!;
    b.bytes = 7; // grew (e.g. a content coding added); noticed on its next hit
    expect(cache.get('b')).toBe(b);
    expect(cache.get('c')).toBeUndefined();
    expect(cache.bytes).toBe(7);
    cache.set('big', sized(11)); // larger than the whole budget: not kept, nothing evicted for it
    expect(cache.get('big')).toBeUndefined();
    expect(cache.get('b')).toBe(b);
  });
});
