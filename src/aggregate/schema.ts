/**
 * The dotation of a territory above the commune, declared once, on the
 * commune's contract (per dataset what is the territory's; the rest at `/sources/{id}`):
 * `territoryDotation` returns this type and the `/epci|departement|region/{code}/dotation`
 * routes publish this schema.
 */
import { z } from '@hono/zod-openapi';
import { sourceSchema } from '../catalog/source.js';

export const territoryDotationSchema = z.object({
  territoire: z.object({
    type: z.enum(['epci', 'departement', 'region']), code: z.string(), nom: z.string(), population: z.number().int(),
    communes: z.array(z.object({ code: z.string(), nom: z.string(), population: z.number().int().nullable() })),
  }),
  release: z.object({ id: z.string(), publieeLe: z.string() }),
  methodes: z.record(z.string(), z.string()),
  datasets: z.array(z.object({
    id: z.string(), titre: z.string(), producteur: z.string(),
    licence: z.object({ id: z.string(), nom: z.string(), url: z.string() }),
    finalite: z.string(), millesime: z.string().nullable(),
    statut: z.enum(['available', 'not-ingested', 'no-data-for-territory']),
    liens: z.object({ source: z.string().openapi({ description: 'Description, définitions des champs et unités, provenance : `/sources/{id}`' }) }),
    communes: z.object({ membres: z.number().int(), avecDonnees: z.number().int() }),
    indicateurs: z.array(z.object({
      cle: z.record(z.string(), z.string()), champ: z.string(), libelle: z.string().nullable(), unite: z.string().nullable(),
      valeur: z.number().nullable(),
      methode: z.enum(['sum', 'mean-weighted-population', 'ratio', 'none']).openapi({ description: 'Méthode d\'agrégation déclarée par le jeu : somme, moyenne pondérée par la population, rapport de deux sommes (montant par habitant), ou non agrégeable' }),
      methodeLibelle: z.string(), communes: z.number().int(), communesSansValeur: z.number().int(),
    })),
    territoire: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Ce que la source publie pour le territoire lui-même et non pour ses communes (le président d\'un EPCI : nom, prénom, sexe, date de début de fonction), quand elle le publie' }),
    source: sourceSchema.optional().openapi({ description: 'Avec `?detail=complet` seulement : le document `/sources/{id}` inclus' }),
  })),
}).openapi('DotationTerritoire');
export type TerritoryDotation = z.infer<typeof territoryDotationSchema>;
