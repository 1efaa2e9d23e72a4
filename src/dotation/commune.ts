/** Public shape of a commune, with geo.api.gouv.fr's field names. */
import { z } from '@hono/zod-openapi';
import type { CommuneEntry, Referential } from '../domain/referential.js';

export const communeSchema = z.object({
  code: z.string().openapi({ example: '35238' }),
  nom: z.string().openapi({ example: 'Rennes' }),
  type: z.enum(['commune-actuelle', 'arrondissement-municipal']),
  codesPostaux: z.array(z.string()),
  siren: z.string().nullable(),
  codeEpci: z.string().nullable(),
  codeDepartement: z.string(),
  codeRegion: z.string(),
  population: z.number().int().nullable(),
  zone: z.string().nullable(),
  departement: z.object({ code: z.string(), nom: z.string() }).nullable(),
  region: z.object({ code: z.string(), nom: z.string() }).nullable(),
  epci: z.object({ code: z.string(), nom: z.string() }).nullable(),
  /** Paris, Lyon, Marseille. */
  arrondissements: z.array(z.object({ code: z.string(), nom: z.string() })).optional(),
  /** An arrondissement municipal's commune. */
  commune: z.object({ code: z.string(), nom: z.string() }).optional(),
  anciensCodes: z.array(z.object({ code: z.string(), nom: z.string(), dateEffet: z.string().nullable() })),
}).openapi('Commune');
export type CommuneJson = z.infer<typeof communeSchema>;

export function communeJson(referential: Referential, c: CommuneEntry, detailed = true): CommuneJson {
  const dep = referential.departements.get(c.departement);
  const reg = referential.regions.get(c.region);
  const parent = c.type === 'arrondissement-municipal' && c.parent ? referential.commune(c.parent) : undefined;
  const epciCode = c.epci ?? parent?.epci;
  const epci = epciCode ? referential.epci.get(epciCode) : undefined;
  const arrondissements = referential.arrondissementsOf(c.code);
  return {
    code: c.code,
    nom: c.nom,
    type: c.type as CommuneJson['type'],
    codesPostaux: c.codesPostaux,
    siren: c.siren ?? null,
    codeEpci: epciCode ?? null,
    codeDepartement: c.departement,
    codeRegion: c.region,
    population: c.population ?? null,
    zone: c.zone ?? null,
    departement: dep ? { code: dep.code, nom: dep.nom } : null,
    region: reg ? { code: reg.code, nom: reg.nom } : null,
    epci: epci ? { code: epci.code, nom: epci.nom } : null,
    ...(arrondissements.length ? { arrondissements: arrondissements.map((a) => ({ code: a, nom: referential.commune(a)!.nom })) } : {}),
    ...(parent ? { commune: { code: parent.code, nom: parent.nom } } : {}),
    anciensCodes: detailed
      ? referential.formerCodesOf(c.code).map((e) => ({ code: e.ancienCode, nom: e.ancienNom, dateEffet: e.date ?? null }))
      : [],
  };
}
