/**
 * Distinct health professionals per commune, by profession and, for
 * physicians, généralistes vs spécialistes. Pure: the counts DuckDB made
 * (stage.sql) in, records out; and the check of the codes the counts rely on
 * against the file's own label columns.
 */
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';

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

interface Commune { professions: { code: string; libelle: string | null; nombre: number }[]; medecins?: { generalistes: number; specialistes: number; nonRenseigne: number } }

/** Records from the `professions` and `medecins` sections. */
export function communeRecords(professions: Record<string, unknown>[], medecins: Record<string, unknown>[]): CommuneRecord[] {
  const communes = new Map<string, Commune>();
  const of = (code: string) => communes.get(code) ?? communes.set(code, { professions: [] }).get(code)!;
  for (const p of professions) of(p.commune as string).professions.push({ code: p.code_profession as string, libelle: p.libelle as string | null, nombre: Number(p.nombre) });
  for (const m of medecins) {
    of(m.commune as string).medecins = { generalistes: Number(m.generalistes), specialistes: Number(m.specialistes), nonRenseigne: Number(m.sans_savoir_faire) };
  }
  return [...communes].sort(([a], [b]) => a.localeCompare(b)).map(([code, c]) => {
    const rows: Record<string, Scalar>[] = [];
    for (const p of c.professions) {
      rows.push({ profession: p.code, libelleProfession: p.libelle, savoirFaire: 'ensemble', professionnels: p.nombre });
      if (p.code === MEDECIN && c.medecins) {
        for (const [key, n] of [['generalistes', c.medecins.generalistes], ['specialistes', c.medecins.specialistes], ['non-renseigne', c.medecins.nonRenseigne]] as const) {
          rows.push({ profession: p.code, libelleProfession: p.libelle, savoirFaire: key, professionnels: n });
        }
      }
    }
    return { code, data: { professions: c.professions, ...(c.medecins ? { medecins: c.medecins } : {}) }, rows };
  });
}

export const METADATA = {
  comptage: 'Professionnels distincts par commune (dédoublonnés sur « Identification nationale PP » : une personne exerçant sur deux sites de la commune compte une fois). Seuls des effectifs sont publiés : aucun nom, téléphone ni adresse électronique.',
  generalistes: `Médecins (code profession ${MEDECIN}) dont un savoir-faire est ${GENERALISTES.join(' ou ')} (médecine générale, vérifié sur le libellé du fichier) ; spécialistes : autre savoir-faire ; non renseigné : aucun.`,
  commune: 'Code commune (coord. structure) ; à défaut le code postal quand il ne désigne qu\'une commune ; sinon la ligne est écartée avec son motif.',
  plm: 'Paris, Lyon et Marseille : professionnels distincts de l\'ensemble de leurs arrondissements.',
};
