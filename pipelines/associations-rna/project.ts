/**
 * Associations of the RNA (Waldec) per commune: the declared header, value
 * checks, fields and the SQL fragments of the records built in stage.sql
 * (counts: active, created per year, active per Waldec theme; the list of
 * active associations). Pure. Arrondissements of Paris, Lyon and Marseille
 * keep their own records and are also counted in their commune.
 */
import type { FieldSchema } from '../../src/contract/dataset.js';
import type { Referential } from '../../src/domain/referential.js';
import { sqlString } from '../framework/sql-script.js';

/** The Waldec files' header, exactly (sources-wave2 §5). */
export const HEADER = ['id', 'id_ex', 'siret', 'rup_mi', 'gestion', 'date_creat', 'date_decla', 'date_publi', 'date_disso', 'nature', 'groupement',
  'titre', 'titre_court', 'objet', 'objet_social1', 'objet_social2', 'adrs_complement', 'adrs_numvoie', 'adrs_repetition', 'adrs_typevoie',
  'adrs_libvoie', 'adrs_distrib', 'adrs_codeinsee', 'adrs_codepostal', 'adrs_libcommune', 'adrg_declarant', 'adrg_complemid', 'adrg_complemgeo',
  'adrg_libvoie', 'adrg_distrib', 'adrg_codepostal', 'adrg_achemine', 'adrg_pays', 'dir_civilite', 'siteweb', 'publiweb', 'observation', 'position', 'maj_time'];

/** What a value must look like, checked in SQL (stage.sql `checks`) and, to name the line, on the record. */
export const VALUE_CHECKS = {
  position: { column: 'position', bad: (v: string) => !['A', 'D', 'S', 'R'].includes(v), expected: 'A, D, S ou R' },
  date_creat: { column: 'date_creat', bad: (v: string) => v !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(v), expected: 'une date AAAA-MM-JJ' },
};

/** The arrondissements municipaux and their commune, as SQL VALUES for the roll-up (stage.sql `placed`). */
export function plmValues(referential: Referential): string {
  const quote = (s: string) => `'${s}'`;
  return [...referential.communesAndArrondissements()].filter((c) => referential.plmParent(c.code))
    .map((c) => `(${quote(c.code)}, ${quote(referential.plmParent(c.code)!)})`).join(', ');
}

/** Alsace-Moselle: associations de droit local (registres des tribunaux) are not in the RNA. */
export const DROIT_LOCAL_DEPARTEMENTS = ['57', '67', '68'];
export const PARTIAL_COVERAGE = 'partielle : associations de droit local d\'Alsace-Moselle absentes du RNA';
export const FULL_COVERAGE = 'complète';

export const COUNT_FIELDS: FieldSchema[] = [
  { name: 'indicateur', type: 'string', description: 'actives (position A), creations (par année de date_creat, fiches supprimées exclues) ou themes (actives par code objet_social1)', aggregation: 'key' },
  { name: 'modalite', type: 'string', description: 'Année de création (creations), code de thème Waldec objet_social1 (themes, 000000 = non renseigné), vide (actives)', aggregation: 'key' },
  { name: 'associations', type: 'integer', description: 'Nombre d\'associations', unit: 'associations', aggregation: 'sum' },
  { name: 'couverture', type: 'string', description: `${FULL_COVERAGE}, ou ${PARTIAL_COVERAGE} (départements 57, 67, 68)` },
];

export const LIST_FIELDS: FieldSchema[] = [
  { name: 'id', type: 'string', description: 'Numéro RNA (W…), clé de l\'association' },
  { name: 'titre', type: 'string', description: 'Nom de l\'association' },
  { name: 'objet', type: 'string', description: 'Objet déclaré' },
  { name: 'dateCreation', type: 'date', description: 'Date de création (date_creat)' },
  { name: 'siteWeb', type: 'string', description: 'Site internet déclaré' },
  { name: 'theme', type: 'string', description: 'Code de thème Waldec (objet_social1)' },
  { name: 'codeCommuneRna', type: 'string', description: 'Code commune du siège tel qu\'écrit dans le RNA (avant recodage, arrondissement pour Paris, Lyon, Marseille)' },
];

/** Whether a commune (`code`) is in Alsace-Moselle, and its coverage, as SQL (stage.sql `counts`, `list_data`). */
export const DROIT_LOCAL_SQL = `code[1:2] IN (${DROIT_LOCAL_DEPARTEMENTS.map(sqlString).join(', ')})`;
export const COVERAGE_SQL = `CASE WHEN ${DROIT_LOCAL_SQL} THEN ${sqlString(PARTIAL_COVERAGE)} ELSE ${sqlString(FULL_COVERAGE)} END`;
