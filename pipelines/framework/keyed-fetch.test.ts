import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type TestHttpServer } from '../../tests/helpers/http-server.js';
import { fetchPerKey, keyedRequests, type KeyedAnswer } from './keyed-fetch.js';
import { FetchError } from './fetch-http.js';
import { sourceFiles } from './inputs.js';
import { registryEntry } from '../../tests/helpers/run-pipeline.js';

let server: TestHttpServer;
const keyOf = (url?: string) => new URL(url ?? '/', 'http://x').searchParams.get('insee') ?? '';
const json = (res: ServerResponse, body: unknown): void => {
  res.writeHead(200, { 'content-type': 'application/json', date: 'Fri, 27 Nov 2026 08:00:00 GMT' }).end(JSON.stringify(body));
};

beforeAll(async () => {
  server = await startHttpServer({
    '/ok': (req, res) => json(res, { type: 'FeatureCollection', features: [{ properties: { insee: keyOf(req.url) } }] }),
    // 429 with Retry-After on the first hit, 503 on the second, then answers.
    '/flaky': (req, res, hit) => {
      if (hit === 1) { res.writeHead(429, { 'retry-after': '0' }).end(); return; }
      if (hit === 2) { res.writeHead(503).end(); return; }
      json(res, { insee: keyOf(req.url) });
    },
    // Too slow on the first hit (the client's timeout fires), quick after.
    '/slow': (req, res, hit) => { setTimeout(() => json(res, { insee: keyOf(req.url) }), hit === 1 ? 1_000 : 0); },
    '/missing': (_req, res) => { res.writeHead(404).end(); },
    '/always-503': (_req, res) => { res.writeHead(503).end(); },
    '/bad-request': (_req, res) => { res.writeHead(400).end(); },
  });
});
afterAll(() => server.close());

const options = (cacheDir = mkdtempSync(join(tmpdir(), 'keyed-'))) => ({
  cacheDir, allowedHosts: ['127.0.0.1'], ratePerSecond: 200, backoffMs: 5, timeoutMs: 300, retries: 3,
});
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as KeyedAnswer);

describe('fetchPerKey', () => {
  it('asks each key once, bundles the answers in key order with their dates and sha256', async () => {
    const template = server.url('/ok?insee={commune}');
    const result = await fetchPerKey(template, keyedRequests(template, 'commune', ['35238', '2A004', '01001']), options());
    const answers = lines(result.file.path);
    expect(answers.map((a) => a.cle)).toEqual(['35238', '2A004', '01001']);
    expect(answers[1]).toMatchObject({ statut: 200, dateReponse: 'Fri, 27 Nov 2026 08:00:00 GMT', corps: { features: [{ properties: { insee: '2A004' } }] } });
    expect(Date.parse(answers[0].recupereLe)).toBeGreaterThan(0);
    expect(result.file.sha256).toBe(createHash('sha256').update(readFileSync(result.file.path)).digest('hex'));
    expect(result).toMatchObject({ requested: 3, fromCache: 0 });
  });

  it('retries a 429 (honouring Retry-After) and a 503, then keeps the answer', async () => {
    const template = server.url('/flaky?insee={commune}');
    const result = await fetchPerKey(template, keyedRequests(template, 'commune', ['35238']), { ...options(), concurrency: 1 });
    expect(lines(result.file.path)[0]).toMatchObject({ statut: 200, corps: { insee: '35238' } });
    expect(server.hits('/flaky')).toBe(3);
  });

  it('retries an answer slower than the timeout', async () => {
    const template = server.url('/slow?insee={commune}');
    const result = await fetchPerKey(template, keyedRequests(template, 'commune', ['35238']), { ...options(), concurrency: 1 });
    expect(lines(result.file.path)[0].corps).toEqual({ insee: '35238' });
    expect(server.hits('/slow')).toBe(2);
  });

  it('resumes: cached keys are not asked again, in a later run', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'keyed-'));
    const template = server.url('/ok?insee={commune}');
    const before = server.hits('/ok');
    await fetchPerKey(template, keyedRequests(template, 'commune', ['01001', '01002']), options(cacheDir));
    const second = await fetchPerKey(template, keyedRequests(template, 'commune', ['01001', '01002', '01004']), options(cacheDir));
    expect(server.hits('/ok') - before).toBe(3);
    expect(second).toMatchObject({ requested: 1, fromCache: 2 });
    expect(lines(second.file.path).map((a) => a.cle)).toEqual(['01001', '01002', '01004']);
  });

  it('keeps the pace: 20 requests at 40 a second take at least 19 intervals', async () => {
    const template = server.url('/ok?insee={commune}');
    const keys = Array.from({ length: 20 }, (_, i) => String(10000 + i));
    const started = Date.now();
    await fetchPerKey(template, keyedRequests(template, 'commune', keys), { ...options(), ratePerSecond: 40, concurrency: 8 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(19 * 25 - 5);
  });

  it('keeps a 404 as an empty answer, gives up on a lasting 503 and stops on a 400 or a host not allowed', async () => {
    const missing = server.url('/missing?insee={commune}');
    const result = await fetchPerKey(missing, keyedRequests(missing, 'commune', ['99999']), options());
    expect(lines(result.file.path)[0]).toMatchObject({ statut: 404, corps: null });
    const down = server.url('/always-503?insee={commune}');
    await expect(fetchPerKey(down, keyedRequests(down, 'commune', ['1']), options())).rejects.toThrow(/503.*abandon après 4 tentatives/);
    const bad = server.url('/bad-request?insee={commune}');
    await expect(fetchPerKey(bad, keyedRequests(bad, 'commune', ['1']), options())).rejects.toBeInstanceOf(FetchError);
    const elsewhere = 'https://apicarto.ign.fr/api/gpu/municipality?insee={commune}';
    await expect(fetchPerKey(elsewhere, keyedRequests(elsewhere, 'commune', ['1']), options())).rejects.toThrow(/hôte « apicarto.ign.fr »/);
  });

  it('is the fetch step of a registry source whose URLs hold {commune} and {epci}: one bundle per URL, the rate from the registry', async () => {
    const def = { ...registryEntry('documents-urbanisme'), urls: [server.url('/ok?insee={commune}'), server.url('/ok?insee={epci}')], requetesParSeconde: 50 };
    const plan = {
      departements: [], projectRoot: '.', allDepartements: () => [], apiKeys: () => ({ commune: ['35238', '35001'], epci: ['243500139'] }),
      fetch: { ...options(), maxBytes: 1e6 },
    };
    const { files } = await sourceFiles(def, plan, { update() {} });
    expect(files.map((f) => lines(f.path).map((a) => a.cle))).toEqual([['35238', '35001'], ['243500139']]);
    expect(files[0].url).toBe(def.urls[0]);
  });
});
