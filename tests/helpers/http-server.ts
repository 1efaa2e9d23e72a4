/**
 * A tiny programmable HTTP server for tests that must never touch the network.
 *
 * Routes map a path (query string ignored) to a handler that also receives the
 * 1-based number of the hit on that route, so a test can script "fail first,
 * succeed next". Every request is recorded (method, path, headers) and
 * `close()` also destroys hanging connections, so a never-answering handler
 * cannot keep the test process alive.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse, hit: number) => void | Promise<void>;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  url(path: string): string;
  route(path: string, handler: RouteHandler): void;
  /** Requests received on one path, or on all paths. */
  hits(path?: string): number;
  close(): Promise<void>;
}

export async function startHttpServer(routes: Record<string, RouteHandler> = {}): Promise<TestHttpServer> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const hitsByPath = new Map<string, number>();

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://test').pathname;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const hit = (hitsByPath.get(path) ?? 0) + 1;
    hitsByPath.set(path, hit);
    const handler = table.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    Promise.resolve(handler(req, res, hit)).catch(() => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end('handler failed');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    requests,
    url: (path) => origin + path,
    route: (path, handler) => void table.set(path, handler),
    hits: (path) => (path === undefined ? requests.length : hitsByPath.get(path) ?? 0),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export interface ServeBodyOptions {
  etag?: string;
  lastModified?: string;
  /** Answer `Range: bytes=N-` with 206 (default true). */
  ranges?: boolean;
  /** Omit Content-Length and send the body chunked. */
  chunked?: boolean;
  contentType?: string;
}

/**
 * A handler serving fixed bytes like a well-behaved static file server:
 * validators, 304 on If-None-Match / If-Modified-Since, 206 on open-ended ranges
 * (honouring If-Range).
 */
export function serveBody(body: Buffer, options: ServeBodyOptions = {}): RouteHandler {
  const { etag, lastModified, ranges = true, chunked = false, contentType = 'application/octet-stream' } = options;
  return (req, res) => {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (etag) headers.etag = etag;
    if (lastModified) headers['last-modified'] = lastModified;
    if (ranges) headers['accept-ranges'] = 'bytes';
    if (isNotModified(req, etag, lastModified)) {
      res.writeHead(304, headers).end();
      return;
    }
    const start = ranges ? rangeStart(req, etag, lastModified) : undefined;
    if (start !== undefined && start >= body.length) {
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    const part = start === undefined ? body : body.subarray(start);
    if (start !== undefined) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    if (!chunked) headers['content-length'] = String(part.length);
    res.writeHead(start === undefined ? 200 : 206, headers);
    res.end(part);
  };
}

function isNotModified(req: IncomingMessage, etag?: string, lastModified?: string): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return etag !== undefined && ifNoneMatch.split(/\s*,\s*/).includes(etag);
  const since = req.headers['if-modified-since'];
  return since !== undefined && lastModified !== undefined && Date.parse(lastModified) <= Date.parse(since);
}

function rangeStart(req: IncomingMessage, etag?: string, lastModified?: string): number | undefined {
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (!match) return undefined;
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined && ifRange !== etag && ifRange !== lastModified) return undefined;
  return Number(match[1]);
}
