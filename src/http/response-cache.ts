/**
 * The app's cache of rendered bodies (dotations, territory aggregates), one per
 * `createApp` (keyed by its deps object), bounded by `AppDeps.cacheSize`
 * entries. Keys carry the release id, so a new release never serves an old body
 * and the old entries simply age out.
 */
import type { AppDeps } from './context.js';
import type { CachedBody } from './cached-body.js';
import { LruCache } from './lru.js';

/** About 2–20 kB per dotation: 5 000 entries stay under ~100 MB. */
export const DEFAULT_CACHE_SIZE = 5000;

const caches = new WeakMap<object, LruCache<CachedBody>>();

export function responseCache(deps: AppDeps): LruCache<CachedBody> {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new LruCache<CachedBody>(deps.cacheSize ?? DEFAULT_CACHE_SIZE);
    caches.set(deps, cache);
  }
  return cache;
}

export function cacheKey(releaseId: string, resource: string, format: string): string {
  return `${releaseId}\u0000${resource}\u0000${format}`;
}
