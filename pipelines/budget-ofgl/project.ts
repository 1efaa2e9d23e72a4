/**
 * OFGL budget rows, already grouped per today's commune × exercice × agrégat
 * (stage.sql), into commune records: the long table (every exercice and
 * agrégat of the file, BP/BA split, DGF population, € per inhabitant) and the
 * wide summary a council reads (ten agrégats × the file's last five exercices).
 * Pure: rows in, records out.
 */
import type { FieldSchema } from '../../src/contract/dataset.js';
import type { SerializedCommuneRecord } from '../framework/types.js';
import type { CellCheck } from '../framework/counted-checks.js';

/**
 * One chunk of the `rows` section of stage.sql, column by column, numbers only: the commune and the agrégat by
 * their index in `Names`, the exercice as a year.
 */
export type RowColumns = [
  commune: number[], exercice: number[], agregat: number[], montant: (number | null)[], bp: (number | null)[],
  ba: (number | null)[], flux: (number | null)[], population: (number | null)[], parHabitant: (number | null)[],
];

/** What the numbers of RowColumns stand for, and the codes of the file summed into a commune (merged since). */
export interface Names { communes: string[]; agregats: string[]; sommees: Map<string, string[]> }

/** Names from the `communes` and `agregats` sections of stage.sql. */
export function namesOf(staged: Map<string, Record<string, unknown>[]>): Names {
  const communes = staged.get('communes')!;
  return {
    communes: communes.map((r) => String(r.cle)), agregats: staged.get('agregats')!.map((r) => String(r.agregat)),
    sommees: new Map(communes.filter((r) => r.codes).map((r) => [String(r.cle), (r.codes as string[]).map(String)])),
  };
}

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

/** Two rows of one commune for the same exercice and agrégat: the file breaks its own grain. */
export class DuplicateRow extends Error {
  constructor(readonly commune: string, readonly exercice: number, readonly agregat: string) {
    super(`deux lignes pour la commune ${commune}, l'exercice ${exercice} et l'agrégat « ${agregat} » (une ligne par exercice × commune × agrégat attendue)`);
  }
}

const number = (v: number | null) => (v === null ? 'null' : String(v));

/** The record under construction: the long table's rows as JSON texts, the summary's cells, the DGF population. */
class CommuneBuilder {
  readonly lignes: string[] = [];
  readonly population: Record<string, number | null> = {};
  readonly montant = SUMMARY_AGREGATS.map(() => [] as (number | null)[]);
  readonly parHabitant = SUMMARY_AGREGATS.map(() => [] as (number | null)[]);
  lastCell = -1;
  constructor(readonly id: number) {}
}

/**
 * Rows ordered by commune, exercice and agrégat → one record per commune, already serialised: the long table is a
 * JSON array of rows, each an array in FIELDS order (the names once, in the load's Table Schema, not in every row).
 */
export async function* communeRecords(chunks: AsyncIterable<RowColumns>, names: Names, summaryYears: string[]): AsyncIterable<SerializedCommuneRecord> {
  const agregatJson = names.agregats.map((a) => JSON.stringify(a));
  const summaryIndex = names.agregats.map((a) => SUMMARY_AGREGATS.indexOf(a));
  const years = new Map(summaryYears.map((e, i) => [Number(e), i]));
  const empty = summaryYears.map(() => null);
  const recordOf = (c: CommuneBuilder): SerializedCommuneRecord => {
    const code = names.communes[c.id];
    const sommes = names.sommees.get(code);
    const data = {
      exercices: Object.keys(c.population),
      populationDgf: c.population,
      synthese: {
        exercices: summaryYears,
        agregats: SUMMARY_AGREGATS.map((agregat, a) => ({
          agregat, montant: empty.map((_, y) => c.montant[a][y] ?? null), montantParHabitant: empty.map((_, y) => c.parHabitant[a][y] ?? null),
        })),
      },
      ...(sommes ? { codesSommes: sommes } : {}),
    };
    return { code, json: { data: JSON.stringify(data), rows: `[${c.lignes.join(',')}]` } };
  };
  let current: CommuneBuilder | undefined;
  for await (const [commune, exercice, agregat, montant, bp, ba, flux, population, parHabitant] of chunks) {
    for (let i = 0; i < commune.length; i++) {
      if (current && current.id !== commune[i]) { yield recordOf(current); current = undefined; }
      current ??= new CommuneBuilder(commune[i]);
      const cell = exercice[i] * 100_000 + agregat[i];
      if (cell === current.lastCell) throw new DuplicateRow(names.communes[commune[i]], exercice[i], names.agregats[agregat[i]]);
      current.lastCell = cell;
      current.lignes.push(`["${exercice[i]}",${agregatJson[agregat[i]]},${number(montant[i])},${number(bp[i])},${number(ba[i])},${number(flux[i])},${number(population[i])},${number(parHabitant[i])}]`);
      if (!(exercice[i] in current.population)) current.population[exercice[i]] = population[i];
      const a = summaryIndex[agregat[i]];
      const y = years.get(exercice[i]);
      if (a >= 0 && y !== undefined) { current.montant[a][y] = montant[i]; current.parHabitant[a][y] = parHabitant[i]; }
    }
  }
  if (current) yield recordOf(current);
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

const notNumber = (v: string) => v !== '' && !Number.isFinite(Number(v));
/** What each `defaut` of stage.sql refuses (same order), and the test a plain scan repeats to name the first line. */
export const CHECKS: Partial<Record<keyof typeof COLUMNS, CellCheck>> = {
  exercice: { bad: (v) => !/^(19|20)\d{2}$/.test(v), expected: 'une année' },
  agregat: { bad: (v) => v === '', expected: 'un libellé d\'agrégat' },
  montant: { bad: notNumber, expected: 'un nombre à point décimal ou vide' },
  bp: { bad: notNumber, expected: 'un nombre à point décimal ou vide' },
  ba: { bad: notNumber, expected: 'un nombre à point décimal ou vide' },
  flux: { bad: notNumber, expected: 'un nombre à point décimal ou vide' },
  population: { bad: (v) => v !== '' && !/^\d+$/.test(v), expected: 'un nombre entier d\'habitants ou vide' },
  par_habitant: { bad: notNumber, expected: 'un nombre à point décimal ou vide' },
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
