/**
 * The app's cache of rendered bodies (dotations, territory aggregates), one per
 * `createApp` (keyed by its deps object), bounded by `AppDeps.cacheSize`
 * entries and `AppDeps.cacheBytes` bytes of stored bodies. Keys carry the
 * release id, so a new release never serves an old body and the old entries
 * simply age out.
 */
import type { AppDeps } from './context.js';
import type { CachedBody } from './cached-body.js';
import { LruCache } from './lru.js';

export const DEFAULT_CACHE_SIZE = 100_000;
/** A lean dotation kept gzip-compressed is 2–3 kB: the 34 969 communes of the sample release take ~100 MB. */
export const DEFAULT_CACHE_BYTES = 256 * 1024 * 1024;

const caches = new WeakMap<object, LruCache<CachedBody>>();

export function responseCache(deps: AppDeps): LruCache<CachedBody> {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new LruCache<CachedBody>(deps.cacheSize ?? DEFAULT_CACHE_SIZE, { maxBytes: deps.cacheBytes ?? DEFAULT_CACHE_BYTES, weigh: (b) => b.bytes });
    caches.set(deps, cache);
  }
  return cache;
}

export function cacheKey(releaseId: string, resource: string, format: string): string {
  return `${releaseId}\u0000${resource}\u0000${format}`;
}
