/**
 * The hot paths answer `/commune/{code}` and its dotation before Hono: their
 * responses must be the app's, byte for byte. Each request goes raw over a
 * socket to two servers of the same app — one serving every request through
 * Hono, one with the hot paths first — and the two answers are compared
 * whole (status line, headers in order, body), with only the Date header and
 * a generated request id set aside.
 */
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, hotPathsOf } from '../../src/app.js';
import type { App } from '../../src/http/context.js';
import { nodeListener } from '../../src/http/node-listener.js';
import { etagFor } from '../../src/http/etag.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { ReleaseTracker } from '../../src/releases/serving-release.js';
import { buildDotation } from '../../src/dotation/build.js';
import type { Store } from '../../src/db/client.js';

/** The whole response to a raw HTTP/1.1 request (the server closes the connection after it). */
function rawExchange(port: number, method: string, path: string, headers: Record<string, string>): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: localhost', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  });
}

/** The response with its Date and a generated request id (absent from the request) replaced by fixed text. */
function comparable(response: Buffer): string {
  return response.toString('latin1')
    .replace(/\r\nDate: [^\r]+/, '\r\nDate: -')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'uuid');
}

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));

for (const kind of storeKinds) {
  describe(`hot paths on ${kind.name}`, () => {
    let app: App;
    let store: Store;
    let dispose: () => Promise<void>;
    const servers: Server[] = [];
    let honoPort: number;
    let hotPort: number;
    let answeredFirst = 0;

    beforeAll(async () => {
      const opened = await kind.open();
      store = opened;
      dispose = opened.dispose;
      await ingestForTest(store, { sources: ['cog', 'statistiques-insee', 'etat-civil-insee'], sample: true });
      // A release checked once a minute: the hot paths answer only while the release is fresh.
      app = createApp({ store, registry, releaseCheckMs: 60_000 });
      await app.request('/health');
      const hot = hotPathsOf(app)!;
      const hono = nodeListener(app.fetch);
      servers.push(createServer(hono), createServer((req, res) => {
        if (hot(req, res)) answeredFirst++;
        else void hono(req, res);
      }));
      [honoPort, hotPort] = await Promise.all(servers.map(listen));
    }, 300_000);
    afterAll(async () => {
      for (const server of servers) server.close();
      await dispose();
    });

    /** The Hono answer, then the hot-path server's, compared; returns whether the hot path answered. */
    async function same(method: string, path: string, headers: Record<string, string> = {}): Promise<{ hot: boolean; response: string }> {
      const viaHono = comparable(await rawExchange(honoPort, method, path, headers));
      const before = answeredFirst;
      const viaHot = comparable(await rawExchange(hotPort, method, path, headers));
      expect(viaHot, `${method} ${path} ${JSON.stringify(headers)}`).toBe(viaHono);
      return { hot: answeredFirst > before, response: viaHot };
    }

    const etagOf = (response: string) => /\r\netag: ("[^"]+")/.exec(response)![1];

    it('answers both routes, every content coding, as the app does', async () => {
      for (const code of ['35238', '01001', '2A004', '75056', '75101', '97411']) {
        for (const suffix of ['', '/dotation']) {
          for (const accept of [undefined, 'gzip', 'br', 'deflate', 'gzip, deflate, br', 'br;q=0, gzip;q=0.8', 'identity', 'gzip;q=0']) {
            const headers: Record<string, string> = { 'X-Request-Id': `essai-${code}` };
            if (accept !== undefined) headers['Accept-Encoding'] = accept;
            const { hot, response } = await same('GET', `/commune/${code}${suffix}`, headers);
            expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
            // The commune's compressed answer is streamed by the app; everything else is the hot path's.
            const coded = accept !== undefined && !['identity', 'gzip;q=0'].includes(accept);
            expect(hot, `${code}${suffix} ${accept}`).toBe(suffix === '/dotation' || !coded);
          }
        }
      }
      // A generated request id (none asked), in the header as the app writes it.
      expect((await same('GET', '/commune/35238')).hot).toBe(true);
    });

    it('serves each dotation as the JSON of the document assembled from the store, byte for byte (identity and gzip)', async () => {
      const release = (await new ReleaseTracker(store, 60_000).current())!;
      for (const code of ['35238', '01001', '2A004', '75056', '75101', '97411']) {
        const resolution = release.referential.resolve(code);
        if (resolution.kind !== 'current') throw new Error(code);
        const expected = JSON.stringify(await buildDotation(store, registry, release, resolution.commune));
        const raw = await rawExchange(hotPort, 'GET', `/commune/${code}/dotation`, {});
        expect(raw.subarray(raw.indexOf('\r\n\r\n') + 4).toString('utf8'), code).toBe(expected);
        const gzip = await rawExchange(hotPort, 'GET', `/commune/${code}/dotation`, { 'Accept-Encoding': 'gzip' });
        expect(gunzipSync(gzip.subarray(gzip.indexOf('\r\n\r\n') + 4)).toString('utf8'), code).toBe(expected);
        for (const [query, options] of [['detail=complet', { complet: true }], ['datasets=cog,statistiques-insee', { datasets: new Set(['cog', 'statistiques-insee']) }]] as const) {
          const res = await app.request(`/commune/${code}/dotation?${query}`);
          expect(await res.text(), `${code}?${query}`).toBe(JSON.stringify(await buildDotation(store, registry, release, resolution.commune, options)));
        }
      }
    });

    it('answers If-None-Match as the app does: 304 for a named validator, whatever its coding or the code', async () => {
      for (const path of ['/commune/35238', '/commune/35238/dotation']) {
        const etag = etagOf((await same('GET', path)).response);
        for (const inm of [etag, `W/${etag}`, `${etag.slice(0, -1)}-gzip"`, `"autre", ${etag}`]) {
          const { hot, response } = await same('GET', path, { 'If-None-Match': inm, 'X-Request-Id': 'essai-304' });
          expect(response).toMatch(/^HTTP\/1\.1 304 Not Modified\r\n/);
          expect(hot).toBe(true);
        }
        const other = await same('GET', path, { 'If-None-Match': '"une-autre-release.abc"', 'X-Request-Id': 'essai' });
        expect(other.response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
        // `*` holds only once the resource is known to exist: the app decides.
        const any = await same('GET', path, { 'If-None-Match': '*', 'X-Request-Id': 'essai' });
        expect(any).toMatchObject({ hot: false, response: expect.stringMatching(/^HTTP\/1\.1 304 /) });
      }
      // The middleware answers a validator before the route runs: so does the hot path, for a code no commune has.
      const releaseId = /\r\ndotation-release: ([^\r]+)/.exec((await same('GET', '/commune/35238')).response)![1];
      const unknown = await same('GET', '/commune/99999', { 'If-None-Match': etagFor(releaseId, '/commune/99999') });
      expect(unknown).toMatchObject({ hot: true, response: expect.stringMatching(/^HTTP\/1\.1 304 /) });
    });

    it('leaves to the app what is not a hot answer, and the app answers it unchanged', async () => {
      const cases: [string, string, RegExp][] = [
        ['GET', '/commune/99999', /^HTTP\/1\.1 404 /],
        ['GET', '/commune/99999/dotation', /^HTTP\/1\.1 404 /],
        ['GET', '/commune/1001', /^HTTP\/1\.1 400 /],
        ['GET', '/commune/2a004/dotation', /^HTTP\/1\.1 400 /],
        ['GET', '/commune/35112', /^HTTP\/1\.1 301 /],
        ['GET', '/commune/35112/dotation', /^HTTP\/1\.1 301 /],
        ['GET', '/commune/35238?format=json', /^HTTP\/1\.1 200 /],
        ['GET', '/commune/35238/dotation?detail=complet', /^HTTP\/1\.1 200 /],
        ['GET', '/commune/35238/dotation?datasets=inconnu', /^HTTP\/1\.1 400 /],
        ['GET', '/commune/35238/', /^HTTP\/1\.1 404 /],
        ['GET', '/commune/3523%38', /^HTTP\/1\.1 200 /],
        ['HEAD', '/commune/35238', /^HTTP\/1\.1 200 /],
        ['HEAD', '/commune/35238/dotation', /^HTTP\/1\.1 200 /],
        ['POST', '/commune/35238', /^HTTP\/1\.1 405 /],
        ['OPTIONS', '/commune/35238/dotation', /^HTTP\/1\.1 204 /],
        ['GET', '/communes?nom=rennes', /^HTTP\/1\.1 200 /],
      ];
      for (const [method, path, status] of cases) {
        const { hot, response } = await same(method, path, { 'X-Request-Id': 'essai-app' });
        expect(response, `${method} ${path}`).toMatch(status);
        expect(hot, `${method} ${path}`).toBe(false);
      }
    });
  });
}
