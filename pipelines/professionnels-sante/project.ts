/**
 * Distinct health professionals per commune, by profession and, for
 * physicians, généralistes vs spécialistes (DuckDB counts and writes the
 * records, stage.sql). Pure: the codes and formats the counts rely on, and
 * their check against the file's own label columns.
 */
import type { FieldSchema } from '../../src/contract/dataset.js';
import { formatCheck, isBlank, type CellCheck } from '../framework/staged-csv.js';
import { sqlString } from '../framework/sql-script.js';

/** `Code profession` of physicians (its label is checked on the file). */
export const MEDECIN = '10';
/**
 * Savoir-faire codes of general practice: SM54 « Médecine générale » and SM53
 * « Spécialiste en médecine générale » (consumers disagree: both are taken, and
 * each is checked on the file's `Libellé savoir-faire`).
 */
export const GENERALISTES = ['SM54', 'SM53'];
const GENERAL_PRACTICE = /m[ée]decine g[ée]n[ée]rale/i;

/**
 * Formats of the codes read: a field too many or too few shifts them and stops the run at that line.
 * The postal code is checked on French sites only (no country, or France): a site abroad carries its
 * country's (`GL` for a site at Cheltenham, Royaume-Uni, in a real row of the file).
 */
export const FORMATS: [string, string, string, 'france'?][] = [
  ['Code profession', '[0-9]{1,3}', 'code profession'], ['Code postal (coord. structure)', '[0-9]{5}', 'code postal', 'france'],
  ['Code commune (coord. structure)', '[0-9]{5}|2[AB][0-9]{3}', 'code commune'], ['Code pays (coord. structure)', '99[0-9]{3}', 'code pays'],
];
/** `Code pays` of France (stage.sql places a row with another country as « site hors de France »). */
export const FRANCE = ['99100', '99000'];

/** The cell checks of the staged read (`at(name)`: the column of a header name): identifier present, codes well formed. */
export function cellChecks(at: (name: string) => number | undefined): CellCheck[] {
  const inFrance = `coalesce(trim(c${at('Code pays (coord. structure)')!}), '') IN ('', ${FRANCE.map(sqlString).join(', ')})`;
  return [
    { sql: isBlank(at('Identification nationale PP')!), column: at('Identification nationale PP')!, problem: 'identifiant national absent' },
    ...FORMATS.map(([name, pattern, what, where]) => {
      const check = formatCheck(at(name)!, pattern, what);
      return where === 'france' ? { ...check, sql: `(${inFrance} AND ${check.sql})` } : check;
    }),
  ];
}

export const FIELDS: FieldSchema[] = [
  { name: 'profession', type: 'string', description: 'Code profession de l\'Annuaire Santé (10 médecin, 21 pharmacien, 40 chirurgien-dentiste, 60 infirmier…)', aggregation: 'key' },
  { name: 'libelleProfession', type: 'string', description: 'Libellé profession du fichier' },
  { name: 'savoirFaire', type: 'string', description: 'ensemble, ou pour les médecins : generalistes, specialistes, non-renseigne', aggregation: 'key' },
  {
    name: 'professionnels', type: 'integer', aggregation: 'sum',
    description: 'Professionnels distincts (Identification nationale PP) exerçant dans la commune ; une personne exerçant dans plusieurs communes compte dans chacune, donc aussi plusieurs fois dans une somme d\'EPCI ou de département',
  },
];

export interface LabelRow { colonne: string; colonne_code: string; code: string; libelle: string | null }

/** The first code whose file label contradicts what the counts take it for. */
export function labelProblem(rows: LabelRow[]): { row: LabelRow; problem: string } | undefined {
  for (const row of rows) {
    const libelle = row.libelle ?? '';
    if (row.colonne_code === 'Code profession' && !/^m[ée]decin/i.test(libelle)) {
      return { row, problem: `le code profession ${row.code} est libellé « ${libelle} », attendu : Médecin` };
    }
    if (row.colonne_code !== 'Code savoir-faire') continue;
    if (GENERALISTES.includes(row.code) && !GENERAL_PRACTICE.test(libelle)) {
      return { row, problem: `le savoir-faire ${row.code} est libellé « ${libelle} », attendu : médecine générale` };
    }
    if (!GENERALISTES.includes(row.code) && GENERAL_PRACTICE.test(libelle)) {
      return { row, problem: `le savoir-faire ${row.code} « ${libelle} » n'est pas parmi les codes de médecine générale retenus (${GENERALISTES.join(', ')})` };
    }
  }
  return undefined;
}

export const METADATA = {
  comptage: 'Professionnels distincts par commune (dédoublonnés sur « Identification nationale PP » : une personne exerçant sur deux sites de la commune compte une fois). Seuls des effectifs sont publiés : aucun nom, téléphone ni adresse électronique.',
  generalistes: `Médecins (code profession ${MEDECIN}) dont un savoir-faire est ${GENERALISTES.join(' ou ')} (médecine générale, vérifié sur le libellé du fichier) ; spécialistes : autre savoir-faire ; non renseigné : aucun.`,
  commune: 'Code commune (coord. structure) ; à défaut le code postal quand il ne désigne qu\'une commune ; sinon la ligne est écartée avec son motif.',
  plm: 'Paris, Lyon et Marseille : professionnels distincts de l\'ensemble de leurs arrondissements.',
};
