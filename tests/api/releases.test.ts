import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { SourceError } from '../../pipelines/framework/errors.js';
import { testSource as packTestSource } from '../helpers/pack-sources.js';
import type { SourcePipeline } from '../../pipelines/framework/types.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { jsonOf } from '../helpers/responses.js';
import { problemSchema } from '../../src/http/problem.js';
import { datasetDocumentSchema, dotationSchema } from '../../src/dotation/schema.js';
import { releaseSchema, releasesSchema } from '../../src/routes/meta/index.js';
import { sourceSchema, sourcesSchema } from '../../src/catalog/source.js';

// Row-count gates tight enough for the failing-run cases to be the ones under test.
/** A dataset of a dotation or a source, as the tests read them (bodies are untyped, see jsonOf). */
type Entry = { id: string } & Record<string, any>;
const testSource = (id: string) => packTestSource(id, { lignesAttendues: { min: 1, max: 10 }, lignesEchantillon: { min: 1, max: 10 } });

function pipeline(records: CommuneRecord[], failAfter?: Error): SourcePipeline {
  return {
    id: 'essai',
    async run(ctx) {
      async function* communes() {
        for (const r of records) {
          ctx.report.read();
          ctx.report.projected();
          yield r;
        }
        if (failAfter) throw failAfter;
      }
      return { communes: communes(), fields: [{ name: 'indicateur', type: 'string' }, { name: 'valeur', type: 'number' }] };
    },
  };
}

const rennes = (valeur: number): CommuneRecord => ({ code: '35238', data: { valeur }, rows: [{ indicateur: 'essai', valeur }] });

for (const kind of storeKinds) {
  describe(`releases on ${kind.name}`, () => {
    let app: App;
    let store: Awaited<ReturnType<typeof kind.open>>;
    const testRegistry = [...registry.filter((s) => s.id === 'cog'), testSource('essai'), testSource('autre')];
    const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
    const snapshot = async () => Promise.all(['/releases/current', '/commune/35238/dotation', '/commune/35238/datasets/essai', '/commune/35238/datasets/essai.csv', '/sources']
      .map(async (p) => { const r = await get(p); return `${r.status} ${r.headers.get('etag')} ${await r.text()}`; }));

    beforeAll(async () => {
      store = await kind.open();
      await ingestForTest(store, { registry: testRegistry, sources: ['cog', 'essai'], sample: true, pipelines: { essai: pipeline([rennes(1), { code: '2A004', data: { valeur: 2 } }]) } });
      app = createApp({ store, registry: testRegistry, releaseCheckMs: 0 });
    });
    afterAll(() => store.dispose());

    it('serves each registered dataset lean in the dotation, what is the same for every commune at /sources/{id}', async () => {
      const res = await get('/commune/35238/dotation');
      const body = await jsonOf(res, dotationSchema);
      const byId = Object.fromEntries(body.datasets.map((d: Entry) => [d.id, d]));
      expect(byId.essai).toEqual({
        id: 'essai', titre: testSource('essai').titre, producteur: testSource('essai').producteur, licence: testSource('essai').licence,
        finalite: 'Consultation', millesime: '2025', statut: 'available', donnees: { valeur: 1 },
        liens: { json: '/commune/35238/datasets/essai', csv: '/commune/35238/datasets/essai.csv', source: '/sources/essai' },
      });
      expect(byId.autre).toMatchObject({ statut: 'not-ingested', liens: { source: '/sources/autre' } });
      expect(byId.autre.liens).toEqual({ source: '/sources/autre' });
      expect(byId.cog).toMatchObject({ statut: 'available', millesime: '2026', liens: { source: '/sources/cog' } });
      expect(body.release.id).toBe((await jsonOf(await get('/releases/current'), releaseSchema)).id);
      const other = await jsonOf(await get('/commune/35004/dotation'), dotationSchema);
      expect(other.datasets.find((d: Entry) => d.id === 'essai')!.statut).toBe('no-data-for-commune');
      expect((await get('/commune/35004/datasets/essai')).status).toBe(404);

      // The source document: description, fields, provenance of the load served, versioned by the release.
      const sourceRes = await get('/sources/essai');
      expect(sourceRes.headers.get('dotation-release')).toBe(body.release.id);
      expect(sourceRes.headers.get('etag')).toBeTruthy();
      const source = await jsonOf(sourceRes, sourceSchema);
      expect(source).toMatchObject({ id: 'essai', description: testSource('essai').description, release: body.release.id, chargement: { millesime: '2025' } });
      expect(source.chargement!.fichiers[0]).toMatchObject({ path: 'samples/cog/v_mvt_commune_2024.csv', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect((await get('/sources/essai', { 'if-none-match': sourceRes.headers.get('etag')! })).status).toBe(304);
      expect(await jsonOf(await get('/sources/autre'), sourceSchema)).toMatchObject({ id: 'autre', chargement: null, champs: null });
      const unknown = await get('/sources/inconnue');
      expect(unknown.status).toBe(404);
      expect((await unknown.json()).detail).toContain('inconnue');
      const sources = await jsonOf(await get('/sources'), sourcesSchema);
      expect(sources.map((x: Entry) => x.id)).toEqual(testRegistry.map((x: Entry) => x.id));
      expect(sources.find((x: Entry) => x.id === 'essai')).toEqual(source);
    });

    it('inlines the source documents with ?detail=complet and narrows with ?datasets=', async () => {
      const complet = await jsonOf(await get('/commune/35238/dotation?detail=complet'), dotationSchema);
      const source = await jsonOf(await get('/sources/essai'), sourceSchema);
      expect(complet.datasets.find((d: Entry) => d.id === 'essai')!.source).toEqual(source);
      expect(complet.datasets.every((d: Entry) => d.source?.id === d.id)).toBe(true);
      const lean = await (await get('/commune/35238/dotation')).text();
      expect(lean).not.toContain(source.description);

      const narrowed = await jsonOf(await get('/commune/35238/dotation?datasets=essai,cog'), dotationSchema);
      expect(narrowed.datasets.map((d: Entry) => d.id)).toEqual(['cog', 'essai']);
      expect(narrowed.datasets[1].donnees).toEqual({ valeur: 1 });
      expect((await jsonOf(await get('/commune/35238/dotation?datasets=autre&detail=complet'), dotationSchema)).datasets.map((d: Entry) => [d.id, d.source?.id]))
        .toEqual([['autre', 'autre']]);

      const bad = await get('/commune/35238/dotation?datasets=essai,ban-inconnue');
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect((await bad.json()).detail).toContain('« ban-inconnue »');
      expect((await get('/commune/35238/dotation?detail=tout')).status).toBe(400);
    });

    it('serves a dataset as JSON and as CSV in its declared columns', async () => {
      expect(await jsonOf(await get('/commune/35238/datasets/essai'), datasetDocumentSchema)).toMatchObject({ dataset: 'essai', millesime: '2025', donnees: { valeur: 1 } });
      const csv = await get('/commune/35238/datasets/essai.csv');
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(await csv.text()).toBe('indicateur,valeur\nessai,1\n');
    });

    it('leaves the current release and every response byte-identical when a source fails mid-run', async () => {
      const before = await snapshot();
      const broken = new SourceError('essai', 'essai.csv', 'valeur non numérique « abc »', 3, 'valeur');
      await expect(ingestForTest(store, { registry: testRegistry, sources: ['essai'], sample: true, pipelines: { essai: pipeline([rennes(5)], broken) } }))
        .rejects.toThrow(/essai\.csv, ligne 3, colonne valeur/);
      await expect(ingestForTest(store, { registry: testRegistry, sources: ['essai'], sample: true, pipelines: { essai: pipeline([rennes(6), { code: '99999', data: {} }]) } }))
        .rejects.toThrow(/99999/);
      expect(await snapshot()).toEqual(before);
      const [{ n }] = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM commune_datasets WHERE load_id IN (SELECT id FROM loads WHERE status = \'failed\')');
      expect(n).toBe(0);
    });

    it('publishes a new release replacing only the ingested sources', async () => {
      const before = await jsonOf(await get('/releases/current'), releaseSchema);
      const etag = (await get('/commune/35238/datasets/essai')).headers.get('etag')!;
      const result = await ingestForTest(store, { registry: testRegistry, sources: ['essai'], sample: true, pipelines: { essai: pipeline([rennes(7)]) } });
      const after = await jsonOf(await get('/releases/current'), releaseSchema);
      expect(after.id).toBe(result.releaseId);
      expect(after.parentId).toBe(before.id);
      const load = (r: { sources: { id: string; chargement: number }[] }, id: string) => r.sources.find((s) => s.id === id)?.chargement;
      expect(load(after, 'cog')).toBe(load(before, 'cog'));
      expect(load(after, 'essai')).not.toBe(load(before, 'essai'));
      const res = await get('/commune/35238/datasets/essai', { 'if-none-match': etag });
      expect(res.status).toBe(200);
      expect(await jsonOf(res, datasetDocumentSchema)).toMatchObject({ donnees: { valeur: 7 } });
      expect((await jsonOf(await get('/releases'), releasesSchema)).length).toBeGreaterThanOrEqual(2);
    });

    it('answers a storage failure with a 500 problem that echoes nothing internal', async () => {
      const broken = await kind.open();
      await ingestForTest(broken, { registry: testRegistry, sources: ['cog'] });
      const brokenApp = createApp({ store: broken, registry: testRegistry, releaseCheckMs: 0 });
      expect((await brokenApp.request('/commune/35238')).status).toBe(200);
      await broken.query('DROP TABLE current_release');
      const res = await brokenApp.request('/commune/35238/dotation');
      expect(res.status).toBe(500);
      const text = await res.text();
      expect(text).toContain('"requestId"');
      expect(problemSchema.parse(JSON.parse(text)).status).toBe(500);
      expect(text).not.toMatch(/current_release|relation|does not exist/);
      await broken.dispose();
    });
  });
}
