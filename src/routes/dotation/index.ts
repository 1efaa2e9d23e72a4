/** `/commune/{code}/dotation` and `/commune/{code}/datasets/{id}` (+ `.csv`, `.geojson`). */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../../app.js';
import { csvLine } from '../../db/csv.js';
import { buildDotation } from '../../dotation/build.js';
import { CachedBody, respondCached } from '../../http/cached-body.js';
import { cacheKey, responseCache } from '../../http/response-cache.js';
import { ApiError, problemResponses } from '../../http/problem.js';
import { communeSchema } from '../communes/serialize.js';
import { resolveCommune } from '../communes/resolve.js';
import type { FieldSchema, Scalar } from '../../contract/dataset.js';
import { addressCodes, isAddressLoad, streamAddresses } from './addresses.js';

const codeParam = z.object({ code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '35238' }) });

const datasetSchema = z.object({
  id: z.string(), titre: z.string(), description: z.string(), producteur: z.string(),
  licence: z.object({ id: z.string(), nom: z.string(), url: z.string() }),
  finalite: z.enum(['Transparence', 'Service', 'Consultation']),
  millesime: z.string().nullable(),
  statut: z.enum(['available', 'not-ingested', 'no-data-for-commune']),
  provenance: z.object({
    pageProducteur: z.string(), urls: z.array(z.string()),
    fichiers: z.array(z.object({ url: z.string().optional(), path: z.string(), sha256: z.string(), bytes: z.number(), retrievedAt: z.string() })),
    chargeLe: z.string().nullable(), chargement: z.number().nullable(),
  }),
  liens: z.object({ json: z.string(), csv: z.string(), geojson: z.string().optional() }).nullable(),
  donnees: z.record(z.string(), z.unknown()).optional(),
}).openapi('DatasetDotation');

const dotationSchema = z.object({
  commune: communeSchema,
  release: z.object({ id: z.string(), publieeLe: z.string() }),
  datasets: z.array(datasetSchema),
}).openapi('Dotation');

const getDotation = createRoute({
  method: 'get', path: '/commune/{code}/dotation', tags: ['Dotation'],
  summary: 'La dotation de données nationales d\'une commune',
  request: { params: codeParam },
  responses: {
    200: { description: 'Identité de la commune et chaque jeu de données enregistré, avec statut et provenance', content: { 'application/json': { schema: dotationSchema } } },
    301: { description: 'Commune déléguée ou ancienne : redirection' },
    ...problemResponses,
  },
});

const getDataset = createRoute({
  method: 'get', path: '/commune/{code}/datasets/{dataset}', tags: ['Dotation'],
  summary: 'Un jeu de données de la commune, en JSON, CSV (`.csv`) ou GeoJSON (`.geojson`)',
  request: {
    params: codeParam.extend({ dataset: z.string().openapi({ param: { name: 'dataset', in: 'path' }, example: 'statistiques-insee.csv' }) }),
  },
  responses: {
    200: {
      description: 'Le jeu de données',
      content: {
        'application/json': {
          schema: z.object({
            commune: z.object({ code: z.string(), nom: z.string() }), dataset: z.string(), millesime: z.string(),
            donnees: z.record(z.string(), z.unknown()),
            champs: z.array(z.object({ name: z.string(), type: z.string() }).passthrough()).nullable().openapi({ description: 'Table Schema des lignes CSV' }),
            metadonnees: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'Définitions des variables, bilan de la source' }),
          }),
        },
        'text/csv': { schema: z.string() },
        'application/geo+json': { schema: z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) }) },
      },
    },
    ...problemResponses,
  },
});

function toCsv(fields: FieldSchema[] | undefined, rows: Record<string, Scalar>[]): string {
  const names = fields?.length ? fields.map((f) => f.name) : [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return csvLine(names) + rows.map((r) => csvLine(names.map((n) => r[n] ?? null))).join('');
}

export function registerDotationRoutes(app: App, deps: AppDeps): void {
  app.openapi(getDotation, async (c) => {
    const commune = resolveCommune(c, c.req.valid('param').code);
    // Built once per (release, commune, format), then served from the bounded cache.
    const release = c.get('release')!;
    const cache = responseCache(deps);
    const key = cacheKey(release.id, commune.code, 'dotation.json');
    const cached = cache.get(key) ?? await cache.getOrBuild(key, async () =>
      new CachedBody(JSON.stringify(await buildDotation(deps.store, deps.registry, release, commune)), 'application/json'));
    return respondCached(c, cached) as never;
  });

  app.openapi(getDataset, async (c) => {
    const { code, dataset } = c.req.valid('param');
    const commune = resolveCommune(c, code);
    const [, id, format = 'json'] = /^(.+?)(?:\.(json|csv|geojson))?$/.exec(dataset)!;
    const release = c.get('release')!;
    const def = deps.registry.find((s) => s.id === id);
    if (!def || id === 'cog') throw new ApiError('introuvable', `Jeu de données inconnu « ${id} » (voir /sources)`);
    const loadId = release.loads[id];
    if (!loadId) throw new ApiError('introuvable', `Le jeu « ${id} » n'est pas chargé dans la release ${release.id}`);
    const load = release.loadInfo.get(loadId)!;
    const [row] = await deps.store.query<{ data: Record<string, unknown>; rows: Record<string, Scalar>[] | null; features: unknown[] | null }>(
      'SELECT data, rows, features FROM commune_datasets WHERE load_id = $1 AND code = $2', [loadId, commune.code]);
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
      const rows = row.rows ?? Object.entries(row.data).map(([cle, valeur]) => ({ cle, valeur: typeof valeur === 'object' ? JSON.stringify(valeur) : (valeur as Scalar) }));
      return c.body(toCsv(row.rows ? (load.fields as FieldSchema[] | undefined) : undefined, rows), 200, {
        'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}.csv"`,
      });
    }
    if (format === 'geojson') {
      if (!row.features) throw new ApiError('introuvable', `Le jeu « ${id} » n'a pas de géométrie`);
      return c.body(JSON.stringify({ type: 'FeatureCollection', features: row.features }), 200, {
        'Content-Type': 'application/geo+json; charset=utf-8', 'Content-Disposition': `inline; filename="${filename}.geojson"`,
      });
    }
    return c.json({
      commune: { code: commune.code, nom: commune.nom }, dataset: id, millesime: load.millesime, donnees: row.data,
      champs: (load.fields as FieldSchema[] | null) ?? null, metadonnees: (load.metadata as Record<string, unknown> | null) ?? null,
    }, 200);
  });
}
