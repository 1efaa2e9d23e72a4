/**
 * Pure projection of the INSEE comparateur: which column holds which indicator,
 * the dictionary, and staged rows → CommuneRecords.
 *
 * INSEE renames the columns with each edition (`P18_POP` → `P22_POP`, `MED19` →
 * `MED21` → `MED_SL23`), so columns are matched by name pattern and the
 * millésime is read from the suffix, never from the position.
 *
 * One source row per commune or arrondissement of the edition's COG. Rows of
 * communes merged since then are merged onto today's commune by the framework
 * (counts add up; medians and rates become null with a status that says why).
 * Ratios (density, activity, unemployment, yearly change) are computed after
 * summing, from the summed counts.
 */
import type { FieldSchema } from '../../src/contract/dataset.js';
import type { SerializedCommuneRecord } from '../framework/types.js';
import { mergedFrom, round, type MergeField, type MergeStatus, type MergedCell, type PlacedMerge, type SetAside } from '../framework/merge.js';

/** Reasons a row is set aside, as they appear in the run summary. */
export const REJECT = {
  split: 'commune scindée depuis l’édition : non projetable',
  unknown: 'code absent du COG en vigueur (ni commune, ni ancien code connu)',
} as const;

export type Theme = 'population' | 'naissances-deces' | 'logement' | 'revenus' | 'emploi' | 'etablissements' | 'autre';

export interface IndicatorSpec {
  id: string;
  pattern: RegExp;
  /** Millésime from the match: a year, a period "2013-2018", or null (area). */
  millesime: (m: RegExpMatchArray) => string | null;
  unite: string;
  theme: Theme;
  /** Whether the values of two merged communes can be added: counts yes, medians and rates no (from the unit's aggregation). */
  additif: boolean;
  /** When the pattern matches several columns (P18_POP and P13_POP): the most recent or the oldest. */
  pick: 'latest' | 'earliest';
}

/** Counts add up over communes; rates are averaged by population; medians, densities and growth rates do not roll up. */
const COUNT_UNITS = new Set(['habitants', 'km²', 'naissances', 'décès', 'ménages', 'logements', 'emplois', 'personnes', 'établissements']);
export function aggregationOf(unite: string): 'sum' | 'mean-weighted-population' | 'none' {
  return COUNT_UNITS.has(unite) ? 'sum' : unite === '%' ? 'mean-weighted-population' : 'none';
}

const year = (yy: string): string => String(2000 + Number(yy));
const single = (m: RegExpMatchArray): string => year(m[1]);
const period = (m: RegExpMatchArray): string => `${year(m[1])}-${year(m[2])}`;

function spec(
  id: string, pattern: RegExp, unite: string, theme: Theme,
  options: { pick?: 'latest' | 'earliest'; millesime?: (m: RegExpMatchArray) => string | null } = {},
): IndicatorSpec {
  return { id, pattern, unite, theme, additif: aggregationOf(unite) === 'sum', pick: options.pick ?? 'latest', millesime: options.millesime ?? single };
}

/** Indicators of the "Base du comparateur de territoires", in the order they are published. */
export const INDICATORS: IndicatorSpec[] = [
  spec('population', /^P(\d{2})_POP$/, 'habitants', 'population'),
  spec('populationAnterieure', /^P(\d{2})_POP$/, 'habitants', 'population', { pick: 'earliest' }),
  spec('superficie', /^SUPERF$/, 'km²', 'population', { millesime: () => null }),
  spec('naissancesPeriode', /^NAIS(\d{2})(\d{2})$/, 'naissances', 'naissances-deces', { millesime: period }),
  spec('decesPeriode', /^DECE(\d{2})(\d{2})$/, 'décès', 'naissances-deces', { millesime: period }),
  spec('naissances', /^NAISD(\d{2})$/, 'naissances', 'naissances-deces'),
  spec('deces', /^DECESD(\d{2})$/, 'décès', 'naissances-deces'),
  spec('menages', /^P(\d{2})_MEN$/, 'ménages', 'logement'),
  spec('logements', /^P(\d{2})_LOG$/, 'logements', 'logement'),
  spec('residencesPrincipales', /^P(\d{2})_RP$/, 'logements', 'logement'),
  spec('residencesSecondaires', /^P(\d{2})_RSECOCC$/, 'logements', 'logement'),
  spec('logementsVacants', /^P(\d{2})_LOGVAC$/, 'logements', 'logement'),
  spec('residencesPrincipalesProprietaires', /^P(\d{2})_RP_PROP$/, 'logements', 'logement'),
  spec('menagesFiscaux', /^NBMENFISC(\d{2})$/, 'ménages', 'revenus'),
  spec('partMenagesImposes', /^PIMP(\d{2})$/, '%', 'revenus'),
  spec('medianeNiveauVie', /^MED(?:_SL)?(\d{2})$/, '€', 'revenus'),
  spec('tauxPauvrete', /^TP60(\d{2})$/, '%', 'revenus'),
  spec('emplois', /^P(\d{2})_EMPLT$/, 'emplois', 'emploi'),
  spec('emploisAnterieurs', /^P(\d{2})_EMPLT$/, 'emplois', 'emploi', { pick: 'earliest' }),
  spec('emploisSalaries', /^P(\d{2})_EMPLT_SAL$/, 'emplois', 'emploi'),
  spec('population1564', /^P(\d{2})_POP1564$/, 'personnes', 'emploi'),
  spec('actifs1564', /^P(\d{2})_ACT1564$/, 'personnes', 'emploi'),
  spec('chomeurs1564', /^P(\d{2})_CHOM1564$/, 'personnes', 'emploi'),
  spec('etablissements', /^ETTOT(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsAgriculture', /^ETAZ(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsIndustrie', /^ETBE(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsConstruction', /^ETFZ(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsCommerceServices', /^ETGU(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsCommerceReparationAuto', /^ETGZ(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissementsAdministration', /^ETOQ(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissements1a9Salaries', /^ETTEF1(\d{2})$/, 'établissements', 'etablissements'),
  spec('etablissements10SalariesOuPlus', /^ETTEFP10(\d{2})$/, 'établissements', 'etablissements'),
];

/** One column of the file bound to an indicator. */
export interface BoundIndicator {
  id: string;
  variable: string;
  /** Index of the column in the header. */
  column: number;
  millesime: string | null;
  unite: string;
  theme: Theme;
  additif: boolean;
}

export interface HeaderBinding {
  codeColumn: number;
  indicators: BoundIndicator[];
  /** Columns no catalogue entry claims: published under their INSEE code, not summed on mergers. */
  uncatalogued: BoundIndicator[];
  /** Catalogue entries with no column in this edition. */
  missing: string[];
  /** Census millésime of the edition, from the population column (`P22_POP` → "2022"). */
  millesimeRP: string;
}

/** Sort key of a millésime ("2013-2018" sorts on its end year). */
function sortKey(m: string | null): number {
  if (!m) return 0;
  return Number(m.slice(-4));
}

/**
 * Binds the header of a comparateur CSV to the catalogue. Throws (with the
 * problem in French, for SourceError) when the key or the population is missing.
 */
export function bindHeader(header: string[]): HeaderBinding {
  const names = header.map((h) => h.trim());
  const codeColumn = names.indexOf('CODGEO');
  if (codeColumn < 0) throw new HeaderProblem('colonne CODGEO absente de l’en-tête', 'CODGEO');
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new HeaderProblem(`colonne « ${n} » en double dans l’en-tête`, n);
    seen.add(n);
  }
  const claimed = new Set<number>([codeColumn]);
  const indicators: BoundIndicator[] = [];
  const missing: string[] = [];
  for (const s of INDICATORS) {
    const matches: { column: number; m: RegExpMatchArray; millesime: string | null }[] = [];
    names.forEach((n, column) => {
      const m = n.match(s.pattern);
      if (m) matches.push({ column, m, millesime: s.millesime(m) });
    });
    if (matches.length === 0) { missing.push(s.id); continue; }
    matches.sort((a, b) => sortKey(a.millesime) - sortKey(b.millesime));
    // "earliest" only makes sense when the edition carries a comparison column.
    if (s.pick === 'earliest' && matches.length < 2) { missing.push(s.id); continue; }
    const chosen = s.pick === 'latest' ? matches[matches.length - 1] : matches[0];
    claimed.add(chosen.column);
    indicators.push({
      id: s.id, variable: names[chosen.column], column: chosen.column, millesime: chosen.millesime,
      unite: s.unite, theme: s.theme, additif: s.additif,
    });
  }
  const population = indicators.find((i) => i.id === 'population');
  if (!population?.millesime) throw new HeaderProblem('aucune colonne de population (P<aa>_POP) dans l’en-tête', 'P??_POP');
  const uncatalogued: BoundIndicator[] = [];
  names.forEach((n, column) => {
    if (claimed.has(column) || n === '') return;
    // Columns we do not know are kept (nothing dropped silently) under their INSEE code.
    // Census variables carry the year as a prefix (P22_POP0014, C22_…), others as a suffix (ETTOT24).
    const yy = n.match(/^[PC](\d{2})_/)?.[1] ?? n.match(/(\d{2})$/)?.[1];
    uncatalogued.push({
      id: n, variable: n, column, millesime: yy ? year(yy) : null, unite: '', theme: 'autre', additif: false,
    });
  });
  return { codeColumn, indicators, uncatalogued, missing, millesimeRP: population.millesime };
}

export class HeaderProblem extends Error {
  constructor(message: string, readonly column: string) {
    super(message);
  }
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

/**
 * One commune's figures: every indicator's value (source ones then computed ones, in the order of `definitions`) and,
 * only where a value is missing or could not be summed, its status. Nothing else: an indicator's definition, unit,
 * millésime and INSEE variable are the same for every commune and live once in the load's metadata (`definitions`).
 */
export interface CommuneFigures {
  valeurs: (number | null)[];
  statuts: [id: string, statut: MergeStatus][];
}

/** The computed indicators of an edition, their inputs by position among the source columns. */
interface BoundDerived { derived: Derived; inputs: number[]; years: (string | null)[] }

function boundDerived(binding: HeaderBinding, defs: IndicatorDefinition[]): BoundDerived[] {
  const published = new Set(defs.map((d) => d.id));
  const position = new Map(binding.indicators.map((ind, i) => [ind.id, i]));
  return DERIVED.filter((dv) => published.has(dv.id)).map((dv) => ({
    derived: dv, inputs: dv.inputs.map((id) => position.get(id)!), years: dv.inputs.map((id) => binding.indicators[position.get(id)!].millesime),
  }));
}

function communeFigures(cells: MergedCell[], ids: string[], derived: BoundDerived[]): CommuneFigures {
  const valeurs: (number | null)[] = [];
  const statuts: [string, MergeStatus][] = [];
  const put = (cell: MergedCell) => {
    if (cell.statut) statuts.push([ids[valeurs.length], cell.statut]);
    valeurs.push(cell.valeur);
  };
  for (const cell of cells) put(cell);
  for (const { derived: dv, inputs, years } of derived) {
    const missing = inputs.map((i) => cells[i]).find((c) => c.valeur === null);
    put(missing ? { valeur: null, statut: missing.statut ?? 'secret' } : { valeur: dv.compute(inputs.map((i) => cells[i].valeur!), years) });
  }
  return { valeurs, statuts };
}

/**
 * The CSV of a commune: one wide row as INSEE publishes it (the code, then one column per indicator), whose
 * columns carry the definitions, units and aggregation once, in the load's Table Schema. The row is stored
 * positionally (contract/rows.ts: its values in the order of these fields), the names once in the schema.
 */
export function fieldsOf(defs: IndicatorDefinition[]): FieldSchema[] {
  return [
    { name: 'code', type: 'string', description: 'Code INSEE de la commune ou de l’arrondissement municipal (COG en vigueur)' },
    ...defs.map((d): FieldSchema => ({
      name: d.id, type: 'number', description: `${d.libelle} (${d.variable}${d.millesime ? `, ${d.millesime}` : ''})`,
      ...(d.unite ? { unit: d.unite } : {}), aggregation: aggregationOf(d.unite),
    })),
    { name: 'statuts', type: 'string', description: 'Valeurs vides expliquées, « indicateur=statut » séparés par « ; » : secret (non diffusé par l’INSEE), non-additionnable (commune fusionnée depuis, valeur non sommable)' },
  ];
}

export const DICTIONARY_HEADER = ['COD_VAR', 'LIB_VAR', 'LIB_VAR_LONG', 'COD_MOD', 'LIB_MOD', 'TYPE_VAR', 'LONG_VAR'];

/** What is wrong with the header of the `meta_…CSV` dictionary (column numbered from 1), if anything. */
export function dictionaryHeaderProblem(header: string[]): { message: string; column?: number } | undefined {
  for (const [i, expected] of DICTIONARY_HEADER.entries()) {
    if (header[i] !== expected) return { message: `en-tête du dictionnaire inattendu : « ${header[i] ?? '(absent)'} » au lieu de « ${expected} »`, column: i + 1 };
  }
  if (header.length !== DICTIONARY_HEADER.length) return { message: `le dictionnaire a ${header.length} colonnes au lieu de ${DICTIONARY_HEADER.length}` };
  return undefined;
}

export interface DictionaryEntry { variable: string; libelle: string; definition: string; type: string; longueur: string }

/** Staged dictionary rows (variable, libellé, définition, type, longueur): the first row of a variable wins. */
export function dictionaryOf(rows: (string | null)[][]): Map<string, DictionaryEntry> {
  const map = new Map<string, DictionaryEntry>();
  for (const [variable, libelle, definition, type, longueur] of rows) {
    if (!map.has(variable!)) {
      map.set(variable!, { variable: variable!, libelle: libelle ?? variable!, definition: definition ?? libelle ?? variable!, type: type ?? '', longueur: longueur ?? '' });
    }
  }
  return map;
}

/**
 * How the framework merges the rows of communes merged since: one field per column (named by its position
 * among the indicators), merged by its unit's aggregation. No population of the old communes at the file's
 * date: only sums merge, rates become `non-additionnable` like medians; sums of several rows rounded to 6 digits.
 */
export const mergeFields = (binding: HeaderBinding): MergeField[] =>
  [...binding.indicators, ...binding.uncatalogued].map((i, n) => ({ name: String(n), aggregation: aggregationOf(i.unite) }));
export const MERGE_OPTIONS = { digits: 6 };

/** A staged row's values from column `from` on, named by their position (the merge fields): no array of pairs per row. */
export function valuesByPosition(raw: readonly unknown[], from: number): Record<number, number | null> {
  const row: Record<number, number | null> = {};
  for (let i = from; i < raw.length; i++) row[i - from] = raw[i] === null ? null : Number(raw[i]);
  return row;
}

/** A number as JSON.stringify writes it (a value that is not finite is null). */
const jsonNumber = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'null' : String(v));

/**
 * One record per current commune: its rows merged by each indicator's aggregation, then the computed indicators.
 * Written as the JSON texts that go to COPY, the values formatted once for both: `data` is the bytes of
 * JSON.stringify of `{ millesime, valeurs, statuts?, codesSommes? }` (what the dotation serves), `rows` the wide CSV
 * row `[[code, …valeurs, statuts]]` in the order of `fieldsOf` (no field name repeated in any record).
 */
export function* communeRecords(merge: PlacedMerge, binding: HeaderBinding, defs: IndicatorDefinition[]): Iterable<SerializedCommuneRecord> {
  const ids = defs.map((d) => d.id);
  const keys = ids.map((id) => `${JSON.stringify(id)}:`);
  const derived = boundDerived(binding, defs);
  const millesime = JSON.stringify(`RP${binding.millesimeRP}`);
  for (const commune of merge.communes()) {
    const code = commune.code;
    const { valeurs, statuts } = communeFigures(merge.cells(commune.groups[0]), ids, derived);
    const numbers = valeurs.map(jsonNumber);
    const codesSommes = mergedFrom(commune);
    const statutsData = statuts.length ? `,"statuts":{${statuts.map(([id, st]) => `${JSON.stringify(id)}:${JSON.stringify(st)}`).join(',')}}` : '';
    const statutsRow = statuts.length ? JSON.stringify(statuts.map(([id, st]) => `${id}=${st}`).join(';')) : 'null';
    yield {
      code,
      json: {
        data: `{"millesime":${millesime},"valeurs":{${numbers.map((n, i) => keys[i] + n).join(',')}}${statutsData}${codesSommes ? `,"codesSommes":${JSON.stringify(codesSommes)}` : ''}}`,
        rows: `[[${JSON.stringify(code)}${numbers.length ? `,${numbers.join(',')}` : ''},${statutsRow}]]`,
      },
    };
  }
}

/** The run summary's notes, in the order they are reported. */
export function runNotes(binding: HeaderBinding, dictionary: Map<string, DictionaryEntry>, merged: number, outsideScope: number): [string, number | string][] {
  const withoutDefinition = [...binding.indicators, ...binding.uncatalogued].filter((i) => !dictionary.has(i.variable)).map((i) => i.variable);
  const notes: [string, number | string][] = [['communesRecompteesDepuisAnciensCodes', merged]];
  if (outsideScope) notes.push(['lignesHorsFiltreDepartements', outsideScope]);
  if (binding.missing.length) notes.push(['indicateursAbsentsDeCetteEdition', binding.missing.join(', ')]);
  if (binding.uncatalogued.length) notes.push(['variablesNonCataloguees', binding.uncatalogued.map((i) => i.variable).join(', ')]);
  if (withoutDefinition.length) notes.push(['variablesSansDefinition', withoutDefinition.join(', ')]);
  return notes;
}

export function sourceMetadata(
  files: { data: string; meta: string }, binding: HeaderBinding, defs: IndicatorDefinition[], setAside: SetAside[],
): Record<string, unknown> {
  return {
    fichier: files.data,
    dictionnaire: files.meta,
    recensement: binding.millesimeRP,
    definitions: defs,
    statuts: {
      secret: 'Valeur non diffusée par l’INSEE : case vide ou « s » dans le fichier (secret statistique, ou donnée indisponible comme le recensement à Mayotte).',
      'non-additionnable': 'Commune fusionnée depuis l’édition : les médianes, parts et taux des anciennes communes ne s’additionnent pas.',
    },
    indicateursAbsents: binding.missing,
    lignesEcartees: setAside,
  };
}
