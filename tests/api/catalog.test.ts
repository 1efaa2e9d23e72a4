import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { geoRecord, GEO_FIELDS, ODBL, recordsPipeline, statsRecord, STATS_FIELDS, testSource } from '../helpers/pack-sources.js';
import { jsonldSchema } from '../../src/routes/catalog/index.js';
import { jsonOf } from '../helpers/responses.js';

const testRegistry = [
  ...registry.filter((s) => s.id === 'cog'),
  testSource('essai-stats'),
  testSource('essai-geo', { licence: ODBL, theme: 'Données géographiques', millesime: '2024' }),
];

type Node = Record<string, unknown> & { '@id': string; '@type': string | string[] };

/** Every compact IRI key and `@type` must use a prefix the context declares. */
function undeclaredPrefixes(value: unknown, context: Record<string, string>, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) undeclaredPrefixes(v, context, found);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '@context') continue;
      const terms = k === '@type' ? [v].flat() as string[] : k.startsWith('@') ? [] : [k];
      for (const t of terms) {
        const prefix = t.split(':')[0];
        if (!t.includes(':') || !(prefix in context)) found.add(t);
      }
      undeclaredPrefixes(v, context, found);
    }
  }
  return found;
}

const types = (n: Node) => [n['@type']].flat();
const lit = (v: unknown) => (v as { '@value': string })['@value'];

for (const kind of storeKinds) {
  describe(`DCAT catalogues on ${kind.name}`, () => {
    let app: App;
    let store: Awaited<ReturnType<typeof kind.open>>;
    const json = async (path: string) => {
      const res = await app.request(`http://dotation.test${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/ld+json');
      return jsonOf(res, jsonldSchema);
    };

    beforeAll(async () => {
      store = await kind.open();
      await ingestForTest(store, {
        registry: testRegistry, sources: ['cog', 'essai-stats', 'essai-geo'], sample: true,
        pipelines: {
          'essai-stats': recordsPipeline('essai-stats', [statsRecord('35238', { habitants: 1, surfaceKm2: 1, tauxChomage: 1, revenuMedian: 1 }), statsRecord('01001', { habitants: 1, surfaceKm2: 1, tauxChomage: 1, revenuMedian: 1 })], { fields: STATS_FIELDS }),
          'essai-geo': recordsPipeline('essai-geo', [geoRecord('35238', 1)], { fields: GEO_FIELDS }),
        },
      });
      app = createApp({ store, registry: testRegistry, releaseCheckMs: 0, publicUrl: 'http://dotation.test' });
    });
    afterAll(() => store.dispose());

    it('describes each dataset of a commune as a DCAT-AP dataset whose spatial coverage is the commune', async () => {
      const catalog = await json('/commune/35238/catalog.jsonld');
      expect(catalog['@context']).toMatchObject({ dcat: 'http://www.w3.org/ns/dcat#', dct: 'http://purl.org/dc/terms/', foaf: 'http://xmlns.com/foaf/0.1/', prov: 'http://www.w3.org/ns/prov#' });
      expect([...undeclaredPrefixes(catalog, catalog['@context'])]).toEqual([]);
      expect(catalog).toMatchObject({ '@id': 'http://dotation.test/commune/35238/catalog.jsonld', '@type': 'dcat:Catalog' });
      expect(lit(catalog['dct:title'])).toContain('Rennes');
      expect(catalog['dct:publisher']['foaf:name']).toBe('Dotation');
      const datasets = catalog['dcat:dataset'] as Node[];
      expect(datasets.every((d) => types(d).includes('dcat:Dataset'))).toBe(true);
      expect(datasets.map((d) => d['dct:identifier'])).toEqual(['35238/dotation', '35238/essai-stats', '35238/essai-geo']);
      for (const d of datasets) {
        // DCAT-AP mandatory (title, description) and the recommended / DCAT-AP-FR properties harvesters read.
        expect(lit(d['dct:title'])).toContain('Rennes');
        expect(lit(d['dct:description']).length).toBeGreaterThan(20);
        expect(d['dct:spatial']).toMatchObject({ '@id': 'http://id.insee.fr/geo/commune/35238', '@type': 'dct:Location', 'skos:prefLabel': { '@value': 'Rennes' } });
        for (const p of ['dct:publisher', 'dcat:contactPoint', 'dct:accessRights', 'dcat:keyword', 'dcat:theme', 'dct:language', 'dcat:landingPage', 'dct:modified', 'dcat:distribution']) expect(d[p], `${d['@id']} ${p}`).toBeDefined();
      }
      const geo = datasets.find((d) => d['dct:identifier'] === '35238/essai-geo')!;
      expect(geo['dct:license']).toMatchObject({ '@id': ODBL.url, '@type': 'dct:LicenseDocument' });
      expect(geo['dct:source']).toEqual(expect.arrayContaining([{ '@id': 'https://example.org/essai-geo' }, { '@id': 'https://example.org/essai-geo.csv' }]));
      expect(geo['prov:wasDerivedFrom']).toEqual(expect.arrayContaining([{ '@id': 'https://example.org/essai-geo.csv' }]));
      expect(geo['dct:temporal']).toMatchObject({ 'dcat:startDate': { '@value': '2024-01-01' }, 'dcat:endDate': { '@value': '2024-12-31' } });
      expect(lit(geo['dct:provenance'] && (geo['dct:provenance'] as Record<string, unknown>)['rdfs:label'])).toMatch(/sha256 [0-9a-f]{64}/);
      // The bbox of the commune, as WKT, for portals that index geometries (udata).
      expect(lit((geo['dct:spatial'] as Record<string, unknown>)['locn:geometry'])).toMatch(/^POLYGON\(\(-1\.75 48\.07,/);
      const dists = geo['dcat:distribution'] as Node[];
      expect(dists.map((x) => x['@id'])).toEqual([
        'http://dotation.test/commune/35238/datasets/essai-geo.csv', 'http://dotation.test/commune/35238/datasets/essai-geo', 'http://dotation.test/commune/35238/datasets/essai-geo.geojson',
      ]);
      for (const dist of dists) {
        expect(types(dist)).toEqual(['dcat:Distribution']);
        expect(dist['dcat:accessURL']).toEqual({ '@id': dist['@id'] });
        expect(dist['dcat:downloadURL']).toEqual({ '@id': dist['@id'] });
        expect(dist['dct:format']).toMatchObject({ '@id': expect.stringMatching(/^http:\/\/publications\.europa\.eu\/resource\/authority\/file-type\/(CSV|JSON|GEOJSON)$/) });
        expect(dist['dct:license']).toMatchObject({ '@id': ODBL.url });
      }
      const pack = datasets[0];
      expect((pack['dcat:distribution'] as Node[])[0]['@id']).toBe('http://dotation.test/commune/35238/dotation.zip');
      expect(pack['dct:hasPart']).toEqual([{ '@id': 'http://dotation.test/commune/35238/datasets/essai-stats#dataset' }, { '@id': 'http://dotation.test/commune/35238/datasets/essai-geo#dataset' }]);
      // The distribution URLs answer.
      for (const dist of dists) expect((await app.request(new URL(dist['@id']).pathname)).status).toBe(200);
    });

    it('pages the national catalogue with hydra, first to last', async () => {
      const first = await json('/catalog.jsonld?pageSize=2');
      expect(types(first)).toEqual(['dcat:Catalog', 'hydra:Collection']);
      expect(first['@context'].hydra).toBe('http://www.w3.org/ns/hydra/core#');
      expect([...undeclaredPrefixes(first, first['@context'])]).toEqual([]);
      const total = first['hydra:totalItems'];
      expect(total).toBeGreaterThan(34_000);
      const view = first['hydra:view'];
      expect(view).toMatchObject({ '@type': 'hydra:PartialCollectionView', 'hydra:first': { '@id': 'http://dotation.test/catalog.jsonld?page=1&pageSize=2' }, 'hydra:next': { '@id': 'http://dotation.test/catalog.jsonld?page=2&pageSize=2' } });
      expect(view['hydra:previous']).toBeUndefined();
      const ids = (first['dcat:dataset'] as Node[]).map((d) => d['dct:identifier']);
      expect(ids).toEqual(['01001/dotation', '01001/essai-stats', '01002/dotation']);
      const lastUrl = new URL(view['hydra:last']['@id']);
      const last = await json(lastUrl.pathname + lastUrl.search);
      expect(last['hydra:view']['hydra:next']).toBeUndefined();
      expect(last['hydra:view']['hydra:previous']).toBeDefined();
      expect(Number(lastUrl.searchParams.get('page'))).toBe(Math.ceil(total / 2));
      expect((await app.request(`/catalog.jsonld?page=${Math.ceil(total / 2) + 1}&pageSize=2`)).status).toBe(404);
      expect((await app.request('/catalog.jsonld?pageSize=100000')).status).toBe(400);
      const defaults = await json('/catalog.jsonld');
      expect(defaults['hydra:view']['hydra:next']['@id']).toBe('http://dotation.test/catalog.jsonld?page=2');
      expect((defaults['dcat:dataset'] as Node[]).filter((d) => String(d['dct:identifier']).endsWith('/dotation'))).toHaveLength(100);
    });
  });
}
