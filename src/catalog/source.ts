/**
 * What is the same for every commune, once per release: a source's
 * description, its field definitions and units, the metadata its pipeline
 * wrote (definitions of variables, notes) and its provenance (URLs, files,
 * sha256, retrieval dates, load). Served at `/sources` and `/sources/{id}`,
 * linked from each dataset of a dotation and inlined by `?detail=complet`.
 */
import { z } from '@hono/zod-openapi';
import { FINALITES, type SourceDefinition } from '../contract/registry.js';
import { provenanceFileSchema } from '../contract/release.js';
import type { FieldSchema } from '../contract/dataset.js';
import { servedFields } from '../contract/rows.js';
import type { ServingRelease } from '../releases/serving-release.js';

export const sourceSchema = z.object({
  id: z.string(), titre: z.string(), description: z.string(), producteur: z.string(),
  licence: z.object({ id: z.string(), nom: z.string(), url: z.string() }),
  finalite: z.enum(FINALITES), pageProducteur: z.string(), urls: z.array(z.string()), format: z.string(), millesimeDeclare: z.string(),
  release: z.string().nullable().openapi({ description: 'Release dont ce document décrit le chargement' }),
  chargement: z.object({
    id: z.number(), millesime: z.string(), chargeLe: z.string(),
    lignes: z.object({ lues: z.number(), projetees: z.number(), rejetees: z.record(z.string(), z.number()) }),
    fichiers: z.array(provenanceFileSchema),
  }).nullable(),
  champs: z.array(z.object({ name: z.string(), type: z.string() }).passthrough()).nullable()
    .openapi({ description: 'Table Schema des lignes du jeu : nom, type, description, unité, agrégation' }),
  metadonnees: z.record(z.string(), z.unknown()).nullable()
    .openapi({ description: 'Ce que la source déclare pour toutes les communes : définitions et unités des variables, statuts, bilan' }),
}).openapi('Source');
export type SourceDocument = z.infer<typeof sourceSchema>;

export const sourcesSchema = z.array(sourceSchema);

export const sourcePath = (id: string): string => `/sources/${id}`;

function sourceDocument(def: SourceDefinition, release: ServingRelease | undefined): SourceDocument {
  const loadId = release?.loads[def.id];
  const load = loadId ? release!.loadInfo.get(loadId) : undefined;
  return {
    id: def.id, titre: def.titre, description: def.description, producteur: def.producteur, licence: def.licence, finalite: def.finalite,
    pageProducteur: def.pageProducteur, urls: def.urls, format: def.format, millesimeDeclare: def.millesime,
    release: release?.id ?? null,
    chargement: load ? {
      id: load.id, millesime: load.millesime, chargeLe: load.createdAt,
      lignes: { lues: load.stats.read, projetees: load.stats.projected, rejetees: load.stats.rejected },
      fichiers: load.provenance.files,
    } : null,
    champs: Array.isArray(load?.fields) ? (servedFields(load.fields as FieldSchema[]) as SourceDocument['champs']) : null,
    metadonnees: load?.metadata && typeof load.metadata === 'object' ? (load.metadata as Record<string, unknown>) : null,
  };
}

/** Built once per (registry, release): a load never changes, and the documents are read on every `?detail=complet`. */
const built = new WeakMap<SourceDefinition[], Map<string, Map<string, SourceDocument>>>();

export function sourceDocuments(registry: SourceDefinition[], release: ServingRelease | undefined): Map<string, SourceDocument> {
  const key = release?.id ?? '';
  let perRelease = built.get(registry);
  if (!perRelease) built.set(registry, perRelease = new Map());
  let docs = perRelease.get(key);
  if (!docs) {
    docs = new Map(registry.map((def) => [def.id, sourceDocument(def, release)]));
    perRelease.set(key, docs);
    // The serving release and the one before it (a request may still hold the previous one).
    while (perRelease.size > 2) perRelease.delete(perRelease.keys().next().value!);
  }
  return docs;
}
