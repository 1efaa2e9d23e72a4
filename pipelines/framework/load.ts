/**
 * load: bulk COPY of a source's output into release-scoped tables under a new
 * load id. Nothing is visible to the API until a release points at the load.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../../src/db/client.js';
import { BULK_TABLES } from '../../src/db/schema.js';
import type { ReferentialData } from '../../src/domain/referential.js';
import type { Provenance, SourceStats } from '../../src/contract/release.js';
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import type { SerializedCommuneRecord } from './types.js';

/** Tables that hold rows of a load; a failed or replaced load is deleted from each. */
export const LOAD_TABLES = ['cog_communes', 'cog_history', 'cog_epci', 'cog_departements', 'cog_regions', 'commune_datasets', 'territory_datasets'];

export async function createLoad(store: Store, sourceId: string, millesime: string): Promise<number> {
  const [row] = await store.query<{ id: number }>(
    `INSERT INTO loads (source_id, millesime, status, provenance, stats) VALUES ($1, $2, 'loading', '{}'::jsonb, '{}'::jsonb) RETURNING id`,
    [sourceId, millesime]);
  return row.id;
}

export async function completeLoad(
  store: Store, loadId: number,
  details: { millesime: string; provenance: Provenance; stats: SourceStats; fields?: FieldSchema[]; metadata?: Record<string, unknown> },
): Promise<void> {
  await store.query(
    `UPDATE loads SET status = 'ready', millesime = $2, provenance = $3::jsonb, stats = $4::jsonb, fields = $5::jsonb, metadata = $6::jsonb WHERE id = $1`,
    [loadId, details.millesime, JSON.stringify(details.provenance), JSON.stringify(details.stats),
      details.fields ? JSON.stringify(details.fields) : null, details.metadata ? JSON.stringify(details.metadata) : null]);
}

export async function discardLoad(store: Store, loadId: number): Promise<void> {
  for (const table of [...LOAD_TABLES, ...BULK_TABLES]) await store.query(`DELETE FROM ${table} WHERE load_id = $1`, [loadId]);
  await store.query(`UPDATE loads SET status = 'failed' WHERE id = $1`, [loadId]);
}

export async function loadReferential(store: Store, loadId: number, data: ReferentialData): Promise<void> {
  const pgArray = (values: string[]) => `{${values.map((v) => `"${v.replaceAll('"', '\\"')}"`).join(',')}}`;
  await store.copy('cog_communes', ['load_id', 'code', 'type', 'nom', 'departement', 'region', 'epci', 'siren', 'codes_postaux', 'population', 'zone', 'parent'],
    data.communes.map((c) => [loadId, c.code, c.type, c.nom, c.departement, c.region, c.epci ?? null, c.siren ?? null, pgArray(c.codesPostaux), c.population ?? null, c.zone ?? null, c.parent ?? null]));
  await store.copy('cog_history', ['load_id', 'ancien_code', 'ancien_nom', 'nouveau_code', 'nouveau_nom', 'date', 'mod'],
    data.history.map((h) => [loadId, h.ancienCode, h.ancienNom, h.nouveauCode, h.nouveauNom, h.date ?? null, h.mod ?? null]));
  await store.copy('cog_epci', ['load_id', 'code', 'nom', 'type', 'population', 'membres'],
    data.epci.map((e) => [loadId, e.code, e.nom, e.type, e.population ?? null, pgArray(e.membres)]));
  await store.copy('cog_departements', ['load_id', 'code', 'nom', 'region', 'chef_lieu', 'zone'],
    data.departements.map((d) => [loadId, d.code, d.nom, d.region, d.chefLieu ?? null, d.zone ?? null]));
  await store.copy('cog_regions', ['load_id', 'code', 'nom', 'chef_lieu', 'zone'],
    data.regions.map((r) => [loadId, r.code, r.nom, r.chefLieu ?? null, r.zone ?? null]));
}

/**
 * Content hash of one commune × dataset, over the serialized parts as loaded: the
 * change feed compares it between releases, so a portal re-downloads only what changed.
 */
export function contentHash(data: string, rows: string | null, features: string | null): string {
  const hash = createHash('sha256').update(data).update('\u0000');
  if (rows !== null) hash.update(rows);
  hash.update('\u0000');
  if (features !== null) hash.update(features);
  return hash.digest('hex');
}

/** The JSON texts of a record as they go to COPY: a serialised record's as they are. */
export function serializeRecord(record: CommuneRecord | SerializedCommuneRecord): { data: string; rows: string | null; features: string | null } {
  if ('json' in record) return { data: record.json.data, rows: record.json.rows ?? null, features: record.json.features ?? null };
  return {
    data: JSON.stringify(record.data),
    rows: record.rows ? JSON.stringify(record.rows) : null,
    features: record.features ? JSON.stringify(record.features) : null,
  };
}

/** A record as JS objects (a serialised one parsed), for sources that read another's records. */
export function parseRecord(record: CommuneRecord | SerializedCommuneRecord): CommuneRecord {
  if (!('json' in record)) return record;
  const { data, rows, features } = record.json;
  return { code: record.code, data: JSON.parse(data) as CommuneRecord['data'], rows: rows ? JSON.parse(rows) as CommuneRecord['rows'] : undefined, features: features ? JSON.parse(features) as CommuneRecord['features'] : undefined };
}

/** Streams commune records into `commune_datasets`; yields back what it wrote for `ctx.dataset` of later sources. */
export async function loadCommuneRecords(
  store: Store, loadId: number, records: AsyncIterable<CommuneRecord | SerializedCommuneRecord> | Iterable<CommuneRecord | SerializedCommuneRecord>,
  accept: (record: { code: string }) => void, keep?: CommuneRecord[],
): Promise<number> {
  async function* rows(): AsyncIterable<Scalar[]> {
    for await (const record of records) {
      accept(record);
      const { data, rows: tabular, features } = serializeRecord(record);
      keep?.push(parseRecord(record));
      yield [loadId, record.code, data, tabular, features, contentHash(data, tabular, features)];
    }
  }
  return store.copy('commune_datasets', ['load_id', 'code', 'data', 'rows', 'features', 'hash'], rows());
}

export async function readCommuneRecords(store: Store, loadId: number): Promise<CommuneRecord[]> {
  const rows = await store.query<{ code: string; data: Record<string, unknown>; rows: CommuneRecord['rows'] | null; features: GeoJSON.Feature[] | null }>(
    'SELECT code, data, rows, features FROM commune_datasets WHERE load_id = $1 ORDER BY code', [loadId]);
  return rows.map((r) => ({ code: r.code, data: r.data, rows: r.rows ?? undefined, features: r.features ?? undefined }));
}
