import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { FetchError, fetchToCache, resolveInput, type FetchOptions } from './fetch.js';
import { cachePaths, fileSuffix } from './fetch-cache.js';
import { MAX_RETRY_AFTER_MS, contentRangeStart, dispositionFileName, parseRetryAfter } from './fetch-http.js';
import { serveBody, startHttpServer, type RouteHandler, type TestHttpServer } from '../../tests/helpers/http-server.js';

/** 200 kB of non-repeating-looking bytes, so a misplaced resume changes the hash. */
const BODY = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7 + (i >> 8)) % 251));
const HALF = 80_000;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let server: TestHttpServer;
let cacheDir: string;

beforeEach(async () => {
  server = await startHttpServer();
  cacheDir = await mkdtemp(join(tmpdir(), 'dotation-fetch-'));
});

afterEach(async () => {
  await server.close();
  await rm(cacheDir, { recursive: true, force: true });
});

const options = (extra: Partial<FetchOptions> = {}): FetchOptions => ({
  cacheDir,
  allowedHosts: ['127.0.0.1'],
  maxBytes: 1_000_000,
  timeoutMs: 3_000,
  backoffMs: 10,
  ...extra,
});

/**
 * Sends the headers of the whole body and its first `bytes`, waits until the
 * client has written them to its `.tmp` (so the test does not depend on how
 * fast the client drains the socket), then cuts the connection or stalls.
 */
function partThen(url: string, bytes: number, then: 'cut' | 'stall', headers: Record<string, string> = {}): RouteHandler {
  return async (_req, res) => {
    res.writeHead(200, { 'content-length': String(BODY.length), ...headers });
    res.write(BODY.subarray(0, bytes));
    await waitForSize(cachePaths(cacheDir, url).tmp, bytes);
    if (then === 'cut') res.destroy();
  };
}

async function waitForSize(path: string, size: number): Promise<void> {
  for (const until = Date.now() + 5_000; Date.now() < until; await new Promise((r) => setTimeout(r, 5))) {
    if ((await stat(path).then((info) => info.size, () => -1)) === size) return;
  }
  throw new Error(`the client never wrote ${size} bytes to ${path}`);
}

const failing = (first: RouteHandler, then: RouteHandler): RouteHandler => (req, res, hit) =>
  hit === 1 ? first(req, res, hit) : then(req, res, hit);

const cacheFiles = async () => (await readdir(cacheDir)).sort();

async function rejection(promise: Promise<unknown>): Promise<FetchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FetchError);
  return error as FetchError;
}

describe('fetchToCache: download and cache', () => {
  it('streams into the cache, renames the .tmp and writes a sidecar', async () => {
    server.route('/data/communes.csv.gz', serveBody(BODY, { etag: '"v1"', lastModified: 'Tue, 06 Jan 2026 10:00:00 GMT' }));
    const url = server.url('/data/communes.csv.gz');

    const got = await fetchToCache(url, options());

    expect(got).toMatchObject({ url, bytes: BODY.length, sha256: sha256(BODY), fromCache: false, etag: '"v1"' });
    expect(got.lastModified).toBe('Tue, 06 Jan 2026 10:00:00 GMT');
    expect(Date.parse(got.retrievedAt)).toBeGreaterThan(Date.now() - 60_000);
    expect((await readFile(got.path)).equals(BODY)).toBe(true);
    const key = cachePaths(cacheDir, url).key;
    expect(await cacheFiles()).toEqual([`${key}.csv.gz`, `${key}.meta.json`]);
    const sidecar = JSON.parse(await readFile(join(cacheDir, `${key}.meta.json`), 'utf8'));
    expect(sidecar).toMatchObject({ url, sha256: sha256(BODY), bytes: BODY.length, etag: '"v1"', retrievedAt: got.retrievedAt });
    expect(server.requests[0].headers['accept-encoding']).toContain('identity');
  });

  it('revalidates with If-None-Match and keeps the file on 304', async () => {
    server.route('/a.csv', serveBody(BODY, { etag: '"v1"' }));
    const first = await fetchToCache(server.url('/a.csv'), options());
    const second = await fetchToCache(server.url('/a.csv'), options());

    expect(server.hits('/a.csv')).toBe(2);
    expect(server.requests[1].headers['if-none-match']).toBe('"v1"');
    expect(second).toMatchObject({ fromCache: true, path: first.path, sha256: first.sha256, retrievedAt: first.retrievedAt });
  });

  it('revalidates with If-Modified-Since when only Last-Modified is known', async () => {
    const lastModified = 'Mon, 05 Jan 2026 08:00:00 GMT';
    server.route('/b.csv', serveBody(BODY, { lastModified }));
    await fetchToCache(server.url('/b.csv'), options());
    const second = await fetchToCache(server.url('/b.csv'), options());

    expect(server.requests[1].headers['if-modified-since']).toBe(lastModified);
    expect(server.requests[1].headers['if-none-match']).toBeUndefined();
    expect(second.fromCache).toBe(true);
  });

  it('replaces the cached file when the revalidation brings new content', async () => {
    const v2 = Buffer.from('code,nom\n01001,L’Abergement-Clémenciat\n');
    server.route('/c.csv', serveBody(BODY, { etag: '"v1"' }));
    await fetchToCache(server.url('/c.csv'), options());
    server.route('/c.csv', serveBody(v2, { etag: '"v2"' }));
    const second = await fetchToCache(server.url('/c.csv'), options());

    expect(second).toMatchObject({ fromCache: false, sha256: sha256(v2), bytes: v2.length, etag: '"v2"' });
    expect((await readFile(second.path)).equals(v2)).toBe(true);
    expect(await cacheFiles()).toHaveLength(2);
  });

  it('reuses the cached file without any request when the server gave no validator', async () => {
    server.route('/d.zip', serveBody(BODY));
    await fetchToCache(server.url('/d.zip'), options());
    const second = await fetchToCache(server.url('/d.zip'), options());

    expect(server.hits('/d.zip')).toBe(1);
    expect(second).toMatchObject({ fromCache: true, sha256: sha256(BODY) });
    expect(second.path.endsWith('.zip')).toBe(true);
  });

  it('serialises concurrent calls for the same URL (one download)', async () => {
    server.route('/e.csv', serveBody(BODY));
    const [a, b] = await Promise.all([fetchToCache(server.url('/e.csv'), options()), fetchToCache(server.url('/e.csv'), options())]);

    expect(server.hits('/e.csv')).toBe(1);
    expect([a.fromCache, b.fromCache].sort()).toEqual([false, true]);
    expect(b.sha256).toBe(sha256(BODY));
  });

  it('reports progress with the received count and the announced total', async () => {
    server.route('/p.csv', serveBody(BODY));
    const calls: Array<[number, number | undefined]> = [];
    await fetchToCache(server.url('/p.csv'), options({ onProgress: (received, total) => calls.push([received, total]) }));

    expect(calls.length).toBeGreaterThan(0);
    expect(calls.at(-1)).toEqual([BODY.length, BODY.length]);
    expect(calls.every(([r], i) => i === 0 || r > calls[i - 1][0])).toBe(true);
  });

  it('streams a 16 MB body generated chunk by chunk', async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    const chunks = 256;
    server.route('/big.bin', (_req, res) => {
      res.writeHead(200, { 'content-length': String(chunk.length * chunks) });
      let sent = 0;
      const pump = () => {
        while (sent < chunks) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    const expected = createHash('sha256');
    for (let i = 0; i < chunks; i++) expected.update(chunk);

    const got = await fetchToCache(server.url('/big.bin'), options({ maxBytes: 32 * 1024 * 1024 }));
    expect(got).toMatchObject({ bytes: chunk.length * chunks, sha256: expected.digest('hex') });
  });
});

describe('fetchToCache: resume', () => {
  it('resumes a cut transfer with Range and If-Range, within one call', async () => {
    server.route('/r.csv', failing(partThen(server.url('/r.csv'), HALF, 'cut', { etag: '"r1"' }), serveBody(BODY, { etag: '"r1"' })));

    const got = await fetchToCache(server.url('/r.csv'), options({ retries: 1 }));

    expect(server.hits('/r.csv')).toBe(2);
    expect(server.requests[1].headers.range).toBe(`bytes=${HALF}-`);
    expect(server.requests[1].headers['if-range']).toBe('"r1"');
    expect(got.sha256).toBe(sha256(BODY));
    expect((await readFile(got.path)).equals(BODY)).toBe(true);
    expect(await cacheFiles()).toHaveLength(2);
  });

  it('keeps the .tmp after a failed run and resumes it on the next call', async () => {
    const url = server.url('/s.csv');
    server.route('/s.csv', failing(partThen(url, HALF, 'cut'), serveBody(BODY)));

    const error = await rejection(fetchToCache(url, options({ retries: 0 })));
    expect(error.message).toContain(url);
    const { tmp } = cachePaths(cacheDir, url);
    expect((await readFile(tmp)).length).toBe(HALF);

    const got = await fetchToCache(url, options({ retries: 0 }));
    expect(server.requests[1].headers.range).toBe(`bytes=${HALF}-`);
    expect(server.requests[1].headers['if-range']).toBeUndefined();
    expect(got.sha256).toBe(sha256(BODY));
    expect((await readFile(got.path)).equals(BODY)).toBe(true);
    expect((await cacheFiles()).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('starts again from zero when the resource changed (If-Range mismatch → 200)', async () => {
    const v2 = Buffer.concat([BODY, Buffer.from('nouvelle ligne\n')]);
    server.route('/t.csv', failing(partThen(server.url('/t.csv'), HALF, 'cut', { etag: '"old"' }), serveBody(v2, { etag: '"new"' })));

    const got = await fetchToCache(server.url('/t.csv'), options({ retries: 1 }));

    expect(server.requests[1].headers.range).toBe(`bytes=${HALF}-`);
    expect(got).toMatchObject({ sha256: sha256(v2), bytes: v2.length, etag: '"new"' });
    expect((await readFile(got.path)).equals(v2)).toBe(true);
  });

  it('starts again from zero after a 416', async () => {
    const url = server.url('/u.csv');
    server.route('/u.csv', serveBody(BODY));
    await mkdir(cacheDir, { recursive: true });
    await writeFile(cachePaths(cacheDir, url).tmp, Buffer.alloc(BODY.length + 10));

    const got = await fetchToCache(url, options({ retries: 1 }));

    expect(server.hits('/u.csv')).toBe(2);
    expect(server.requests[1].headers.range).toBeUndefined();
    expect(got.sha256).toBe(sha256(BODY));
  });
});

describe('fetchToCache: retries', () => {
  it('retries a 503 and succeeds', async () => {
    server.route('/x.csv', failing((_q, res) => void res.writeHead(503).end(), serveBody(BODY)));
    const got = await fetchToCache(server.url('/x.csv'), options());
    expect(server.hits('/x.csv')).toBe(2);
    expect(got.sha256).toBe(sha256(BODY));
  });

  it('waits as long as Retry-After asks on a 429', async () => {
    server.route('/y.csv', failing((_q, res) => void res.writeHead(429, { 'retry-after': '1' }).end(), serveBody(BODY)));
    const started = performance.now();
    const got = await fetchToCache(server.url('/y.csv'), options({ backoffMs: 10 }));
    const elapsed = performance.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3_000);
    expect(server.hits('/y.csv')).toBe(2);
    expect(got.fromCache).toBe(false);
  });

  it('fails at once on a 404, naming the URL and the status', async () => {
    const url = server.url('/missing.csv');
    const error = await rejection(fetchToCache(url, options({ retries: 4, backoffMs: 1_000 })));
    expect(server.hits('/missing.csv')).toBe(1);
    expect(error.status).toBe(404);
    expect(error.url).toBe(url);
    expect(error.message).toContain(url);
    expect(error.message).toContain('404');
    expect(await cacheFiles()).toEqual([]);
  });

  it('gives up with a FetchError once the retries are exhausted', async () => {
    server.route('/z.csv', (_q, res) => void res.writeHead(500).end());
    const error = await rejection(fetchToCache(server.url('/z.csv'), options({ retries: 2 })));
    expect(server.hits('/z.csv')).toBe(3);
    expect(error.status).toBe(500);
    expect(error.message).toContain('3 tentatives');
  });

  it('retries network errors and names their cause', async () => {
    const closed = await startHttpServer();
    const url = closed.url('/gone.csv');
    await closed.close();
    const error = await rejection(fetchToCache(url, options({ retries: 1 })));
    expect(error.message).toMatch(/erreur réseau.*ECONNREFUSED/);
    expect(error.message).toContain('2 tentatives');
  });
});

describe('fetchToCache: size cap', () => {
  it('refuses an announced Content-Length above maxBytes without reading the body', async () => {
    server.route('/huge.csv', (_q, res) => {
      res.writeHead(200, { 'content-length': String(50_000_000) });
      res.write(BODY.subarray(0, 1_000)); // and then nothing: reading the body would hang until the timeout
    });
    const started = performance.now();
    const error = await rejection(fetchToCache(server.url('/huge.csv'), options({ maxBytes: 1_000_000, timeoutMs: 5_000 })));

    expect(performance.now() - started).toBeLessThan(2_000);
    expect(error.message).toContain('50000000 octets');
    expect(server.hits('/huge.csv')).toBe(1);
    expect(await cacheFiles()).toEqual([]);
  });

  it('aborts a chunked body that grows past maxBytes and leaves nothing behind', async () => {
    server.route('/chunked.csv', serveBody(BODY, { chunked: true }));
    const error = await rejection(fetchToCache(server.url('/chunked.csv'), options({ maxBytes: 50_000 })));

    expect(error.message).toContain('plus de 50000 octets reçus');
    expect(server.hits('/chunked.csv')).toBe(1);
    expect(await cacheFiles()).toEqual([]);
  });
});

describe('fetchToCache: timeout', () => {
  it('fails after timeoutMs when the server never answers', async () => {
    server.route('/silent.csv', () => undefined);
    const started = performance.now();
    const error = await rejection(fetchToCache(server.url('/silent.csv'), options({ timeoutMs: 300, retries: 0 })));
    const elapsed = performance.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(2_500);
    expect(error.message).toContain('aucune donnée reçue pendant 300 ms');
  });

  it('times out a body that stalls, then resumes it on the retry', async () => {
    server.route('/stall.csv', failing(partThen(server.url('/stall.csv'), HALF, 'stall'), serveBody(BODY)));

    const got = await fetchToCache(server.url('/stall.csv'), options({ timeoutMs: 300, retries: 1 }));

    expect(server.requests[1].headers.range).toBe(`bytes=${HALF}-`);
    expect(got.sha256).toBe(sha256(BODY));
  });
});

describe('fetchToCache: host allow-list', () => {
  it('refuses a host that is not allowed without any request', async () => {
    server.route('/f.csv', serveBody(BODY));
    const url = `http://localhost:${server.port}/f.csv`;
    const error = await rejection(fetchToCache(url, options({ allowedHosts: ['127.0.0.1'] })));

    expect(error.message).toContain('localhost');
    expect(error.message).toContain(url);
    expect(server.hits()).toBe(0);
  });

  it('accepts localhost only when it is listed', async () => {
    server.route('/f.csv', serveBody(BODY));
    const got = await fetchToCache(`http://localhost:${server.port}/f.csv`, options({ allowedHosts: ['localhost'] }));
    expect(got.sha256).toBe(sha256(BODY));
  });

  it('refuses a redirect to a host that is not allowed, before contacting it', async () => {
    server.route('/redirect', (_q, res) => void res.writeHead(302, { location: `http://localhost:${server.port}/target.csv` }).end());
    server.route('/target.csv', serveBody(BODY));
    const error = await rejection(fetchToCache(server.url('/redirect'), options()));

    expect(error.message).toMatch(/redirection.*localhost/);
    expect(server.hits('/target.csv')).toBe(0);
    expect(await cacheFiles()).toEqual([]);
  });

  it('follows redirects within allowed hosts and names the file after the final URL', async () => {
    server.route('/fr/datasets/r/abc', (_q, res) => void res.writeHead(302, { location: '/static/resource.csv' }).end());
    server.route('/static/resource.csv', serveBody(BODY));
    const got = await fetchToCache(server.url('/fr/datasets/r/abc'), options());

    expect(got.url).toBe(server.url('/fr/datasets/r/abc'));
    expect(got.path.endsWith('.csv')).toBe(true);
    expect(got.sha256).toBe(sha256(BODY));
  });

  it('checks the final URL of a fetchImpl that follows redirects itself', async () => {
    const fetchImpl = (async () => {
      const response = new Response('payload');
      Object.defineProperty(response, 'url', { value: 'https://ailleurs.example/file.csv' });
      return response;
    }) as typeof fetch;
    const error = await rejection(fetchToCache('https://www.data.gouv.fr/x.csv', options({ allowedHosts: ['www.data.gouv.fr'], fetchImpl })));
    expect(error.message).toContain('ailleurs.example');
  });

  it('refuses other protocols', async () => {
    const error = await rejection(fetchToCache('ftp://127.0.0.1/x.csv', options()));
    expect(error.message).toContain('ftp:');
  });
});

describe('fetchToCache: expected sha256', () => {
  it('accepts a matching sha256 (any case)', async () => {
    server.route('/h.csv', serveBody(BODY));
    const got = await fetchToCache(server.url('/h.csv'), options({ expectedSha256: sha256(BODY).toUpperCase() }));
    expect(got.sha256).toBe(sha256(BODY));
  });

  it('fails on a mismatch and keeps nothing', async () => {
    server.route('/h.csv', serveBody(BODY));
    const error = await rejection(fetchToCache(server.url('/h.csv'), options({ expectedSha256: 'ab'.repeat(32) })));
    expect(error.message).toContain(sha256(BODY));
    expect(await cacheFiles()).toEqual([]);
  });

  it('drops a cached file whose sha256 no longer matches the expected one', async () => {
    server.route('/h.csv', serveBody(BODY));
    await fetchToCache(server.url('/h.csv'), options());
    await rejection(fetchToCache(server.url('/h.csv'), options({ expectedSha256: 'ab'.repeat(32) })));
    expect(server.hits('/h.csv')).toBe(2);
    expect(await cacheFiles()).toEqual([]);
  });
});

describe('resolveInput', () => {
  it('hashes a local file given by a relative path', async () => {
    const file = join(cacheDir, 'local.csv');
    await writeFile(file, BODY);
    const got = await resolveInput(relative(process.cwd(), file), options());

    expect(got).toMatchObject({ path: file, sha256: sha256(BODY), bytes: BODY.length, fromCache: false });
    expect(got.url).toMatch(/^file:\/\//);
    expect(server.hits()).toBe(0);
  });

  it('checks the expected sha256 of a local file too', async () => {
    const file = join(cacheDir, 'local.csv');
    await writeFile(file, BODY);
    await rejection(resolveInput(file, options({ expectedSha256: '00'.repeat(32) })));
  });

  it('names the missing local file', async () => {
    const error = await rejection(resolveInput('./nulle-part/absent.csv', options()));
    expect(error.message).toContain('introuvable');
    expect(error.message).toContain(join('nulle-part', 'absent.csv'));
  });

  it('delegates http(s) URLs to the cache', async () => {
    server.route('/i.csv', serveBody(BODY));
    const got = await resolveInput(server.url('/i.csv'), options());
    expect(server.hits('/i.csv')).toBe(1);
    expect(got.path.startsWith(cacheDir)).toBe(true);
  });

  it('refuses other URL schemes', async () => {
    await rejection(resolveInput('s3://bucket/file.csv', options()));
  });
});

describe('fetch helpers', () => {
  it('parses Retry-After in seconds or as an HTTP date, capped', () => {
    const now = Date.parse('2026-01-06T10:00:00Z');
    expect(parseRetryAfter('1', now)).toBe(1_000);
    expect(parseRetryAfter('Tue, 06 Jan 2026 10:00:05 GMT', now)).toBe(5_000);
    expect(parseRetryAfter('Tue, 06 Jan 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('86400', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('bientôt', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('keeps useful file extensions', () => {
    expect(fileSuffix('/files/communes.csv')).toBe('.csv');
    expect(fileSuffix('/files/Contours.CSV.GZ')).toBe('.csv.gz');
    expect(fileSuffix('archive.7z')).toBe('.7z');
    expect(fileSuffix('/fr/datasets/r/0b6c5e2f')).toBe('');
    expect(fileSuffix('x.tmp')).toBe('');
  });

  it('reads Content-Disposition and Content-Range', () => {
    expect(dispositionFileName('attachment; filename="base-cc-2021.zip"')).toBe('base-cc-2021.zip');
    expect(dispositionFileName("attachment; filename*=UTF-8''donn%C3%A9es.csv")).toBe('données.csv');
    expect(dispositionFileName(null)).toBeUndefined();
    expect(contentRangeStart('bytes 100-199/200')).toBe(100);
    expect(contentRangeStart('bytes */200')).toBeUndefined();
  });
});
