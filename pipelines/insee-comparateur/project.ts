/**
 * Pure projection of comparateur rows onto today's communes.
 *
 * One source row per commune or arrondissement of the edition's COG. Rows of
 * communes merged since then are added up onto today's commune for counts;
 * medians and rates cannot be added, so they become null with a status that
 * says why. Ratios (density, activity, unemployment, yearly change) are
 * computed after summing, from the summed counts.
 */
import type { FieldSchema, Scalar } from '../../src/contract/dataset.js';
import type { DictionaryEntry } from './stage.js';
import type { BoundIndicator, HeaderBinding, Theme } from './variables.js';

export type Statut = 'secret' | 'non-additionnable';

export interface Cell { valeur: number | null; statut?: Statut }

export interface SourceRow { code: string; line: number; values: (number | null)[] }

export interface Indicateur {
  valeur: number | null;
  millesime: string | null;
  unite: string;
  /** Short label of the INSEE dictionary (`LIB_VAR`); the long definition is in the source metadata. */
  libelle: string;
  /** INSEE variable (`P22_POP`), or the formula for indicators computed here. */
  variable: string;
  theme: Theme;
  statut?: Statut;
}

/** Adds up the rows of one current commune, indicator by indicator (same order as `indicators`). */
export function mergeRows(rows: SourceRow[], indicators: BoundIndicator[]): Cell[] {
  if (rows.length === 1) return rows[0].values.map((v) => (v === null ? { valeur: null, statut: 'secret' } : { valeur: v }));
  return indicators.map((ind, i) => {
    if (!ind.additif) return { valeur: null, statut: 'non-additionnable' };
    let sum = 0;
    for (const r of rows) {
      const v = r.values[i];
      // A partial sum would look like a real figure: one secret part makes the whole secret.
      if (v === null) return { valeur: null, statut: 'secret' };
      sum += v;
    }
    return { valeur: round(sum, 6) };
  });
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

interface Derived {
  id: string;
  inputs: string[];
  unite: string;
  theme: Theme;
  libelle: string;
  compute: (v: number[], years: (string | null)[]) => number | null;
  formula: (vars: string[]) => string;
  definition: (vars: string[], years: (string | null)[]) => string;
  millesime: (years: (string | null)[]) => string | null;
}

const spanYears = (years: (string | null)[]): number => Number(years[0]) - Number(years[1]);
const yearlyChange = (v: number[], years: (string | null)[]): number | null => {
  const span = spanYears(years);
  if (!(span > 0) || v[1] <= 0) return null;
  return round((Math.pow(v[0] / v[1], 1 / span) - 1) * 100, 2);
};

const DERIVED: Derived[] = [
  {
    id: 'densite', inputs: ['population', 'superficie'], unite: 'habitants/km²', theme: 'population',
    libelle: 'Densité de population',
    formula: ([p, s]) => `${p} / ${s}`,
    compute: ([p, s]) => (s > 0 ? round(p / s, 1) : null),
    definition: ([p, s]) => `Population (${p}) divisée par la superficie en km² (${s}) ; calculée par Dotation.`,
    millesime: ([y]) => y,
  },
  {
    id: 'evolutionPopulation', inputs: ['population', 'populationAnterieure'], unite: '% par an', theme: 'population',
    libelle: 'Évolution annuelle moyenne de la population',
    formula: ([a, b]) => `TVAM(${b}, ${a})`,
    compute: yearlyChange,
    definition: ([a, b], [ya, yb]) => `Taux de variation annuel moyen de la population entre ${yb} et ${ya} : ((${a} / ${b})^(1/${Number(ya) - Number(yb)}) − 1) × 100 ; calculé par Dotation.`,
    millesime: ([ya, yb]) => `${yb}-${ya}`,
  },
  {
    id: 'evolutionEmplois', inputs: ['emplois', 'emploisAnterieurs'], unite: '% par an', theme: 'emploi',
    libelle: 'Évolution annuelle moyenne de l’emploi au lieu de travail',
    formula: ([a, b]) => `TVAM(${b}, ${a})`,
    compute: yearlyChange,
    definition: ([a, b], [ya, yb]) => `Taux de variation annuel moyen des emplois au lieu de travail entre ${yb} et ${ya} : ((${a} / ${b})^(1/${Number(ya) - Number(yb)}) − 1) × 100 ; calculé par Dotation.`,
    millesime: ([ya, yb]) => `${yb}-${ya}`,
  },
  {
    id: 'tauxActivite', inputs: ['actifs1564', 'population1564'], unite: '%', theme: 'emploi',
    libelle: 'Taux d’activité des 15-64 ans',
    formula: ([a, p]) => `100 × ${a} / ${p}`,
    compute: ([a, p]) => (p > 0 ? round((a / p) * 100, 2) : null),
    definition: ([a, p]) => `Actifs de 15 à 64 ans (${a}) rapportés à la population de 15 à 64 ans (${p}), en % ; calculé par Dotation.`,
    millesime: ([y]) => y,
  },
  {
    id: 'tauxChomage', inputs: ['chomeurs1564', 'actifs1564'], unite: '%', theme: 'emploi',
    libelle: 'Taux de chômage des 15-64 ans (au sens du recensement)',
    formula: ([c, a]) => `100 × ${c} / ${a}`,
    compute: ([c, a]) => (a > 0 ? round((c / a) * 100, 2) : null),
    definition: ([c, a]) => `Chômeurs de 15 à 64 ans (${c}) rapportés aux actifs de 15 à 64 ans (${a}), en % ; calculé par Dotation.`,
    millesime: ([y]) => y,
  },
];

/** Definitions of every published indicator for one edition: what the pack's metadata lists. */
export interface IndicatorDefinition {
  id: string; variable: string; libelle: string; definition: string; millesime: string | null; unite: string; theme: Theme; additif: boolean;
}

export function definitions(binding: HeaderBinding, dictionary: Map<string, DictionaryEntry>): IndicatorDefinition[] {
  const out: IndicatorDefinition[] = [];
  for (const ind of [...binding.indicators, ...binding.uncatalogued]) {
    const d = dictionary.get(ind.variable);
    out.push({
      id: ind.id, variable: ind.variable, libelle: d?.libelle ?? ind.variable, definition: d?.definition ?? d?.libelle ?? ind.variable,
      millesime: ind.millesime, unite: ind.unite, theme: ind.theme, additif: ind.additif,
    });
  }
  const byId = new Map(binding.indicators.map((i) => [i.id, i]));
  for (const dv of DERIVED) {
    const inputs = dv.inputs.map((id) => byId.get(id));
    if (inputs.some((i) => !i)) continue;
    const years = inputs.map((i) => i!.millesime);
    out.push({
      id: dv.id, variable: dv.formula(inputs.map((i) => i!.variable)), libelle: dv.libelle,
      definition: dv.definition(inputs.map((i) => i!.variable), years), millesime: dv.millesime(years), unite: dv.unite,
      theme: dv.theme, additif: false,
    });
  }
  return out;
}

/** The summary document of one commune: every indicator, source ones then computed ones. */
export function indicateurs(
  cells: Cell[], binding: HeaderBinding, defs: Map<string, IndicatorDefinition>,
): Record<string, Indicateur> {
  const out: Record<string, Indicateur> = {};
  const all = [...binding.indicators, ...binding.uncatalogued];
  const byId = new Map<string, Cell>();
  all.forEach((ind, i) => {
    const cell = cells[i];
    byId.set(ind.id, cell);
    const d = defs.get(ind.id)!;
    out[ind.id] = {
      valeur: cell.valeur, millesime: ind.millesime, unite: ind.unite, libelle: d.libelle,
      variable: ind.variable, theme: ind.theme, ...(cell.statut ? { statut: cell.statut } : {}),
    };
  });
  for (const dv of DERIVED) {
    const d = defs.get(dv.id);
    if (!d) continue;
    const inputs = dv.inputs.map((id) => byId.get(id)!);
    const years = dv.inputs.map((id) => binding.indicators.find((i) => i.id === id)!.millesime);
    let cell: Cell;
    const missing = inputs.find((c) => c.valeur === null);
    if (missing) cell = { valeur: null, statut: missing.statut ?? 'secret' };
    else cell = { valeur: dv.compute(inputs.map((c) => c.valeur!), years) };
    out[dv.id] = {
      valeur: cell.valeur, millesime: d.millesime, unite: d.unite, libelle: d.libelle,
      variable: d.variable, theme: d.theme, ...(cell.statut ? { statut: cell.statut } : {}),
    };
  }
  return out;
}

export const FIELDS: FieldSchema[] = [
  { name: 'code', type: 'string', description: 'Code INSEE de la commune ou de l’arrondissement municipal (COG en vigueur)' },
  { name: 'indicateur', type: 'string', description: 'Identifiant stable de l’indicateur (population, logementsVacants…)', aggregation: 'key' },
  { name: 'theme', type: 'string', description: 'Thème : population, naissances-deces, logement, revenus, emploi, etablissements' },
  { name: 'variable', type: 'string', description: 'Variable INSEE d’origine (P22_POP…) ou formule pour un indicateur calculé' },
  { name: 'libelle', type: 'string', description: 'Libellé court, du dictionnaire des variables de l’INSEE' },
  { name: 'valeur', type: 'number', description: 'Valeur ; vide quand le statut l’explique' },
  { name: 'unite', type: 'string', description: 'Unité de la valeur' },
  { name: 'millesime', type: 'string', description: 'Année (ou période) de la valeur, lue dans le nom de la variable' },
  { name: 'statut', type: 'string', description: 'secret : non diffusé par l’INSEE (case vide ou « s ») ; non-additionnable : commune fusionnée depuis, valeur non sommable' },
  { name: 'agregation', type: 'string', description: 'Passage à l’EPCI, au département, à la région : sum (effectifs), mean-weighted-population (taux, parts), none (médianes, densités, évolutions)', aggregation: 'method' },
];

/** Counts add up over communes; rates are averaged by population; medians, densities and growth rates do not roll up. */
const COUNT_UNITS = new Set(['habitants', 'km²', 'naissances', 'décès', 'ménages', 'logements', 'emplois', 'personnes', 'établissements']);
export function aggregationOf(unite: string): 'sum' | 'mean-weighted-population' | 'none' {
  return COUNT_UNITS.has(unite) ? 'sum' : unite === '%' ? 'mean-weighted-population' : 'none';
}

export function toRows(code: string, values: Record<string, Indicateur>): Record<string, Scalar>[] {
  return Object.entries(values).map(([id, v]) => ({
    code, indicateur: id, theme: v.theme, variable: v.variable, libelle: v.libelle, valeur: v.valeur,
    unite: v.unite, millesime: v.millesime, statut: v.statut ?? null, agregation: aggregationOf(v.unite),
  }));
}
