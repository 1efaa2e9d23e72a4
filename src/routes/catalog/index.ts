/**
 * `/commune/{code}/catalog.jsonld` and the national `/catalog.jsonld?page=`
 * (hydra paging): DCAT-AP catalogues that portals harvest.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../../http/context.js';
import { availability } from '../../catalog/availability.js';
import { catalogNode, communeDatasetNodes } from '../../catalog/dcat.js';
import { CachedBody, respondCached } from '../../http/cached-body.js';
import { problemResponses } from '../../http/problem.js';
import { ApiError } from '../../errors.js';
import { cacheKey, responseCache } from '../../http/response-cache.js';
import type { ServingRelease } from '../../releases/serving-release.js';
import { loadedDatasets } from '../../pack/content.js';
import { resolveCommune } from '../communes/resolve.js';
import { publicOrigin } from '../../http/origin.js';
import { integerParam } from '../../http/params.js';

const JSONLD = 'application/ld+json';
export const jsonldSchema = z.object({ '@context': z.record(z.string(), z.string()), '@id': z.string(), '@type': z.union([z.string(), z.array(z.string())]) }).passthrough();
const jsonld = { [JSONLD]: { schema: jsonldSchema } };

/** Commune pages of the national catalogue. */
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 500;

const baseUrl = publicOrigin;

function communesOf(release: ServingRelease) {
  return [...release.referential.communes()].sort((a, b) => a.code.localeCompare(b.code));
}

export function registerCatalogRoutes(app: App, deps: AppDeps): void {
  app.openapi(createRoute({
    method: 'get', path: '/commune/{code}/catalog.jsonld', tags: ['Dotation'],
    summary: 'Catalogue DCAT-AP (JSON-LD) des jeux de la commune, moissonnable par udata, CKAN, Opendatasoft',
    request: { params: z.object({ code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '35238' }) }) },
    responses: { 200: { description: 'Catalogue DCAT', content: jsonld }, 301: { description: 'Commune déléguée ou ancienne : redirection' }, ...problemResponses },
  }), async (c) => {
    const commune = resolveCommune(c, c.req.valid('param').code);
    const release = c.get('release')!;
    const base = baseUrl(c);
    const cache = responseCache(deps);
    const key = cacheKey(release.id, `${base}/commune/${commune.code}`, 'catalog.jsonld');
    const body = cache.get(key) ?? await cache.getOrBuild(key, async () => {
      const loaded = loadedDatasets(deps.registry, release);
      const avail = (await availability(deps.store, loaded, [commune.code])).get(commune.code)!;
      const self = `${base}/commune/${commune.code}/catalog.jsonld`;
      return new CachedBody(JSON.stringify(catalogNode(base, self, `Dotation de données nationales — ${commune.nom} (${commune.code})`,
        `Les jeux de données nationaux projetés sur la commune de ${commune.nom}, release ${release.id}.`, release,
        communeDatasetNodes(base, commune, release, loaded, avail), commune)), `${JSONLD}; charset=utf-8`);
    });
    return respondCached(c, body) as never;
  });

  app.openapi(createRoute({
    method: 'get', path: '/catalog.jsonld', tags: ['Dotation'],
    summary: 'Catalogue DCAT-AP national (JSON-LD), paginé par communes (hydra)',
    description: 'Chaque page couvre `pageSize` communes (par code croissant) et porte une vue `hydra:PartialCollectionView` (`hydra:first`, `hydra:next`, `hydra:last`…), comme l\'attendent les moissonneurs DCAT de udata et de CKAN.',
    request: {
      query: z.object({
        page: integerParam(1, 1_000_000).optional().openapi({ example: 1 }),
        pageSize: integerParam(1, MAX_PAGE_SIZE).optional().openapi({ example: DEFAULT_PAGE_SIZE }),
      }),
    },
    responses: { 200: { description: 'Une page du catalogue', content: jsonld }, ...problemResponses },
  }), async (c) => {
    const { page = 1, pageSize = DEFAULT_PAGE_SIZE } = c.req.valid('query');
    const release = c.get('release')!;
    const base = baseUrl(c);
    const communes = communesOf(release);
    const last = Math.max(1, Math.ceil(communes.length / pageSize));
    if (page > last) throw new ApiError('introuvable', `Page ${page} au-delà de la dernière (${last}) pour ${pageSize} communes par page`);
    const cache = responseCache(deps);
    const key = cacheKey(release.id, `${base}/catalog:${page}:${pageSize}`, 'catalog.jsonld');
    const body = cache.get(key) ?? await cache.getOrBuild(key, async () => {
      const slice = communes.slice((page - 1) * pageSize, page * pageSize);
      const loaded = loadedDatasets(deps.registry, release);
      const avail = await availability(deps.store, loaded, slice.map((x) => x.code));
      const pageUrl = (n: number) => `${base}/catalog.jsonld?page=${n}${pageSize === DEFAULT_PAGE_SIZE ? '' : `&pageSize=${pageSize}`}`;
      const datasets = slice.flatMap((commune) => communeDatasetNodes(base, commune, release, loaded, avail.get(commune.code)!));
      const catalog = catalogNode(base, `${base}/catalog.jsonld`, 'Dotation de données nationales — toutes les communes',
        `Les jeux de données nationaux projetés sur chaque commune française (${communes.length} communes), release ${release.id}.`, release, datasets);
      return new CachedBody(JSON.stringify({
        ...catalog,
        '@type': ['dcat:Catalog', 'hydra:Collection'],
        'hydra:totalItems': communes.length,
        'hydra:view': {
          '@id': pageUrl(page),
          '@type': 'hydra:PartialCollectionView',
          'hydra:first': { '@id': pageUrl(1) },
          'hydra:last': { '@id': pageUrl(last) },
          ...(page > 1 ? { 'hydra:previous': { '@id': pageUrl(page - 1) } } : {}),
          ...(page < last ? { 'hydra:next': { '@id': pageUrl(page + 1) } } : {}),
          'hydra:itemsPerPage': pageSize,
        },
      }), `${JSONLD}; charset=utf-8`);
    });
    return respondCached(c, body) as never;
  });
}
