/**
 * DECP: the columns read, the list's fields and the release metadata. The
 * commune record (figures per year, nature, CPV division and titulaire, once
 * for the contracts the commune passed and once for those executed in it, and
 * the list) is built in stage.sql, sections `data` and `rows`. Pure.
 */
import type { FieldSchema } from '../../src/contract/dataset.js';

export const PASSED = 'passé par la commune';
export const EXECUTED = 'exécuté dans la commune';

/** Columns the tabular file must carry (decp.info's schema names); the others are not read. */
export const REQUIRED_COLUMNS = ['uid', 'id', 'nature', 'acheteur_id', 'acheteur_nom', 'acheteur_categorie', 'titulaire_id', 'titulaire_nom',
  'objet', 'montant', 'codeCPV', 'procedure', 'dateNotification', 'lieuExecution_code', 'lieuExecution_typeCode', 'donneesActuelles'];

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
