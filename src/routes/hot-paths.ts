/**
 * The two hot GETs, `/commune/{code}` and `/commune/{code}/dotation` without a
 * query, answered from ready bytes at the node:http layer, before
 * @hono/node-server builds a web Request and Response and Hono runs the
 * middleware (together most of a request's CPU in the profiles). What the
 * middleware and the routes do is done here the same way — release, request
 * id, ETag and `If-None-Match` (304), content-coding negotiation, CORS and
 * security headers, preload of a new release — and the response is written
 * byte for byte as the app writes it (tests/api/hot-paths.test.ts compares them).
 * Everything else returns false and goes through the app unchanged: another
 * path or method (HEAD included), a query string, a code that is not a
 * current commune (400, 301, 300, 404 are the routes' own), `If-None-Match: *`,
 * a compressed `/commune/{code}` (the app streams it), a dotation not in the
 * cache yet, and any request when the release is due for a check (the app
 * asks the store).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from '../http/context.js';
import type { NodeShortcut } from '../http/node-listener.js';
import type { ReleaseTracker, ServingRelease } from '../releases/serving-release.js';
import type { DotationPreloader } from './dotation/preload.js';
import { etagFor, matchesIfNoneMatch, withEncoding } from '../http/etag.js';
import { negotiateEncoding } from '../http/compression.js';
import { requestIdOf } from '../http/surface.js';
import { writeReady } from '../http/ready-response.js';
import { responseCache } from '../http/response-cache.js';
import { communeJson } from '../dotation/commune.js';
import { dotationCacheKey } from './dotation/preload.js';

/** The code as COMMUNE_CODE spells it; anything else is the app's to refuse. */
const HOT = /^\/commune\/(\d{5}|2[AB]\d{3})(\/dotation)?$/;

export function hotPaths(deps: AppDeps, tracker: ReleaseTracker, preloader?: DotationPreloader): NodeShortcut {
  const cache = responseCache(deps);
  // `c.json` of the commune, rendered once per release and commune (~400 bytes each).
  const communeBodies = new WeakMap<ServingRelease, Map<string, Buffer>>();
  const communeBody = (release: ServingRelease, code: string): Buffer | undefined => {
    let bodies = communeBodies.get(release);
    if (!bodies) communeBodies.set(release, bodies = new Map());
    let body = bodies.get(code);
    if (!body) {
      const resolution = release.referential.resolve(code);
      if (resolution.kind !== 'current') return undefined;
      bodies.set(code, body = Buffer.from(JSON.stringify(communeJson(release.referential, resolution.commune))));
    }
    return body;
  };

  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET') return false;
    const path = req.url!;
    const hot = HOT.exec(path);
    if (!hot) return false;
    const release = tracker.fresh();
    if (!release || release === 'stale') return false;
    preloader?.follow(release);
    const headers = req.headers;
    const etag = etagFor(release.id, path);
    const match = matchesIfNoneMatch(headers['if-none-match'], etag);
    if (match === 'any') return false;
    const fields = { 'dotation-release': release.id, etag, 'x-request-id': requestIdOf(headers['x-request-id'] as string | undefined) };
    // The middleware answers a named validator before any route runs, whatever the code.
    if (match === 'tag') {
      writeReady(res, 304, fields);
      return true;
    }
    const code = hot[1];
    const encoding = negotiateEncoding(headers['accept-encoding']);
    if (!hot[2]) {
      if (encoding) return false;
      const body = communeBody(release, code);
      if (!body) return false;
      writeReady(res, 200, { ...fields, 'content-type': 'application/json' }, body);
      return true;
    }
    if (release.referential.resolve(code).kind !== 'current') return false;
    const cached = cache.get(dotationCacheKey(release, code));
    if (!cached || Object.keys(cached.headers).length) return false;
    if (!encoding) {
      writeReady(res, 200, { ...fields, 'content-type': cached.contentType }, cached.identity);
    } else {
      const body = cached.encodedAs(encoding);
      writeReady(res, 200, { ...fields, etag: withEncoding(etag, encoding), 'content-type': cached.contentType, 'content-encoding': encoding }, body);
    }
    return true;
  };
}
