/**
 * Pure projection of Ministère de l'Intérieur results rows onto today's communes.
 *
 * Several rows can make one commune: communes merged since the election
 * (summed by the framework's `Merge`, their old codes listed), bureaux de
 * vote, and in législatives a commune shared between circonscriptions. Each
 * candidate's percentages are computed on the part of the commune where that
 * candidate stood (the rows carrying the candidate), so a candidate of one
 * circonscription is not diluted by the inscrits of another.
 */
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import { Merge, type MergedCommune, type MergeField } from '../framework/merge.js';
import { place, type Placement } from '../framework/rekey.js';
import { Ledger, type Totals as LedgerTotals } from '../framework/ledger.js';
import type { Referential } from '../../src/domain/referential.js';
import type { DepartementScope } from '../framework/scope.js';
import type { BlockLayoutSpec, BoundBlocks } from '../framework/column-blocks.js';
import { integer, text, type CellCheck } from '../framework/staged-csv.js';
import { blockChecks, blockKeyValue, distinctBlocks, filledBlocks } from '../framework/block-sql.js';
import { fillSql } from '../framework/sql-script.js';
import { circonscriptionCode, communeCode, type CodeResult } from '../framework/interieur-codes.js';
import { leader, panneauOrder, pct } from '../framework/ballot-results.js';
import { Catalog } from '../framework/catalog.js';

export type ElectionType = 'presidentielle' | 'europeennes' | 'legislatives';
export interface Election { id: string; type: ElectionType; libelleType: string; libelle: string; date: string; tour: number }

const election = (id: string, type: ElectionType, libelle: string, date: string, tour: number): Election => ({
  id, type, libelle, date, tour, libelleType: { presidentielle: 'présidentielle', europeennes: 'européennes', legislatives: 'législatives' }[type],
});

/** The elections this pipeline serves, one registry entry each. */
export const ELECTIONS: Record<string, Election> = Object.fromEntries([
  election('elections-pres-2022-t1', 'presidentielle', 'Élection présidentielle 2022, premier tour', '2022-04-10', 1),
  election('elections-pres-2022-t2', 'presidentielle', 'Élection présidentielle 2022, second tour', '2022-04-24', 2),
  election('elections-euro-2024', 'europeennes', 'Élections européennes 2024', '2024-06-09', 1),
  election('elections-legi-2024-t1', 'legislatives', 'Élections législatives 2024, premier tour', '2024-06-30', 1),
  election('elections-legi-2024-t2', 'legislatives', 'Élections législatives 2024, second tour', '2024-07-07', 2),
].map((e) => [e.id, e]));

/** Reasons a row is set aside, as they appear in the run summary. */
export const SET_ASIDE = {
  abroad: 'Français établis hors de France (ZZ) : pas de commune',
  split: 'commune scindée depuis le scrutin : résultats non projetables',
  unknown: 'code absent du COG en vigueur',
} as const;

export const COUNT_FIELDS = ['inscrits', 'abstentions', 'votants', 'blancs', 'nuls', 'exprimes'] as const;
type CountField = (typeof COUNT_FIELDS)[number];
type Fixed = 'dep' | 'depLabel' | 'commune' | 'communeLabel' | 'etat' | 'bureau' | 'circo' | 'circoLabel' | 'percent' | CountField;
export type BlockField = 'panneau' | 'sexe' | 'nom' | 'prenom' | 'nuance' | 'liste' | 'listeAbregee' | 'voix' | 'pctInscrits' | 'pctExprimes' | 'elu' | 'sieges';
export type Layout = BoundBlocks<Fixed, BlockField>;

const COMMON = { Inscrits: 'inscrits', Abstentions: 'abstentions', Votants: 'votants', Blancs: 'blancs', Nuls: 'nuls', Exprimés: 'exprimes' } as const;
const percents = (names: string): Record<string, 'percent'> => Object.fromEntries(names.split('|').map((n) => [n, 'percent']));
const REQUIRED: Fixed[] = ['dep', ...COUNT_FIELDS];

/** Présidentielle 2022 "subcom" `.txt` (French names with "du/de la", header naming only the first candidate) and 2024 `.csv` (every block named `Voix 1`…). */
export const LAYOUTS: BlockLayoutSpec<Fixed, BlockField>[] = [{
  marker: 'Code du département', label: 'présidentielle 2022', numbering: 'repeated', noun: 'candidat', required: REQUIRED, oneOf: ['commune', 'circo'], lists: ['percent'],
  fixed: {
    'Code du département': 'dep', 'Libellé du département': 'depLabel', 'Code de la circonscription': 'circo', 'Libellé de la circonscription': 'circoLabel',
    'Code de la commune': 'commune', 'Libellé de la commune': 'communeLabel', 'Code du b.vote': 'bureau', 'Etat saisie': 'etat', ...COMMON,
    ...percents('% Abs/Ins|% Vot/Ins|% Blancs/Ins|% Blancs/Vot|% Nuls/Ins|% Nuls/Vot|% Exp/Ins|% Exp/Vot'),
  },
  block: [['N°Panneau', 'panneau'], ['Sexe', 'sexe'], ['Nom', 'nom'], ['Prénom', 'prenom'], ['Voix', 'voix'], ['% Voix/Ins', 'pctInscrits'], ['% Voix/Exp', 'pctExprimes']],
}, {
  marker: 'Code département', label: '2024', numbering: 'numbered', noun: 'candidat ou de liste', required: REQUIRED, oneOf: ['commune', 'circo'], lists: ['percent'],
  fixed: {
    'Code département': 'dep', 'Libellé département': 'depLabel', 'Code commune': 'commune', 'Libellé commune': 'communeLabel', 'Code BV': 'bureau',
    'Code circonscription législative': 'circo', 'Libellé circonscription législative': 'circoLabel', ...COMMON,
    ...percents('% Votants|% Abstentions|% Exprimés/inscrits|% Exprimés/votants|% Blancs/inscrits|% Blancs/votants|% Nuls/inscrits|% Nuls/votants'),
  },
  block: [['Voix', 'voix'], ['Numéro de panneau', 'panneau'], ['Nuance liste', 'nuance'], ['Libellé abrégé de liste', 'listeAbregee'], ['Libellé de liste', 'liste'],
    ['Nuance candidat', 'nuance'], ['Nom candidat', 'nom'], ['Prénom candidat', 'prenom'], ['Sexe candidat', 'sexe'], ['% Voix/inscrits', 'pctInscrits'],
    ['% Voix/exprimés', 'pctExprimes'], ['Sièges', 'sieges'], ['Elu', 'elu']],
  blockRequired: ['voix', 'panneau'],
}];

/** A per-circonscription file (no commune column) names the circonscription of législatives candidates. */
export const isCommuneFile = (layout: Layout): boolean => layout.fixed.commune !== undefined;

const IDENTITY: BlockField[] = ['panneau', 'nuance', 'nom', 'prenom', 'sexe', 'liste', 'listeAbregee', 'elu'];
/** A block is standing in a row when any of its identifying cells or its votes is filled. */
const PRESENT: BlockField[] = ['panneau', 'nom', 'liste', 'voix'];

/** stage.sql's statements for one staged file, filled from the bound header: fixed expressions, (hash, votes) per block; the candidates of the file. */
export function stageSql(sql: Record<string, string>, table: string, layout: Layout): Record<'typed' | 'candidates' | 'totals', string> {
  const fixed: Record<string, string> = Object.fromEntries((['dep', 'commune', 'communeLabel', 'circo', 'circoLabel'] as const).map((f) => [f, text(layout.fixed[f])]));
  COUNT_FIELDS.forEach((f) => { fixed[f] = integer(layout.fixed[f]); });
  const typed = fillSql(sql.typed, { table, ...fixed, blocks: layout.blocks.map((b) => `, ${blockKeyValue(b, PRESENT, IDENTITY, integer(b.columns.voix))}`).join('') });
  return {
    typed, candidates: distinctBlocks(table, layout.blocks, PRESENT, IDENTITY, { panneau: 'numeroPanneau', elu: 'eluCell' }),
    totals: fillSql(sql.totals, { typed, voix: layout.blocks.map((b) => `coalesce(v${b.number}, 0)`).join(' + ') }),
  };
}

/** Counts, codes, percentages and votes checked before anything is projected (circonscription codes only in a per-circonscription file). */
export const valueChecks = (layout: Layout): CellCheck[] => blockChecks(layout, {
  integers: COUNT_FIELDS, codes: ['dep', 'commune', 'circo'], skipCodes: isCommuneFile(layout) ? ['circo'] : [], percentList: 'percent',
  blockPercents: ['pctInscrits', 'pctExprimes'], blockInteger: { role: 'voix', present: PRESENT, problem: 'nombre de voix entier attendu' },
});

export interface Circonscription { code: string; libelle: string | null }
export interface CandidateFields {
  numeroPanneau: string | null; nuance: string | null; nom: string | null; prenom: string | null; sexe: string | null;
  liste: string | null; listeAbregee: string | null; eluCell: string | null;
}
/** Non-empty `Elu` cell other than "élu" is kept verbatim as `mention` rather than guessed. */
export type Candidate = Omit<CandidateFields, 'eluCell'> & { id: number; elu: boolean; mention: string | null; circonscription: Circonscription | null };

/** One entry per distinct candidate or list of the file: communes only hold ids and numbers. */
export class CandidateCatalog extends Catalog<Candidate> {
  add(hash: bigint, f: CandidateFields, circonscription: Circonscription | null): number {
    // The block hash identifies the candidate within the file; the circonscription tells homonym panneaux apart.
    return this.intern(circonscription ? `${hash}|${circonscription.code}` : `${hash}`, (id) => {
      const { eluCell, ...fields } = f;
      const cell = (eluCell ?? '').trim();
      const elu = /^[ée]lue?$/i.test(cell);
      return { id, ...fields, elu, mention: cell && !elu ? cell : null, circonscription };
    });
  }
}

/** Candidate identity without the circonscription: how the per-circonscription file is matched. */
export const candidateKey = (f: CandidateFields): string => [f.numeroPanneau, f.nuance, f.nom, f.prenom].map((x) => (x ?? '').trim().toUpperCase()).join('|');

/** A typed row of stage.sql `typed`: line, dep, commune, commune label, circo, circo label, the counts, then (k, v) per block. */
export type TypedRow = (string | number | bigint | null)[];
const TYPED_FIXED = 6 + COUNT_FIELDS.length;

/** Candidate key → its circonscription (null when two share the key: homonyms on the same panneau), from the per-circonscription file. */
export function indexCirconscriptions(rows: Iterable<TypedRow>, blocks: number, fields: Map<bigint, CandidateFields>, index = new Map<string, Circonscription | null>()) {
  for (const row of rows) {
    const code = circonscriptionCode(row[4] as string | null);
    if (!code) continue;
    for (const [k] of filledBlocks(row, TYPED_FIXED, blocks)) {
      const key = candidateKey(fields.get(k)!);
      const known = index.get(key);
      if (known === undefined) index.set(key, { code, libelle: (row[5] as string | null) ?? null });
      else if (known && known.code !== code) index.set(key, null);
    }
  }
  return index;
}

export type Totals = LedgerTotals<CountField | 'voix' | 'lignes'>;

const sumField = (name: string): MergeField => ({ name, aggregation: 'sum' });
interface ParsedRow { line: number; code: string; libelle: string | null; counts: Record<CountField, number>; votes: { candidate: number; voix: number }[]; voix: number }
/** A row set aside but kept as is, for the pack's provenance ("not projectable"). */
interface SetAsideRow { code: string; libelle: string | null; ligne: number; raison: string; codesActuels?: string[]; inscrits: number; votants: number; exprimes: number; voix: number }

/** Typed rows → communes, set-aside rows and the accounts of both: nothing is lost silently. */
export class Projection {
  readonly catalog = new CandidateCatalog();
  readonly communes = new Merge(COUNT_FIELDS.map(sumField));
  readonly votes = new Merge([{ name: 'candidate', aggregation: 'key' }, ...['voix', 'inscrits', 'exprimes'].map(sumField)]);
  readonly ledger = new Ledger(['lignes', ...COUNT_FIELDS, 'voix'] as const);
  readonly asideRows: SetAsideRow[] = [];
  readonly unmatched = new Set<string>();

  /** `invalid` turns a code that cannot be read into the error that stops the run. */
  constructor(
    readonly election: Election, private readonly blocks: number, private readonly fields: Map<bigint, CandidateFields>,
    private readonly circos: Map<string, Circonscription | null> | undefined,
    private readonly ctx: { referential: Referential; scope: DepartementScope; report: { read(): void; projected(): void; rejected(reason: string): void } },
    private readonly invalid: (problem: string, line: number) => Error,
  ) {}

  private parse(raw: TypedRow): ParsedRow & { parsed: CodeResult } {
    const rowCirco = circonscriptionCode(raw[4] as string | null);
    let circo: Circonscription | null = rowCirco ? { code: rowCirco, libelle: (raw[5] as string | null) ?? null } : null;
    const votes: ParsedRow['votes'] = [];
    let voix = 0;
    for (const [k, v] of filledBlocks(raw, TYPED_FIXED, this.blocks)) {
      const fields = this.fields.get(k)!;
      if (!rowCirco && this.circos) {
        circo = this.circos.get(candidateKey(fields)) ?? null;
        if (!circo) this.unmatched.add(candidateKey(fields));
      }
      votes.push({ candidate: this.catalog.add(k, fields, this.election.type === 'legislatives' ? circo : null), voix: Number(v) });
      voix += votes[votes.length - 1].voix;
    }
    const [dep, commune] = [raw[1] as string | null, raw[2] as string | null];
    const parsed = communeCode(dep, commune);
    const counts = Object.fromEntries(COUNT_FIELDS.map((k, i) => [k, Number(raw[6 + i])])) as ParsedRow['counts'];
    const code = parsed.kind === 'commune' ? parsed.code : `${dep ?? ''}${commune ?? ''}`;
    return { line: Number(raw[0]), code, libelle: (raw[3] as string | null) ?? null, counts, votes, voix, parsed };
  }

  private setAside(row: ParsedRow, reason: string, codesActuels?: string[]): void {
    this.ctx.report.rejected(reason);
    this.ledger.setAside(reason, { ...row.counts, voix: row.voix, lignes: 1 });
    // Abroad rows are counted, not listed (hundreds of consulates); the others are kept as is.
    if (reason === SET_ASIDE.abroad) return;
    const { inscrits, votants, exprimes } = row.counts;
    this.asideRows.push({ code: row.code, libelle: row.libelle, ligne: row.line, raison: reason, ...(codesActuels ? { codesActuels } : {}), inscrits, votants, exprimes, voix: row.voix });
  }

  add(raw: TypedRow): void {
    const row = this.parse(raw);
    if (row.parsed.kind === 'invalid') throw this.invalid(row.parsed.problem, row.line);
    const { referential, scope, report } = this.ctx;
    const placed: Placement = row.parsed.kind !== 'abroad' ? place(row.code, referential, scope) : { kind: scope.isPartial ? 'outside' : 'unknown' };
    if (placed.kind === 'outside') return this.ledger.leaveOut({ ...row.counts, voix: row.voix, lignes: 1 });
    report.read();
    if (row.parsed.kind === 'abroad') this.setAside(row, SET_ASIDE.abroad);
    else if (placed.kind === 'unknown') this.setAside(row, SET_ASIDE.unknown);
    else if (placed.kind === 'split') this.setAside(row, SET_ASIDE.split, placed.codes);
    else {
      this.communes.add(placed.code, row.code, row.counts);
      for (const v of row.votes) this.votes.add(placed.code, row.code, { candidate: v.candidate, voix: v.voix, inscrits: row.counts.inscrits, exprimes: row.counts.exprimes });
      report.projected();
    }
  }

  /** Totals over the communes projected. */
  projected(): Totals {
    const t = this.ledger.sum([...this.communes.communes()].map((c) => ({ ...(c.groups[0].values as Partial<Totals>), lignes: c.rows })));
    for (const c of this.votes.communes()) for (const g of c.groups) t.voix += g.values.voix as number;
    return t;
  }

  /** The gate: file totals (summed by DuckDB) = communes + set aside (+ outside the scope); the gaps, if any. */
  gaps(expected: Totals): string | undefined {
    return this.ledger.gaps(expected, this.projected());
  }

  notes(): [string, number][] {
    const { aside, outside } = this.ledger;
    const abroad = aside.get(SET_ASIDE.abroad);
    const recounted = [...this.communes.communes()].filter((c) => c.sourceCodes.length > 1 || c.sourceCodes[0] !== c.code).length;
    return [
      ['lignesFrancaisEtranger', abroad?.lignes ?? 0], ['inscritsFrancaisEtranger', abroad?.inscrits ?? 0], ['communesRecomptees', recounted],
      ...(outside.lignes ? [['lignesHorsFiltreDepartements', outside.lignes] as [string, number]] : []),
      ...(this.circos ? [['candidatsSansCirconscription', this.unmatched.size] as [string, number]] : []),
    ];
  }

  metadata(expected: Totals, files: { fichier: string; fichierCirconscriptions?: string }, circoColumn: boolean): Record<string, unknown> {
    const legislatives = this.election.type === 'legislatives';
    return {
      scrutin: scrutin(this.election), ...files,
      circonscriptionsNommees: legislatives ? Boolean(this.circos || circoColumn) : undefined,
      candidats: this.catalog.list.map((c) => ({
        numeroPanneau: c.numeroPanneau, nom: c.nom, prenom: c.prenom, sexe: c.sexe, nuance: c.nuance, liste: c.liste,
        listeAbregee: c.listeAbregee, ...(legislatives ? { elu: c.elu, circonscription: c.circonscription?.code ?? null } : {}),
      })),
      definitions: DEFINITIONS,
      bilan: this.ledger.balance(expected, this.projected()),
      lignesEcartees: this.asideRows,
    };
  }

  *records(): Iterable<CommuneRecord> {
    for (const c of this.communes.communes()) yield buildRecord(c, this.votes.get(c.code), this.catalog, this.election);
  }
}

interface Tally { voix: number; inscrits: number; exprimes: number }
export interface CandidatResultat {
  numeroPanneau: string | null; candidat: string; nom?: string | null; prenom?: string | null; sexe?: string | null; nuance?: string | null;
  liste?: string | null; listeAbregee?: string | null; voix: number; pourcentageVoixExprimes: number | null; pourcentageVoixInscrits: number | null;
  elu?: boolean; mention?: string; circonscription?: string | null;
}

export function displayName(c: Candidate): string {
  if (c.liste || c.listeAbregee) return (c.liste ?? c.listeAbregee)!;
  return [c.prenom, c.nom].filter(Boolean).join(' ') || (c.numeroPanneau ? `panneau ${c.numeroPanneau}` : '');
}

function resultat(c: Candidate, t: Tally, election: Election): CandidatResultat {
  const out: CandidatResultat = { numeroPanneau: c.numeroPanneau, candidat: displayName(c), voix: 0, pourcentageVoixExprimes: null, pourcentageVoixInscrits: null };
  if (election.type === 'europeennes') Object.assign(out, { liste: c.liste, listeAbregee: c.listeAbregee, nuance: c.nuance });
  else Object.assign(out, { nom: c.nom, prenom: c.prenom, sexe: c.sexe }, election.type === 'legislatives' ? { nuance: c.nuance } : {});
  Object.assign(out, { voix: t.voix, pourcentageVoixExprimes: pct(t.voix, t.exprimes), pourcentageVoixInscrits: pct(t.voix, t.inscrits) });
  if (election.type === 'legislatives') Object.assign(out, { elu: c.elu }, c.mention ? { mention: c.mention } : {}, { circonscription: c.circonscription?.code ?? null });
  return out;
}

const short = (c: CandidatResultat & { exAequo?: true }) => ({
  numeroPanneau: c.numeroPanneau, candidat: c.candidat, ...(c.nuance !== undefined ? { nuance: c.nuance } : {}),
  voix: c.voix, pourcentageVoixExprimes: c.pourcentageVoixExprimes, ...(c.exAequo ? { exAequo: true } : {}),
});

export const scrutin = (e: Election) => ({ id: e.id, type: e.libelleType, libelle: e.libelle, date: e.date, tour: e.tour });

function buildRecord(commune: MergedCommune, votes: MergedCommune | undefined, catalog: CandidateCatalog, election: Election): CommuneRecord {
  const tallies: [Candidate, Tally][] = (votes?.groups ?? []).map((g) => [catalog.list[g.key.candidate as number], g.values as unknown as Tally]);
  const candidats = tallies.map(([cand, t]) => resultat(cand, t, election)).sort(panneauOrder);
  const top = leader(candidats);
  const c = commune.groups[0].values as Record<CountField, number>;
  const data: Record<string, unknown> = {
    scrutin: scrutin(election), inscrits: c.inscrits, votants: c.votants, abstentions: c.abstentions, blancs: c.blancs, nuls: c.nuls, exprimes: c.exprimes,
    pourcentageVotantsInscrits: pct(c.votants, c.inscrits), pourcentageAbstentionsInscrits: pct(c.abstentions, c.inscrits),
    pourcentageBlancsVotants: pct(c.blancs, c.votants), pourcentageNulsVotants: pct(c.nuls, c.votants), pourcentageExprimesVotants: pct(c.exprimes, c.votants),
    enTete: top ? short(top) : null, candidats,
  };
  if (election.type === 'legislatives') data.circonscriptions = circonscriptions(tallies, election);
  const codes = [...commune.sourceCodes].sort();
  if (codes.length > 1 || codes[0] !== commune.code) data.codesSommes = codes;
  data.lignesSource = commune.rows;
  return { code: commune.code, data, rows: toRows(commune.code, data, candidats, top, election) };
}

function circonscriptions(tallies: [Candidate, Tally][], election: Election) {
  const groups = new Map<string, { circo: Circonscription | null; tallies: [Candidate, Tally][] }>();
  for (const [cand, t] of tallies) {
    const key = cand.circonscription?.code ?? '';
    const g = groups.get(key) ?? { circo: cand.circonscription, tallies: [] };
    g.tallies.push([cand, t]);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => (a.circo?.code ?? '~').localeCompare(b.circo?.code ?? '~')).map((g) => {
    const top = leader(g.tallies.map(([cand, t]) => resultat(cand, t, election)));
    const elu = g.tallies.find(([cand]) => cand.elu);
    return {
      code: g.circo?.code ?? null, libelle: g.circo?.libelle ?? null,
      // Every candidate of a circonscription stood in the same rows: their base is that part of the commune.
      inscrits: Math.max(...g.tallies.map(([, t]) => t.inscrits)), exprimes: Math.max(...g.tallies.map(([, t]) => t.exprimes)),
      enTete: top ? short(top) : null, elu: elu ? displayName(elu[0]) : null,
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

function toRows(code: string, data: Record<string, unknown>, candidats: CandidatResultat[], top: CandidatResultat | null, election: Election): Record<string, Scalar>[] {
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

export const DEFINITIONS = {
  inscrits: 'Électeurs inscrits sur les listes électorales de la commune',
  votants: 'Électeurs ayant pris part au vote',
  abstentions: 'Inscrits n’ayant pas voté',
  blancs: 'Bulletins blancs',
  nuls: 'Bulletins nuls',
  exprimes: 'Suffrages exprimés (votants moins blancs et nuls)',
  pourcentageVoixExprimes: 'Voix rapportées aux exprimés de la partie de la commune où le candidat ou la liste se présentait',
  pourcentageVoixInscrits: 'Voix rapportées aux inscrits de la même partie de la commune',
  enTete: 'Candidat ou liste ayant obtenu le plus de voix dans la commune (exAequo si égalité)',
  codesSommes: 'Codes communes de l’époque du scrutin additionnés sur la commune actuelle (fusions depuis le scrutin)',
  circonscriptions: 'Circonscriptions législatives couvrant la commune, nommées d’après le fichier par circonscription du même tour',
};
