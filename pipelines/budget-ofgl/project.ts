/**
 * OFGL budget rows, already grouped per today's commune × exercice × agrégat
 * (stage.sql), into commune records: the long table (every exercice and
 * agrégat of the file, BP/BA split, DGF population, € per inhabitant) and the
 * wide summary a council reads (ten agrégats × the file's last five exercices).
 * Pure: rows in, records out.
 */
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';

/** One row of the `rows` section of stage.sql. */
export interface GroupRow {
  cle: string; exercice: string; agregat: string;
  montant: number | null; bp: number | null; ba: number | null; flux: number | null;
  population: number | null; par_habitant: number | null;
  /** Smallest and largest code of the file summed into the group (the same when one code stands alone). */
  code_source: string; code_max: string;
}

/** The agrégats of the summary, spelled as OFGL labels them (checked to exist in the file: a renamed label stops the run). */
export const SUMMARY_AGREGATS = [
  'Recettes de fonctionnement', 'Dépenses de fonctionnement', "Dépenses d'équipement", 'Frais de personnel', 'Impôts locaux',
  'Dotation globale de fonctionnement', 'Epargne brute', 'Epargne nette', 'Encours de dette', 'Annuité de la dette',
];
export const SUMMARY_YEARS = 5;

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

interface Commune { code: string; rows: GroupRow[] }

/** Consecutive rows of one commune (the stream is ordered by commune) → one record each. */
export async function* communeRecords(chunks: AsyncIterable<GroupRow[]>, summaryYears: string[]): AsyncIterable<CommuneRecord> {
  let current: Commune | undefined;
  for await (const chunk of chunks) {
    for (const row of chunk) {
      if (current && current.code !== row.cle) { yield recordOf(current, summaryYears); current = undefined; }
      current ??= { code: row.cle, rows: [] };
      current.rows.push(row);
    }
  }
  if (current) yield recordOf(current, summaryYears);
}

function recordOf({ code, rows }: Commune, summaryYears: string[]): CommuneRecord {
  const table: Record<string, Scalar>[] = rows.map((r) => ({
    exercice: r.exercice, agregat: r.agregat, montant: r.montant, montantBP: r.bp, montantBA: r.ba, montantFluxBPBA: r.flux,
    populationDgf: r.population, montantParHabitant: r.par_habitant,
  }));
  // Min and max per group name both codes of a merger of two; a third code in the middle of
  // a three-way merger would be summed but not listed here.
  const merged = new Set(rows.flatMap((r) => [r.code_source, r.code_max]));
  const byCell = new Map(rows.map((r) => [`${r.agregat}\u0000${r.exercice}`, r]));
  const cell = (agregat: string, exercice: string) => byCell.get(`${agregat}\u0000${exercice}`);
  const population = Object.fromEntries([...new Set(rows.map((r) => r.exercice))].map((e) => [e, rows.find((r) => r.exercice === e)!.population]));
  return {
    code,
    data: {
      exercices: Object.keys(population),
      populationDgf: population,
      synthese: {
        exercices: summaryYears,
        agregats: SUMMARY_AGREGATS.map((agregat) => ({
          agregat,
          montant: summaryYears.map((e) => cell(agregat, e)?.montant ?? null),
          montantParHabitant: summaryYears.map((e) => cell(agregat, e)?.par_habitant ?? null),
        })),
      },
      ...(merged.size > 1 || !merged.has(code) ? { codesSommes: [...merged].sort() } : {}),
    },
    rows: table,
  };
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
/** What each count of the `checks` section refuses, and the test a plain scan repeats to name the first line. */
export const CHECKS: Record<string, { bad: (v: string) => boolean; expected: string }> = {
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
