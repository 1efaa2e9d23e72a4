/**
 * The app's cache of rendered bodies (dotations, territory aggregates, DCAT
 * catalogues), one per `createApp` (keyed by its deps object), bounded in
 * BYTES by `AppDeps.cacheBytes`: a dotation weighs 2 to 25 kB before its
 * compressed copies, so a bound in entries let the cache's memory depend on
 * which communes were asked and in which codings, and under a uniform draw
 * over the 35 000 communes the process grew for as long as the cache filled.
 * Keys carry the release id, so a new release never serves an old body and the
 * old entries simply age out.
 */
import type { AppDeps } from './context.js';
import type { CachedBody } from './cached-body.js';
import { LruCache } from './lru.js';

/**
 * 16 MiB of bodies: some 1 200 full dotations (~14 kB) or 2 000 lean ones, the
 * communes a portal's visitors actually ask for; ~20 MB of resident memory once
 * full, so that the cache's fill stays within a tenth of the server's RSS.
 * A deployment that serves every commune from memory raises DOTATION_CACHE_MB.
 */
export const DEFAULT_CACHE_BYTES = 16 * 1024 * 1024;
/** What an entry costs beyond its bodies: the key, the CachedBody and its Buffers' headers, the map's slot. */
const ENTRY_OVERHEAD = 512;

/** An LRU of rendered bodies that weighs each by its bytes, again whenever a compressed copy is added. */
class ResponseCache extends LruCache<CachedBody> {
  constructor(maxBytes: number) {
    super(maxBytes, (body, key) => body.bytes + key.length + ENTRY_OVERHEAD);
  }

  override set(key: string, body: CachedBody): void {
    body.onGrow = () => this.reweigh(key);
    super.set(key, body);
  }
}

const caches = new WeakMap<object, LruCache<CachedBody>>();

export function responseCache(deps: AppDeps): LruCache<CachedBody> {
  let cache = caches.get(deps);
  if (!cache) {
    cache = new ResponseCache(deps.cacheBytes ?? DEFAULT_CACHE_BYTES);
    caches.set(deps, cache);
  }
  return cache;
}

export function cacheKey(releaseId: string, resource: string, format: string): string {
  return `${releaseId}\u0000${resource}\u0000${format}`;
}
