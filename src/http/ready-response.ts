/**
 * A 200 or 304 written straight to node:http with the bytes the app would
 * send through Hono: the middleware's headers (common ones, release, ETag,
 * Vary, request id) in the order @hono/node-server writes a web `Headers` —
 * sorted by lowercase name — then what it adds itself: `Content-Length` for a
 * body, its default `content-type` for a 304 without one. The hot paths use it
 * to answer without a web Request/Response; tests/api/hot-paths.test.ts holds
 * it to the app's own responses, byte for byte.
 */
import type { ServerResponse } from 'node:http';
import { COMMON_HEADERS } from './surface.js';

const COMMON = new Map(COMMON_HEADERS.map(([name, value]) => [name.toLowerCase(), value]));

/** What the middleware adds to every answered GET (a 304 included). */
const PER_REQUEST = ['dotation-release', 'etag', 'vary', 'x-request-id'] as const;

export interface ReadyFields {
  'dotation-release': string;
  etag: string;
  'x-request-id': string;
  'content-type'?: string;
  'content-encoding'?: string;
}

const sortedNames = (extra: string[]) => [...COMMON.keys(), ...PER_REQUEST, ...extra].sort();
const ORDER_200 = sortedNames(['content-type']);
const ORDER_200_CODED = sortedNames(['content-type', 'content-encoding']);
const ORDER_304 = sortedNames([]);

function valueOf(name: string, fields: ReadyFields): string {
  return name === 'vary' ? 'Accept-Encoding' : COMMON.get(name) ?? fields[name as keyof ReadyFields]!;
}

/** A 200 with `body`, or a 304 (no body), as the app writes it. */
export function writeReady(res: ServerResponse, status: 200 | 304, fields: ReadyFields, body?: Uint8Array): void {
  const order = status === 304 ? ORDER_304 : fields['content-encoding'] ? ORDER_200_CODED : ORDER_200;
  const flat: string[] = [];
  for (const name of order) flat.push(name, valueOf(name, fields));
  if (status === 304) flat.push('content-type', 'text/plain; charset=UTF-8');
  else flat.push('Content-Length', String(body!.byteLength));
  res.writeHead(status, flat);
  res.end(status === 304 ? undefined : body);
}
