/**
 * The documents the dotation service builds, declared once as zod schemas:
 * the service's types are inferred from them and the routes publish them in
 * the OpenAPI document, so the two cannot drift apart.
 */
import { z } from '@hono/zod-openapi';
import { FINALITES } from '../contract/registry.js';
import { sourceSchema } from '../catalog/source.js';
import { communeSchema } from './commune.js';

export const DATASET_STATUSES = ['available', 'not-ingested', 'no-data-for-commune'] as const;

export const datasetEntrySchema = z.object({
  id: z.string(), titre: z.string(), producteur: z.string(),
  licence: z.object({ id: z.string(), nom: z.string(), url: z.string() }),
  finalite: z.enum(FINALITES),
  millesime: z.string().nullable(),
  statut: z.enum(DATASET_STATUSES),
  raison: z.string().optional().openapi({ description: 'Pourquoi le jeu n\'est pas ingéré (statut not-ingested) et comment l\'obtenir' }),
  liens: z.object({
    json: z.string().optional(), csv: z.string().optional(), geojson: z.string().optional(),
    source: z.string().openapi({ description: 'Description, définitions des champs et unités, provenance : `/sources/{id}`, une fois par release' }),
  }),
  donnees: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Les chiffres propres à la commune' }),
  source: sourceSchema.optional().openapi({ description: 'Avec `?detail=complet` seulement : le document `/sources/{id}` inclus' }),
}).openapi('DatasetDotation');
export type DatasetEntry = z.infer<typeof datasetEntrySchema>;
export type DatasetStatus = DatasetEntry['statut'];

/** `/commune/{code}/dotation`. */
export const dotationSchema = z.object({
  commune: communeSchema,
  release: z.object({ id: z.string(), publieeLe: z.string() }),
  datasets: z.array(datasetEntrySchema),
}).openapi('Dotation');
export type Dotation = z.infer<typeof dotationSchema>;

/** `/commune/{code}/datasets/{id}` in JSON. */
export const datasetDocumentSchema = z.object({
  commune: z.object({ code: z.string(), nom: z.string() }), dataset: z.string(), millesime: z.string(),
  donnees: z.record(z.string(), z.unknown()),
  champs: z.array(z.object({ name: z.string(), type: z.string() }).passthrough()).nullable().openapi({ description: 'Table Schema des lignes CSV' }),
  metadonnees: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'Définitions des variables, bilan de la source' }),
});
export type DatasetDocument = z.infer<typeof datasetDocumentSchema>;

/** `/commune/{code}/datasets/{id}.geojson`. */
export const datasetGeoJsonSchema = z.object({ type: z.literal('FeatureCollection'), features: z.array(z.unknown()) });
