/** `/releases`, `/releases/current`, `/health`. */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../../http/context.js';
import { listReleases, pingStore } from '../../releases/repository.js';
import { problemResponses } from '../../http/problem.js';
import { ApiError } from '../../errors.js';

export const releaseSchema = z.object({
  id: z.string(), parentId: z.string().nullable(), creeeLe: z.string(), publieeLe: z.string().nullable(),
  sources: z.array(z.object({ id: z.string(), chargement: z.number(), millesime: z.string(), chargeLe: z.string() })),
}).openapi('Release');

export const releasesSchema = z.array(z.object({ id: z.string(), parentId: z.string().nullable(), creeeLe: z.string() }));
export const healthSchema = z.object({ status: z.literal('ok'), release: z.string().nullable(), stockage: z.string() });

export function registerMetaRoutes(app: App, deps: AppDeps): void {
  app.openapi(createRoute({
    method: 'get', path: '/releases/current', tags: ['Méta'], summary: 'La release servie',
    responses: { 200: { description: 'Release', content: { 'application/json': { schema: releaseSchema } } }, ...problemResponses },
  }), (c) => {
    const release = c.get('release')!;
    return c.json({
      id: release.id, parentId: release.parentId, creeeLe: release.createdAt, publieeLe: release.publishedAt ?? null,
      sources: Object.entries(release.loads).map(([id, loadId]) => {
        const load = release.loadInfo.get(loadId)!;
        return { id, chargement: loadId, millesime: load.millesime, chargeLe: load.createdAt };
      }),
    }, 200);
  });

  app.openapi(createRoute({
    method: 'get', path: '/releases', tags: ['Méta'], summary: 'Toutes les releases, la plus récente d\'abord',
    responses: { 200: { description: 'Releases', content: { 'application/json': { schema: releasesSchema } } } },
  }), async (c) => c.json((await listReleases(deps.store)).map((r) => ({ id: r.id, parentId: r.parentId, creeeLe: r.createdAt })), 200));

  app.openapi(createRoute({
    method: 'get', path: '/health', tags: ['Méta'], summary: 'État du service',
    responses: {
      200: { description: 'En service', content: { 'application/json': { schema: healthSchema } } },
      503: problemResponses[503],
    },
  }), async (c) => {
    try {
      await pingStore(deps.store);
    } catch {
      throw new ApiError('erreur-interne', 'Stockage injoignable');
    }
    return c.json({ status: 'ok' as const, release: c.get('release')?.id ?? null, stockage: deps.store.driver }, 200);
  });
}
