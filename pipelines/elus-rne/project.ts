/**
 * RNE rows (maires and conseillers municipaux) into per-commune records: the maire as published (nom, prénom,
 * sexe, début de mandat et de fonction, catégorie socio-professionnelle) and the council's composition, counted
 * by sex, age band and function. Dates of birth are read to count age bands and never published. Pure.
 */
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import type { Referential } from '../../src/domain/referential.js';
import { rekey } from '../framework/rekey.js';
import type { TerritoryRecord } from '../framework/types.js';

export const HEADER_COMMON = [
  'Code du département', 'Libellé du département', 'Code de la collectivité à statut particulier', 'Libellé de la collectivité à statut particulier',
  'Code de la commune', 'Libellé de la commune', "Nom de l'élu", "Prénom de l'élu", 'Code sexe', 'Date de naissance',
  'Code de la catégorie socio-professionnelle', 'Libellé de la catégorie socio-professionnelle', 'Date de début du mandat',
];
export const HEADER_MAIRES = [...HEADER_COMMON, 'Date de début de la fonction'];
export const HEADER_CONSEILLERS = [...HEADER_COMMON, 'Libellé de la fonction', 'Date de début de la fonction', 'Code nationalité'];

/**
 * The columns read from the conseillers communautaires file (`elus-conseillers-communautaires-epci.csv`), bound by
 * name: its full header could not be read offline, only these names, all attested by public consumers of the file.
 */
export const COLUMNS_EPCI = {
  siren: { name: 'N° SIREN' }, nom: { name: "Nom de l'élu" }, prenom: { name: "Prénom de l'élu" }, sexe: { name: 'Code sexe' },
  fonction: { name: 'Libellé de la fonction' }, debutFonction: { name: 'Date de début de la fonction' },
};
/** The président's function as the RNE spells it (compared without case). */
export const PRESIDENT_EPCI = 'président du conseil communautaire';

export interface PresidentRow { siren: string; nom: string; prenom: string; sexe: string; debut_fonction: string; ligne: number }

/** One record per EPCI: its président as published (no date of birth); the run fails on two présidents (source.ts). */
export function presidentsOf(rows: PresidentRow[]): TerritoryRecord[] {
  return rows.map((r) => ({
    kind: 'epci', code: r.siren,
    data: { president: { nom: r.nom, prenom: r.prenom, sexe: r.sexe, dateDebutFonction: r.debut_fonction } },
  }));
}

export interface EluRow {
  code: string; nom: string; prenom: string; sexe: string; naissance: string; csp_code: string | null; csp_libelle: string | null;
  debut_mandat: string; fonction: string | null; debut_fonction: string | null;
}

export const AGE_BANDS = [[0, 29, 'moins de 30 ans'], [30, 44, '30 à 44 ans'], [45, 59, '45 à 59 ans'], [60, 74, '60 à 74 ans'], [75, 200, '75 ans et plus']] as const;
export const NO_FUNCTION = 'conseiller municipal sans autre fonction';

export const FIELDS: FieldSchema[] = [
  { name: 'critere', type: 'string', description: 'sexe, trancheAge (âge à la date de référence des métadonnées) ou fonction', aggregation: 'key' },
  { name: 'modalite', type: 'string', description: 'F/M, tranche d\'âge, ou libellé de la fonction tel que publié', aggregation: 'key' },
  { name: 'elus', type: 'integer', description: 'Conseillers municipaux en exercice', aggregation: 'sum' },
];

/** Whole years between an ISO birth date and an ISO reference date. */
export function ageAt(birth: string, reference: string): number {
  const [by, bm, bd] = birth.split('-').map(Number);
  const [ry, rm, rd] = reference.split('-').map(Number);
  return ry - by - (rm < bm || (rm === bm && rd < bd) ? 1 : 0);
}

export function ageBand(age: number): string {
  return AGE_BANDS.find(([min, max]) => age >= min && age <= max)![2];
}

interface Commune { maire?: EluRow; conseil: EluRow[]; sources: Set<string> }

export function projectElus(maires: EluRow[], conseillers: EluRow[], referential: Referential, inScope: (code: string) => boolean, reference: string) {
  const communes = new Map<string, Commune>();
  const rejected = new Map<string, number>();
  let read = 0;
  const place = (row: EluRow, put: (c: Commune) => void) => {
    if (!inScope(row.code)) return;
    read++;
    const target = rekey(row.code, referential);
    if (!target.ok) { rejected.set(target.reason, (rejected.get(target.reason) ?? 0) + 1); return; }
    const commune = communes.get(target.code) ?? { conseil: [], sources: new Set<string>() };
    communes.set(target.code, commune);
    commune.sources.add(row.code);
    put(commune);
  };
  for (const row of maires) place(row, (c) => { c.maire = row; });
  for (const row of conseillers) place(row, (c) => { c.conseil.push(row); });
  const projected = read - [...rejected.values()].reduce((a, b) => a + b, 0);
  const records: CommuneRecord[] = [...communes].sort(([a], [b]) => a.localeCompare(b)).map(([code, c]) => recordOf(code, c, reference));
  return { records, rejected, read, projected };
}

function recordOf(code: string, c: Commune, reference: string): CommuneRecord {
  const rows: Record<string, Scalar>[] = [];
  const count = (critere: string, values: string[]) => {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const [modalite, elus] of [...counts].sort(([a], [b]) => a.localeCompare(b))) rows.push({ critere, modalite, elus });
    return Object.fromEntries(counts);
  };
  const conseil = c.conseil.length ? {
    effectif: c.conseil.length,
    parSexe: count('sexe', c.conseil.map((e) => e.sexe)),
    parTrancheAge: count('trancheAge', c.conseil.map((e) => ageBand(ageAt(e.naissance, reference)))),
    parFonction: count('fonction', c.conseil.map((e) => e.fonction ?? NO_FUNCTION)),
  } : null;
  const m = c.maire;
  return {
    code,
    data: {
      maire: m ? {
        nom: m.nom, prenom: m.prenom, sexe: m.sexe, dateDebutMandat: m.debut_mandat, dateDebutFonction: m.debut_fonction,
        categorieSocioProfessionnelle: m.csp_code || m.csp_libelle ? { code: m.csp_code, libelle: m.csp_libelle } : null,
      } : null,
      conseilMunicipal: conseil,
      ...(c.sources.size > 1 || !c.sources.has(code) ? { codesSommes: [...c.sources].sort() } : {}),
    },
    rows,
  };
}
