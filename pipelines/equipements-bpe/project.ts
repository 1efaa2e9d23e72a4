/**
 * BPE per commune and arrondissement: equipments by type with the
 * nomenclature's labels, grouped by domain, the named santé block, and the
 * points where the file has coordinates. Pure: counts, nomenclature and
 * points in, records out.
 */
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import type { Modality } from '../framework/insee-varmod.js';
import type { Referential } from '../../src/domain/referential.js';

export const FIELDS: FieldSchema[] = [
  { name: 'domaine', type: 'string', description: 'Domaine de la BPE (lettre A à G)', aggregation: 'key' },
  { name: 'libelleDomaine', type: 'string', description: 'Libellé du domaine dans la nomenclature du producteur' },
  { name: 'typequ', type: 'string', description: 'Type d\'équipement (TYPEQU de l\'édition)', aggregation: 'key' },
  { name: 'libelle', type: 'string', description: 'Libellé du type dans la nomenclature du producteur' },
  { name: 'nombre', type: 'integer', description: 'Équipements de ce type dans la commune (lignes de la BPE)', aggregation: 'sum' },
  { name: 'geolocalises', type: 'integer', description: 'Dont équipements avec coordonnées', aggregation: 'sum' },
];

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

export interface TypeCount { typequ: string; nombre: number; geolocalises: number }
export interface Nomenclature { typequ: Map<string, Modality>; domaines: Map<string, Modality>; sante: SanteCodes[] }

/** One commune's document and table from its counts by type. */
export function communeRecord(code: string, counts: TypeCount[], nomenclature: Nomenclature, features?: GeoJSON.Feature[]): CommuneRecord {
  const sorted = [...counts].sort((a, b) => a.typequ.localeCompare(b.typequ));
  const rows: Record<string, Scalar>[] = sorted.map((c) => ({
    domaine: c.typequ[0], libelleDomaine: nomenclature.domaines.get(c.typequ[0])?.libelle ?? null,
    typequ: c.typequ, libelle: nomenclature.typequ.get(c.typequ)?.libelle ?? null, nombre: c.nombre, geolocalises: c.geolocalises,
  }));
  const domaines = [...new Set(rows.map((r) => r.domaine as string))].map((d) => {
    const ofDomain = rows.filter((r) => r.domaine === d);
    return {
      code: d, libelle: nomenclature.domaines.get(d)?.libelle ?? null, nombre: ofDomain.reduce((s, r) => s + (r.nombre as number), 0),
      equipements: ofDomain.map((r) => ({ typequ: r.typequ, libelle: r.libelle, nombre: r.nombre })),
    };
  });
  const count = (codes: string[]) => sorted.filter((c) => codes.includes(c.typequ)).reduce((s, c) => s + c.nombre, 0);
  const sante = Object.fromEntries(nomenclature.sante.map((s) => [s.cle, { codes: s.codes, libelles: s.libelles, nombre: count(s.codes) }]));
  const total = sorted.reduce((s, c) => s + c.nombre, 0);
  const geolocalises = sorted.reduce((s, c) => s + c.geolocalises, 0);
  return { code, data: { total, geolocalises, sante, domaines }, rows, ...(features ? { features } : {}) };
}

/** The `counts` and `rejected` sections' rows as counts per commune, rows attributed, rows set aside by reason. */
export function tally(countRows: Record<string, unknown>[], rejectedRows: Record<string, unknown>[]) {
  const counts = new Map<string, TypeCount[]>();
  let projected = 0;
  for (const r of countRows) {
    const list = counts.get(r.commune as string) ?? [];
    list.push({ typequ: r.typequ as string, nombre: Number(r.nombre), geolocalises: Number(r.geolocalises) });
    counts.set(r.commune as string, list);
    projected += Number(r.nombre);
  }
  const rejected = new Map(rejectedRows.map((r) => [r.motif as string, Number(r.n)]));
  return { counts, projected, rejected };
}

/**
 * Paris, Lyon and Marseille get the sum of their arrondissements (the BPE codes
 * them by arrondissement; EPCI and département aggregates read the city).
 */
export function plmSums(counts: Map<string, TypeCount[]>, referential: Referential): void {
  const parents = new Set([...counts.keys()].map((c) => referential.plmParent(c)).filter((p): p is string => p !== undefined));
  for (const parent of parents) {
    counts.set(parent, sumCounts([counts.get(parent) ?? [], ...referential.arrondissementsOf(parent).map((a) => counts.get(a) ?? [])]));
  }
}

export const METADATA = {
  points: 'WGS84 : LONGITUDE/LATITUDE du fichier, ou LAMBERT_X/LAMBERT_Y reprojetées depuis la projection de la colonne EPSG ; qualiteXY = QUALITE_XY du producteur.',
  plm: 'Paris, Lyon et Marseille : somme de leurs arrondissements (la BPE les code par arrondissement), points compris.',
  comptage: 'Une ligne de la BPE = un équipement ; nombre = lignes par commune et type.',
};

/** Counts of a PLM parent: the sum of its arrondissements' counts, type by type. */
export function sumCounts(lists: TypeCount[][]): TypeCount[] {
  const by = new Map<string, TypeCount>();
  for (const c of lists.flat()) {
    const t = by.get(c.typequ) ?? { typequ: c.typequ, nombre: 0, geolocalises: 0 };
    t.nombre += c.nombre;
    t.geolocalises += c.geolocalises;
    by.set(c.typequ, t);
  }
  return [...by.values()];
}

/** One equipment as a point, with the producer's coordinate quality flag (QUALITE_XY). */
export function pointFeature(row: Record<string, unknown>, position: [number, number], nomenclature: Nomenclature): GeoJSON.Feature {
  const typequ = String(row.typequ);
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [Math.round(position[0] * 1e6) / 1e6, Math.round(position[1] * 1e6) / 1e6] },
    properties: { typequ, libelle: nomenclature.typequ.get(typequ)?.libelle ?? null, domaine: typequ[0], qualiteXY: (row.qualite_xy as string | null) ?? null },
  };
}
