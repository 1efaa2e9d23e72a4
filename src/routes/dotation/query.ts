/**
 * `?detail=complet` and `?datasets=a,b` of the dotations (commune, EPCI,
 * département, région): declared once for the OpenAPI document, checked here
 * so that a wrong value gets a French problem naming it.
 */
import { z } from '@hono/zod-openapi';
import { ApiError } from '../../errors.js';
import type { SourceDefinition } from '../../contract/registry.js';
import type { DotationOptions } from '../../dotation/build.js';

export const dotationQuery = z.object({
  detail: z.string().optional().openapi({
    param: { name: 'detail', in: 'query' }, example: 'complet',
    description: '`complet` inclut dans chaque jeu le document `/sources/{id}` (description, définitions des champs, unités, provenance) : un document autonome, plus lourd',
  }),
  datasets: z.string().optional().openapi({
    param: { name: 'datasets', in: 'query' }, example: 'ban,qpv',
    description: 'Ne garder que ces jeux (identifiants de `/sources`, séparés par des virgules) ; un identifiant inconnu répond 400',
  }),
});

export function dotationOptions(query: { detail?: string; datasets?: string }, registry: SourceDefinition[]): DotationOptions {
  const options: DotationOptions = {};
  if (query.detail !== undefined) {
    if (query.detail !== 'complet') throw new ApiError('requete-invalide', `detail : « ${query.detail} » inconnu, seule la valeur « complet » est admise`);
    options.complet = true;
  }
  if (query.datasets !== undefined) {
    const ids = query.datasets.split(',').map((s) => s.trim());
    const known = new Set(registry.map((s) => s.id));
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length || !ids.length) {
      throw new ApiError('requete-invalide', `datasets : jeu${unknown.length > 1 ? 'x' : ''} inconnu${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `« ${id} »`).join(', ')} (voir /sources)`, { inconnus: unknown });
    }
    options.datasets = new Set(ids);
  }
  return options;
}

/** The cache key's suffix of a form: one entry per distinct document, whatever the order of `datasets`. */
export function dotationVariant(options: DotationOptions): string {
  return `${options.complet ? '-complet' : ''}${options.datasets ? `:${[...options.datasets].sort().join(',')}` : ''}`;
}
