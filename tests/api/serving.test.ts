import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App, AppDeps } from '../../src/http/context.js';
import { dotationSchema } from '../../src/dotation/schema.js';
import { communeResponseSchema } from '../../src/routes/communes/index.js';
import { problemOf } from '../helpers/responses.js';
import { responseCache } from '../../src/http/response-cache.js';
import { dotationBody, dotationCacheKey, dotationPreloader } from '../../src/routes/dotation/preload.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { recordsPipeline, statsRecord, STATS_FIELDS, testSource } from '../helpers/pack-sources.js';

const testRegistry = [...registry.filter((s) => s.id === 'cog'), testSource('essai-stats')];

const decode = (bytes: Buffer, encoding: string | null) =>
  (encoding === 'br' ? brotliDecompressSync(bytes) : encoding === 'gzip' ? gunzipSync(bytes) : encoding === 'deflate' ? inflateSync(bytes) : bytes).toString('utf8');

for (const kind of storeKinds) {
  describe(`fast serving on ${kind.name}`, () => {
    let app: App;
    let deps: AppDeps;
    let store: Awaited<ReturnType<typeof kind.open>>;
    const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

    beforeAll(async () => {
      store = await kind.open();
      await ingestForTest(store, {
        registry: testRegistry, sources: ['cog', 'essai-stats'], sample: true,
        pipelines: { 'essai-stats': recordsPipeline('essai-stats', [statsRecord('35238', { habitants: 1, surfaceKm2: 2, tauxChomage: 3, revenuMedian: 4 })], { fields: STATS_FIELDS }) },
      });
      deps = { store, registry: testRegistry, releaseCheckMs: 0, cacheSize: 3 };
      app = createApp(deps);
    });
    afterAll(() => store.dispose());

    it.each([
      ['br', 'br'], ['gzip', 'gzip'], ['deflate', 'deflate'], ['gzip, deflate, br', 'br'], ['br;q=0, gzip;q=0.8', 'gzip'], ['identity', null], ['', null],
    ])('negotiates Accept-Encoding %j → %j on the cached dotation, same JSON once decoded', async (accept, expected) => {
      const plain = await (await get('/commune/35238/dotation')).text();
      const res = await get('/commune/35238/dotation', accept ? { 'accept-encoding': accept } : {});
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(expected);
      expect(res.headers.get('vary')).toContain('Accept-Encoding');
      expect(res.headers.get('content-type')).toContain('application/json');
      const body = decode(Buffer.from(await res.arrayBuffer()), expected);
      expect(body).toBe(plain);
      expect(dotationSchema.parse(JSON.parse(body)).commune.nom).toBe('Rennes');
    });

    it('compresses uncached JSON and CSV as streams, never a ZIP, never an error', async () => {
      const commune = await get('/commune/35238', { 'accept-encoding': 'br' });
      expect(commune.headers.get('content-encoding')).toBe('br');
      expect(communeResponseSchema.parse(JSON.parse(decode(Buffer.from(await commune.arrayBuffer()), 'br'))).nom).toBe('Rennes');
      const csv = await get('/commune/35238/datasets/essai-stats.csv', { 'accept-encoding': 'gzip' });
      expect(csv.headers.get('content-encoding')).toBe('gzip');
      expect(decode(Buffer.from(await csv.arrayBuffer()), 'gzip')).toMatch(/^code,libelle,habitants/);
      const zip = await get('/commune/35238/dotation.zip', { 'accept-encoding': 'br, gzip' });
      expect(zip.headers.get('content-encoding')).toBeNull();
      expect(Buffer.from(await zip.arrayBuffer()).subarray(0, 2).toString()).toBe('PK');
      const missing = await get('/commune/99999/dotation', { 'accept-encoding': 'br' });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-encoding')).toBeNull();
      expect((await problemOf(missing)).status).toBe(404);
    });

    it('gives each content coding its own ETag, derived from the release and the resource, and answers 304 to any of them', async () => {
      const plain = await get('/commune/35238/dotation');
      const br = await get('/commune/35238/dotation', { 'accept-encoding': 'br' });
      const release = plain.headers.get('dotation-release')!;
      const tag = plain.headers.get('etag')!;
      expect(tag).toMatch(new RegExp(`^"${release}\\.[0-9a-z]+"$`));
      expect(br.headers.get('etag')).toBe(`${tag.slice(0, -1)}-br"`);
      expect((await get('/commune/35238/dotation', { 'if-none-match': tag })).status).toBe(304);
      const notModified = await get('/commune/35238/dotation', { 'if-none-match': br.headers.get('etag')!, 'accept-encoding': 'br' });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get('etag')).toBe(tag);
      expect((await get('/commune/2A004/dotation', { 'if-none-match': tag })).status).toBe(200);
      expect((await get('/commune/99999/dotation')).headers.get('etag')).toBeNull();
    });

    it('builds a dotation once per (release, commune) and keeps the cache within its bound', async () => {
      const cache = responseCache(deps);
      const before = { hits: cache.hits, misses: cache.misses };
      await get('/commune/01001/dotation');
      await get('/commune/01001/dotation');
      await get('/commune/01001/dotation', { 'accept-encoding': 'gzip' });
      expect(cache.misses - before.misses).toBe(1);
      expect(cache.hits - before.hits).toBe(2);
      for (const code of ['01002', '01004', '01005', '01006']) await get(`/commune/${code}/dotation`);
      expect(cache.size).toBe(3);
    });

    it('preloads every current commune\'s dotation in one pass, serves them without a build, byte for byte what a build gives', async () => {
      const preloaded: AppDeps = { store, registry: testRegistry, releaseCheckMs: 0, preloadDotations: true };
      const preloadedApp = createApp(preloaded);
      await preloadedApp.request('/health');
      const report = (await dotationPreloader(preloaded).settled())!;
      const release = (await get('/commune/35238/dotation')).headers.get('dotation-release')!;
      const communes = (await (await get('/communes?limit=50000')).json() as unknown[]).length
        + (await (await get('/communes?type=arrondissement-municipal&limit=50000')).json() as unknown[]).length;
      expect(report).toMatchObject({ release, communes, built: communes, complete: true });
      const cache = responseCache(preloaded);
      expect(cache.size).toBe(communes);
      expect(cache.bytes).toBe(report.bytes);
      const misses = cache.misses;
      for (const code of ['35238', '01001', '2A004', '75056', '75101']) {
        const served = await preloadedApp.request(`/commune/${code}/dotation`);
        const built = await createApp({ store, registry: testRegistry, releaseCheckMs: 0, cacheSize: 0 }).request(`/commune/${code}/dotation`);
        expect(served.status).toBe(200);
        expect(await served.text()).toBe(await built.text());
      }
      expect(cache.misses).toBe(misses);
    });

    it('stops preloading at its share of the byte budget and says so; requests beyond it are built on demand', async () => {
      const small: AppDeps = { store, registry: testRegistry, releaseCheckMs: 0, preloadDotations: true, cacheBytes: 200_000 };
      const smallApp = createApp(small);
      await smallApp.request('/health');
      const report = (await dotationPreloader(small).settled())!;
      expect(report.complete).toBe(false);
      expect(report.built).toBeGreaterThan(0);
      expect(report.built).toBeLessThan(report.communes);
      expect(responseCache(small).bytes).toBeLessThanOrEqual(200_000);
      expect((await smallApp.request('/commune/35238/dotation')).status).toBe(200);
    });

    it('keeps a dotation as its gzip bytes and its identity in pieces, and gives back the same bytes in every coding', () => {
      const doc = { commune: { code: '35238', nom: 'Rennes' }, release: { id: 'r1', publieeLe: '2026-11-27' }, datasets: Array.from({ length: 50 }, (_, i) => ({
        id: `jeu-${i}`, titre: `Jeu ${i}`, producteur: 'INSEE', licence: { id: 'lo', nom: 'Licence Ouverte', url: 'https://x' }, finalite: 'Service', millesime: '2025', statut: 'no-data-for-commune', liens: { source: `/sources/jeu-${i}` },
      })) } as never;
      const json = JSON.stringify(doc);
      const body = dotationBody({ id: 'r1' } as never, doc);
      const gzipBytes = body.encodedAs('gzip').length;
      expect(gzipBytes).toBeLessThan(json.length / 2);
      // The gzip bytes, the commune's own bytes and a reference per piece: the 50 entries are shared pieces.
      expect(body.bytes).toBe(gzipBytes + Buffer.byteLength(json.slice(0, json.indexOf('"datasets":[') + 12)) + 8 * (1 + 2 * 50 + 1));
      expect(body.body).toBe(json);
      expect(gunzipSync(body.encodedAs('gzip')).toString()).toBe(json);
      expect(brotliDecompressSync(body.encodedAs('br')).toString()).toBe(json);
      expect(body.bytes).toBe(gzipBytes + Buffer.byteLength(json.slice(0, json.indexOf('"datasets":[') + 12)) + 8 * 102 + body.encodedAs('br').length);
      expect(dotationCacheKey({ id: 'r1' } as never, '35238')).not.toBe(dotationCacheKey({ id: 'r2' } as never, '35238'));
    });
  });
}
