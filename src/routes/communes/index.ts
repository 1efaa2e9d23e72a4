/** `/commune/{code}` and `/communes?…`: the referential, answered from memory. */
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../app.js';
import { COMMUNE_CODE, DEPARTEMENT_CODE, SIREN } from '../../domain/codes.js';
import type { CommuneEntry } from '../../domain/referential.js';
import { searchByName } from '../../domain/search.js';
import { ApiError, problemResponses } from '../../http/problem.js';
import { communeJson, communeSchema } from './serialize.js';
import { resolveCommune } from './resolve.js';

const codeParam = z.object({
  code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '35238', description: 'Code INSEE (5 caractères, 2A/2B pour la Corse)' }),
});

const redirectResponses = {
  300: { description: 'Code partagé entre plusieurs communes actuelles : la liste' },
  301: { description: 'Commune déléguée, associée ou ancienne : redirection vers la commune actuelle' },
} as const;

export const getCommune = createRoute({
  method: 'get',
  path: '/commune/{code}',
  tags: ['Communes'],
  summary: 'Une commune (ou un arrondissement municipal) par son code INSEE',
  request: { params: codeParam },
  responses: {
    200: { description: 'La commune', content: { 'application/json': { schema: communeSchema } } },
    ...redirectResponses,
    ...problemResponses,
  },
});

const listQuery = z.object({
  codePostal: z.string().regex(/^\d{5}$/, 'un code postal a 5 chiffres').optional(),
  nom: z.string().min(1).max(100).optional(),
  codeDepartement: z.string().regex(DEPARTEMENT_CODE, 'code département inconnu (01…95, 2A, 2B, 971…)').optional(),
  codeEpci: z.string().regex(SIREN, 'un SIREN d\'EPCI a 9 chiffres').optional(),
  code: z.string().regex(COMMUNE_CODE, 'code commune mal formé').optional(),
  type: z.enum(['commune-actuelle', 'arrondissement-municipal']).optional().openapi({ description: 'Par défaut les communes ; les arrondissements municipaux sur demande' }),
  limit: z.coerce.number().int().min(1).max(50_000).optional(),
});

export const listCommunes = createRoute({
  method: 'get',
  path: '/communes',
  tags: ['Communes'],
  summary: 'Recherche de communes par code postal, nom, département, EPCI',
  description: 'Les filtres se combinent. `nom` tolère casse, accents, traits d\'union, apostrophes et st/ste ; les résultats sont classés par pertinence puis population.',
  request: { query: listQuery },
  responses: {
    200: { description: 'Communes', content: { 'application/json': { schema: z.array(communeSchema) } } },
    ...problemResponses,
  },
});

export function registerCommuneRoutes(app: App): void {
  app.openapi(getCommune, (c) => {
    const commune = resolveCommune(c, c.req.valid('param').code);
    return c.json(communeJson(c.get('release')!.referential, commune), 200);
  });

  app.openapi(listCommunes, (c) => {
    const q = c.req.valid('query');
    const referential = c.get('release')!.referential;
    const type = q.type ?? 'commune-actuelle';
    let found: CommuneEntry[] = [...referential.communesAndArrondissements()].filter((e) => e.type === type);
    if (q.code) found = found.filter((e) => e.code === q.code);
    if (q.codePostal) found = found.filter((e) => e.codesPostaux.includes(q.codePostal!));
    if (q.codeDepartement) found = found.filter((e) => e.departement === q.codeDepartement);
    if (q.codeEpci) {
      if (!referential.epci.has(q.codeEpci)) throw new ApiError('introuvable', `Aucun EPCI de SIREN ${q.codeEpci}`);
      found = found.filter((e) => (e.epci ?? referential.commune(e.parent ?? '')?.epci) === q.codeEpci);
    }
    if (q.nom) found = searchByName(referential, q.nom, new Set(found));
    const limit = q.limit ?? (q.nom ? 20 : undefined);
    return c.json(found.slice(0, limit).map((e) => communeJson(referential, e, false)), 200);
  });
}
