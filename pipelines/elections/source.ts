/**
 * Election results by commune (Ministère de l'Intérieur): présidentielle 2022,
 * européennes 2024, législatives 2024. One pipeline, one registry entry per
 * file; `ctx.source.id` says which election.
 *
 * stage (DuckDB, VARCHAR columns, cp1252 converted first) → check (header by
 * name, counts and percentages) → project (commune code rebuilt, re-keyed
 * onto today's COG, rows summed, pure functions in project.ts) → gate: the
 * totals of the file equal the totals of the communes plus the rows set aside.
 */
import { basename } from 'node:path';
import type { SourceContext, SourceOutput, SourcePipeline } from '../framework/types.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { GateError, SourceError } from '../framework/errors.js';
import { ELECTIONS, SET_ASIDE, type Election } from './elections.js';
import { COUNT_FIELDS } from './layout.js';
import { circonscriptionCode, communeCode } from './codes.js';
import {
  checkValues, emptyTotals, fileTotals, layoutOf, readCandidates, stageFile, toUtf8, typedSql, TYPED_FIXED, TYPED_PER_BLOCK, type Totals,
} from './stage.js';
import { readCirconscriptions, type CirconscriptionIndex } from './circonscriptions.js';
import {
  addRow, buildRecord, CandidateCatalog, candidateKey, FIELDS, newAcc, rowVoix,
  type CommuneAcc, type Circonscription, type ParsedRow,
} from './project.js';

function addTotals(t: Totals, row: ParsedRow): void {
  t.lignes++;
  for (const k of COUNT_FIELDS) t[k] += row.counts[k];
  t.voix += rowVoix(row);
}

function sumTotals(...all: Totals[]): Totals {
  const out = emptyTotals();
  for (const t of all) for (const k of Object.keys(out) as (keyof Totals)[]) out[k] += t[k];
  return out;
}

/** A row set aside but kept as is, for the pack's provenance ("not projectable"). */
interface SetAsideRow { code: string; libelle: string | null; ligne: number; raison: string; codesActuels?: string[]; inscrits: number; votants: number; exprimes: number; voix: number }

async function run(ctx: SourceContext): Promise<SourceOutput> {
  const sourceId = ctx.source.id;
  const election: Election | undefined = ELECTIONS[sourceId];
  if (!election) throw new SourceError(sourceId, '(registre)', `source inconnue du pipeline elections (attendu : ${Object.keys(ELECTIONS).join(', ')})`);
  const table = sourceId.replace(/-/g, '_');

  // The results file, and for législatives the optional per-circonscription file (recognised by its header).
  let main: { path: string; name: string; layout: ReturnType<typeof layoutOf> } | undefined;
  let circoFile: typeof main;
  for (const [i, file] of ctx.files.entries()) {
    const name = basename(file);
    const path = await toUtf8(file, ctx.source.encodage, ctx.workDir, `${sourceId}-${i}`);
    const layout = layoutOf(sourceId, path, name);
    if (layout.kind === 'communes' && !main) main = { path, name, layout };
    else if (layout.kind === 'circonscriptions' && !circoFile) circoFile = { path, name, layout };
  }
  if (!main) throw new SourceError(sourceId, ctx.files.map((f) => basename(f)).join(', '), 'aucun fichier de résultats par commune (colonne « Code commune » ou « Code de la commune »)', 1);
  const { layout } = main;

  let circos: CirconscriptionIndex | undefined;
  if (election.type === 'legislatives' && circoFile) {
    circos = await readCirconscriptions(ctx.duckdb, sourceId, `${table}_circonscriptions`, circoFile.path, circoFile.name, circoFile.layout);
  }

  const staged = `${table}_brut`;
  ctx.progress.update('lecture', 0);
  await stageFile(ctx.duckdb, sourceId, staged, main.path, main.name, layout);
  await checkValues(ctx.duckdb, sourceId, staged, main.name, layout);
  const expected = await fileTotals(ctx.duckdb, staged, layout);
  const blockFields = await readCandidates(ctx.duckdb, sourceId, staged, main.name, layout);

  const catalog = new CandidateCatalog();
  const communes = new Map<string, CommuneAcc>();
  const asideTotals = new Map<string, Totals>();
  const asideRows: SetAsideRow[] = [];
  const outside = emptyTotals();
  const unmatchedCandidates = new Set<string>();

  const setAside = (row: ParsedRow, reason: string, codesActuels?: string[]): void => {
    ctx.report.rejected(reason);
    const t = asideTotals.get(reason) ?? emptyTotals();
    addTotals(t, row);
    asideTotals.set(reason, t);
    // Abroad rows are counted, not listed (hundreds of consulates); the others are kept as is.
    if (reason !== SET_ASIDE.abroad) {
      asideRows.push({
        code: row.code, libelle: row.libelle, ligne: row.line, raison: reason, ...(codesActuels ? { codesActuels } : {}),
        inscrits: row.counts.inscrits, votants: row.counts.votants, exprimes: row.counts.exprimes, voix: rowVoix(row),
      });
    }
  };

  const result = await ctx.duckdb.stream(`${typedSql(staged, layout)} ORDER BY line`);
  let done = 0;
  for await (const chunk of result.yieldRowsJs()) {
    for (const raw of chunk as (string | number | bigint | null)[][]) {
      const line = Number(raw[0]);
      const dep = raw[1] as string | null;
      const rowCirco = circonscriptionCode(raw[4] as string | null);
      const circoOfRow: Circonscription | null = rowCirco ? { code: rowCirco, libelle: (raw[5] as string | null) ?? null } : null;
      const counts = Object.fromEntries(COUNT_FIELDS.map((k, i) => [k, Number(raw[6 + i])])) as ParsedRow['counts'];
      const votes: ParsedRow['votes'] = [];
      for (let b = 0; b < layout.blocks.length; b++) {
        const at = TYPED_FIXED + b * TYPED_PER_BLOCK;
        const k = raw[at] as bigint | null;
        if (k === null) continue;
        const fields = blockFields.get(k)!;
        let circo = circoOfRow;
        if (!circo && circos) {
          circo = circos.byCandidate.get(candidateKey(fields)) ?? null;
          if (!circo) unmatchedCandidates.add(candidateKey(fields));
        }
        votes.push({ candidate: catalog.intern(k, fields, election.type === 'legislatives' ? circo : null), voix: Number(raw[at + 1]) });
      }
      const parsed = communeCode(dep, raw[2] as string | null);
      const row: ParsedRow = {
        line, code: parsed.kind === 'commune' ? parsed.code : `${dep ?? ''}${raw[2] ?? ''}`, libelle: (raw[3] as string | null) ?? null, counts, votes,
      };
      if (parsed.kind === 'invalid') {
        throw new SourceError(sourceId, main.name, parsed.problem, line, layout.columnNames[layout.fixed.commune!]);
      }
      if (parsed.kind === 'abroad') {
        if (ctx.departements.length) { addTotals(outside, row); continue; }
        ctx.report.read();
        setAside(row, SET_ASIDE.abroad);
        continue;
      }
      const { codes } = ctx.referential.currentCodes(parsed.code);
      if (ctx.departements.length) {
        const deps = codes.map((c) => ctx.referential.commune(c)?.departement);
        if (!deps.some((d) => d && ctx.departements.includes(d))) { addTotals(outside, row); continue; }
      }
      ctx.report.read();
      if (codes.length === 0) setAside(row, SET_ASIDE.unknown);
      else if (codes.length > 1) setAside(row, SET_ASIDE.split, codes);
      else {
        const acc = communes.get(codes[0]) ?? newAcc();
        addRow(acc, row);
        communes.set(codes[0], acc);
        ctx.report.projected();
      }
    }
    done += chunk.length;
    ctx.progress.update('lecture', done, expected.lignes);
  }
  await ctx.duckdb.run(`DROP TABLE IF EXISTS ${staged}`);

  // Gate: nothing lost silently. File totals (summed by DuckDB) = communes + set aside (+ outside the --departement filter).
  const projected = emptyTotals();
  for (const acc of communes.values()) {
    projected.lignes += acc.lignes;
    for (const k of COUNT_FIELDS) projected[k] += acc.counts[k];
    for (const t of acc.votes.values()) projected.voix += t.voix;
  }
  const aside = sumTotals(...asideTotals.values());
  const accounted = sumTotals(projected, aside, outside);
  const gaps = (Object.keys(expected) as (keyof Totals)[]).filter((k) => expected[k] !== accounted[k]);
  if (gaps.length) {
    throw new GateError(sourceId, 'totaux du fichier', gaps.map((k) => `${k} : fichier ${expected[k]}, communes + écartés ${accounted[k]}`).join(' ; '));
  }

  const abroad = asideTotals.get(SET_ASIDE.abroad);
  ctx.report.note('lignesFrancaisEtranger', abroad?.lignes ?? 0);
  ctx.report.note('inscritsFrancaisEtranger', abroad?.inscrits ?? 0);
  ctx.report.note('communesRecomptees', [...communes.entries()].filter(([code, a]) => a.codes.size > 1 || !a.codes.has(code)).length);
  if (outside.lignes) ctx.report.note('lignesHorsFiltreDepartements', outside.lignes);
  if (circos) ctx.report.note('candidatsSansCirconscription', unmatchedCandidates.size);

  function* records(): Iterable<CommuneRecord> {
    for (const [code, acc] of communes) yield buildRecord(code, acc, catalog, election!);
  }

  return {
    millesime: election.date.slice(0, 4),
    fields: FIELDS,
    communes: records(),
    metadata: {
      scrutin: { id: election.id, type: election.libelleType, libelle: election.libelle, date: election.date, tour: election.tour },
      fichier: main.name,
      ...(circoFile ? { fichierCirconscriptions: circoFile.name } : {}),
      circonscriptionsNommees: election.type === 'legislatives' ? Boolean(circos || layout.fixed.circo !== undefined) : undefined,
      candidats: catalog.list.map((c) => ({
        numeroPanneau: c.numeroPanneau, nom: c.nom, prenom: c.prenom, sexe: c.sexe, nuance: c.nuance, liste: c.liste,
        listeAbregee: c.listeAbregee, ...(election.type === 'legislatives' ? { elu: c.elu, circonscription: c.circonscription?.code ?? null } : {}),
      })),
      definitions: {
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
      },
      bilan: {
        fichier: expected,
        communes: projected,
        ecartes: Object.fromEntries(asideTotals),
        ...(outside.lignes ? { horsFiltreDepartements: outside } : {}),
      },
      lignesEcartees: asideRows,
    },
  };
}

const pipeline: SourcePipeline = { id: 'elections', run };
export default pipeline;
