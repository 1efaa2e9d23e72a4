/**
 * The downloadable packs and the dotations above the commune:
 * `/commune/{code}/dotation.zip`, and `/epci/{siren}/dotation`,
 * `/departement/{code}/dotation`, `/region/{code}/dotation` with their `.zip`.
 */
import { Readable } from 'node:stream';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { App, AppDeps, AppEnv } from '../../http/context.js';
import { territoryDotationSchema, type TerritoryDotation } from '../../aggregate/schema.js';
import { territoryDotation, territoryOf, territoryPlan, type AboveCommune } from '../../aggregate/territory.js';
import { CachedBody, respondCached } from '../../http/cached-body.js';
import { problemResponses } from '../../http/problem.js';
import { cacheKey, responseCache } from '../../http/response-cache.js';
import { packFilename, packZip } from '../../pack/build.js';
import { communePlan, type PackPlan } from '../../pack/plan.js';
import { resolveCommune } from '../communes/resolve.js';
import { dotationOptions, dotationQuery, dotationVariant } from '../dotation/query.js';
import type { DotationOptions } from '../../dotation/build.js';

const zipContent = { 'application/zip': { schema: z.string().openapi({ format: 'binary' }) } };

function zipResponse(c: Context<AppEnv>, plan: PackPlan): Response {
  const body = Readable.toWeb(packZip(plan)) as ReadableStream<Uint8Array>;
  return c.body(body, 200, {
    'Content-Type': 'application/zip',
    'Content-Disposition': `attachment; filename="${packFilename(plan)}"`,
    'Cache-Control': 'public, max-age=300',
  });
}

const getCommunePack = createRoute({
  method: 'get', path: '/commune/{code}/dotation.zip', tags: ['Dotation'],
  summary: 'Toute la dotation de la commune en un dossier prêt à publier (ZIP)',
  description: 'Chaque jeu de la commune en CSV (et GeoJSON quand il a des géométries), un README.md en français décrivant chaque fichier (producteur, licence, millésime, URL source, date de récupération, sha256 du fichier source, finalité), les textes des licences et un datapackage.json (Frictionless Data Package, un Table Schema par CSV). Le flux est produit à la volée et identique octet pour octet pour une même release.',
  request: { params: z.object({ code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '35238' }) }) },
  responses: {
    200: { description: 'Le dossier ZIP', content: zipContent },
    301: { description: 'Commune déléguée ou ancienne : redirection' },
    ...problemResponses,
  },
});


const TERRITORIES: { kind: AboveCommune; prefix: string; param: string; example: string; label: string }[] = [
  { kind: 'epci', prefix: '/epci', param: 'siren', example: '243500139', label: 'un EPCI à fiscalité propre' },
  { kind: 'departement', prefix: '/departement', param: 'code', example: '35', label: 'un département' },
  { kind: 'region', prefix: '/region', param: 'code', example: '53', label: 'une région' },
];

export function registerPackRoutes(app: App, deps: AppDeps): void {
  app.openapi(getCommunePack, async (c) => {
    const commune = resolveCommune(c, c.req.valid('param').code);
    const plan = await communePlan(deps.store, deps.registry, c.get('release')!, commune);
    return zipResponse(c, plan) as never;
  });

  for (const t of TERRITORIES) {
    const params = z.object({ [t.param]: z.string().openapi({ param: { name: t.param, in: 'path' }, example: t.example }) });
    /** The aggregated dotation, built once per (release, territory) and kept rendered. */
    const aggregated = async (c: Context<AppEnv>, code: string, options: DotationOptions = {}): Promise<CachedBody> => {
      const release = c.get('release')!;
      const territory = territoryOf(release.referential, t.kind, code);
      const cache = responseCache(deps);
      const key = cacheKey(release.id, `${t.kind}:${territory.code}`, `dotation${dotationVariant(options)}.json`);
      return cache.get(key) ?? await cache.getOrBuild(key, async () =>
        new CachedBody(JSON.stringify(await territoryDotation(deps.store, deps.registry, release, territory, options)), 'application/json'));
    };

    app.openapi(createRoute({
      method: 'get', path: `${t.prefix}/{${t.param}}/dotation`, tags: ['Dotation'],
      summary: `La dotation agrégée d'${t.label}`,
      description: 'Chaque jeu agrégé à partir des communes membres, champ par champ, avec la méthode déclarée par le jeu à côté de chaque valeur (somme, moyenne pondérée par la population légale, ou non agrégeable) et le nombre de communes couvertes.',
      request: { params, query: dotationQuery },
      responses: { 200: { description: 'Indicateurs agrégés', content: { 'application/json': { schema: territoryDotationSchema } } }, ...problemResponses },
    }), async (c) => {
      const code = (c.req.valid('param') as Record<string, string>)[t.param];
      const body = await aggregated(c, code, dotationOptions(c.req.valid('query') as { detail?: string; datasets?: string }, deps.registry));
      return respondCached(c, body) as never;
    });

    app.openapi(createRoute({
      method: 'get', path: `${t.prefix}/{${t.param}}/dotation.zip`, tags: ['Dotation'],
      summary: `La dotation d'${t.label} en un dossier ZIP`,
      description: 'Les communes membres, les indicateurs agrégés (avec leur méthode), chaque jeu avec les lignes des communes membres (CSV, GeoJSON), README.md, licences et datapackage.json.',
      request: { params },
      responses: { 200: { description: 'Le dossier ZIP', content: zipContent }, ...problemResponses },
    }), async (c) => {
      const code = (c.req.valid('param') as Record<string, string>)[t.param];
      const release = c.get('release')!;
      const dotation = JSON.parse((await aggregated(c, code)).body) as TerritoryDotation;
      const plan = await territoryPlan(deps.store, deps.registry, release, territoryOf(release.referential, t.kind, code), dotation);
      return zipResponse(c, plan) as never;
    });
  }
}
