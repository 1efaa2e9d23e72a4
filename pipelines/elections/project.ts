/**
 * Pure projection of results rows onto today's communes.
 *
 * Several rows can make one commune: communes merged since the election
 * (summed, their old codes listed), bureaux de vote, and in législatives a
 * commune shared between circonscriptions. Each candidate's percentages are
 * computed on the part of the commune where that candidate stood (the rows
 * carrying the candidate), so a candidate of one circonscription is not
 * diluted by the inscrits of another.
 */
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import { COUNT_FIELDS, type CountField } from './layout.js';
import type { Election } from './elections.js';

export interface Circonscription { code: string; libelle: string | null }

export interface Candidate {
  id: number;
  numeroPanneau: string | null;
  nom: string | null;
  prenom: string | null;
  sexe: string | null;
  nuance: string | null;
  liste: string | null;
  listeAbregee: string | null;
  elu: boolean;
  /** Non-empty `Elu` cell other than "élu" (kept verbatim rather than guessed). */
  mention: string | null;
  circonscription: Circonscription | null;
}

export type CandidateFields = Omit<Candidate, 'id' | 'elu' | 'mention' | 'circonscription'> & { eluCell: string | null };

/** One entry per distinct candidate or list of the file: communes only hold ids and numbers. */
export class CandidateCatalog {
  private readonly byKey = new Map<string, number>();
  readonly list: Candidate[] = [];

  intern(hash: bigint, f: CandidateFields, circonscription: Circonscription | null): number {
    // The block hash identifies the candidate within the file; the circonscription tells homonym panneaux apart.
    const key = circonscription ? `${hash}|${circonscription.code}` : `${hash}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const cell = (f.eluCell ?? '').trim();
    const elu = /^[ée]lue?$/i.test(cell);
    const id = this.list.length;
    this.list.push({
      id, numeroPanneau: f.numeroPanneau, nom: f.nom, prenom: f.prenom, sexe: f.sexe, nuance: f.nuance, liste: f.liste,
      listeAbregee: f.listeAbregee, elu, mention: cell && !elu ? cell : null, circonscription,
    });
    this.byKey.set(key, id);
    return id;
  }
}

/** Candidate identity without the circonscription: how the per-circonscription file is matched. */
export function candidateKey(f: Pick<CandidateFields, 'numeroPanneau' | 'nuance' | 'nom' | 'prenom'>): string {
  return [f.numeroPanneau, f.nuance, f.nom, f.prenom].map((x) => (x ?? '').trim().toUpperCase()).join('|');
}

export type Counts = Record<CountField, number>;

export interface ParsedRow {
  line: number;
  /** Code as read (normalised to 5 chars), before re-keying. */
  code: string;
  libelle: string | null;
  counts: Counts;
  votes: { candidate: number; voix: number }[];
}

export interface Tally { voix: number; inscrits: number; exprimes: number }

export interface CommuneAcc {
  codes: Set<string>;
  libelles: Set<string>;
  lignes: number;
  counts: Counts;
  votes: Map<number, Tally>;
}

export function zeroCounts(): Counts {
  return { inscrits: 0, abstentions: 0, votants: 0, blancs: 0, nuls: 0, exprimes: 0 };
}

export function newAcc(): CommuneAcc {
  return { codes: new Set(), libelles: new Set(), lignes: 0, counts: zeroCounts(), votes: new Map() };
}

export function addRow(acc: CommuneAcc, row: ParsedRow): void {
  acc.codes.add(row.code);
  if (row.libelle) acc.libelles.add(row.libelle);
  acc.lignes++;
  for (const k of COUNT_FIELDS) acc.counts[k] += row.counts[k];
  for (const v of row.votes) {
    const t = acc.votes.get(v.candidate) ?? { voix: 0, inscrits: 0, exprimes: 0 };
    t.voix += v.voix;
    t.inscrits += row.counts.inscrits;
    t.exprimes += row.counts.exprimes;
    acc.votes.set(v.candidate, t);
  }
}

export function rowVoix(row: ParsedRow): number {
  let n = 0;
  for (const v of row.votes) n += v.voix;
  return n;
}

const pct = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 10000) / 100 : null);

export interface CandidatResultat {
  numeroPanneau: string | null;
  candidat: string;
  nom?: string | null;
  prenom?: string | null;
  sexe?: string | null;
  nuance?: string | null;
  liste?: string | null;
  listeAbregee?: string | null;
  voix: number;
  pourcentageVoixExprimes: number | null;
  pourcentageVoixInscrits: number | null;
  elu?: boolean;
  mention?: string;
  circonscription?: string | null;
}

export function displayName(c: Candidate): string {
  if (c.liste || c.listeAbregee) return (c.liste ?? c.listeAbregee)!;
  return [c.prenom, c.nom].filter(Boolean).join(' ') || (c.numeroPanneau ? `panneau ${c.numeroPanneau}` : '');
}

function resultat(c: Candidate, t: Tally, election: Election): CandidatResultat {
  const out: CandidatResultat = {
    numeroPanneau: c.numeroPanneau, candidat: displayName(c), voix: 0, pourcentageVoixExprimes: null, pourcentageVoixInscrits: null,
  };
  if (election.type === 'europeennes') {
    out.liste = c.liste;
    out.listeAbregee = c.listeAbregee;
    out.nuance = c.nuance;
  } else {
    out.nom = c.nom;
    out.prenom = c.prenom;
    out.sexe = c.sexe;
    if (election.type === 'legislatives') out.nuance = c.nuance;
  }
  out.voix = t.voix;
  out.pourcentageVoixExprimes = pct(t.voix, t.exprimes);
  out.pourcentageVoixInscrits = pct(t.voix, t.inscrits);
  if (election.type === 'legislatives') {
    out.elu = c.elu;
    if (c.mention) out.mention = c.mention;
    out.circonscription = c.circonscription?.code ?? null;
  }
  return out;
}

const panneauOrder = (a: CandidatResultat, b: CandidatResultat): number =>
  Number(a.numeroPanneau ?? Infinity) - Number(b.numeroPanneau ?? Infinity) || a.candidat.localeCompare(b.candidat);

/** The candidate or list with the most votes; ties are said, not hidden. */
export function leader(list: CandidatResultat[]): (CandidatResultat & { exAequo?: true }) | null {
  let best: CandidatResultat | null = null;
  let tie = false;
  for (const c of [...list].sort(panneauOrder)) {
    if (!best || c.voix > best.voix) { best = c; tie = false; } else if (c.voix === best.voix) tie = true;
  }
  if (!best || best.voix === 0) return null;
  return tie ? { ...best, exAequo: true } : best;
}

const short = (c: CandidatResultat & { exAequo?: true }) => ({
  numeroPanneau: c.numeroPanneau, candidat: c.candidat, ...(c.nuance !== undefined ? { nuance: c.nuance } : {}),
  voix: c.voix, pourcentageVoixExprimes: c.pourcentageVoixExprimes, ...(c.exAequo ? { exAequo: true } : {}),
});

export function buildRecord(code: string, acc: CommuneAcc, catalog: CandidateCatalog, election: Election): CommuneRecord {
  const candidats = [...acc.votes.entries()].map(([id, t]) => resultat(catalog.list[id], t, election)).sort(panneauOrder);
  const top = leader(candidats);
  const c = acc.counts;
  const data: Record<string, unknown> = {
    scrutin: { id: election.id, type: election.libelleType, libelle: election.libelle, date: election.date, tour: election.tour },
    inscrits: c.inscrits,
    votants: c.votants,
    abstentions: c.abstentions,
    blancs: c.blancs,
    nuls: c.nuls,
    exprimes: c.exprimes,
    pourcentageVotantsInscrits: pct(c.votants, c.inscrits),
    pourcentageAbstentionsInscrits: pct(c.abstentions, c.inscrits),
    pourcentageBlancsVotants: pct(c.blancs, c.votants),
    pourcentageNulsVotants: pct(c.nuls, c.votants),
    pourcentageExprimesVotants: pct(c.exprimes, c.votants),
    enTete: top ? short(top) : null,
    candidats,
  };
  if (election.type === 'legislatives') data.circonscriptions = circonscriptions(acc, catalog, election);
  const codes = [...acc.codes].sort();
  if (codes.length > 1 || codes[0] !== code) data.codesSommes = codes;
  data.lignesSource = acc.lignes;
  return { code, data, rows: toRows(code, data, candidats, top, election) };
}

function circonscriptions(acc: CommuneAcc, catalog: CandidateCatalog, election: Election) {
  const groups = new Map<string, { circo: Circonscription | null; tallies: [Candidate, Tally][] }>();
  for (const [id, t] of acc.votes) {
    const cand = catalog.list[id];
    const key = cand.circonscription?.code ?? '';
    const g = groups.get(key) ?? { circo: cand.circonscription, tallies: [] };
    g.tallies.push([cand, t]);
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => (a.circo?.code ?? '~').localeCompare(b.circo?.code ?? '~'))
    .map((g) => {
      const list = g.tallies.map(([cand, t]) => resultat(cand, t, election));
      const top = leader(list);
      const elu = g.tallies.find(([cand]) => cand.elu);
      return {
        code: g.circo?.code ?? null,
        libelle: g.circo?.libelle ?? null,
        // Every candidate of a circonscription stood in the same rows: their base is that part of the commune.
        inscrits: Math.max(...g.tallies.map(([, t]) => t.inscrits)),
        exprimes: Math.max(...g.tallies.map(([, t]) => t.exprimes)),
        enTete: top ? short(top) : null,
        elu: elu ? displayName(elu[0]) : null,
      };
    });
}

export const FIELDS: FieldSchema[] = [
  { name: 'code', type: 'string', description: 'Code INSEE de la commune (COG en vigueur)' },
  { name: 'scrutin', type: 'string', description: 'Identifiant du scrutin (elections-pres-2022-t1…)' },
  { name: 'numeroPanneau', type: 'string', description: 'Numéro de panneau du candidat ou de la liste' },
  { name: 'candidat', type: 'string', description: 'Prénom et nom du candidat, ou libellé de la liste', aggregation: 'key' },
  { name: 'nom', type: 'string' },
  { name: 'prenom', type: 'string' },
  { name: 'sexe', type: 'string' },
  { name: 'nuance', type: 'string', description: 'Nuance politique attribuée par le ministère de l’Intérieur' },
  { name: 'listeAbregee', type: 'string', description: 'Libellé abrégé de la liste (européennes)' },
  { name: 'voix', type: 'integer', aggregation: 'sum' },
  { name: 'pourcentageVoixExprimes', type: 'number', unit: '%', description: 'Voix / exprimés de la partie de la commune où le candidat se présentait' },
  { name: 'pourcentageVoixInscrits', type: 'number', unit: '%', description: 'Voix / inscrits de la partie de la commune où le candidat se présentait' },
  { name: 'enTete', type: 'boolean', description: 'Candidat ou liste arrivé en tête dans la commune' },
  { name: 'elu', type: 'boolean', description: 'Élu dans sa circonscription (législatives)' },
  { name: 'circonscription', type: 'string', description: 'Code de la circonscription législative (législatives)' },
  { name: 'inscrits', type: 'integer', description: 'Inscrits de la commune', aggregation: 'sum' },
  { name: 'votants', type: 'integer', description: 'Votants de la commune', aggregation: 'sum' },
  { name: 'exprimes', type: 'integer', description: 'Suffrages exprimés de la commune', aggregation: 'sum' },
  { name: 'codesSommes', type: 'string', description: 'Codes de l’époque additionnés sur la commune actuelle, séparés par des espaces' },
];

function toRows(
  code: string, data: Record<string, unknown>, candidats: CandidatResultat[], top: CandidatResultat | null, election: Election,
): Record<string, Scalar>[] {
  const summed = (data.codesSommes as string[] | undefined)?.join(' ') ?? null;
  return candidats.map((c) => ({
    code, scrutin: election.id, numeroPanneau: c.numeroPanneau, candidat: c.candidat, nom: c.nom ?? null, prenom: c.prenom ?? null,
    sexe: c.sexe ?? null, nuance: c.nuance ?? null, listeAbregee: c.listeAbregee ?? null, voix: c.voix,
    pourcentageVoixExprimes: c.pourcentageVoixExprimes, pourcentageVoixInscrits: c.pourcentageVoixInscrits,
    enTete: top !== null && c.numeroPanneau === top.numeroPanneau && c.candidat === top.candidat,
    elu: c.elu ?? null, circonscription: c.circonscription ?? null,
    inscrits: data.inscrits as number, votants: data.votants as number, exprimes: data.exprimes as number, codesSommes: summed,
  }));
}
