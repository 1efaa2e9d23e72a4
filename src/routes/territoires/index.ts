/** `/epci/{siren}`, `/departement/{code}`, `/region/{code}` with their communes. */
import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../../http/context.js';
import { DEPARTEMENT_CODE, REGION_CODE, SIREN } from '../../domain/codes.js';
import type { CommuneEntry, Referential } from '../../domain/referential.js';
import { problemResponses } from '../../http/problem.js';
import { ApiError } from '../../errors.js';

/** One population everywhere (here, in /commune and in the territory's dotation): the sum over today's communes. */
const POPULATION = 'Population municipale : somme des populations des communes membres actuelles (celles de /commune/{code}, même millésime), la valeur que la dotation agrège';
const communeRef = z.object({ code: z.string(), nom: z.string(), population: z.number().int().nullable(), codesPostaux: z.array(z.string()) });
export const epciSchema = z.object({
  code: z.string().openapi({ example: '243500139' }), nom: z.string(), type: z.string(),
  population: z.number().int().openapi({ description: POPULATION }),
  communes: z.array(communeRef),
}).openapi('Epci');
export const departementSchema = z.object({
  code: z.string().openapi({ example: '35' }), nom: z.string(), codeRegion: z.string(), chefLieu: z.string().nullable(), zone: z.string().nullable(),
  region: z.object({ code: z.string(), nom: z.string() }).nullable(), population: z.number().int().openapi({ description: POPULATION }), communes: z.array(communeRef),
}).openapi('Departement');
export const regionSchema = z.object({
  code: z.string().openapi({ example: '53' }), nom: z.string(), chefLieu: z.string().nullable(), zone: z.string().nullable(), population: z.number().int().openapi({ description: POPULATION }),
  departements: z.array(z.object({ code: z.string(), nom: z.string() })), communes: z.array(communeRef),
}).openapi('Region');

const ref = (c: CommuneEntry) => ({ code: c.code, nom: c.nom, population: c.population ?? null, codesPostaux: c.codesPostaux });
const sum = (list: CommuneEntry[]) => list.reduce((a, c) => a + (c.population ?? 0), 0);
function communesWhere(referential: Referential, test: (c: CommuneEntry) => boolean): CommuneEntry[] {
  return [...referential.communes()].filter(test).sort((a, b) => a.code.localeCompare(b.code));
}

const getEpci = createRoute({
  method: 'get', path: '/epci/{siren}', tags: ['Territoires'], summary: 'Un EPCI à fiscalité propre et ses communes membres',
  request: { params: z.object({ siren: z.string().openapi({ param: { name: 'siren', in: 'path' }, example: '243500139' }) }) },
  responses: { 200: { description: 'EPCI', content: { 'application/json': { schema: epciSchema } } }, ...problemResponses },
});
const getDepartement = createRoute({
  method: 'get', path: '/departement/{code}', tags: ['Territoires'], summary: 'Un département et ses communes',
  request: { params: z.object({ code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '35' }) }) },
  responses: { 200: { description: 'Département', content: { 'application/json': { schema: departementSchema } } }, ...problemResponses },
});
const getRegion = createRoute({
  method: 'get', path: '/region/{code}', tags: ['Territoires'], summary: 'Une région, ses départements et ses communes',
  request: { params: z.object({ code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '53' }) }) },
  responses: { 200: { description: 'Région', content: { 'application/json': { schema: regionSchema } } }, ...problemResponses },
});

export function registerTerritoireRoutes(app: App): void {
  app.openapi(getEpci, (c) => {
    const { siren } = c.req.valid('param');
    if (!SIREN.test(siren)) throw new ApiError('code-invalide', `« ${siren} » : un SIREN d'EPCI a 9 chiffres`);
    const referential = c.get('release')!.referential;
    const epci = referential.epci.get(siren);
    if (!epci) throw new ApiError('introuvable', `Aucun EPCI à fiscalité propre de SIREN ${siren} dans le COG ${referential.millesime}`);
    const membres = epci.membres.map((m) => referential.commune(m)).filter((m): m is CommuneEntry => Boolean(m)).sort((a, b) => a.code.localeCompare(b.code));
    return c.json({ code: epci.code, nom: epci.nom, type: epci.type, population: sum(membres), communes: membres.map(ref) }, 200);
  });

  app.openapi(getDepartement, (c) => {
    const { code } = c.req.valid('param');
    if (!DEPARTEMENT_CODE.test(code)) throw new ApiError('code-invalide', `« ${code} » n'est pas un code de département (01…95, 2A, 2B, 971…976)`);
    const referential = c.get('release')!.referential;
    const dep = referential.departements.get(code);
    if (!dep) throw new ApiError('introuvable', `Aucun département ${code}`);
    const communes = communesWhere(referential, (x) => x.departement === code);
    const reg = referential.regions.get(dep.region);
    return c.json({
      code: dep.code, nom: dep.nom, codeRegion: dep.region, chefLieu: dep.chefLieu ?? null, zone: dep.zone ?? null,
      region: reg ? { code: reg.code, nom: reg.nom } : null, population: sum(communes), communes: communes.map(ref),
    }, 200);
  });

  app.openapi(getRegion, (c) => {
    const { code } = c.req.valid('param');
    if (!REGION_CODE.test(code)) throw new ApiError('code-invalide', `« ${code} » n'est pas un code de région (2 chiffres)`);
    const referential = c.get('release')!.referential;
    const reg = referential.regions.get(code);
    if (!reg) throw new ApiError('introuvable', `Aucune région ${code}`);
    const communes = communesWhere(referential, (x) => x.region === code);
    const departements = [...referential.departements.values()].filter((d) => d.region === code).map((d) => ({ code: d.code, nom: d.nom }));
    return c.json({
      code: reg.code, nom: reg.nom, chefLieu: reg.chefLieu ?? null, zone: reg.zone ?? null, population: sum(communes),
      departements, communes: communes.map(ref),
    }, 200);
  });
}
