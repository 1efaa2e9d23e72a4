/** `/commune/{code}/dotation` and `/commune/{code}/datasets/{id}` (+ `.csv`, `.geojson`). */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../../http/context.js';
import { buildDotation } from '../../dotation/build.js';
import { respondCached } from '../../http/cached-body.js';
import { responseCache } from '../../http/response-cache.js';
import { problemResponses } from '../../http/problem.js';
import { ApiError } from '../../errors.js';
import { datasetDocumentSchema, datasetGeoJsonSchema, dotationSchema } from '../../dotation/schema.js';
import { resolveCommune } from '../communes/resolve.js';
import { communeJson } from '../../dotation/commune.js';
import { datasetCsv, datasetJson, readCommuneDataset } from '../../dotation/dataset.js';
import { addressCodes, isAddressLoad, streamAddresses } from '../../dotation/addresses.js';
import { dotationOptions, dotationQuery } from './query.js';
import { dotationBody, dotationCacheKey } from './preload.js';
import { documentedOnly, emptyQuery, validQuery } from '../../http/documented-route.js';

/** A registry id (lowercase, digits, hyphens) and an optional format suffix. */
const DATASET = /^([a-z0-9-]{1,64}?)(?:\.(json|csv|geojson))?$/;

const codeParam = z.object({ code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '35238' }) });

const getDotation = createRoute({
  method: 'get', path: '/commune/{code}/dotation', tags: ['Dotation'],
  summary: 'La dotation de données nationales d\'une commune',
  description: 'Ce qui est propre à la commune, une fois : par jeu, titre, producteur, licence, finalité, millésime, statut, liens et chiffres de la commune. '
    + 'Description, définitions des champs, unités et provenance, identiques pour toutes les communes, sont à `/sources/{id}` (lien `liens.source`).',
  request: { params: codeParam, query: dotationQuery },
  responses: {
    200: { description: 'Identité de la commune et chaque jeu de données enregistré (ou ceux de `datasets`), avec statut et liens', content: { 'application/json': { schema: dotationSchema } } },
    301: { description: 'Commune déléguée ou ancienne : redirection' },
    ...problemResponses,
  },
});

const getDataset = createRoute({
  method: 'get', path: '/commune/{code}/datasets/{dataset}', tags: ['Dotation'],
  summary: 'Un jeu de données de la commune, en JSON, CSV (`.csv`) ou GeoJSON (`.geojson`)',
  request: {
    params: codeParam.extend({
      dataset: z.string().regex(DATASET, 'identifiant de jeu attendu (voir /sources), suivi au besoin de .json, .csv ou .geojson')
        .openapi({ param: { name: 'dataset', in: 'path' }, example: 'statistiques-insee.csv' }),
    }),
  },
  responses: {
    200: {
      description: 'Le jeu de données',
      content: {
        'application/json': {
          schema: datasetDocumentSchema,
        },
        'text/csv': { schema: z.string() },
        'application/geo+json': { schema: datasetGeoJsonSchema },
      },
    },
    ...problemResponses,
  },
});

export function registerDotationRoutes(app: App, deps: AppDeps): void {
  const noQuery = emptyQuery(dotationQuery);
  app.openapi(documentedOnly(app, getDotation), async (c) => {
    const commune = resolveCommune(c, c.req.param('code')!);
    const options = dotationOptions(validQuery(c, dotationQuery, noQuery), deps.registry);
    // Built once per (release, commune, form), then served from the bounded cache.
    const release = c.get('release')!;
    const cache = responseCache(deps);
    const key = dotationCacheKey(release, commune.code, options);
    const cached = cache.get(key) ?? await cache.getOrBuild(key, async () =>
      dotationBody(release, await buildDotation(deps.store, deps.registry, release, commune, options)));
    return respondCached(c, cached) as never;
  });

  app.openapi(getDataset, async (c) => {
    const { code, dataset } = c.req.valid('param');
    const commune = resolveCommune(c, code);
    const [, id, format = 'json'] = DATASET.exec(dataset)!;
    const release = c.get('release')!;
    const def = deps.registry.find((s) => s.id === id);
    if (!def) throw new ApiError('introuvable', `Jeu de données inconnu « ${id} » (voir /sources)`);
    const loadId = release.loads[id];
    if (!loadId) throw new ApiError('introuvable', `Le jeu « ${id} » n'est pas chargé dans la release ${release.id}`);
    const load = release.loadInfo.get(loadId)!;
    // The COG is the referential itself: the commune's identity in this release is its row.
    const row = id === 'cog'
      ? { data: communeJson(release.referential, commune) as unknown as Record<string, unknown>, rows: null, features: null }
      : await readCommuneDataset(deps.store, loadId, commune.code);
    if (!row) throw new ApiError('introuvable', `Le jeu « ${id} » n'a pas de données pour ${commune.nom} (${commune.code})`, { statut: 'no-data-for-commune' });
    const filename = `${commune.code}-${id}-${load.millesime}`;
    // Addresses (BAN) are rows of their own table, streamed in the producer's format.
    if ((format === 'csv' || format === 'geojson') && isAddressLoad(load.metadata)) {
      const body = streamAddresses(deps.store, loadId, addressCodes(row.data, commune.code), format);
      return c.body(body, 200, format === 'csv'
        ? { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}.csv"` }
        : { 'Content-Type': 'application/geo+json; charset=utf-8', 'Content-Disposition': `inline; filename="${filename}.geojson"` });
    }
    if (format === 'csv') {
      return c.body(datasetCsv(row, load), 200, {
        'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}.csv"`,
      });
    }
    if (format === 'geojson') {
      if (!row.features) throw new ApiError('introuvable', `Le jeu « ${id} » n'a pas de géométrie`);
      return c.body(JSON.stringify({ type: 'FeatureCollection', features: row.features }), 200, {
        'Content-Type': 'application/geo+json; charset=utf-8', 'Content-Disposition': `inline; filename="${filename}.geojson"`,
      });
    }
    return c.json(datasetJson(commune, id, load, row), 200);
  });
}
