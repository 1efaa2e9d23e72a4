/**
 * Which planning document applies in each commune, and since when, from the
 * Géoportail de l'Urbanisme answers (API Carto `gpu/municipality` and
 * `gpu/document`). Pure: parsed answers in, one record per commune out.
 *
 * - `is_rnu` of `gpu/municipality` is the GPU's own statement that no local
 *   document is opposable: the commune is under the RNU, whatever documents in
 *   preparation exist.
 * - Otherwise the applicable document is the most recently approved PLU, PLUi,
 *   POS or carte communale among the commune's partition (`DU_<insee>`) and its
 *   EPCI's (`DU_<siren>`, PLUi). PSMV (secteurs sauvegardés) cover a part of a
 *   commune beside its document: listed, never "the" document.
 * - The approval date is read from the document's `name` (`28390_CC_20120312`):
 *   the API has no other field for it; no date rather than a made-up one.
 */
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import type { Referential } from '../../src/domain/referential.js';

export interface GpuDocument {
  du_type?: string; partition?: string; grid_name?: string; grid_title?: string; name?: string;
  gpu_doc_id?: string; gpu_status?: string; gpu_timestamp?: string;
}
export interface Municipality { insee: string; name?: string; is_rnu: boolean }
export interface CommuneAnswers {
  municipality?: Municipality | null;
  communeDocuments?: GpuDocument[];
  epciDocuments?: GpuDocument[];
  /** The server's date of the municipality answer. */
  dateReponse?: string;
}

export const TYPE_LABELS: Record<string, string> = {
  PLUi: 'plan local d\'urbanisme intercommunal', PLU: 'plan local d\'urbanisme', POS: 'plan d\'occupation des sols',
  CC: 'carte communale', RNU: 'règlement national d\'urbanisme', PSMV: 'plan de sauvegarde et de mise en valeur',
};
const MAIN_TYPES = ['PLUi', 'PLU', 'POS', 'CC'];
const COUNTERS: [string, string, string][] = [
  ['communesPlui', 'PLUi', 'Communes couvertes par un PLUi'], ['communesPlu', 'PLU', 'Communes couvertes par un PLU communal'],
  ['communesPos', 'POS', 'Communes encore sous POS'], ['communesCarteCommunale', 'CC', 'Communes couvertes par une carte communale'],
  ['communesRnu', 'RNU', 'Communes au règlement national d\'urbanisme'], ['communesSansDocumentGpu', '', 'Communes hors RNU sans document publié au GPU'],
];

export const FIELDS: FieldSchema[] = [
  { name: 'document', type: 'string', description: 'Document applicable : PLUi, PLU, POS, CC (carte communale) ou RNU ; vide quand la commune n\'est pas au RNU et qu\'aucun document n\'est publié au GPU' },
  { name: 'enClair', type: 'string', description: 'Le document applicable en toutes lettres, avec son porteur et sa date d\'approbation' },
  { name: 'depuis', type: 'date', description: 'Date d\'approbation du document (lue dans son nom au GPU, `<partition>_<type>_AAAAMMJJ`) ; vide si inconnue' },
  { name: 'porteur', type: 'string', description: 'commune ou epci (document intercommunal porté par l\'EPCI, partition DU_<SIREN>)' },
  { name: 'titre', type: 'string', description: 'Intitulé du territoire du document au GPU (grid_title)' },
  { name: 'partition', type: 'string', description: 'Partition du document au GPU (DU_<code INSEE> ou DU_<SIREN>)' },
  { name: 'majGpu', type: 'string', description: 'Dernière mise à jour du document au GPU (gpu_timestamp)' },
  { name: 'dateReponse', type: 'string', description: 'Date de la réponse de l\'API (en-tête Date), la date de l\'information' },
  ...COUNTERS.map(([name, , description]): FieldSchema => ({ name, type: 'integer', description: `${description} (1 ou 0 pour une commune)`, unit: 'communes', aggregation: 'sum' })),
];

/** `26289_PLU_20200306` → `2020-03-06`; undefined when the name carries no valid date. */
export function approvalDate(name: string | undefined): string | undefined {
  const part = (name ?? '').split('_').find((p) => /^\d{8}$/.test(p));
  if (!part) return undefined;
  const iso = `${part.slice(0, 4)}-${part.slice(4, 6)}-${part.slice(6, 8)}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) && iso >= '1950' ? iso : undefined;
}

const frenchDate = (iso: string) => iso.split('-').reverse().join('/');

/** The applicable document of one commune (see the module comment). */
export function applicable(answers: CommuneAnswers) {
  const candidates = [...(answers.communeDocuments ?? []).map((d) => ({ d, porteur: 'commune' })), ...(answers.epciDocuments ?? []).map((d) => ({ d, porteur: 'epci' }))]
    .filter(({ d }) => MAIN_TYPES.includes(d.du_type ?? ''))
    .map((c) => ({ ...c, depuis: approvalDate(c.d.name) }))
    .sort((a, b) => (b.depuis ?? '').localeCompare(a.depuis ?? '') || MAIN_TYPES.indexOf(a.d.du_type!) - MAIN_TYPES.indexOf(b.d.du_type!));
  if (answers.municipality?.is_rnu) return { document: 'RNU', porteur: null, depuis: undefined, d: undefined, ignored: candidates.length };
  const best = candidates[0];
  return best ? { document: best.d.du_type!, porteur: best.porteur, depuis: best.depuis, d: best.d, ignored: 0 } : { document: null, porteur: null, depuis: undefined, d: undefined, ignored: 0 };
}

export function communeRecord(code: string, answers: CommuneAnswers, referential: Referential): CommuneRecord {
  const a = applicable(answers);
  const epci = referential.epci.get(referential.commune(code)?.epci ?? '');
  const owner = a.porteur === 'epci' ? ` de ${epci?.nom ?? a.d?.grid_title}` : '';
  const enClair = a.document === 'RNU' ? 'Règlement national d\'urbanisme (RNU) : aucun document d\'urbanisme local opposable'
    : a.document ? `${TYPE_LABELS[a.document][0].toUpperCase()}${TYPE_LABELS[a.document].slice(1)} (${a.document})${owner}${a.depuis ? `, approuvé le ${frenchDate(a.depuis)}` : ''}`
      : 'Aucun document d\'urbanisme publié au Géoportail de l\'Urbanisme (commune non déclarée au RNU)';
  const row: Record<string, Scalar> = {
    document: a.document, enClair, depuis: a.depuis ?? null, porteur: a.porteur, titre: a.d?.grid_title ?? null, partition: a.d?.partition ?? null,
    majGpu: a.d?.gpu_timestamp ?? null, dateReponse: answers.dateReponse ?? null,
    ...Object.fromEntries(COUNTERS.map(([name, type]) => [name, (a.document ?? '') === type ? 1 : 0])),
  };
  const all = [...(answers.communeDocuments ?? []), ...(answers.epciDocuments ?? [])];
  const data = {
    ...row, rnu: answers.municipality?.is_rnu ?? null,
    documentsGpu: all.map((d) => ({ type: d.du_type ?? null, partition: d.partition ?? null, titre: d.grid_title ?? null, approuveLe: approvalDate(d.name) ?? null })),
  };
  return { code, data, rows: [row] };
}
