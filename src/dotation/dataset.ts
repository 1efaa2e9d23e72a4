/**
 * One dataset of one commune, as `/commune/{code}/datasets/{id}` serves it:
 * the stored row, and its JSON and CSV renderings (the GeoJSON is the stored
 * features as they are; addresses are streamed by ./addresses.ts).
 */
import type { Queryable } from '../db/client.js';
import { csvLine } from '../db/csv.js';
import type { CommuneEntry } from '../domain/referential.js';
import type { FieldSchema, Scalar } from '../contract/dataset.js';
import type { LoadInfo } from '../contract/release.js';
import { rowValues, servedFields, type StoredRows } from '../contract/rows.js';
import type { DatasetDocument } from './schema.js';

export interface CommuneDatasetRow {
  data: Record<string, unknown>;
  rows: StoredRows | null;
  features: unknown[] | null;
}

export async function readCommuneDataset(db: Queryable, loadId: number, code: string): Promise<CommuneDatasetRow | undefined> {
  const [row] = await db.query<CommuneDatasetRow>(
    'SELECT data, rows, features FROM commune_datasets WHERE load_id = $1 AND code = $2', [loadId, code]);
  return row;
}

function toCsv(fields: FieldSchema[] | undefined, rows: StoredRows): string {
  const names = fields?.length ? servedFields(fields).map((f) => f.name) : [...new Set((rows as Record<string, Scalar>[]).flatMap((r) => Object.keys(r)))];
  return csvLine(names) + rowValues(fields, names, rows).map((r) => csvLine(r)).join('');
}

/** The rows under the load's declared fields, or, for a dataset without rows, its summary as key/value pairs. */
export function datasetCsv(row: CommuneDatasetRow, load: LoadInfo): string {
  const rows = row.rows ?? Object.entries(row.data).map(([cle, valeur]) => ({ cle, valeur: typeof valeur === 'object' ? JSON.stringify(valeur) : (valeur as Scalar) }));
  return toCsv(row.rows ? (load.fields as FieldSchema[] | undefined) : undefined, rows);
}

export function datasetJson(commune: CommuneEntry, id: string, load: LoadInfo, row: CommuneDatasetRow): DatasetDocument {
  return {
    commune: { code: commune.code, nom: commune.nom }, dataset: id, millesime: load.millesime, donnees: row.data,
    champs: Array.isArray(load.fields) ? (servedFields(load.fields as FieldSchema[]) as DatasetDocument['champs']) : null, metadonnees: (load.metadata as Record<string, unknown> | null) ?? null,
  };
}
