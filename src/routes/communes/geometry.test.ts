import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { booleanPointInPolygon } from '@turf/turf';
import { createApp } from '../../app.js';
import type { App } from '../../http/context.js';
import { communeListSchema, communeResponseSchema, geoJsonSchema } from './index.js';
import { datasetDocumentSchema, datasetGeoJsonSchema, dotationSchema } from '../../dotation/schema.js';
import { sourceSchema } from '../../catalog/source.js';
import { jsonOf, problemOf } from '../../../tests/helpers/responses.js';
import { storeKinds } from '../../../tests/helpers/stores.js';
import { ingestForTest, registry } from '../../../tests/helpers/ingest.js';

// Real BAN addresses (adresses-05, 2025): one in Abriès, one filed under the former commune Ristolas.
const ABRIES = { lon: 6.927488, lat: 44.796895 };
const RISTOLAS = { lon: 6.943505, lat: 44.821071 };

for (const kind of storeKinds) {
  describe(`geography API on ${kind.name}`, () => {
    let app: App;
    let dispose: () => Promise<void>;
    const get = (path: string) => app.request(path);

    beforeAll(async () => {
      const store = await kind.open();
      dispose = store.dispose;
      await ingestForTest(store, { sources: ['cog', 'communes-contours', 'iris-contours', 'qpv'], sample: true });
      app = createApp({ store, registry, releaseCheckMs: 0 });
    }, 300_000);
    afterAll(() => dispose());

    it('answers a commune as GeoJSON with its contour, centre or bbox', async () => {
      const contour = await get('/commune/35238?format=geojson&geometry=contour');
      expect(contour.status).toBe(200);
      expect(contour.headers.get('content-type')).toMatch(/^application\/geo\+json/);
      const feature = await jsonOf(contour, geoJsonSchema);
      expect(feature).toMatchObject({ type: 'Feature', properties: { code: '35238', nom: 'Rennes' } });
      expect(['Polygon', 'MultiPolygon']).toContain(feature.geometry.type);
      const centre = await jsonOf(await get('/commune/35238?format=geojson'), geoJsonSchema);
      expect(centre.geometry.type).toBe('Point');
      expect(booleanPointInPolygon(centre.geometry.coordinates, feature.geometry)).toBe(true);
      const bbox = await jsonOf(await get('/commune/35238?format=geojson&geometry=bbox'), geoJsonSchema);
      expect(bbox.geometry.coordinates[0]).toHaveLength(5);
      const json = await jsonOf(await get('/commune/35238?geometry=centre'), communeResponseSchema);
      expect(json).toMatchObject({ code: '35238', centre: centre.geometry });
    });

    it('finds the commune containing a point, and none at sea', async () => {
      const centre = (await jsonOf(await get('/commune/2A004?format=geojson'), geoJsonSchema)).geometry.coordinates;
      const ajaccio = await get(`/communes?lat=${centre[1]}&lon=${centre[0]}`);
      expect(ajaccio.status).toBe(200);
      expect((await jsonOf(ajaccio, communeListSchema)).map((c: { code: string }) => c.code)).toEqual(['2A004']);
      for (const p of [ABRIES, RISTOLAS]) {
        expect(await jsonOf(await get(`/communes?lat=${p.lat}&lon=${p.lon}`), communeListSchema)).toEqual([expect.objectContaining({ code: '05001', nom: 'Abriès-Ristolas' })]);
      }
      expect(await jsonOf(await get('/communes?lat=-20.8&lon=55.45'), communeListSchema)).toEqual([]);
      const geo = await jsonOf(await get(`/communes?lat=${RISTOLAS.lat}&lon=${RISTOLAS.lon}&format=geojson&geometry=contour`), geoJsonSchema);
      expect(geo.features).toHaveLength(1);
      expect(booleanPointInPolygon([RISTOLAS.lon, RISTOLAS.lat], geo.features[0].geometry)).toBe(true);
      expect((await get('/communes?lat=45')).status).toBe(400);
      expect((await get('/communes?lat=95&lon=2')).status).toBe(400);
    });

    it('refuses every contour of France without a filter, with a hint, and serves them filtered', async () => {
      const all = await get('/communes?format=geojson&geometry=contour');
      expect(all.status).toBe(400);
      expect(all.headers.get('content-type')).toMatch(/problem\+json/);
      const problem = await problemOf(all);
      expect(problem).toMatchObject({ type: '/problemes/filtre-requis', exemple: expect.stringContaining('codeDepartement') });
      expect(problem.detail).toMatch(/filtre/);
      const reunion = await jsonOf(await get('/communes?codeDepartement=974&format=geojson&geometry=contour'), geoJsonSchema);
      expect(reunion.type).toBe('FeatureCollection');
      expect(reunion.features).toHaveLength(24);
      expect(reunion.features.every((f: GeoJSON.Feature) => f.geometry && ['Polygon', 'MultiPolygon'].includes(f.geometry.type))).toBe(true);
    });

    it('serves the IRIS and QPV of a commune as JSON and GeoJSON', async () => {
      const iris = await jsonOf(await get('/commune/93066/datasets/iris-contours'), datasetDocumentSchema);
      expect(iris.donnees).toMatchObject({ code: '93066', recodage: { depuis: ['93059'] } });
      expect(iris.donnees.iris.length).toBe(iris.donnees.nombreIris);
      const irisGeo = await get('/commune/93066/datasets/iris-contours.geojson');
      expect(irisGeo.headers.get('content-type')).toMatch(/geo\+json/);
      expect((await jsonOf(irisGeo, datasetGeoJsonSchema)).features).toHaveLength(iris.donnees.nombreIris);
      const qpv = await jsonOf(await get('/commune/35238/datasets/qpv'), datasetDocumentSchema);
      expect(qpv.millesime).toBe('2015');
      expect(qpv.donnees.qpv[0]).toMatchObject({ code: 'QP035002', nom: 'Villejean', communeDeclaree: true });
      expect(qpv.donnees.partCommuneEnQpv).toBeGreaterThan(0);
      const qpvGeo = await jsonOf(await get('/commune/35238/datasets/qpv.geojson'), datasetGeoJsonSchema);
      expect(qpvGeo.features).toHaveLength(5);
      expect(qpvGeo.features[0].properties).toMatchObject({ codeQpv: 'QP035002' });
      const csv = await (await get('/commune/35238/datasets/communes-contours.csv')).text();
      expect(csv.split('\n')[0]).toContain('surfaceKm2');
    });

    it('lists the three datasets in the dotation, their provenance at /sources/{id}', async () => {
      const dotation = await jsonOf(await get('/commune/35238/dotation'), dotationSchema);
      const byId = Object.fromEntries(dotation.datasets.map((d: { id: string }) => [d.id, d]));
      for (const id of ['communes-contours', 'iris-contours', 'qpv']) {
        expect(byId[id].provenance, id).toBeUndefined();
        const source = await jsonOf(await get(byId[id].liens.source), sourceSchema);
        expect(source.chargement!.fichiers.length, id).toBeGreaterThan(0);
        expect(source.pageProducteur).toMatch(/^https:\/\//);
      }
      expect(byId['communes-contours']).toMatchObject({ statut: 'available', finalite: 'Service', liens: { geojson: '/commune/35238/datasets/communes-contours.geojson' } });
      expect(byId.qpv.statut).toBe('available');
      expect(byId['iris-contours']).toMatchObject({ statut: 'available', donnees: { nombreIris: 92 } });
    });
  });
}
