/**
 * DECP: one commune's contracts (already current and de-duplicated on uid),
 * as the list and the figures per year, nature, CPV division and titulaire,
 * once for the contracts the commune passed and once for those executed in it. Pure.
 */
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';

export const PASSED = 'passé par la commune';
export const EXECUTED = 'exécuté dans la commune';

/** Columns the tabular file must carry (decp.info's schema names); the others are not read. */
export const REQUIRED_COLUMNS = ['uid', 'id', 'nature', 'acheteur_id', 'acheteur_nom', 'acheteur_categorie', 'titulaire_id', 'titulaire_nom',
  'objet', 'montant', 'codeCPV', 'procedure', 'dateNotification', 'lieuExecution_code', 'lieuExecution_typeCode', 'donneesActuelles'];

export interface StagedContract {
  relation: string; uid: string; id: string | null; nature: string | null; acheteurId: string | null; acheteurNom: string | null;
  acheteurCategorie: string | null; objet: string | null; montant: number | null; codeCPV: string | null; procedure: string | null;
  dateNotification: string | null; lieuExecutionCode: string | null; lieuExecutionTypeCode: string | null;
  titulaires: { id: string | null; nom: string | null }[] | null;
}

const text = (name: string, description: string, aggregation?: FieldSchema['aggregation']): FieldSchema => ({ name, type: 'string', description, ...(aggregation ? { aggregation } : {}) });
export const FIELDS: FieldSchema[] = [
  text('relation', `« ${PASSED} » (acheteur : la commune, par son SIREN) ou « ${EXECUTED} » (lieu d'exécution : code commune)`, 'key'),
  text('annee', 'Année de notification', 'key'),
  text('nature', 'Nature du marché (Marché, Accord-cadre, Marché subséquent…) telle que publiée', 'key'),
  { name: 'nombre', type: 'integer', description: '1 par marché (uid) : sa somme sur un territoire est le nombre de marchés', aggregation: 'sum' },
  { name: 'montant', type: 'number', unit: '€', description: 'Montant du marché (le dernier publié), compté une fois par uid', aggregation: 'sum' },
  text('uid', 'Identifiant unique du marché (uid des DECP consolidées)'),
  text('id', 'Identifiant du marché chez l\'acheteur'),
  text('objet', 'Objet du marché'),
  text('codeCPV', 'Code CPV (nomenclature européenne des achats)'),
  text('divisionCPV', 'Division CPV (deux premiers chiffres du code)'),
  text('procedure', 'Procédure de passation'),
  { name: 'dateNotification', type: 'date', description: 'Date de notification' },
  text('acheteurId', 'SIRET de l\'acheteur'),
  text('acheteurNom', 'Nom de l\'acheteur'),
  text('titulaires', 'Identifiants (SIRET…) des titulaires, séparés par « | »'),
  text('titulairesNoms', 'Noms des titulaires, séparés par « | »'),
  text('lieuExecutionCode', 'Code du lieu d\'exécution tel que publié'),
  text('lieuExecutionTypeCode', 'Type du code du lieu d\'exécution (code commune, code postal, département…)'),
];

const TOP_TITULAIRES = 10;
interface Tally { marches: number; montant: number; montantsInconnus: number }
const tallyBy = <K extends string>(contracts: StagedContract[], key: (c: StagedContract) => string | null, name: K) => {
  const out = new Map<string, Tally>();
  for (const c of contracts) {
    const k = key(c) ?? '';
    const t = out.get(k) ?? { marches: 0, montant: 0, montantsInconnus: 0 };
    t.marches++;
    if (c.montant === null) t.montantsInconnus++; else t.montant += c.montant;
    out.set(k, t);
  }
  return [...out].map(([k, t]) => ({ [name]: k || null, ...t, montant: round(t.montant) })) as ({ [P in K]: string | null } & Tally)[];
};
const round = (v: number) => Math.round(v * 100) / 100;
const yearOf = (c: StagedContract) => c.dateNotification?.slice(0, 4) ?? null;
const divisionOf = (c: StagedContract) => c.codeCPV?.slice(0, 2) ?? null;

function figures(contracts: StagedContract[], withDetail: boolean) {
  if (!contracts.length) return null;
  const total = tallyBy(contracts, () => 'tous', 'cle')[0];
  const detail = withDetail ? {
    parNature: tallyBy(contracts, (c) => c.nature, 'nature').sort((a, b) => b.montant - a.montant),
    parDivisionCpv: tallyBy(contracts, divisionOf, 'division').sort((a, b) => String(a.division).localeCompare(String(b.division))),
    principauxTitulaires: topTitulaires(contracts),
  } : {};
  return {
    marches: total.marches, montant: total.montant, montantsInconnus: total.montantsInconnus,
    parAnnee: tallyBy(contracts, yearOf, 'annee').sort((a, b) => String(a.annee).localeCompare(String(b.annee))), ...detail,
  };
}

/** Titulaires by number of contracts, then amount; a co-contractor is credited with the whole contract. */
function topTitulaires(contracts: StagedContract[]) {
  const byId = new Map<string, { id: string | null; nom: string | null; marches: number; montant: number }>();
  for (const c of contracts) {
    for (const t of c.titulaires ?? []) {
      const key = t.id ?? `nom:${t.nom}`;
      const entry = byId.get(key) ?? { id: t.id, nom: t.nom, marches: 0, montant: 0 };
      entry.marches++;
      entry.montant = round(entry.montant + (c.montant ?? 0));
      entry.nom ??= t.nom;
      byId.set(key, entry);
    }
  }
  return [...byId.values()].sort((a, b) => b.marches - a.marches || b.montant - a.montant).slice(0, TOP_TITULAIRES);
}

export function communeRecord(code: string, contracts: StagedContract[], siren: string | null): CommuneRecord {
  const rows: Record<string, Scalar>[] = contracts.map((c) => ({
    relation: c.relation, annee: yearOf(c), nature: c.nature, nombre: 1, montant: c.montant, uid: c.uid, id: c.id, objet: c.objet,
    codeCPV: c.codeCPV, divisionCPV: divisionOf(c), procedure: c.procedure, dateNotification: c.dateNotification,
    acheteurId: c.acheteurId, acheteurNom: c.acheteurNom,
    titulaires: (c.titulaires ?? []).map((t) => t.id ?? '').join(' | ') || null, titulairesNoms: (c.titulaires ?? []).map((t) => t.nom ?? '').join(' | ') || null,
    lieuExecutionCode: c.lieuExecutionCode, lieuExecutionTypeCode: c.lieuExecutionTypeCode,
  }));
  return {
    code,
    data: {
      siren,
      passes: figures(contracts.filter((c) => c.relation === PASSED), true),
      executes: figures(contracts.filter((c) => c.relation === EXECUTED), false),
    },
    rows,
  };
}

export function metadataOf(counts: Record<string, unknown>, format: string[]) {
  return {
    formats: format,
    lignesLues: Number(counts.lignes),
    lignesNonActuelles: Number(counts.lignes_non_actuelles),
    lignesSansIndicateur: Number(counts.lignes_sans_indicateur),
    marches: Number(counts.marches),
    marchesAMontantsDivergents: Number(counts.montants_divergents),
    regles: [
      'Une ligne des DECP consolidées est un couple marché × titulaire × modification : seules les lignes actuelles (donneesActuelles) sont gardées '
        + '(une ligne sans indicateur l\'est aussi), puis chaque marché est compté une fois par uid avant toute somme.',
      'Marchés passés par la commune : acheteur dont le SIREN (9 premiers chiffres du SIRET) est celui de la commune, de catégorie Commune quand le fichier la donne.',
      'Marchés exécutés dans la commune : lieu d\'exécution donné comme code commune (souvent, il est un code postal ou un département : ces marchés-là ne sont rattachés à aucune commune).',
      'Beaucoup de petites communes n\'ont aucun marché publié (seuil de publication, non-publication) : leur statut est « no-data-for-commune ».',
    ],
  };
}
