/**
 * What the OFGL budget source declares: the columns it binds and the checks of their cells, the long table's
 * fields (every exercice and agrégat of the file, BP/BA split, DGF population, € per inhabitant), the wide summary
 * a council reads (ten agrégats × the file's last five exercices) as SQL fragments for stage.sql, and the load's
 * metadata. Pure: the records themselves are written by DuckDB (stage.sql, framework/sorted-record-text.ts).
 */
import type { FieldSchema } from '../../src/contract/dataset.js';
import type { CellCheck } from '../framework/counted-checks.js';
import { sqlString } from '../framework/sql-script.js';

/** The agrégats of the summary, spelled as OFGL labels them (checked to exist in the file: a renamed label stops the run). */
export const SUMMARY_AGREGATS = [
  'Recettes de fonctionnement', 'Dépenses de fonctionnement', "Dépenses d'équipement", 'Frais de personnel', 'Impôts locaux',
  'Dotation globale de fonctionnement', 'Epargne brute', 'Epargne nette', 'Encours de dette', 'Annuité de la dette',
];
export const SUMMARY_YEARS = 5;

/** The summary's agrégats the file does not have (a renamed label), when it has any, said as a refusal. */
export function lostSummaryProblem(agregats: string[]): string | undefined {
  const found = new Set(agregats);
  const lost = found.size ? SUMMARY_AGREGATS.filter((a) => !found.has(a)) : [];
  return lost.length ? `agrégat(s) de la synthèse absent(s) du fichier : ${lost.join(', ')} (libellé changé ?)` : undefined;
}

export const FIELDS: FieldSchema[] = [
  { name: 'exercice', type: 'string', description: 'Exercice comptable (année)', aggregation: 'key' },
  { name: 'agregat', type: 'string', description: 'Agrégat comptable de l\'OFGL (libellé du producteur)', aggregation: 'key' },
  { name: 'montant', type: 'number', unit: '€', description: 'Montant consolidé (budget principal + budgets annexes − flux entre eux) ; négatif possible (épargne nette, variation du fonds de roulement)', aggregation: 'sum' },
  { name: 'montantBP', type: 'number', unit: '€', description: 'Montant du budget principal', aggregation: 'sum' },
  { name: 'montantBA', type: 'number', unit: '€', description: 'Montant des budgets annexes', aggregation: 'sum' },
  { name: 'montantFluxBPBA', type: 'number', unit: '€', description: 'Flux entre budget principal et budgets annexes, retranchés du consolidé', aggregation: 'sum' },
  { name: 'populationDgf', type: 'integer', unit: 'habitants', description: 'Population totale retenue par l\'OFGL : population DGF de l\'exercice (population totale INSEE majorée des résidences secondaires et places de caravanes), pas la population municipale', aggregation: 'sum' },
  {
    name: 'montantParHabitant', type: 'number', unit: '€/habitant',
    description: 'Montant divisé par la population DGF ; pour des communes réunies, et pour un EPCI, un département ou une région, Σ montants / Σ populations DGF (jamais une somme de ratios)',
    aggregation: 'ratio', ratioOf: { numerator: 'montant', denominator: 'populationDgf' },
  },
];

/** Two rows of one commune for the same exercice and agrégat (the `repeated` section of stage.sql): the file breaks its own grain. */
export function repeatedRowProblem(row: Record<string, unknown>): string {
  return `deux lignes pour la commune ${String(row.cle)}, l'exercice ${String(row.exercice)} et l'agrégat « ${String(row.agregat)} » (une ligne par exercice × commune × agrégat attendue)`;
}

/**
 * The `{{summary_*}}` placeholders of stage.sql's `record_heads`: which rows feed the summary, each summary
 * agrégat's JSON item (its amounts and € per inhabitant over the summary's exercices), and the ten items in
 * SUMMARY_AGREGATS order, an agrégat the commune lacks written with nulls.
 */
export function summarySql(summaryYears: string[]): Record<string, string> {
  const years = summaryYears.map(Number);
  const cells = (column: string) => (years.length ? years.map((y) => `js_number(max(${column}) FILTER (WHERE exercice = ${y}))`).join(", ',', ") : "''");
  const nulls = years.map(() => 'null').join(',');
  const label = (a: string) => `{"agregat":${JSON.stringify(a)},`;
  const empty = SUMMARY_AGREGATS.map((a) => `${label(a)}"montant":[${nulls}],"montantParHabitant":[${nulls}]}`);
  return {
    summary_filter: years.length ? `agregat IN (${SUMMARY_AGREGATS.map(sqlString).join(', ')}) AND exercice IN (${years.join(', ')})` : 'false',
    summary_index: `CASE agregat ${SUMMARY_AGREGATS.map((a, i) => `WHEN ${sqlString(a)} THEN ${i}`).join(' ')} END`,
    summary_label: `CASE agregat ${SUMMARY_AGREGATS.map((a) => `WHEN ${sqlString(a)} THEN ${sqlString(label(a))}`).join(' ')} END`,
    summary_montants: cells('montant'),
    summary_par_habitant: cells('par_habitant'),
    summary_items: empty.map((text, i) => `coalesce(max(item) FILTER (WHERE i = ${i}), ${sqlString(text)})`).join(", ',', "),
    summary_empty: sqlString(empty.join(',')),
    summary_years: sqlString(JSON.stringify(summaryYears)),
  };
}

/** Rows sorted at a time when DuckDB writes the records (sorted-record-text.ts' slices): ≈ 150 MB of text. */
export const ROWS_PER_SLICE = 1_000_000;

/** The slices of today's communes (numbered 0… in stage.sql) from the `keys` section: each key not set aside is one. */
export function slicesOf(keys: { cle: unknown; lignes: unknown }[]): { ranks: number; parts: number } {
  const kept = keys.filter((k) => !String(k.cle).startsWith('!'));
  return { ranks: kept.length, parts: Math.ceil(kept.reduce((n, k) => n + Number(k.lignes), 0) / ROWS_PER_SLICE) };
}

/** The file's last exercices, up to five, oldest first. */
export function summaryYearsOf(exercices: string[]): string[] {
  return [...exercices].sort().slice(-SUMMARY_YEARS);
}

/** The columns read, by their stable names: the COG millésime in `Code Insee <année> Commune` changes every year. */
export const COLUMNS = {
  exercice: { name: 'Exercice' },
  code: { name: 'Code Insee Commune', pattern: 'Code Insee {millesime} Commune' },
  agregat: { name: 'Agrégat' },
  bp: { name: 'Montant BP' },
  ba: { name: 'Montant BA' },
  flux: { name: 'Montant flux BP-BA' },
  montant: { name: 'Montant' },
  population: { name: 'Population totale' },
  par_habitant: { name: 'Montant en € par habitant' },
};

/** `TRY_CAST` reads `inf` and `nan`: no amount either. */
const NUMBER: CellCheck = { refuses: '{{cell}} IS NOT NULL AND NOT coalesce(isfinite(TRY_CAST({{cell}} AS DOUBLE)), false)', expected: 'un nombre à point décimal ou vide' };
/** What each check refuses, in the order stage.sql's `defaut` numbers them (framework/counted-checks.ts). */
export const CHECKS: Partial<Record<keyof typeof COLUMNS, CellCheck>> = {
  exercice: { refuses: "NOT regexp_full_match(coalesce({{cell}}, ''), '(19|20)[0-9]{2}')", expected: 'une année' },
  agregat: { refuses: "coalesce({{cell}}, '') = ''", expected: 'un libellé d\'agrégat' },
  montant: NUMBER,
  bp: NUMBER,
  ba: NUMBER,
  flux: NUMBER,
  population: { refuses: '{{cell}} IS NOT NULL AND TRY_CAST({{cell}} AS BIGINT) IS NULL', expected: 'un nombre entier d\'habitants ou vide' },
  par_habitant: NUMBER,
};

export const REJECT_SPLIT = 'commune scindée depuis le COG du fichier : comptes non attribuables';

export function metadataOf(cogFichier: string, cogRelease: string, exercices: string[], summaryYears: string[]) {
  return {
    millesimeCog: cogFichier,
    recodage: cogFichier === cogRelease ? null
      : `Codes du COG ${cogFichier} recodés sur le COG ${cogRelease} : montants additionnés, montant par habitant recalculé (Σ montants / Σ populations DGF).`,
    exercices,
    synthese: { exercices: summaryYears, agregats: SUMMARY_AGREGATS },
    population: 'Population DGF de l\'exercice (colonne « Population totale » de l\'OFGL), pas la population municipale : le montant par habitant diffère d\'un calcul sur la population légale.',
    consolidation: 'Montant = budget principal + budgets annexes − flux entre eux (comptes consolidés de l\'OFGL).',
  };
}
