/**
 * The dotation of one commune: its identity and every registered dataset with
 * producer, licence, finalité, millésime, provenance and status.
 */
import type { Queryable } from '../db/client.js';
import type { CommuneEntry } from '../domain/referential.js';
import type { ServingRelease } from '../releases/serving-release.js';
import type { SourceDefinition } from '../contract/registry.js';
import { communeJson } from './commune.js';
import type { DatasetEntry, DatasetStatus, Dotation } from './schema.js';

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

export async function buildDotation(db: Queryable, registry: SourceDefinition[], release: ServingRelease, commune: CommuneEntry): Promise<Dotation> {
  const datasetLoads = registry.filter((s) => s.id !== 'cog' && release.loads[s.id]).map((s) => release.loads[s.id]);
  const rows = await communeDatasetRows(db, datasetLoads, commune.code);
  const base = `/commune/${commune.code}/datasets`;
  const datasets: DatasetEntry[] = registry.map((def) => {
    const loadId = release.loads[def.id];
    const load = loadId ? release.loadInfo.get(loadId) : undefined;
    const row = loadId ? rows.get(loadId) : undefined;
    const statut: DatasetStatus = !load ? 'not-ingested' : def.id === 'cog' || row ? 'available' : 'no-data-for-commune';
    return {
      id: def.id,
      titre: def.titre,
      description: def.description,
      producteur: def.producteur,
      licence: def.licence,
      finalite: def.finalite,
      millesime: load?.millesime ?? null,
      statut,
      ...(statut === 'not-ingested' ? { raison: notIngestedReason(def) } : {}),
      provenance: {
        pageProducteur: def.pageProducteur,
        urls: def.urls,
        fichiers: load?.provenance.files ?? [],
        chargeLe: load?.createdAt ?? null,
        chargement: loadId ?? null,
      },
      liens: statut === 'available' && def.id !== 'cog'
        ? { json: `${base}/${def.id}`, csv: `${base}/${def.id}.csv`, ...(row?.hasFeatures ? { geojson: `${base}/${def.id}.geojson` } : {}) }
        : null,
      ...(row ? { donnees: row.data } : {}),
    };
  });
  return {
    commune: communeJson(release.referential, commune),
    release: { id: release.id, publieeLe: release.publishedAt ?? release.createdAt },
    datasets,
  };
}
