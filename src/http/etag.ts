/**
 * ETags derive from (release, resource) — the URL path and its sorted query —
 * never from the body, so a 304 costs no rendering and no hashing of payloads.
 */
import { createHash } from 'node:crypto';

export function etagFor(releaseId: string, url: URL): string {
  const query = [...url.searchParams.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join('&');
  const resource = createHash('sha1').update(`${url.pathname}?${query}`).digest('base64url').slice(0, 16);
  return `"${releaseId}.${resource}"`;
}

export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').map((t) => t.trim().replace(/^W\//, '')).some((t) => t === etag || t === '*');
}
