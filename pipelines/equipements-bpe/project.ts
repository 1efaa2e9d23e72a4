/**
 * BPE per commune and arrondissement: equipments by type, grouped by domain,
 * the named santé block, and the points where the file has coordinates; the
 * nomenclature's labels once in the fields and metadata. Pure: which
 * nomenclature codes the santé items are, and the SQL fragment that counts
 * them (stage.sql builds the records).
 */
import type { FieldSchema } from '../../src/contract/dataset.js';
import type { Modality } from '../framework/insee-varmod.js';
import { sqlString } from '../framework/sql-script.js';

/**
 * The table's columns; `domaine` and `typequ` carry the edition's labels as Table Schema
 * `categories` (once per load, not in every commune's rows).
 */
export function fields(nomenclature: Pick<Nomenclature, 'typequ' | 'domaines'>): FieldSchema[] {
  const categories = (list: Map<string, Modality>) => [...list.values()].map(({ code, libelle }) => ({ value: code, label: libelle }));
  return [
    { name: 'domaine', type: 'string', description: 'Domaine de la BPE (lettre A à G) ; libellés : categories', aggregation: 'key', categories: categories(nomenclature.domaines) },
    { name: 'typequ', type: 'string', description: 'Type d\'équipement (TYPEQU de l\'édition) ; libellés de la nomenclature : categories', aggregation: 'key', categories: categories(nomenclature.typequ) },
    { name: 'nombre', type: 'integer', description: 'Équipements de ce type dans la commune (lignes de la BPE)', aggregation: 'sum' },
    { name: 'geolocalises', type: 'integer', description: 'Dont équipements avec coordonnées', aggregation: 'sum' },
  ];
}

/**
 * The santé block: which TYPEQU codes stand for each item, newest edition first
 * (D201 → D265 for généralistes in the 2023 nomenclature), and the words the
 * nomenclature's label must carry for the code to be taken as meaning it.
 */
export const SANTE = [
  { cle: 'medecinsGeneralistes', codes: ['D265', 'D201'], libelle: /m[ée]decin.*g[ée]n[ée]raliste/i, nom: 'médecins généralistes' },
  { cle: 'dentistes', codes: ['D277', 'D221'], libelle: /dentiste/i, nom: 'chirurgiens-dentistes' },
  { cle: 'infirmiers', codes: ['D281', 'D232'], libelle: /infirmi/i, nom: 'infirmiers' },
  { cle: 'pharmacies', codes: ['D307', 'D301'], libelle: /pharmacie/i, nom: 'pharmacies' },
  { cle: 'urgences', codes: ['D106'], libelle: /urgence/i, nom: 'services d\'urgences' },
  { cle: 'maternites', codes: ['D107'], libelle: /maternit/i, nom: 'maternités' },
] as const;

export interface SanteCodes { cle: string; codes: string[]; libelles: string[] }

/**
 * The codes of each santé item in this edition's nomenclature. A code the
 * nomenclature gives another meaning is not taken; an item left with no code,
 * or whose newest code now means something else, is an error naming the line.
 */
export function santeCodes(typequ: Map<string, Modality>): { ok: SanteCodes[] } | { item: string; line?: number; problem: string } {
  const ok: SanteCodes[] = [];
  for (const item of SANTE) {
    const found = item.codes.map((c) => typequ.get(c)).filter((m): m is Modality => m !== undefined);
    const newest = typequ.get(item.codes[0]);
    if (newest && !item.libelle.test(newest.libelle)) {
      return { item: item.nom, line: newest.line, problem: `le code ${newest.code} est libellé « ${newest.libelle} » dans la nomenclature, attendu : ${item.nom}` };
    }
    const matching = found.filter((m) => item.libelle.test(m.libelle));
    if (!matching.length) return { item: item.nom, problem: `aucun des codes ${item.codes.join(', ')} n'est dans la nomenclature pour les ${item.nom}` };
    ok.push({ cle: item.cle, codes: matching.map((m) => m.code), libelles: matching.map((m) => m.libelle) });
  }
  return { ok };
}

export interface Nomenclature { typequ: Map<string, Modality>; domaines: Map<string, Modality>; sante: SanteCodes[] }

/**
 * The `sante` object of a commune's document as a DuckDB aggregate over its
 * counts by type (stage.sql's `types`): the equipments of each santé item's
 * codes (which codes and their labels: the load's metadata, `sante`).
 */
export function santeSql(sante: SanteCodes[]): string {
  return `{${sante.map((s) => `${sqlString(s.cle)}: coalesce(sum(nombre) FILTER (WHERE typequ IN (${s.codes.map(sqlString).join(', ')})), 0)::BIGINT`).join(', ')}}`;
}

/** What is the same for every commune, once in the load's metadata (served at /sources/equipements-bpe). */
export function metadata(nomenclature: Nomenclature, file: string) {
  const labels = (list: Map<string, Modality>) => [...list.values()].map(({ code, libelle }) => ({ code, libelle }));
  return { ...METADATA, nomenclature: file, domaines: labels(nomenclature.domaines), types: labels(nomenclature.typequ), sante: nomenclature.sante };
}

export const METADATA = {
  points: 'WGS84 : LONGITUDE/LATITUDE telles que le fichier les écrit, ou LAMBERT_X/LAMBERT_Y reprojetées depuis la projection de la colonne EPSG (6 décimales) ; propriétés : typequ (libellé et domaine : types et domaines ci-dessous) et qualiteXY = QUALITE_XY du producteur.',
  codes: 'Les documents, tables et points ne portent que les codes (domaine, typequ) ; leurs libellés sont ceux de la nomenclature de l\'édition, donnés une fois ici (domaines, types) et dans le Table Schema (categories).',
  plm: 'Paris, Lyon et Marseille : somme de leurs arrondissements (la BPE les code par arrondissement), points compris.',
  comptage: 'Une ligne de la BPE = un équipement ; nombre = lignes par commune et type.',
};
