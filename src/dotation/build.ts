/**
 * The dotation of one commune: its identity and, per registered dataset, what
 * is the commune's — title, producer, licence, finalité, millésime, status,
 * links and its own figures. What is the same for every commune (description,
 * field definitions, provenance) is linked at `/sources/{id}`, and inlined
 * only when asked (`detail: 'complet'`).
 */
import type { Queryable } from '../db/client.js';
import type { CommuneEntry } from '../domain/referential.js';
import type { ServingRelease } from '../releases/serving-release.js';
import type { SourceDefinition } from '../contract/registry.js';
import { sourceDocuments, sourcePath } from '../catalog/source.js';
import { communeJson } from './commune.js';
import type { DatasetEntry, DatasetStatus, Dotation } from './schema.js';

export interface DotationOptions {
  /** Inline each dataset's `/sources/{id}` document. */
  complet?: boolean;
  /** Only these datasets (ids of the registry), in the registry's order. */
  datasets?: ReadonlySet<string>;
}

export async function communeDatasetRows(db: Queryable, loadIds: number[], code: string): Promise<Map<number, { data: Record<string, unknown>; hasFeatures: boolean }>> {
  if (!loadIds.length) return new Map();
  const rows = await db.query<{ load_id: number; data: Record<string, unknown>; has_features: boolean }>(
    'SELECT load_id, data, features IS NOT NULL AS has_features FROM commune_datasets WHERE load_id = ANY($1::int[]) AND code = $2',
    [loadIds, code]);
  return new Map(rows.map((r) => [r.load_id, { data: r.data, hasFeatures: r.has_features }]));
}

/** Why a registered dataset is absent from the release, from what the registry says of its offline sample. */
export function notIngestedReason(def: SourceDefinition): string {
  const fetch = `\`dotation ingest ${def.id}\` le télécharge depuis l'URL du producteur (${def.urls[0]})`;
  return def.echantillonIllustratif
    ? `Aucun extrait réel disponible hors ligne (l'échantillon embarqué n'est qu'illustratif, il reste hors de la version hors ligne) : ${fetch}.`
    : `Non ingéré dans cette version : ${fetch}.`;
}

export async function buildDotation(
  db: Queryable, registry: SourceDefinition[], release: ServingRelease, commune: CommuneEntry, options: DotationOptions = {},
): Promise<Dotation> {
  const asked = options.datasets ? registry.filter((s) => options.datasets!.has(s.id)) : registry;
  const datasetLoads = asked.filter((s) => s.id !== 'cog' && release.loads[s.id]).map((s) => release.loads[s.id]);
  const rows = await communeDatasetRows(db, datasetLoads, commune.code);
  const sources = options.complet ? sourceDocuments(registry, release) : undefined;
  const base = `/commune/${commune.code}/datasets`;
  const datasets: DatasetEntry[] = asked.map((def) => {
    const loadId = release.loads[def.id];
    const load = loadId ? release.loadInfo.get(loadId) : undefined;
    const row = loadId ? rows.get(loadId) : undefined;
    const statut: DatasetStatus = !load ? 'not-ingested' : def.id === 'cog' || row ? 'available' : 'no-data-for-commune';
    const own = statut === 'available' && def.id !== 'cog'
      ? { json: `${base}/${def.id}`, csv: `${base}/${def.id}.csv`, ...(row?.hasFeatures ? { geojson: `${base}/${def.id}.geojson` } : {}) }
      : {};
    return {
      id: def.id,
      titre: def.titre,
      producteur: def.producteur,
      licence: def.licence,
      finalite: def.finalite,
      millesime: load?.millesime ?? null,
      statut,
      ...(statut === 'not-ingested' ? { raison: notIngestedReason(def) } : {}),
      liens: { ...own, source: sourcePath(def.id) },
      ...(row ? { donnees: row.data } : {}),
      ...(sources ? { source: sources.get(def.id)! } : {}),
    };
  });
  return {
    commune: communeJson(release.referential, commune),
    release: { id: release.id, publieeLe: release.publishedAt ?? release.createdAt },
    datasets,
  };
}
