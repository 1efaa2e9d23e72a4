/**
 * What a dataset is, for both sides: ingestion writes commune records with
 * these fields, serving reads them back into JSON, CSV, GeoJSON and packs.
 */

/** One cell of a tabular output. */
export type Scalar = string | number | boolean | null;

/** How a field rolls up from member communes to an EPCI, département or région (and merged communes onto today's). */
export type Aggregation = 'sum' | 'mean-weighted-population' | 'none' | 'key' | 'method' | 'ratio';

/** Table Schema field (Frictionless), used for CSV output and the pack's datapackage.json. */
export interface FieldSchema {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'geojson';
  description?: string;
  unit?: string;
  /**
   * On a numeric field: 'sum' (counts, areas), 'mean-weighted-population' (rates,
   * shares, averages; weights = population légale), 'none' (medians…); absent =
   * not aggregable. On a string field of a long table: 'key' groups rows across
   * communes (e.g. `indicateur`, `codeQpv`), and 'method' holds, per row, the method
   * of that row's numeric fields (one of the three above), overriding theirs.
   */
  aggregation?: Aggregation;
  /**
   * With `aggregation: 'ratio'` (a value per inhabitant, per unit…): the territory's value is
   * Σ numerator / Σ denominator over its communes, the two named fields of the same row, never a sum
   * or a mean of the communes' ratios.
   */
  ratioOf?: { numerator: string; denominator: string };
  /**
   * On a code field: the labels of its values (Table Schema `categories`), given once per load
   * instead of a label column repeated in every commune's rows.
   */
  categories?: { value: string; label: string }[];
}

/** What one source publishes for one current commune. */
export interface CommuneRecord {
  /** Current commune code (or arrondissement municipal code), already re-keyed. */
  code: string;
  /** Summary document served as `/commune/{code}/datasets/{id}` JSON (`donnees`). */
  data: Record<string, unknown>;
  /** Tabular form for `.csv` (columns from the source's fields). */
  rows?: Record<string, Scalar>[];
  /** Features for `.geojson` (WGS84). */
  features?: GeoJSON.Feature[];
}
