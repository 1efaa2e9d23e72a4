/**
 * Sitadel (SDES): the four lists of building authorisations, their declared
 * layouts (the codes line, second of the two header lines), and the SQL
 * fragments of one commune's record (stage.sql, section `records`): the list
 * row in the order of the declared fields and the sums per year. Pure.
 */
import type { FieldSchema } from '../../src/contract/dataset.js';

const HEAD = ['REG_CODE', 'REG_LIBELLE', 'DEP_CODE', 'DEP_LIBELLE', 'COMM'];
const DATES = ['AN_DEPOT', 'DPC_PREM', 'DPC_AUT'];
const DEMANDEUR = ['APE_DEM', 'CJ_DEM', 'DENOM_DEM', 'SIREN_DEM', 'SIRET_DEM', 'CODPOST_DEM', 'LOCALITE_DEM', 'REC_ARCHI'];
const TERRAIN = ['ADR_NUM_TER', 'ADR_TYPEVOIE_TER', 'ADR_LIBVOIE_TER', 'ADR_LIEUDIT_TER', 'ADR_LOCALITE_TER', 'ADR_CODPOST_TER',
  'SEC_CADASTRE1', 'NUM_CADASTRE1', 'SEC_CADASTRE2', 'NUM_CADASTRE2', 'SEC_CADASTRE3', 'NUM_CADASTRE3', 'SUPERFICIE_TERRAIN', 'ZONE_OP'];
const SURFACES = (kinds: string[]) => kinds.flatMap((k) => ['AVANT', 'CREEE', 'ISSUE_TRANSFO', 'DEMOLIE', 'TRANSFORMEE'].map((s) => `SURF_${k}_${s}`));
const DESTINATIONS = ['HEB', 'BUR', 'COM', 'ART', 'IND', 'AGR', 'ENT', 'PUB'];

export type Liste = 'logements' | 'locaux-non-residentiels' | 'permis-amenager' | 'permis-demolir';

/** One list: its codes line (édition 2026-01, verified on the real files) and the columns that carry number and état. */
export interface Layout { liste: Liste; columns: string[]; numero: string; etat: string; type?: string }

export const LAYOUTS: Layout[] = [
  {
    liste: 'logements', numero: 'NUM_DAU', etat: 'ETAT_DAU', type: 'TYPE_DAU',
    columns: [...HEAD, 'TYPE_DAU', 'NUM_DAU', 'ETAT_DAU', 'DATE_REELLE_AUTORISATION', 'DATE_REELLE_DOC', 'DATE_REELLE_DAACT', ...DATES,
      'DPC_DOC', 'DPC_DERN', 'CAT_DEM', ...DEMANDEUR, ...TERRAIN, 'NATURE_PROJET_DECLAREE', 'NATURE_PROJET_COMPLETEE',
      'DESTINATION_PRINCIPALE', 'TYPE_PRINCIP_LOGTS_CREES', 'TYPE_TRANSFO_PRINCIPAL', 'TYPE_PRINCIP_LOCAUX_TRANSFORMES', 'I_EXTENSION',
      'I_SURELEVATION', 'I_NIVSUPP', 'NB_NIV_MAX', 'UTILISATION', 'RES_PRINCIP_OU_SECOND', 'TYP_ANNEXE', 'I_PISCINE', 'I_GARAGE', 'I_VERANDA',
      'I_ABRI_JARDIN', 'I_AUTRE_ANNEXE', 'RESIDENCE', 'RES_PERS_AGEES', 'RES_ETUDIANTS', 'RES_TOURISME', 'RES_HOTEL_SOCIALE', 'RES_SOCIALE',
      'RES_HANDICAPES', 'RES_AUTRE', 'NB_LGT_TOT_CREES', 'NB_LGT_IND_CREES', 'NB_LGT_COL_CREES', 'NB_LGT_INDIV_PURS', 'NB_LGT_INDIV_GROUPES',
      'NB_LGT_RES', 'NB_LGT_COL_HORS_RES', 'NB_LGT_DEMOLIS', 'NB_LGT_1P', 'NB_LGT_2P', 'NB_LGT_3P', 'NB_LGT_4P', 'NB_LGT_5P', 'NB_LGT_6P_PLUS',
      'NB_LGT_PRET_LOC_SOCIAL', 'NB_LGT_ACC_SOC_HORS_PTZ', 'NB_LGT_PTZ', ...SURFACES(['HAB', 'LOC']),
      ...DESTINATIONS.map((d) => `SURF_${d}_TRANSFORMEE`)],
  },
  {
    liste: 'locaux-non-residentiels', numero: 'NUM_DAU', etat: 'ETAT_DAU', type: 'TYPE_DAU',
    columns: [...HEAD, 'TYPE_DAU', 'NUM_DAU', 'ETAT_DAU', 'DATE_REELLE_AUTORISATION', 'DATE_REELLE_DOC', 'DATE_REELLE_DAACT', ...DATES,
      'DPC_DOC', 'DPC_DERN', ...DEMANDEUR, ...TERRAIN, 'NATURE_PROJET_DECLAREE', 'NATURE_PROJET_COMPLETEE', 'DESTINATION_PRINCIPALE',
      'TYPE_TRANSFO_PRINCIPAL', 'TYPE_PRINCIP_LOCAUX_TRANSFORMES', 'I_EXTENSION', 'I_SURELEVATION', 'I_NIVSUPP', 'NB_NIV_MAX', 'NB_CHAMBRES',
      ...SURFACES(['HAB', 'LOC', ...DESTINATIONS]), 'TYPE_SERVICE_PUBLIC'],
  },
  {
    liste: 'permis-amenager', numero: 'NUM_PA', etat: 'ETAT_PA',
    columns: [...HEAD, 'NUM_PA', 'ETAT_PA', 'DATE_REELLE_AUTORISATION', 'DATE_REELLE_DOC', 'DATE_REELLE_DAACT', ...DATES, 'DPC_DOC', 'DPC_DERN',
      ...DEMANDEUR, ...TERRAIN],
  },
  {
    liste: 'permis-demolir', numero: 'NUM_PD', etat: 'ETAT_PD',
    columns: [...HEAD, 'NUM_PD', 'ETAT_PD', 'DATE_REELLE_AUTORISATION', ...DATES, 'DPC_DERN', ...DEMANDEUR, ...TERRAIN],
  },
];

/** What the dictionaries allow where the declared types let more through (a commune code, an état), to name the line. */
export const formats = (l: Layout) => ({
  COMM: { test: (v: string) => /^(\d{2}|2A|2B)\d{3}$/.test(v), expected: 'un code commune' },
  [l.etat]: { test: (v: string) => /^[2456]$/.test(v), expected: 'un état 2, 4, 5 ou 6' },
});

/** Column names of the editions before 2022 (one header line, mixed case): such a file is refused, not guessed at. */
const LEGACY = /^(REG|DEP|Type_DAU|Num_DAU|Etat_DAU|Num_PA|Etat_PA|Num_PD|Etat_PD|sec_cadastre\d|num_cadastre\d|NATURE_PROJET)$/;
export const legacyColumns = (names: string[]): string[] => names.filter((n) => LEGACY.test(n));

/** The list whose number column the codes line carries (the exact header is then checked against it). */
export function layoutOf(names: string[]): Layout | undefined {
  if (names.includes('NUM_PD')) return LAYOUTS[3];
  if (names.includes('NUM_PA')) return LAYOUTS[2];
  if (names.includes('NUM_DAU')) return names.includes('NB_LGT_TOT_CREES') ? LAYOUTS[0] : LAYOUTS[1];
  return undefined;
}

/** ETAT_* codes of the dictionaries (dictionnaire-variables-*-20220531). */
export const ETATS: Record<string, string> = { 2: 'autorisé', 4: 'annulé', 5: 'commencé', 6: 'terminé' };
const text = (name: string, description: string, aggregation?: FieldSchema['aggregation']): FieldSchema => ({ name, type: 'string', description, ...(aggregation ? { aggregation } : {}) });
const sum = (name: string, description: string, unit?: string): FieldSchema => ({ name, type: 'integer', description, aggregation: 'sum', ...(unit ? { unit } : {}) });

export const FIELDS: FieldSchema[] = [
  text('liste', 'Liste Sitadel : logements, locaux-non-residentiels, permis-amenager, permis-demolir', 'key'),
  text('annee', 'Année de la date réelle d\'autorisation (DATE_REELLE_AUTORISATION)', 'key'),
  text('etat', 'État d\'avancement publié (ETAT_*) : autorisé (2), annulé (4), commencé (5), terminé (6)', 'key'),
  sum('nombre', '1 par autorisation : sa somme sur un territoire est le nombre d\'autorisations'),
  text('typeAutorisation', 'Type de DAU (TYPE_DAU : PC, DP, PA) ; PA ou PD pour les listes des permis d\'aménager et de démolir'),
  text('numero', 'Numéro d\'enregistrement (NUM_DAU, NUM_PA, NUM_PD)'),
  { name: 'dateAutorisation', type: 'date', description: 'Date réelle d\'autorisation initiale' },
  { name: 'dateOuvertureChantier', type: 'date', description: 'Date réelle d\'ouverture de chantier (DATE_REELLE_DOC ; absente des permis de démolir)' },
  { name: 'dateAchevementTravaux', type: 'date', description: 'Date réelle d\'achèvement des travaux (DATE_REELLE_DAACT ; absente des permis de démolir)' },
  text('anneeDepot', 'Année de dépôt de la demande (AN_DEPOT)'),
  text('demandeur', 'Dénomination du demandeur personne morale (DENOM_DEM) ; vide pour une personne physique'),
  text('sirenDemandeur', 'SIREN du demandeur personne morale (SIREN_DEM)'),
  text('siretDemandeur', 'SIRET du demandeur personne morale (SIRET_DEM)'),
  text('codePostalDemandeur', 'Code postal du demandeur (CODPOST_DEM), publié ici pour une personne morale seulement'),
  text('localiteDemandeur', 'Localité du demandeur (LOCALITE_DEM), publiée ici pour une personne morale seulement'),
  text('adresseNumero', 'Numéro de voie du terrain (ADR_NUM_TER), tel que publié'),
  text('adresseTypeVoie', 'Type de voie du terrain (ADR_TYPEVOIE_TER)'),
  text('adresseVoie', 'Libellé de la voie du terrain (ADR_LIBVOIE_TER), tel que publié (quelques adresses sont doublement encodées par le producteur)'),
  text('adresseLieuDit', 'Lieu-dit du terrain (ADR_LIEUDIT_TER)'),
  text('adresseLocalite', 'Localité du terrain (ADR_LOCALITE_TER)'),
  text('adresseCodePostal', 'Code postal du terrain (ADR_CODPOST_TER), tel que publié (parfois « 31 » ou « 0 »)'),
  ...[1, 2, 3].flatMap((i) => [text(`sectionCadastrale${i}`, `Section cadastrale ${i}`), text(`parcelleCadastrale${i}`, `Numéro de parcelle cadastrale ${i}`)]),
  { name: 'superficieTerrain', type: 'integer', unit: 'm²', description: 'Superficie du terrain (SUPERFICIE_TERRAIN)' },
  sum('logementsCrees', 'Logements créés (NB_LGT_TOT_CREES ; liste des logements)', 'logements'),
  sum('logementsIndividuels', 'Logements individuels créés (NB_LGT_IND_CREES)', 'logements'),
  sum('logementsCollectifsHorsResidence', 'Logements collectifs créés hors résidence (NB_LGT_COL_HORS_RES)', 'logements'),
  sum('logementsEnResidence', 'Logements créés en résidence (NB_LGT_RES : personnes âgées, étudiants, tourisme…)', 'logements'),
  sum('surfaceHabitationCreee', 'Surface de plancher d\'habitation créée (SURF_HAB_CREEE)', 'm²'),
  sum('surfaceLocauxCreee', 'Surface de plancher de locaux non résidentiels créée (SURF_LOC_CREEE)', 'm²'),
  text('codeCommuneSource', 'Code commune publié (COMM), avant recodage sur le COG courant'),
];
/** The list row built in SQL, field by field in declared order (`nombre` is 1, `etat` the label of ETAT_*). */
export const ROW_SQL = `struct_pack(${FIELDS.map((f) => `${f.name} := ${f.name === 'nombre' ? '1'
  : f.name === 'etat' ? `CASE etatCode ${Object.entries(ETATS).map(([k, v]) => `WHEN ${k} THEN '${v}'`).join(' ')} END` : f.name}`).join(', ')})`;

/** Housing units and floor areas, summed per year of authorisation and list. */
const MEASURES = ['logementsCrees', 'logementsIndividuels', 'logementsCollectifsHorsResidence', 'logementsEnResidence',
  'surfaceHabitationCreee', 'surfaceLocauxCreee'];
/** The sums per year and list (stage.sql, section `records`): NULL where no permit of the year publishes the measure. */
export const SUMS_SQL = MEASURES.map((m) => `CAST(sum(${m}) AS BIGINT) AS ${m}`).join(', ');
export const MEASURES_SQL = MEASURES.map((m) => `${m}: ${m}`).join(', ');

/** The release-level description: what the counts mean, and how many rows carry the producer's double encoding. */
export function metadataOf(doubleEncoded: number, files: Partial<Record<Liste, string>>) {
  return {
    listes: files,
    etats: ETATS,
    annee: 'Année de la date réelle d\'autorisation initiale ; les effectifs par état sont ceux de l\'état d\'avancement publié (autorisés non commencés, annulés, commencés, terminés).',
    region: 'La région de chaque commune est celle du COG courant : REG_CODE et REG_LIBELLE du fichier sont les régions d\'avant 2016 et ne sont pas repris.',
    demandeur: 'L\'identité du demandeur n\'est publiée par le producteur que pour une personne morale ; code postal et localité du demandeur ne sont repris que dans ce cas.',
    adressesDoubleEncodees: doubleEncoded,
    adressesDoubleEncodeesNote: 'Lignes dont une adresse ou un nom porte un texte doublement encodé par le producteur (caractères de contrôle C1 ou « Ã » suivi d\'un second octet, comme « ALLAÃÂE » pour « ALLÉE ») : valeurs publiées telles quelles, non corrigées.',
    miseEnChantier: 'Le SDES estime qu\'environ 15 % des ouvertures de chantier ne lui sont pas déclarées.',
  };
}
