/**
 * A long table may be stored compactly: each row an array of its values in the order of the load's declared fields,
 * the names written once in the load's Table Schema instead of in every row of every commune (budget-ofgl: 400 rows
 * per commune). Everything that reads stored rows takes either form through these two functions.
 */
import type { FieldSchema, Scalar } from './dataset.js';

/** Rows as stored: objects keyed by field name, or arrays in declared field order. */
export type StoredRows = Record<string, Scalar>[] | Scalar[][];

const positional = (rows: StoredRows): rows is Scalar[][] => rows.length > 0 && Array.isArray(rows[0]);

/** The rows as objects keyed by field name (positional rows named after `fields`). */
export function rowObjects(fields: readonly FieldSchema[] | undefined, rows: StoredRows): Record<string, Scalar>[] {
  if (!positional(rows)) return rows as Record<string, Scalar>[];
  if (!fields?.length) throw new Error('lignes positionnelles sans champs déclarés');
  return rows.map((r) => Object.fromEntries(fields.map((f, i) => [f.name, r[i] ?? null])));
}

/** Suffix of the label column served next to a code field that declares `categories` (`typequ` → `typequ_libelle`). */
const LABEL_SUFFIX = '_libelle';

/**
 * The columns a served table has: the declared fields, each code field with `categories` followed by its label
 * column. Stored rows keep codes only (labels once per load); a CSV opened without its Table Schema still reads.
 */
export function servedFields(fields: readonly FieldSchema[]): FieldSchema[] {
  return fields.flatMap((f) => (f.categories
    ? [f, { name: f.name + LABEL_SUFFIX, type: 'string' as const, description: `Libellé de \`${f.name}\` dans la nomenclature du producteur` }]
    : [f]));
}

/**
 * The values of `names` in each row, in that order (a value that is an object becomes its JSON text); a label
 * column of `servedFields` is filled from its code field's `categories`.
 */
export function rowValues(fields: readonly FieldSchema[] | undefined, names: readonly string[], rows: StoredRows): Scalar[][] {
  const cell = (v: unknown): Scalar => (v !== null && typeof v === 'object' ? JSON.stringify(v) : (v as Scalar) ?? null);
  const labelled = (fields ?? []).filter((f) => f.categories && names.includes(f.name + LABEL_SUFFIX));
  if (labelled.length) {
    const labels = new Map(labelled.map((f) => [f.name + LABEL_SUFFIX, { code: f.name, label: new Map(f.categories!.map((c) => [c.value, c.label])) }]));
    const objects = rowObjects(fields, rows);
    return objects.map((r) => names.map((n) => {
      const l = labels.get(n);
      return l ? l.label.get(String(r[l.code])) ?? null : cell(r[n]);
    }));
  }
  if (!positional(rows)) return (rows as Record<string, Scalar>[]).map((r) => names.map((n) => cell(r[n])));
  const at = names.map((n) => fields?.findIndex((f) => f.name === n) ?? -1);
  return rows.map((r) => at.map((i) => (i < 0 ? null : cell(r[i]))));
}
