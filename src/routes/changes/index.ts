/** `/commune/{code}/changes?since=<release>`: the change feed a portal syncs from. */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../../app.js';
import { communeChanges } from '../../changes/changes.js';
import { ApiError, problemResponses } from '../../http/problem.js';
import { readRelease } from '../../releases/repository.js';
import { resolveCommune } from '../communes/resolve.js';

const changeSchema = z.object({
  dataset: z.string(), titre: z.string(),
  changement: z.enum(['ajoute', 'modifie', 'supprime']),
  millesime: z.object({ avant: z.string().nullable(), apres: z.string().nullable() }),
  empreinte: z.object({ avant: z.string().nullable(), apres: z.string().nullable() }).openapi({ description: 'Empreinte du contenu de la commune dans le jeu (sha256 calculé au chargement)' }),
  liens: z.object({ json: z.string(), csv: z.string(), geojson: z.string().optional() }).nullable(),
});

const getChanges = createRoute({
  method: 'get', path: '/commune/{code}/changes', tags: ['Dotation'],
  summary: 'Les jeux de la commune dont le contenu a changé depuis une release',
  description: 'Compare, jeu par jeu, l\'empreinte du contenu de la commune dans la release `since` et dans la release servie : un portail ne retélécharge que ce qui a changé. Les releases sont listées par `/releases`.',
  request: {
    params: z.object({ code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '35238' }) }),
    query: z.object({ since: z.string().min(1).max(64).openapi({ description: 'Identifiant d\'une release (voir /releases)', example: '20260101T000000Z-abcd' }) }),
  },
  responses: {
    200: {
      description: 'Les changements',
      content: {
        'application/json': {
          schema: z.object({
            commune: z.object({ code: z.string(), nom: z.string() }),
            depuis: z.object({ id: z.string(), creeeLe: z.string() }),
            jusqua: z.object({ id: z.string(), creeeLe: z.string() }),
            changements: z.array(changeSchema),
            inchanges: z.array(z.string()),
            telechargement: z.string().nullable(),
          }).openapi('ChangementsCommune'),
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
