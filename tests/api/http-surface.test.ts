/**
 * The HTTP surface a portal relies on, whatever the route: CORS and preflight,
 * 405 with Allow, HEAD like GET, conditionals that never hide a 404, headers
 * on errors, links only from configuration, strict parameters with French
 * messages naming the parameter, bounded request ids, CSP and nosniff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { App } from '../../src/http/context.js';
import { communeListSchema } from '../../src/routes/communes/index.js';
import { epciSchema } from '../../src/routes/territoires/index.js';
import { territoryDotationSchema } from '../../src/aggregate/schema.js';
import { datasetDocumentSchema } from '../../src/dotation/schema.js';
import { jsonOf, problemOf } from '../helpers/responses.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';

const PUBLIC = 'https://dotation.example.fr';
const FOREIGN = 'evil.example';

for (const kind of storeKinds) {
  describe(`HTTP surface on ${kind.name}`, () => {
    let app: App;
    let defaults: App;
    let dispose: () => Promise<void>;
    let release: string;
    const get = (path: string, init: RequestInit = {}) => app.request(path, init);

    beforeAll(async () => {
      const store = await kind.open();
      dispose = store.dispose;
      await ingestForTest(store, { sources: ['cog'], sample: true });
      app = createApp({ store, registry, releaseCheckMs: 0, publicUrl: PUBLIC });
      defaults = createApp({ store, registry, releaseCheckMs: 0 });
      release = (await (await get('/releases/current')).json()).id;
    }, 300_000);
    afterAll(() => dispose());

    it('allows any origin to read, exposes ETag and Dotation-Release, and answers the preflight', async () => {
      const res = await get('/commune/35238', { headers: { origin: 'https://portail.example' } });
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-expose-headers')).toMatch(/ETag.*Dotation-Release/);
      const preflight = await get('/commune/35238/dotation', { method: 'OPTIONS', headers: { origin: 'https://portail.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'if-none-match' } });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, HEAD, OPTIONS');
      expect(preflight.headers.get('access-control-allow-headers')).toBe('*');
      expect(Number(preflight.headers.get('access-control-max-age'))).toBeGreaterThanOrEqual(3600);
      expect((await get('/nulle-part', { method: 'OPTIONS' })).status).toBe(404);
    });

    it('answers 405 with Allow for other methods on an existing path, 404 elsewhere', async () => {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
        const res = await get('/commune/35238', { method });
        expect(res.status, method).toBe(405);
        expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
        expect(res.headers.get('access-control-allow-origin')).toBe('*');
        expect(await problemOf(res)).toMatchObject({ status: 405, type: '/problemes/methode-non-autorisee' });
      }
      expect((await get('/docs/assets/swagger-ui.css', { method: 'DELETE' })).status).toBe(405);
      expect((await get('/nulle-part', { method: 'POST' })).status).toBe(404);
    });

    it('gives HEAD the headers of GET', async () => {
      const got = await get('/commune/35238');
      const head = await get('/commune/35238', { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect(head.headers.get('etag')).toBe(got.headers.get('etag'));
      expect(head.headers.get('dotation-release')).toBe(release);
      expect(head.headers.get('content-type')).toBe(got.headers.get('content-type'));
    });

    it('never answers 304 for a resource that does not exist, and does for one that does', async () => {
      for (const tag of ['*', 'W/*']) {
        for (const path of ['/commune/99999', '/nulle-part', '/commune/ABCDE']) {
          const res = await get(path, { headers: { 'if-none-match': tag } });
          expect(res.status, `${tag} ${path}`).toBeGreaterThanOrEqual(400);
          expect(res.headers.get('etag')).toBeNull();
        }
        const existing = await get('/commune/35238', { headers: { 'if-none-match': tag } });
        expect(existing.status).toBe(304);
        expect(existing.headers.get('dotation-release')).toBe(release);
      }
    });

    it('puts Dotation-Release, CORS, nosniff and the request id on errors too', async () => {
      for (const path of ['/commune/99999', '/commune/ABCDE', '/communes?lat=x&lon=1', '/nulle-part']) {
        const res = await get(path, { headers: { 'x-request-id': 'portail-42' } });
        expect(res.status, path).toBeGreaterThanOrEqual(400);
        expect(res.headers.get('dotation-release'), path).toBe(release);
        expect(res.headers.get('access-control-allow-origin'), path).toBe('*');
        expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
        expect(res.headers.get('x-request-id'), path).toBe('portail-42');
        expect((await problemOf(res)).requestId).toBe('portail-42');
      }
      expect((await get('/commune/35238')).headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('replaces a request id that is long or carries other characters', async () => {
      for (const id of ['x'.repeat(65), 'x'.repeat(8192), 'a b', 'a<b>', 'é']) {
        const res = await get('/commune/99999', { headers: { 'x-request-id': encodeURIComponent(id).replace(/%20/g, ' ') } });
        const echoed = res.headers.get('x-request-id')!;
        expect(echoed).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
        expect(echoed).not.toBe(id);
        expect((await problemOf(res)).requestId).toBe(echoed);
      }
      expect((await get('/commune/35238', { headers: { 'x-request-id': 'x'.repeat(64) } })).headers.get('x-request-id')).toBe('x'.repeat(64));
    });

    it('writes absolute links from the configured origin only: a foreign Host is found nowhere', async () => {
      const headers = { host: FOREIGN, 'x-forwarded-host': FOREIGN, 'x-forwarded-proto': 'https' };
      const at = (path: string) => app.request(`http://${FOREIGN}${path}`, { headers });
      const paths = [
        `/oembed?url=${encodeURIComponent(`http://${FOREIGN}/commune/35238`)}`,
        `/oembed?url=${encodeURIComponent(`${PUBLIC}/commune/35238/embed`)}`,
        '/commune/35238/embed', '/?commune=35238', '/commune/35238/catalog.jsonld', '/catalog.jsonld?pageSize=2',
        '/commune/35112', '/commune/35112/embed', '/commune/35238/dotation', '/docs', '/openapi.json',
      ];
      for (const path of paths) {
        const res = await at(path);
        expect(res.status, path).toBeLessThan(400);
        const text = await res.text();
        expect(text, path).not.toContain(FOREIGN);
        for (const [name, value] of res.headers) expect(value, `${path} ${name}`).not.toContain(FOREIGN);
      }
      const oembed = await (await at(`/oembed?url=${encodeURIComponent(`${PUBLIC}/commune/35238`)}`)).json();
      expect(oembed.html).toContain(`src="${PUBLIC}/commune/35238/embed"`);
      expect(oembed.provider_url).toBe(`${PUBLIC}/`);
      expect(await (await at('/commune/35238/catalog.jsonld')).text()).toContain(`"${PUBLIC}/commune/35238/catalog.jsonld"`);
    });

    it('answers the oEmbed of the URL printed at start-up with the default configuration', async () => {
      const res = await defaults.request(`/oembed?url=${encodeURIComponent('http://localhost:3000/commune/35238/embed')}`, { headers: { host: FOREIGN } });
      expect(res.status).toBe(200);
      expect((await res.json()).html).toContain('src="http://localhost:3000/commune/35238/embed"');
    });

    it('refuses malformed numbers and release ids with a French problem naming the parameter', async () => {
      const cases: [string, string][] = [
        ['/communes?lat=&lon=2', 'lat'], ['/communes?lat=0x10&lon=2', 'lat'], ['/communes?lat=1e-400&lon=2', 'lat'],
        ['/communes?lat=48&lon=Infinity', 'lon'], ['/communes?lat=95&lon=2', 'lat'], ['/communes?limit=0', 'limit'],
        ['/communes?limit=2.5', 'limit'], ['/communes?limit=', 'limit'], ['/catalog.jsonld?page=0x2', 'page'],
        ['/catalog.jsonld?pageSize=501', 'pageSize'], ['/oembed?url=x&maxwidth=1e3', 'maxwidth'],
        ['/commune/35238/changes?since=%00', 'since'], ['/commune/35238/changes?since=a%00b', 'since'],
        ['/commune/35238/changes?since=', 'since'], ['/commune/35238/datasets/%0A', 'dataset'], ['/communes?type=autre', 'type'],
      ];
      for (const [path, parametre] of cases) {
        const res = await get(path);
        expect(res.status, path).toBe(400);
        const problem = await problemOf(res);
        expect(problem.parametre ?? problem.detail, path).toContain(parametre);
        expect(problem.detail, path).toMatch(new RegExp(`^${parametre} : `));
        expect(problem.detail, path).not.toMatch(/Expected|Invalid|Too (big|small)|received|must/);
      }
      // Well-formed: no longer a 400 (the contours, not ingested here, decide the rest).
      expect((await get('/communes?lat=48.1113&lon=-1.68')).status).not.toBe(400);
    });

    it('sets a same-origin CSP on /docs, with its script served from a file', async () => {
      const docs = await get('/docs');
      const csp = docs.headers.get('content-security-policy')!;
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      const html = await docs.text();
      expect(html).not.toMatch(/<script>(?!<)/);
      const init = await get('/docs/init.js');
      expect(init.status).toBe(200);
      expect(await init.text()).toContain('SwaggerUIBundle');
      expect((await get('/')).headers.get('content-security-policy')).toContain("default-src 'self'");
    });

    it('serves the COG as a dataset of the commune, in JSON and CSV', async () => {
      const json = await jsonOf(await get('/commune/35238/datasets/cog'), datasetDocumentSchema);
      expect(json).toMatchObject({ dataset: 'cog', donnees: { code: '35238', nom: 'Rennes', codeEpci: '243500139' } });
      const csv = await (await get('/commune/35238/datasets/cog.csv')).text();
      expect(csv.split('\n')).toEqual(expect.arrayContaining(['cle,valeur', 'code,35238', 'nom,Rennes']));
    });

    it('gives an EPCI the population its dotation aggregates: the sum of its communes', async () => {
      const epci = await jsonOf(await get('/epci/243500139'), epciSchema);
      const sum = epci.communes.reduce((n: number, c: { population: number | null }) => n + (c.population ?? 0), 0);
      expect(epci.population).toBe(sum);
      const dotation = await jsonOf(await get('/epci/243500139/dotation'), territoryDotationSchema);
      expect(JSON.stringify(dotation)).toContain(`"population":${sum}`);
    });

    it('sorts communes by population: by département, and names that begin with the query first', async () => {
      const dep = await jsonOf(await get('/communes?codeDepartement=35'), communeListSchema);
      expect(dep[0]).toMatchObject({ code: '35238', nom: 'Rennes' });
      const populations = dep.map((c: { population: number | null }) => c.population ?? 0);
      expect(populations).toEqual([...populations].sort((a, b) => b - a));
      const evry = await jsonOf(await get(`/communes?nom=${encodeURIComponent('évry')}`), communeListSchema);
      expect(evry[0].nom).toBe('Évry-Courcouronnes');
      expect(evry.map((c: { nom: string }) => c.nom)).toContain('Évry');
      const evryPopulations = evry.filter((c: { nom: string }) => c.nom.startsWith('Évry')).map((c: { population: number | null }) => c.population ?? 0);
      expect(evryPopulations).toEqual([...evryPopulations].sort((a, b) => b - a));
    });
  });
}
