/**
 * Naissances and décès domiciliés per commune and year, re-keyed onto today's
 * communes (counts of merged communes add up). Pure: staged rows in, records
 * and the reasons rows were set aside out.
 */
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import type { Referential } from '../../src/domain/referential.js';
import { rekey } from '../framework/rekey.js';

export type Mesure = 'LVB' | 'DTH';
/** One COM or ARM row of a data file. */
export interface StagedRow { mesure: Mesure; code: string; statut: string; annee: number; valeur: number | null }

export const REJECT_PSEUDO = 'arrondissement non déterminé (code 751XX, 132XX ou 693XX)';

export const FIELDS: FieldSchema[] = [
  { name: 'annee', type: 'string', description: 'Année de l\'événement', aggregation: 'key' },
  { name: 'naissances', type: 'integer', description: 'Naissances vivantes de mères domiciliées dans la commune', aggregation: 'sum' },
  { name: 'deces', type: 'integer', description: 'Décès de personnes domiciliées dans la commune', aggregation: 'sum' },
  { name: 'soldeNaturel', type: 'integer', description: 'Naissances moins décès (vide si l\'un manque)', aggregation: 'sum' },
  { name: 'statutNaissances', type: 'string', description: 'OBS_STATUS de l\'INSEE : A normale, M manquante (valeur vide, jamais 0)' },
  { name: 'statutDeces', type: 'string', description: 'OBS_STATUS de l\'INSEE pour les décès' },
];

interface Cell { valeur: number | null; statut: string }
interface Year { LVB?: Cell; DTH?: Cell }

/** Adds one row into its commune's year; a missing value stays missing (null + status), never 0. */
function add(year: Year, row: StagedRow): void {
  const cell = year[row.mesure];
  if (!cell) { year[row.mesure] = { valeur: row.valeur, statut: row.statut }; return; }
  cell.valeur = cell.valeur === null || row.valeur === null ? null : cell.valeur + row.valeur;
  if (row.statut !== 'A') cell.statut = row.statut;
}

export function projectRows(rows: Iterable<StagedRow>, referential: Referential, inScope: (code: string) => boolean) {
  const communes = new Map<string, { years: Map<number, Year>; sources: Set<string> }>();
  const rejected = new Map<string, number>();
  let read = 0;
  let projected = 0;
  const measures = new Set<Mesure>();
  for (const row of rows) {
    measures.add(row.mesure);
    if (!inScope(row.code)) continue;
    read++;
    const target = /X/.test(row.code) ? { ok: false as const, reason: REJECT_PSEUDO } : rekey(row.code, referential);
    if (!target.ok) { rejected.set(target.reason, (rejected.get(target.reason) ?? 0) + 1); continue; }
    const commune = communes.get(target.code) ?? { years: new Map(), sources: new Set<string>() };
    communes.set(target.code, commune);
    commune.sources.add(row.code);
    const year = commune.years.get(row.annee) ?? {};
    commune.years.set(row.annee, year);
    add(year, row);
    projected++;
  }
  const records: CommuneRecord[] = [...communes].sort(([a], [b]) => a.localeCompare(b)).map(([code, c]) => {
    const tableRows: Record<string, Scalar>[] = [...c.years].sort(([a], [b]) => a - b).map(([annee, y]) => ({
      annee: String(annee),
      naissances: y.LVB?.valeur ?? null,
      deces: y.DTH?.valeur ?? null,
      soldeNaturel: y.LVB?.valeur != null && y.DTH?.valeur != null ? y.LVB.valeur - y.DTH.valeur : null,
      statutNaissances: y.LVB?.statut ?? null,
      statutDeces: y.DTH?.statut ?? null,
    }));
    const rekeyed = c.sources.size > 1 || !c.sources.has(code);
    return { code, data: { annees: tableRows, ...(rekeyed ? { codesSommes: [...c.sources].sort() } : {}), ...absentMeasures(measures) }, rows: tableRows };
  });
  return { records, rejected, read, projected };
}

const FILES: Record<Mesure, { champ: string; fichier: string }> = {
  LVB: { champ: 'naissances', fichier: 'DS_ETAT_CIVIL_NAIS_COMMUNES' },
  DTH: { champ: 'deces', fichier: 'DS_ETAT_CIVIL_DECES_COMMUNES' },
};

/** Why a measure is empty in every commune: its file was not part of this ingestion (said in each record and the metadata). */
function absentMeasures(present: Set<Mesure>) {
  const absent = (Object.keys(FILES) as Mesure[]).filter((m) => !present.has(m));
  if (!absent.length) return {};
  return {
    absences: Object.fromEntries(absent.map((m) => [FILES[m].champ,
      `fichier ${FILES[m].fichier} non fourni à cette ingestion : ${FILES[m].champ === 'deces' ? 'décès' : 'naissances'} et solde naturel vides`])),
  };
}

/** The release-level description: period covered, measures and statuses with INSEE's own labels. */
export function metadataOf(rows: StagedRow[], labels: Record<string, unknown>[]) {
  const label = (variable: string, code: string) => labels.find((l) => l.variable === variable && l.code === code)?.libelle ?? null;
  const years = rows.map((r) => r.annee);
  const first = Math.min(...years);
  const last = Math.max(...years);
  return {
    millesime: years.length ? String(last) : undefined,
    metadata: {
      periode: years.length ? `${first}-${last}` : null,
      mesures: [...new Set(rows.map((r) => r.mesure))].sort().map((code) => ({ code, libelle: label('EC_MEASURE', code) })),
      statuts: Object.fromEntries(labels.filter((l) => l.variable === 'OBS_STATUS').map((l) => [l.code, l.libelle])),
      ...absentMeasures(new Set(rows.map((r) => r.mesure))),
      domicile: 'Événements comptés au domicile (de la mère pour une naissance, du défunt pour un décès), pas au lieu de l\'événement.',
    },
  };
}
