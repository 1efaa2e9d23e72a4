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

  it('bounds the total weight, not the count, and weighs an entry again when it grows', () => {
    const sizes = new Map<string, number>([['a', 40], ['b', 40], ['c', 30], ['big', 101]]);
    const cache = new LruCache<string>(100, (_value, key) => sizes.get(key)!);
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.weight).toBe(80);
    cache.set('c', 'C'); // 110 > 100: a, the least recently used, goes
    expect(cache.get('a')).toBeUndefined();
    expect([cache.size, cache.weight]).toEqual([2, 70]);
    cache.set('big', 'X'); // heavier than the whole bound: not kept, nothing evicted for it
    expect(cache.get('big')).toBeUndefined();
    expect([cache.size, cache.weight]).toEqual([2, 70]);
    expect(cache.get('b')).toBe('B'); // c is now the least recently used
    sizes.set('b', 80);
    cache.reweigh('b');
    expect(cache.get('c')).toBeUndefined();
    expect([cache.size, cache.weight]).toEqual([1, 80]);
  });
});
