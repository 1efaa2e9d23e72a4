/**
 * What a release holds for one commune, dataset by dataset, in registry order:
 * the shared input of the ZIP pack, the DCAT catalogue and the aggregates.
 */
import type { Queryable } from '../db/client.js';
import type { ServingRelease } from '../releases/serving-release.js';
import type { LoadInfo } from '../contract/release.js';
import type { SourceDefinition } from '../contract/registry.js';
import type { FieldSchema } from '../contract/dataset.js';
import type { StoredRows } from '../contract/rows.js';

/** A registered source loaded in the release (the referential `cog` excepted: it is the commune itself). */
export interface LoadedDataset {
  def: SourceDefinition;
  loadId: number;
  load: LoadInfo;
}

export interface CommuneDataset extends LoadedDataset {
  data: Record<string, unknown>;
  rows: StoredRows | null;
  features: GeoJSON.Feature[] | null;
  hash: string | null;
}

export function loadedDatasets(registry: SourceDefinition[], release: ServingRelease): LoadedDataset[] {
  const out: LoadedDataset[] = [];
  for (const def of registry) {
    if (def.id === 'cog') continue;
    const loadId = release.loads[def.id];
    const load = loadId ? release.loadInfo.get(loadId) : undefined;
    if (loadId && load) out.push({ def, loadId, load });
  }
  return out;
}

/** Declared Table Schema fields of a load, when the pipeline gave them. */
export function declaredFields(load: LoadInfo): FieldSchema[] | undefined {
  return Array.isArray(load.fields) && load.fields.length ? (load.fields as FieldSchema[]) : undefined;
}

/** Every dataset the commune has in the release, keyed by source id, in registry order. */
export async function communeDatasets(db: Queryable, registry: SourceDefinition[], release: ServingRelease, code: string): Promise<CommuneDataset[]> {
  const loaded = loadedDatasets(registry, release);
  if (!loaded.length) return [];
  const rows = await db.query<{ load_id: number; data: Record<string, unknown>; rows: StoredRows | null; features: GeoJSON.Feature[] | null; hash: string | null }>(
    'SELECT load_id, data, rows, features, hash FROM commune_datasets WHERE load_id = ANY($1::int[]) AND code = $2',
    [loaded.map((d) => d.loadId), code]);
  const byLoad = new Map(rows.map((r) => [r.load_id, r]));
  return loaded.flatMap((d) => {
    const row = byLoad.get(d.loadId);
    return row ? [{ ...d, data: row.data, rows: row.rows, features: row.features, hash: row.hash }] : [];
  });
}
