/**
 * Which datasets each commune has in the release, and the first bounding box
 * found among them: what the DCAT catalogues need of the store, read in one
 * query for a whole page of communes.
 */
import type { Queryable } from '../db/client.js';
import type { LoadedDataset } from '../pack/content.js';
import type { CommuneAvailability } from './dcat.js';

export async function availability(db: Queryable, loaded: LoadedDataset[], codes: string[]): Promise<Map<string, CommuneAvailability>> {
  const out = new Map<string, CommuneAvailability>(codes.map((code) => [code, { datasets: new Map() }]));
  if (!loaded.length || !codes.length) return out;
  const sourceOf = new Map(loaded.map((d) => [d.loadId, d.def.id]));
  const rows = await db.query<{ load_id: number; code: string; has_features: boolean; bbox: [number, number, number, number] | null }>(
    `SELECT load_id, code, features IS NOT NULL AS has_features,
            CASE WHEN jsonb_typeof(data->'bbox') = 'array' AND jsonb_array_length(data->'bbox') = 4 THEN data->'bbox' END AS bbox
       FROM commune_datasets WHERE load_id = ANY($1::int[]) AND code = ANY($2::text[])`,
    [loaded.map((d) => d.loadId), codes]);
  for (const r of rows) {
    const entry = out.get(r.code)!;
    entry.datasets.set(sourceOf.get(r.load_id)!, { hasFeatures: r.has_features });
    if (r.bbox && !entry.bbox && r.bbox.every((v) => typeof v === 'number')) entry.bbox = r.bbox;
  }
  return out;
}
