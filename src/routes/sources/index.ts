/** `/sources` and `/sources/{id}`: what each source declares once per release (see src/catalog/source.ts). */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../../http/context.js';
import { problemResponses } from '../../http/problem.js';
import { ApiError } from '../../errors.js';
import { sourceDocuments, sourceSchema, sourcesSchema } from '../../catalog/source.js';

const getSources = createRoute({
  method: 'get', path: '/sources', tags: ['Méta'],
  summary: 'Les sources enregistrées : description, définitions des champs et unités, provenance du chargement servi',
  responses: { 200: { description: 'Sources', content: { 'application/json': { schema: sourcesSchema } } } },
});

const getSource = createRoute({
  method: 'get', path: '/sources/{id}', tags: ['Méta'],
  summary: 'Une source : ce qui est identique pour toutes les communes, une fois par release',
  request: { params: z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: 'statistiques-insee' }) }) },
  responses: { 200: { description: 'Source', content: { 'application/json': { schema: sourceSchema } } }, ...problemResponses },
});

export function registerSourceRoutes(app: App, deps: AppDeps): void {
  app.openapi(getSources, (c) => c.json([...sourceDocuments(deps.registry, c.get('release')).values()], 200));

  app.openapi(getSource, (c) => {
    const { id } = c.req.valid('param');
    const doc = sourceDocuments(deps.registry, c.get('release')).get(id);
    if (!doc) throw new ApiError('introuvable', `Source inconnue « ${id} » (voir /sources)`);
    return c.json(doc, 200);
  });
}
