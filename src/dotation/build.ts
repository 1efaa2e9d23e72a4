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

export interface CommuneDatasetSummary { data: Record<string, unknown>; hasFeatures: boolean }

export async function communeDatasetRows(db: Queryable, loadIds: number[], code: string): Promise<Map<number, CommuneDatasetSummary>> {
  return (await communesDatasetRows(db, loadIds, [code])).get(code) ?? new Map();
}

/** The rows of many communes in one round trip: code → load id → row (a commune without any row is absent). */
export async function communesDatasetRows(db: Queryable, loadIds: number[], codes: string[]): Promise<Map<string, Map<number, CommuneDatasetSummary>>> {
  const byCode = new Map<string, Map<number, CommuneDatasetSummary>>();
  if (!loadIds.length || !codes.length) return byCode;
  const rows = await db.query<{ code: string; load_id: number; data: Record<string, unknown>; has_features: boolean }>(
    codes.length === 1
      ? 'SELECT code, load_id, data, features IS NOT NULL AS has_features FROM commune_datasets WHERE load_id = ANY($1::int[]) AND code = $2'
      : 'SELECT code, load_id, data, features IS NOT NULL AS has_features FROM commune_datasets WHERE load_id = ANY($1::int[]) AND code = ANY($2::text[])',
    [loadIds, codes.length === 1 ? codes[0] : codes]);
  for (const r of rows) {
    let own = byCode.get(r.code);
    if (!own) byCode.set(r.code, own = new Map());
    own.set(r.load_id, { data: r.data, hasFeatures: r.has_features });
  }
  return byCode;
}

/** Why a registered dataset is absent from the release, from what the registry says of its offline sample. */
export function notIngestedReason(def: SourceDefinition): string {
  const fetch = `\`dotation ingest ${def.id}\` le télécharge depuis l'URL du producteur (${def.urls[0]})`;
  return def.echantillonIllustratif
    ? `Aucun extrait réel disponible hors ligne (l'échantillon embarqué n'est qu'illustratif, il reste hors de la version hors ligne) : ${fetch}.`
    : `Non ingéré dans cette version : ${fetch}.`;
}

/** The loads a dotation reads rows of (the COG is the referential itself). */
export function dotationLoads(registry: SourceDefinition[], release: ServingRelease, options: DotationOptions = {}): number[] {
  return askedDatasets(registry, options).filter((s) => s.id !== 'cog' && release.loads[s.id]).map((s) => release.loads[s.id]);
}

function askedDatasets(registry: SourceDefinition[], options: DotationOptions): SourceDefinition[] {
  return options.datasets ? registry.filter((s) => options.datasets!.has(s.id)) : registry;
}

export async function buildDotation(
  db: Queryable, registry: SourceDefinition[], release: ServingRelease, commune: CommuneEntry, options: DotationOptions = {},
): Promise<Dotation> {
  const rows = await communeDatasetRows(db, dotationLoads(registry, release, options), commune.code);
  return assembleDotation(registry, release, commune, rows, options);
}

/** The dotation from the commune's rows, already read (one commune, or many in one query: see communesDatasetRows). */
export function assembleDotation(
  registry: SourceDefinition[], release: ServingRelease, commune: CommuneEntry, rows: Map<number, CommuneDatasetSummary>, options: DotationOptions = {},
): Dotation {
  const asked = askedDatasets(registry, options);
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
