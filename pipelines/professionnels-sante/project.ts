/**
 * Distinct health professionals per commune, by profession and, for
 * physicians, généralistes vs spécialistes (DuckDB counts and writes the
 * records, stage.sql). Pure: the codes and formats the counts rely on, and
 * their check against the file's own label columns.
 */
import type { FieldSchema } from '../../src/contract/dataset.js';
import { shapeSql, shapeTest, trimmed, type RowCheck } from '../framework/counted-checks.js';
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
const GENERAL_PRACTICE_SQL = "regexp_matches(coalesce(libelle_sf, ''), 'm[ée]decine g[ée]n[ée]rale', 'i')";
const PHYSICIAN = /^m[ée]decin/i;
/** A physician's row with a savoir-faire, of general practice (`generaliste`) or not. */
const physicianSf = (cell: (name: string) => string, generaliste: boolean) => {
  const code = trimmed(cell('Code savoir-faire'));
  return trimmed(cell('Code profession')) === MEDECIN && code !== '' && GENERALISTES.includes(code) === generaliste;
};

/** The columns read (only what is counted or places a row: names, phones and e-mails are never read), by their name in the query. */
export const COLUMNS = {
  'Identification nationale PP': 'id_pp', 'Code profession': 'code_profession', 'Libellé profession': 'libelle_profession',
  'Code savoir-faire': 'code_sf', 'Libellé savoir-faire': 'libelle_sf', 'Code postal (coord. structure)': 'code_postal',
  'Code commune (coord. structure)': 'code_commune', 'Code pays (coord. structure)': 'code_pays',
} as const;
type Column = keyof typeof COLUMNS;

/** `Code pays` of France (stage.sql places a row with another country as « site hors de France »). */
export const FRANCE = ['99100', '99000'];

/**
 * Shapes of the codes read (GLOB patterns, counted-checks.ts): a field too many or too few shifts them and stops
 * the run at that line. The postal code is checked on French sites only (no country, or France): a site abroad
 * carries its country's (`GL` for a site at Cheltenham, Royaume-Uni, in a real row of the file).
 */
const DIGIT = '[0-9]';
export const FORMATS: { column: Column; shapes: string[]; what: string; franceOnly?: true }[] = [
  { column: 'Code profession', shapes: [DIGIT, DIGIT.repeat(2), DIGIT.repeat(3)], what: 'code profession' },
  { column: 'Code postal (coord. structure)', shapes: [DIGIT.repeat(5)], what: 'code postal', franceOnly: true },
  { column: 'Code commune (coord. structure)', shapes: [DIGIT.repeat(5), `2[AB]${DIGIT.repeat(3)}`], what: 'code commune' },
  { column: 'Code pays (coord. structure)', shapes: [`99${DIGIT.repeat(3)}`], what: 'code pays' },
];

/**
 * The row checks of the read (over the trimmed cells named as in COLUMNS), in the order a line's first failure is
 * named: identifier present, codes well formed, and the physicians' codes saying on the line what the counts take
 * them for (a label that contradicts them stops the run at the first such line).
 */
export const CHECKS: RowCheck[] = [
  {
    column: 'Identification nationale PP', sql: 'id_pp IS NULL', bad: (cell) => trimmed(cell('Identification nationale PP')) === '',
    wording: (found) => `identifiant national absent, trouvé « ${found} »`,
  },
  ...FORMATS.map(({ column, shapes, what, franceOnly }): RowCheck => {
    const name = COLUMNS[column];
    const shaped = shapeTest(shapes);
    const inFrance = (cell: (name: string) => string) => ['', ...FRANCE].includes(trimmed(cell('Code pays (coord. structure)')));
    return {
      column,
      sql: `(${franceOnly ? `(code_pays IS NULL OR code_pays IN (${FRANCE.map(sqlString).join(', ')})) AND ` : ''}${name} IS NOT NULL AND NOT ${shapeSql(name, shapes)})`,
      bad: (cell) => (!franceOnly || inFrance(cell)) && trimmed(cell(column)) !== '' && !shaped(trimmed(cell(column))),
      wording: (found) => `${what} mal formé « ${found} »`,
    };
  }),
  // The codes the counts rely on, checked on the file's own label columns, on every physician's row.
  {
    column: 'Libellé profession', sql: `code_profession = ${sqlString(MEDECIN)} AND NOT regexp_matches(coalesce(libelle_profession, ''), '^m[ée]decin', 'i')`,
    bad: (cell) => trimmed(cell('Code profession')) === MEDECIN && !PHYSICIAN.test(trimmed(cell('Libellé profession'))),
    wording: (found, cell) => `le code profession ${trimmed(cell('Code profession'))} est libellé « ${trimmed(found)} », attendu : Médecin`,
  },
  {
    column: 'Libellé savoir-faire', sql: `code_profession = ${sqlString(MEDECIN)} AND code_sf IN (${GENERALISTES.map(sqlString).join(', ')}) AND NOT ${GENERAL_PRACTICE_SQL}`,
    bad: (cell) => physicianSf(cell, true) && !GENERAL_PRACTICE.test(trimmed(cell('Libellé savoir-faire'))),
    wording: (found, cell) => `le savoir-faire ${trimmed(cell('Code savoir-faire'))} est libellé « ${trimmed(found)} », attendu : médecine générale`,
  },
  {
    column: 'Libellé savoir-faire', sql: `code_profession = ${sqlString(MEDECIN)} AND code_sf NOT IN (${GENERALISTES.map(sqlString).join(', ')}) AND ${GENERAL_PRACTICE_SQL}`,
    bad: (cell) => physicianSf(cell, false) && GENERAL_PRACTICE.test(trimmed(cell('Libellé savoir-faire'))),
    wording: (found, cell) => `le savoir-faire ${trimmed(cell('Code savoir-faire'))} « ${trimmed(found)} » n'est pas parmi les codes de médecine générale retenus (${GENERALISTES.join(', ')})`,
  },
];

export const FIELDS: FieldSchema[] = [
  { name: 'profession', type: 'string', description: 'Code profession de l\'Annuaire Santé (10 médecin, 21 pharmacien, 40 chirurgien-dentiste, 60 infirmier…)', aggregation: 'key' },
  { name: 'libelleProfession', type: 'string', description: 'Libellé profession du fichier' },
  { name: 'savoirFaire', type: 'string', description: 'ensemble, ou pour les médecins : generalistes, specialistes, non-renseigne', aggregation: 'key' },
  {
    name: 'professionnels', type: 'integer', aggregation: 'sum',
    description: 'Professionnels distincts (Identification nationale PP) exerçant dans la commune ; une personne exerçant dans plusieurs communes compte dans chacune, donc aussi plusieurs fois dans une somme d\'EPCI ou de département',
  },
];

export const METADATA = {
  comptage: 'Professionnels distincts par commune (dédoublonnés sur « Identification nationale PP » : une personne exerçant sur deux sites de la commune compte une fois). Seuls des effectifs sont publiés : aucun nom, téléphone ni adresse électronique.',
  generalistes: `Médecins (code profession ${MEDECIN}) dont un savoir-faire est ${GENERALISTES.join(' ou ')} (médecine générale, vérifié sur le libellé du fichier) ; spécialistes : autre savoir-faire ; non renseigné : aucun.`,
  commune: 'Code commune (coord. structure) ; à défaut le code postal quand il ne désigne qu\'une commune ; sinon la ligne est écartée avec son motif.',
  plm: 'Paris, Lyon et Marseille : professionnels distincts de l\'ensemble de leurs arrondissements.',
};
