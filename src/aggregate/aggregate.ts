/**
 * Rolling a dataset up from member communes to a territory, field by field, by
 * the method its pipeline declares (`FieldSchema.aggregation`): a sum, a mean
 * weighted by the communes' population légale, or nothing ("non agrégeable").
 * Pure: rows in, indicators out; every value comes with its method and with how
 * many communes it covers, so that a partial sum never passes for a total.
 */
import type { FieldSchema, Scalar } from '../contract/dataset.js';

export type Method = 'sum' | 'mean-weighted-population' | 'ratio' | 'none';
export const METHODS: Method[] = ['sum', 'mean-weighted-population', 'ratio', 'none'];

export const METHOD_LABELS: Record<Method, string> = {
  sum: 'somme des communes membres',
  'mean-weighted-population': 'moyenne des communes membres pondérée par leur population légale',
  ratio: 'rapport des sommes des communes membres (Σ numérateur / Σ dénominateur, déclarés par le jeu)',
  none: 'non agrégeable',
};

export interface Indicator {
  /** Values of the key fields (`aggregation: 'key'`) that identify the row group; empty for a wide table. */
  cle: Record<string, string>;
  champ: string;
  libelle: string | null;
  unite: string | null;
  valeur: number | null;
  methode: Method;
  methodeLibelle: string;
  /** Member communes whose value entered the aggregate. */
  communes: number;
  /** Member communes with data in this group but no usable value (secret, missing, no population for a weighted mean). */
  communesSansValeur: number;
}

interface Acc {
  cle: Record<string, string>;
  libelle: Set<string>;
  unite: Set<string>;
  method: Method;
  sum: number;
  weight: number;
  communes: Set<string>;
  without: Set<string>;
}

const isNumeric = (f: FieldSchema) => f.type === 'number' || f.type === 'integer';
const asMethod = (v: unknown): Method | undefined => (METHODS.includes(v as Method) ? (v as Method) : undefined);

function toNumber(v: Scalar | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** Rounds away float noise from sums of decimals (0.1 + 0.2) without touching real precision. */
function tidy(v: number): number {
  return Number.parseFloat(v.toPrecision(12));
}

export class DatasetAggregator {
  private readonly keys: FieldSchema[];
  private readonly methodField?: FieldSchema;
  private readonly numeric: FieldSchema[];
  private readonly groups = new Map<string, Acc>();
  private readonly communesWithData = new Set<string>();

  constructor(readonly fields: FieldSchema[]) {
    this.keys = fields.filter((f) => f.aggregation === 'key');
    this.methodField = fields.find((f) => f.aggregation === 'method');
    this.numeric = fields.filter((f) => isNumeric(f) && f.name !== 'code');
  }

  /** True when at least one numeric field can be aggregated (else rows need not be read). */
  get aggregable(): boolean {
    return this.numeric.some((f) => f.aggregation && f.aggregation !== 'none') || Boolean(this.methodField);
  }

  get communes(): number {
    return this.communesWithData.size;
  }

  add(code: string, population: number | undefined, rows: Record<string, Scalar>[]): void {
    this.communesWithData.add(code);
    for (const row of rows) {
      const cle = Object.fromEntries(this.keys.map((k) => [k.name, row[k.name] === null || row[k.name] === undefined ? '' : String(row[k.name])]));
      const rowMethod = this.methodField ? asMethod(row[this.methodField.name]) : undefined;
      for (const field of this.numeric) {
        const id = `${JSON.stringify(cle)}\u0000${field.name}`;
        let acc = this.groups.get(id);
        if (!acc) {
          const declared = asMethod(field.aggregation) ?? 'none';
          acc = { cle, libelle: new Set(), unite: new Set(), method: rowMethod ?? declared, sum: 0, weight: 0, communes: new Set(), without: new Set() };
          this.groups.set(id, acc);
        }
        // In a long table, a row's `libelle` and `unite` describe its value.
        if (this.keys.length && typeof row.libelle === 'string') acc.libelle.add(row.libelle);
        if (this.keys.length && typeof row.unite === 'string') acc.unite.add(row.unite);
        if (rowMethod && rowMethod !== acc.method) acc.method = 'none'; // communes disagree on how to add up: refuse
        if (acc.method === 'none') continue;
        if (acc.method === 'ratio') {
          // Both terms from the same row, so that a commune without one of them counts in neither sum.
          const numerator = field.ratioOf ? toNumber(row[field.ratioOf.numerator]) : null;
          const denominator = field.ratioOf ? toNumber(row[field.ratioOf.denominator]) : null;
          if (numerator === null || denominator === null || !field.ratioOf) { acc.without.add(code); continue; }
          acc.sum += numerator;
          acc.weight += denominator;
          acc.communes.add(code);
          continue;
        }
        const value = toNumber(row[field.name]);
        if (value === null || (acc.method === 'mean-weighted-population' && !(population && population > 0))) {
          acc.without.add(code);
          continue;
        }
        if (acc.method === 'sum') acc.sum += value;
        else {
          acc.sum += value * population!;
          acc.weight += population!;
        }
        acc.communes.add(code);
      }
    }
  }

  indicators(): Indicator[] {
    const out: Indicator[] = [];
    for (const [id, acc] of [...this.groups].sort(([a], [b]) => a.localeCompare(b))) {
      const champ = id.slice(id.indexOf('\u0000') + 1);
      const field = this.numeric.find((f) => f.name === champ)!;
      const communes = acc.method === 'none' ? 0 : acc.communes.size;
      const valeur = acc.method === 'none' || !communes || (acc.method === 'ratio' && !acc.weight) ? null
        : acc.method === 'sum' ? tidy(acc.sum) : tidy(acc.sum / acc.weight);
      out.push({
        cle: acc.cle,
        champ,
        libelle: acc.libelle.size === 1 ? [...acc.libelle][0] : field.description ?? null,
        unite: field.unit ?? (acc.unite.size === 1 ? [...acc.unite][0] : null),
        valeur,
        methode: acc.method,
        methodeLibelle: METHOD_LABELS[acc.method],
        communes,
        communesSansValeur: acc.method === 'none' ? 0 : [...acc.without].filter((c) => !acc.communes.has(c)).length,
      });
    }
    return out;
  }
}
