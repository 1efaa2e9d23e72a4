/**
 * What the HTTP surface promises every client, whatever the route: CORS for
 * browser JavaScript on other origins (read-only API, no credentials: `*`),
 * `nosniff`, a bounded request id, 405 with `Allow` for methods we do not
 * serve, and the preflight answer. Header values are computed once here so
 * that the per-request middleware only copies constants.
 */
import { randomUUID } from 'node:crypto';
import { TrieRouter } from 'hono/router/trie-router';

export const ALLOW = 'GET, HEAD, OPTIONS';

/** Added to every response (200s through the context, others when finished). */
export const COMMON_HEADERS: readonly (readonly [string, string])[] = [
  ['Access-Control-Allow-Origin', '*'],
  ['Access-Control-Expose-Headers', 'ETag, Dotation-Release, X-Request-Id, Content-Disposition, Location'],
  ['X-Content-Type-Options', 'nosniff'],
];

/** Preflight: any header may be sent (no credentials), cached a day by the browser. */
export const PREFLIGHT_HEADERS: Record<string, string> = {
  ...Object.fromEntries(COMMON_HEADERS),
  'Access-Control-Allow-Methods': ALLOW,
  'Access-Control-Allow-Headers': '*',
  'Access-Control-Max-Age': '86400',
  Allow: ALLOW,
};

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The client's X-Request-Id when it is a short token, else a fresh one: it goes into headers, bodies and logs. */
export function requestIdOf(header: string | undefined): string {
  return header !== undefined && REQUEST_ID.test(header) ? header : randomUUID();
}

/** Sets the common headers (and the release) on a response built outside the context (errors, 304). */
export function finishHeaders(headers: Headers, releaseId: string | undefined, requestId: string): void {
  for (const [name, value] of COMMON_HEADERS) headers.set(name, value);
  headers.set('X-Request-Id', requestId);
  if (releaseId) headers.set('Dotation-Release', releaseId);
}

/**
 * Which paths exist for GET: built from the app's routes on the first request
 * that needs it (all routes are registered by then), so that another method on
 * an existing path is a 405 and on an unknown path a 404.
 */
export class ReadablePaths {
  private router: TrieRouter<true> | undefined;

  constructor(private readonly routes: () => readonly { method: string; path: string }[]) {}

  has(path: string): boolean {
    if (!this.router) {
      this.router = new TrieRouter<true>();
      for (const r of this.routes()) if (r.method === 'GET') this.router.add('GET', r.path, true);
    }
    return this.router.match('GET', path)[0].length > 0;
  }
}
