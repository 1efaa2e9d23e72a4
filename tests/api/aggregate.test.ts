import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { checkCsv } from '../helpers/table-schema.js';
import { validatePackage } from '../helpers/frictionless.js';
import { unzip } from '../helpers/zip.js';
import { geoRecord, GEO_FIELDS, LONG_FIELDS, longRecord, recordsPipeline, statsRecord, STATS_FIELDS, testSource } from '../helpers/pack-sources.js';
import { Referential } from '../../src/domain/referential.js';
import { loadDecoupage } from '../../pipelines/framework/referential/decoupage.js';
import { sourceSchema } from '../../src/catalog/source.js';
import { jsonOf } from '../helpers/responses.js';
import { territoryDotationSchema } from '../../src/aggregate/schema.js';

const testRegistry = [
  ...registry.filter((s) => s.id === 'cog'),
  testSource('essai-stats'),
  testSource('essai-long'),
  testSource('essai-geo', { theme: 'Données géographiques' }),
  testSource('essai-resume'),
  testSource('essai-absent'),
];

// Three members of Rennes Métropole and one commune elsewhere in Ille-et-Vilaine, from the bundled COG.
const referential = new Referential(loadDecoupage());
const members = referential.epci.get('243500139')!.membres.slice().sort().slice(0, 3);
const pop = (code: string) => referential.commune(code)!.population!;
const OUTSIDE = '35288'; // Saint-Malo

for (const kind of storeKinds) {
  describe(`territory dotations on ${kind.name}`, () => {
    let app: App;
    let store: Awaited<ReturnType<typeof kind.open>>;
    const json = async (path: string) => {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      return jsonOf(res, territoryDotationSchema);
    };

    beforeAll(async () => {
      store = await kind.open();
      const [a, b, c] = members;
      await ingestForTest(store, {
        registry: testRegistry, sources: ['cog', 'essai-stats', 'essai-long', 'essai-geo', 'essai-resume'], sample: true,
        pipelines: {
          'essai-stats': recordsPipeline('essai-stats', [
            statsRecord(a, { habitants: 100, surfaceKm2: 1.25, tauxChomage: 10, revenuMedian: 20_000 }),
            statsRecord(b, { habitants: 200, surfaceKm2: 2.5, tauxChomage: 20, revenuMedian: 21_000 }),
            statsRecord(c, { habitants: null, surfaceKm2: 0.25, tauxChomage: null, revenuMedian: 22_000 }),
            statsRecord(OUTSIDE, { habitants: 50_000, surfaceKm2: 36.58, tauxChomage: 30, revenuMedian: 23_000 }),
          ], { fields: STATS_FIELDS }),
          'essai-long': recordsPipeline('essai-long', [longRecord(a, 100, 10, 1), longRecord(b, 300, 30, 2)], { fields: LONG_FIELDS }),
          'essai-geo': recordsPipeline('essai-geo', [geoRecord(a, 2), geoRecord(b, 1)], { fields: GEO_FIELDS }),
          'essai-resume': recordsPipeline('essai-resume', [{ code: a, data: { total: 3 } }]),
        },
      });
      app = createApp({ store, registry: testRegistry, releaseCheckMs: 0 });
    });
    afterAll(() => store.dispose());

    it('aggregates an EPCI from its member communes with the method next to each value', async () => {
      const body = await json('/epci/243500139/dotation');
      expect(body.territoire).toMatchObject({ type: 'epci', code: '243500139', nom: 'Rennes Métropole' });
      expect(body.territoire.communes.length).toBeGreaterThan(30);
      const stats = body.datasets.find((d: { id: string }) => d.id === 'essai-stats');
      expect(stats).toMatchObject({ statut: 'available', communes: { avecDonnees: 3 } });
      const by = Object.fromEntries(stats.indicateurs.map((i: { champ: string }) => [i.champ, i]));
      expect(by.habitants).toMatchObject({ valeur: 300, methode: 'sum', methodeLibelle: 'somme des communes membres', unite: 'habitants', communes: 2, communesSansValeur: 1 });
      expect(by.surfaceKm2).toMatchObject({ valeur: 4, methode: 'sum', communes: 3 });
      const [a, b] = members;
      expect(by.tauxChomage.methode).toBe('mean-weighted-population');
      expect(by.tauxChomage.valeur).toBeCloseTo((10 * pop(a) + 20 * pop(b)) / (pop(a) + pop(b)), 9);
      expect(by.revenuMedian).toMatchObject({ valeur: null, methode: 'none', methodeLibelle: 'non agrégeable' });
      expect(by.rang).toMatchObject({ valeur: null, methode: 'none' });
      const long = body.datasets.find((d: { id: string }) => d.id === 'essai-long');
      const ind = Object.fromEntries(long.indicateurs.map((i: { cle: { indicateur: string } }) => [i.cle.indicateur, i]));
      expect(ind.population).toMatchObject({ valeur: 400, methode: 'sum', unite: 'habitants', libelle: 'Population' });
      expect(ind.taux.valeur).toBeCloseTo((10 * pop(a) + 30 * pop(b)) / (pop(a) + pop(b)), 9);
      expect(ind.mediane).toMatchObject({ valeur: null, methode: 'none' });
      expect(body.datasets.find((d: { id: string }) => d.id === 'essai-resume')).toMatchObject({ statut: 'available', indicateurs: [] });
      expect(body.datasets.find((d: { id: string }) => d.id === 'essai-absent')).toMatchObject({ statut: 'not-ingested' });
      expect(body.methodes['mean-weighted-population']).toContain('pondérée');
      for (const d of body.datasets) expect(d.liens).toEqual({ source: `/sources/${d.id}` });
      expect(body.datasets.some((d: { source?: unknown }) => d.source)).toBe(false);
    });

    it('follows the commune dotation’s contract: ?detail=complet inlines /sources/{id}, ?datasets= narrows, unknown id → 400', async () => {
      const complet = await json('/epci/243500139/dotation?detail=complet&datasets=essai-long,essai-absent');
      expect(complet.datasets.map((d: { id: string }) => d.id)).toEqual(['essai-long', 'essai-absent']);
      expect(complet.datasets[0].source).toEqual(await jsonOf(await app.request('/sources/essai-long'), sourceSchema));
      expect(complet.datasets[0].source.champs.map((f: { name: string }) => f.name)).toContain('valeur');
      expect(complet.datasets[1].source).toMatchObject({ id: 'essai-absent', chargement: null });
      const bad = await app.request('/departement/35/dotation?datasets=essai-stats,nope');
      expect(bad.status).toBe(400);
      expect((await bad.json()).detail).toContain('« nope »');
    });

    it('aggregates a département and a région over all their communes', async () => {
      const dep = await json('/departement/35/dotation');
      const stats = dep.datasets.find((d: { id: string }) => d.id === 'essai-stats');
      expect(stats.communes.avecDonnees).toBe(4);
      expect(stats.indicateurs.find((i: { champ: string }) => i.champ === 'habitants').valeur).toBe(50_300);
      const reg = await json('/region/53/dotation');
      expect(reg.territoire).toMatchObject({ type: 'region', nom: 'Bretagne' });
      expect(reg.datasets.find((d: { id: string }) => d.id === 'essai-stats').indicateurs.find((i: { champ: string }) => i.champ === 'surfaceKm2').valeur).toBe(40.58);
      const corse = await json('/departement/2A/dotation');
      expect(corse.datasets.find((d: { id: string }) => d.id === 'essai-stats')).toMatchObject({ statut: 'no-data-for-territory', communes: { avecDonnees: 0 } });
    });

    it('refuses malformed and unknown territories', async () => {
      expect((await app.request('/epci/123/dotation')).status).toBe(400);
      expect((await app.request('/epci/999999999/dotation')).status).toBe(404);
      expect((await app.request('/departement/00/dotation.zip')).status).toBe(404);
      expect((await app.request('/region/XX/dotation')).status).toBe(400);
    });

    it('packs an EPCI: member communes, aggregated indicators, each dataset with the members\' rows', async () => {
      const res = await app.request('/epci/243500139/dotation.zip');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/zip');
      const entries = await unzip(Buffer.from(await res.arrayBuffer()));
      expect(entries.map((e) => e.path)).toEqual([
        'README.md', 'datapackage.json', 'LICENCES/licence-ouverte-2.0.md', 'communes.csv', 'indicateurs-agreges.csv',
        'essai-stats.csv', 'essai-long.csv', 'essai-geo.csv', 'essai-geo.geojson', 'essai-resume.csv',
      ]);
      const text = (p: string) => entries.find((e) => e.path === p)!.text;
      const pkg = JSON.parse(text('datapackage.json'));
      expect(validatePackage(pkg), JSON.stringify(validatePackage.errors)).toBe(true);
      for (const r of pkg.resources.filter((x: { format: string }) => x.format === 'csv')) expect(checkCsv(text(r.path), r.schema, r.dialect), r.path).toEqual([]);
      expect(text('communes.csv').trimEnd().split('\n').length - 1).toBe(referential.epci.get('243500139')!.membres.length);
      expect(text('indicateurs-agreges.csv')).toContain('essai-stats,,habitants,,300,habitants,sum,somme des communes membres,2,1');
      expect(text('indicateurs-agreges.csv')).toContain('essai-long,indicateur=population,valeur,Population,400,habitants,sum,');
      // Rows of the members only, Saint-Malo (outside) excluded.
      const statsRows = text('essai-stats.csv').split('\n').filter((l) => /^\d{5},/.test(l)).map((l) => l.slice(0, 5));
      expect(statsRows).toEqual(members);
      expect(JSON.parse(text('essai-geo.geojson')).features).toHaveLength(3);
      expect(text('essai-resume.csv').split('\n')[0]).toBe('code,cle,valeur');
      expect(text('README.md')).toContain('moyenne des communes membres pondérée par leur population légale');
      const again = Buffer.from(await (await app.request('/epci/243500139/dotation.zip')).arrayBuffer());
      expect(again.equals(Buffer.from(await (await app.request('/epci/243500139/dotation.zip')).arrayBuffer()))).toBe(true);
    });

    it('lists the new routes in the OpenAPI document', async () => {
      const doc = await (await app.request('/openapi.json')).json();
      expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
        '/commune/{code}/dotation.zip', '/epci/{siren}/dotation', '/epci/{siren}/dotation.zip', '/departement/{code}/dotation',
        '/departement/{code}/dotation.zip', '/region/{code}/dotation', '/region/{code}/dotation.zip',
        '/commune/{code}/catalog.jsonld', '/catalog.jsonld', '/commune/{code}/changes',
      ]));
    });
  });
}
