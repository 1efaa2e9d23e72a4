/**
 * ETags derive from (release, resource) — the URL path and its sorted query —
 * never from the body, so a 304 costs no rendering and no hashing of payloads.
 * The resource part is a 52-bit FNV-1a of the path: an ETag only has to tell
 * apart the representations of one URL, so a cryptographic hash (and its
 * allocation) per request buys nothing. A content-coded representation gets a
 * suffix (`-br`, `-gzip`): it is a different representation (RFC 9110 §8.8.3).
 */

import { createRequire } from 'node:module';

/**
 * The code's version joins the release in every ETag: a deployment that changes
 * a representation (the demo page, a field) without a new data release must not
 * be answered 304 from a stale cache. Same version on every replica, so they agree.
 */
const CODE_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

/** FNV-1a over UTF-16 code units, 52 bits kept exact in a double. */
function fnv52(text: string): string {
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x050c5d1f | 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x01000193) ^ (h1 >>> 7);
  }
  return ((h2 >>> 0) % 0x100000).toString(36) + (h1 >>> 0).toString(36);
}

/** `search` is the raw query string without `?` (empty when none). */
export function etagFor(releaseId: string, path: string, search = ''): string {
  let resource = path;
  if (search) {
    const query = [...new URLSearchParams(search).entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join('&');
    resource = `${path}?${query}`;
  }
  return `"${releaseId}.${fnv52(`${CODE_VERSION} ${resource}`)}"`;
}

/** The ETag of a content-coded representation. */
export function withEncoding(etag: string, encoding: string): string {
  return `${etag.slice(0, -1)}-${encoding}"`;
}

/**
 * How `If-None-Match` relates to this resource: `tag` when a validator names it
 * in this release (whatever its content coding) — a 304 without running the
 * handler; `any` for `*`, which only holds if the resource exists, so the
 * caller must see the handler answer 200 before it answers 304.
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): 'tag' | 'any' | false {
  if (!header) return false;
  const bare = etag.slice(0, -1);
  let any = false;
  for (const raw of header.split(',')) {
    const t = raw.trim().replace(/^W\//, '');
    if (t === etag) return 'tag';
    if (t.startsWith(bare) && /^-(br|gzip|deflate)"$/.test(t.slice(bare.length))) return 'tag';
    if (t === '*') any = true;
  }
  return any ? 'any' : false;
}
