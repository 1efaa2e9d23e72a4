/**
 * Every dataset as a table: its Table Schema fields and its rows in field
 * order. A dataset with `rows` uses the pipeline's declared fields; one with a
 * summary document only becomes a key/value table (as `/datasets/{id}.csv`);
 * one whose rows live in a bulk table (BAN addresses) streams them from it.
 */
import { csvLine } from '../db/csv.js';
import type { Queryable } from '../db/client.js';
import type { CommuneEntry, Referential } from '../domain/referential.js';
import type { FieldSchema, Scalar } from '../contract/dataset.js';
import { declaredFields, type CommuneDataset } from './content.js';
import { rowObjects, rowValues, servedFields } from '../contract/rows.js';

export interface Table {
  /** Frictionless resource name (lowercase, `-`), also the file stem in the pack. */
  name: string;
  title: string;
  fields: FieldSchema[];
  /**
   * The dataset's CSV separator, the same here and in `/datasets/{id}.csv`: the
   * producer's own for a file served as the producer writes it (BAN: `;`), else `,`.
   */
  delimiter?: ';';
  /** Rows in field order, streamed in batches. */
  rows(): AsyncIterable<Scalar[][]>;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

export const KEY_VALUE_FIELDS: FieldSchema[] = [
  { name: 'cle', type: 'string', description: 'Nom de la valeur dans le document de synthèse du jeu' },
  { name: 'valeur', type: 'string', description: 'Valeur (texte, nombre, ou JSON pour une valeur composée) ; vide quand elle est absente' },
];

/** Field types inferred from values when a pipeline declared none. */
export function inferFields(rows: Record<string, Scalar>[]): FieldSchema[] {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return names.map((name) => {
    const values = rows.map((r) => r[name]).filter((v) => v !== null && v !== undefined);
    const type: FieldSchema['type'] = !values.length ? 'string'
      : values.every((v) => typeof v === 'number' && Number.isInteger(v)) ? 'integer'
        : values.every((v) => typeof v === 'number') ? 'number'
          : values.every((v) => typeof v === 'boolean') ? 'boolean' : 'string';
    return { name, type };
  });
}

export function keyValueRows(data: Record<string, unknown>): Scalar[][] {
  return Object.entries(data).map(([cle, valeur]) => [cle, valeur !== null && typeof valeur === 'object' ? JSON.stringify(valeur) : (valeur as Scalar) ?? null]);
}

function once(rows: Scalar[][]): () => AsyncIterable<Scalar[][]> {
  return async function* () { if (rows.length) yield rows; };
}

/**
 * Bulk tables a pipeline fills through `ctx.bulk.copy` and names in its load
 * metadata (`metadata.table`), with the column holding the source's commune code.
 * The commune's rows are those whose code is one of `data.codesSource` (former
 * codes, arrondissements), read in pages so that a large commune never sits in memory.
 */
const BULK_TABLES: Record<string, { codeColumn: string; orderBy: string; delimiter?: ';' }> = {
  ban_adresses: { codeColumn: 'code_insee', orderBy: 'id, numero, rep, nom_voie', delimiter: ';' },
};
const BULK_PAGE = 5000;

function bulkTable(db: Queryable, ds: CommuneDataset, code: string): Table | undefined {
  const table = (ds.load.metadata as { table?: unknown } | null)?.table;
  const fields = declaredFields(ds.load);
  if (typeof table !== 'string' || !BULK_TABLES[table] || !fields) return undefined;
  if (![table, ...fields.map((f) => f.name)].every((n) => IDENT.test(n))) return undefined;
  const { codeColumn, orderBy, delimiter } = BULK_TABLES[table];
  const codes = Array.isArray(ds.data.codesSource) && ds.data.codesSource.length ? (ds.data.codesSource as string[]).map(String) : [code];
  const columns = fields.map((f) => f.name).join(', ');
  return {
    name: ds.def.id,
    title: ds.def.titre,
    fields,
    delimiter,
    async *rows() {
      for (const source of [...new Set(codes)].sort()) {
        for (let offset = 0; ; offset += BULK_PAGE) {
          const page = await db.query<Record<string, Scalar>>(
            `SELECT ${columns} FROM ${table} WHERE load_id = $1 AND ${codeColumn} = $2 ORDER BY ${orderBy}, ctid LIMIT ${BULK_PAGE} OFFSET ${offset}`,
            [ds.loadId, source]);
          if (page.length) yield rowValues(fields, fields.map((f) => f.name), page);
          if (page.length < BULK_PAGE) break;
        }
      }
    },
  };
}

/** The tables of one dataset of a commune: its rows (or bulk rows) and, for bulk ones, the summary. */
export function tablesOf(db: Queryable, ds: CommuneDataset, code: string): Table[] {
  const bulk = bulkTable(db, ds, code);
  if (bulk) {
    return [bulk, { name: `${ds.def.id}-synthese`, title: `${ds.def.titre} — synthèse`, fields: KEY_VALUE_FIELDS, rows: once(keyValueRows(ds.data)) }];
  }
  if (ds.rows) {
    const declared = declaredFields(ds.load);
    const fields = declared ? servedFields(declared) : inferFields(rowObjects(declared, ds.rows));
    return [{ name: ds.def.id, title: ds.def.titre, fields, rows: once(rowValues(declared, fields.map((f) => f.name), ds.rows)) }];
  }
  return [{ name: ds.def.id, title: ds.def.titre, fields: KEY_VALUE_FIELDS, rows: once(keyValueRows(ds.data)) }];
}

/** The commune's identity from the referential (COG), as a one-row table. */
export const COMMUNE_FIELDS: FieldSchema[] = [
  { name: 'code', type: 'string', description: 'Code officiel géographique (INSEE) de la commune' },
  { name: 'nom', type: 'string' },
  { name: 'type', type: 'string', description: 'commune-actuelle ou arrondissement-municipal' },
  { name: 'codesPostaux', type: 'string', description: 'Codes postaux, séparés par « ; »' },
  { name: 'siren', type: 'string', description: 'SIREN de la commune' },
  { name: 'codeEpci', type: 'string', description: 'SIREN de l\'EPCI à fiscalité propre' },
  { name: 'nomEpci', type: 'string' },
  { name: 'codeDepartement', type: 'string' },
  { name: 'nomDepartement', type: 'string' },
  { name: 'codeRegion', type: 'string' },
  { name: 'nomRegion', type: 'string' },
  { name: 'population', type: 'integer', description: 'Population municipale légale', unit: 'habitants' },
];

export function communeRow(referential: Referential, c: CommuneEntry): Scalar[] {
  const parent = c.parent ? referential.commune(c.parent) : undefined;
  const epciCode = c.epci ?? parent?.epci;
  return [
    c.code, c.nom, c.type, c.codesPostaux.join(';'), c.siren ?? null, epciCode ?? null, epciCode ? referential.epci.get(epciCode)?.nom ?? null : null,
    c.departement, referential.departements.get(c.departement)?.nom ?? null, c.region, referential.regions.get(c.region)?.nom ?? null, c.population ?? null,
  ];
}

export function communeTable(referential: Referential, communes: CommuneEntry[], name = 'commune', title = 'La commune (Code officiel géographique)'): Table {
  return { name, title, fields: COMMUNE_FIELDS, rows: once(communes.map((c) => communeRow(referential, c))) };
}

/** CSV text of a table, in chunks of about 64 kB. */
export async function* csvChunks(table: Table): AsyncIterable<string> {
  const separator = table.delimiter ?? ',';
  let chunk = csvLine(table.fields.map((f) => f.name), separator);
  for await (const batch of table.rows()) {
    for (const row of batch) {
      chunk += csvLine(row, separator);
      if (chunk.length >= 65_536) {
        yield chunk;
        chunk = '';
      }
    }
  }
  if (chunk) yield chunk;
}

/** A GeoJSON FeatureCollection streamed feature by feature. */
export async function* geojsonChunks(batches: AsyncIterable<GeoJSON.Feature[]> | Iterable<GeoJSON.Feature[]>): AsyncIterable<string> {
  let chunk = '{"type":"FeatureCollection","features":[';
  let first = true;
  for await (const features of batches) {
    for (const f of features) {
      chunk += (first ? '\n' : ',\n') + JSON.stringify(f);
      first = false;
      if (chunk.length >= 65_536) {
        yield chunk;
        chunk = '';
      }
    }
  }
  yield `${chunk}\n]}\n`;
}
