/** `/commune/{code}/changes?since=<release>`: the change feed a portal syncs from. */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../../http/context.js';
import { communeChanges } from '../../changes/changes.js';
import { changesSchema } from '../../changes/schema.js';
import { problemResponses } from '../../http/problem.js';
import { ApiError } from '../../errors.js';
import { readRelease } from '../../releases/repository.js';
import { resolveCommune } from '../communes/resolve.js';

const getChanges = createRoute({
  method: 'get', path: '/commune/{code}/changes', tags: ['Dotation'],
  summary: 'Les jeux de la commune dont le contenu a changé depuis une release',
  description: 'Compare, jeu par jeu, l\'empreinte du contenu de la commune dans la release `since` et dans la release servie : un portail ne retélécharge que ce qui a changé. Les releases sont listées par `/releases`.',
  request: {
    params: z.object({ code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '35238' }) }),
    query: z.object({ since: z.string().regex(/^[0-9A-Za-z.-]{1,64}$/, 'identifiant de release attendu (ex. 20260101T000000Z-abcd, voir /releases)').openapi({ description: 'Identifiant d\'une release (voir /releases)', example: '20260101T000000Z-abcd' }) }),
  },
  responses: {
    200: {
      description: 'Les changements',
      content: {
        'application/json': {
          schema: changesSchema,
        },
      },
    },
    ...problemResponses,
  },
});

export function registerChangesRoutes(app: App, deps: AppDeps): void {
  app.openapi(getChanges, async (c) => {
    const commune = resolveCommune(c, c.req.valid('param').code);
    const { since } = c.req.valid('query');
    const before = await readRelease(deps.store, since);
    if (!before) throw new ApiError('introuvable', `Aucune release « ${since} » (voir /releases)`);
    return c.json(await communeChanges(deps.store, deps.registry, before, c.get('release')!, commune), 200);
  });
}
