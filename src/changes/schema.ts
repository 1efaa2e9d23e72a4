/**
 * The change feed of a commune, declared once: `communeChanges` returns this
 * type and `/commune/{code}/changes` publishes this schema.
 */
import { z } from '@hono/zod-openapi';

export const CHANGES = ['ajoute', 'modifie', 'supprime'] as const;

export const changeSchema = z.object({
  dataset: z.string(), titre: z.string(),
  changement: z.enum(CHANGES),
  millesime: z.object({ avant: z.string().nullable(), apres: z.string().nullable() }),
  empreinte: z.object({ avant: z.string().nullable(), apres: z.string().nullable() }).openapi({ description: 'Empreinte du contenu de la commune dans le jeu (sha256 calculé au chargement)' }),
  liens: z.object({ json: z.string(), csv: z.string(), geojson: z.string().optional() }).nullable(),
});

export const changesSchema = z.object({
  commune: z.object({ code: z.string(), nom: z.string() }),
  depuis: z.object({ id: z.string(), creeeLe: z.string() }),
  jusqua: z.object({ id: z.string(), creeeLe: z.string() }),
  changements: z.array(changeSchema),
  inchanges: z.array(z.string()),
  telechargement: z.string().nullable(),
}).openapi('ChangementsCommune');
export type DatasetChange = z.infer<typeof changeSchema>;
export type Change = DatasetChange['changement'];
export type CommuneChanges = z.infer<typeof changesSchema>;
