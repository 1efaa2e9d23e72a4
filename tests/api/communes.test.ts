import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { jsonOf, problemOf } from '../helpers/responses.js';
import { communeListSchema, communeResponseSchema } from '../../src/routes/communes/index.js';
import { departementSchema, epciSchema, regionSchema } from '../../src/routes/territoires/index.js';
import { healthSchema } from '../../src/routes/meta/index.js';

for (const kind of storeKinds) {
  describe(`communes API on ${kind.name}`, () => {
    let app: App;
    let dispose: () => Promise<void>;
    const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

    beforeAll(async () => {
      const store = await kind.open();
      dispose = store.dispose;
      await ingestForTest(store, { sources: ['cog'] });
      app = createApp({ store, registry, releaseCheckMs: 0 });
    });
    afterAll(() => dispose());

    it.each([
      ['35238', 'Rennes', '35'],
      ['2A004', 'Ajaccio', '2A'],
      ['97411', 'Saint-Denis', '974'],
    ])('answers %s (%s) with 200', async (code, nom, dep) => {
      const res = await get(`/commune/${code}`);
      expect(res.status).toBe(200);
      const body = await jsonOf(res, communeResponseSchema);
      expect(body).toMatchObject({ code, nom, codeDepartement: dep, type: 'commune-actuelle' });
      expect(body.population).toBeGreaterThan(50_000);
      expect(res.headers.get('dotation-release')).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{4}$/);
    });

    it('lists the arrondissements of Paris and answers an arrondissement', async () => {
      const paris = await jsonOf(await get('/commune/75056'), communeResponseSchema);
      expect(paris.arrondissements).toHaveLength(20);
      expect(paris.arrondissements[3]).toEqual({ code: '75104', nom: 'Paris 4e Arrondissement' });
      const res = await get('/commune/75104');
      expect(res.status).toBe(200);
      expect(await jsonOf(res, communeResponseSchema)).toMatchObject({ type: 'arrondissement-municipal', commune: { code: '75056', nom: 'Paris' } });
    });

    it('redirects a merged commune to its commune nouvelle, saying into whom and when', async () => {
      const res = await get('/commune/35112/dotation?x=1');
      expect(res.status).toBe(301);
      expect(res.headers.get('location')).toBe('/commune/35062/dotation?x=1');
      const body = await res.json();
      expect(body).toMatchObject({ code: '35112', nom: 'Fleurigné', dateEffet: '2024-01-01', communeActuelle: { code: '35062', nom: 'La Chapelle-Fleurigné' } });
      expect(body.message).toContain('La Chapelle-Fleurigné');
    });

    it('redirects a commune déléguée and keeps a shared code on its commune nouvelle', async () => {
      const baille = await get('/commune/35011');
      expect(baille.status).toBe(301);
      expect(baille.headers.get('location')).toBe('/commune/35292');
      const shared = await get('/commune/35004');
      expect(shared.status).toBe(200);
      expect(await jsonOf(shared, communeResponseSchema)).toMatchObject({ nom: 'Val-Couesnon', anciensCodes: expect.arrayContaining([expect.objectContaining({ code: '35113' })]) });
    });

    it('answers 300 with the list for a code split between communes (Moutaine, 2006)', async () => {
      const res = await get('/commune/39374');
      expect(res.status).toBe(300);
      const body = await res.json();
      expect(body.communesActuelles.map((c: { code: string }) => c.code)).toEqual(['39436', '39586']);
    });

    it.each(['ABCDE', '1234', '2C001', '123456'])('refuses %s with a 400 problem', async (code) => {
      const res = await get(`/commune/${code}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await problemOf(res)).toMatchObject({ status: 400, type: '/problemes/code-invalide', instance: `/commune/${code}` });
    });

    it('answers 404 for an unknown code', async () => {
      const res = await get('/commune/99999');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await problemOf(res)).toMatchObject({ status: 404 });
    });

    it('finds communes by postal code, département and EPCI', async () => {
      const byCp = await jsonOf(await get('/communes?codePostal=35000'), communeListSchema);
      expect(byCp.map((c: { code: string }) => c.code)).toEqual(['35238']);
      const dep = await jsonOf(await get('/communes?codeDepartement=2A'), communeListSchema);
      expect(dep.length).toBeGreaterThan(100);
      expect(dep.every((c: { codeDepartement: string }) => c.codeDepartement === '2A')).toBe(true);
      const epci = await jsonOf(await get('/communes?codeEpci=243500139'), communeListSchema);
      expect(epci.map((c: { code: string }) => c.code)).toContain('35238');
      expect((await get('/communes?codePostal=350')).status).toBe(400);
    });

    it('searches names tolerant to case, accents, st/saint, hyphens and apostrophes, ranked by population', async () => {
      const first = async (q: string) => (await jsonOf(await get(`/communes?nom=${encodeURIComponent(q)}&limit=5`), communeListSchema))[0]?.code;
      expect(await first('st malo')).toBe('35288');
      expect(await first('SAINT-MALO')).toBe('35288');
      expect(await first('l abergement clemenciat')).toBe('01001');
      expect(await first("L'Abergement-Clémenciat")).toBe('01001');
      const saintDenis = await jsonOf(await get('/communes?nom=saint-denis&limit=3'), communeListSchema);
      expect(saintDenis[0].code).toBe('97411');
      expect(saintDenis[0].population).toBeGreaterThanOrEqual(saintDenis[1].population);
    });

    it('serves EPCI, département and région with their communes', async () => {
      const epci = await jsonOf(await get('/epci/243500139'), epciSchema);
      expect(epci).toMatchObject({ nom: 'Rennes Métropole' });
      expect(epci.communes.length).toBeGreaterThan(30);
      const dep = await jsonOf(await get('/departement/35'), departementSchema);
      expect(dep).toMatchObject({ nom: 'Ille-et-Vilaine', codeRegion: '53' });
      expect(dep.communes.length).toBeGreaterThan(300);
      const reg = await jsonOf(await get('/region/53'), regionSchema);
      expect(reg.departements.map((d: { code: string }) => d.code).sort()).toEqual(['22', '29', '35', '56']);
      expect((await get('/epci/12')).status).toBe(400);
      expect((await get('/departement/00')).status).toBe(404);
      expect((await get('/region/AB')).status).toBe(400);
    });

    it('answers If-None-Match with 304 from the release and the resource', async () => {
      const first = await get('/commune/35238');
      const etag = first.headers.get('etag')!;
      expect(etag).toContain(first.headers.get('dotation-release')!);
      const again = await get('/commune/35238', { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect((await get('/commune/2A004', { 'if-none-match': etag })).status).toBe(200);
    });

    it('publishes an OpenAPI 3.1 document and offline docs', async () => {
      const doc = await (await get('/openapi.json')).json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/commune/{code}', '/communes', '/commune/{code}/dotation', '/sources', '/releases/current', '/health']));
      const docs = await get('/docs');
      expect(await docs.text()).toContain('/docs/assets/swagger-ui-bundle.js');
      expect((await get('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
    });

    it('documents the hot routes\' parameters though it serves them without per-request validators, and still refuses a bad query', async () => {
      const doc = await (await get('/openapi.json')).json();
      const names = (path: string) => (doc.paths[path].get.parameters as { name: string; in: string }[]).map((p) => `${p.in}:${p.name}`);
      expect(names('/commune/{code}')).toEqual(['path:code', 'query:format', 'query:geometry']);
      expect(names('/commune/{code}/dotation')).toEqual(['path:code', 'query:detail', 'query:datasets']);
      const bad = await get('/commune/35238?format=kml');
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect(await bad.json()).toMatchObject({ parametre: 'format', status: 400 });
      expect(await (await get('/commune/35238?geometry=disque')).json()).toMatchObject({ parametre: 'geometry', status: 400 });
      expect(await (await get('/commune/35238?format=json')).json()).toMatchObject({ code: '35238', nom: 'Rennes' });
    });

    it('never echoes internals in a 500', async () => {
      const res = await get('/health');
      expect(await jsonOf(res, healthSchema)).toMatchObject({ status: 'ok', stockage: kind.name });
    });
  });
}
