/**
 * Election results by commune (Ministère de l'Intérieur): présidentielle 2022, européennes 2024, législatives 2024.
 * One pipeline, one registry entry per file; `ctx.source.id` says which election (`ELECTIONS`).
 *
 * stage (cp1252 converted, VARCHAR columns, header bound by name to `LAYOUTS`, values checked, stage.sql) → project
 * (commune code rebuilt, placed on today's commune within `ctx.scope`, rows merged: project.ts) → gate: the totals
 * of the file equal the totals of the communes plus the rows set aside (plus those outside the scope).
 */
import { basename, join } from 'node:path';
import type { SourceContext, SourceOutput, SourcePipeline } from '../framework/types.js';
import { GateError, SourceError } from '../framework/errors.js';
import { readFirstLines, splitLine } from '../framework/csv-header.js';
import { bindBlocks, HeaderDrift } from '../framework/column-blocks.js';
import { firstBadCell, stageCsv, toUtf8 } from '../framework/staged-csv.js';
import { readSqlSections } from '../framework/sql-script.js';
import {
  ELECTIONS, FIELDS, LAYOUTS, Projection, indexCirconscriptions, isCommuneFile, stageSql, valueChecks,
  type CandidateFields, type Circonscription, type Layout, type Totals, type TypedRow,
} from './project.js';

const SQL = Object.fromEntries([...readSqlSections(join(import.meta.dirname, 'stage.sql'))].map(([name, sql]) => [name, sql.trim()]));
interface File { path: string; name: string; layout: Layout }

async function run(ctx: SourceContext): Promise<SourceOutput> {
  const id = ctx.source.id;
  const election = ELECTIONS[id];
  if (!election) throw new SourceError(id, '(registre)', `source inconnue du pipeline elections (attendu : ${Object.keys(ELECTIONS).join(', ')})`);
  const files: File[] = [];
  for (const [i, file] of ctx.files.entries()) {
    const path = await toUtf8(file, ctx.source.encodage, ctx.workDir, `${id}-${i}`);
    const [header, first] = readFirstLines(path, 2).map((line) => splitLine(line).map((f) => f.trim()));
    try { files.push({ path, name: basename(file), layout: bindBlocks(header ?? [], first, LAYOUTS) }); } catch (e) {
      throw e instanceof HeaderDrift ? new SourceError(id, basename(file), e.message, e.line, e.column) : e;
    }
  }
  // The results file, and for législatives the optional per-circonscription file (recognised by its header).
  const [main, circoFile] = [files.find((f) => isCommuneFile(f.layout)), files.find((f) => !isCommuneFile(f.layout))];
  if (!main) throw new SourceError(id, files.map((f) => f.name).join(', '), 'aucun fichier de résultats par commune (colonne « Code commune » ou « Code de la commune »)', 1);

  const stage = async (file: File, table: string) => {
    await stageCsv(ctx.duckdb, id, table, file.path, file.name, file.layout.columnCount);
    await firstBadCell(ctx.duckdb, id, table, file.name, valueChecks(file.layout), file.layout.columnNames);
    const sql = stageSql(SQL, table, file.layout);
    const [totals] = (await ctx.duckdb.runAndReadAll(sql.totals)).getRowObjectsJS();
    const expected = Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, Number(v)])) as Totals;
    const candidates = (await ctx.duckdb.runAndReadAll(sql.candidates)).getRowsJS() as [bigint, CandidateFields][];
    const fields = new Map(candidates);
    if (fields.size !== candidates.length) throw new SourceError(id, file.name, 'deux candidats de même empreinte : lecture impossible sans ambiguïté');
    return { sql, expected, fields, rows: async function* rows(order = '') {
      for await (const chunk of (await ctx.duckdb.stream(sql.typed + order)).yieldRowsJs()) yield chunk as TypedRow[];
      await ctx.duckdb.run(`DROP TABLE IF EXISTS ${table}`);
    } };
  };
  const table = id.replace(/-/g, '_');
  let circos: Map<string, Circonscription | null> | undefined;
  if (election.type === 'legislatives' && circoFile) {
    const staged = await stage(circoFile, `${table}_circonscriptions`);
    circos = new Map();
    for await (const chunk of staged.rows()) indexCirconscriptions(chunk, circoFile.layout.blocks.length, staged.fields, circos);
  }

  ctx.progress.update('lecture', 0);
  const staged = await stage(main, `${table}_brut`);
  const projection = new Projection(election, main.layout.blocks.length, staged.fields, circos, ctx,
    (problem, line) => new SourceError(id, main.name, problem, line, main.layout.columnNames[main.layout.fixed.commune!]));
  let done = 0;
  for await (const chunk of staged.rows(' ORDER BY line')) {
    for (const raw of chunk) projection.add(raw);
    ctx.progress.update('lecture', done += chunk.length, staged.expected.lignes);
  }
  const gaps = projection.gaps(staged.expected);
  if (gaps) throw new GateError(id, 'totaux du fichier', gaps);
  for (const [key, value] of projection.notes()) ctx.report.note(key, value);
  const metadata = projection.metadata(staged.expected, { fichier: main.name, ...(circoFile ? { fichierCirconscriptions: circoFile.name } : {}) }, main.layout.fixed.circo !== undefined);
  return { millesime: election.date.slice(0, 4), fields: FIELDS, communes: projection.records(), metadata };
}

const pipeline: SourcePipeline = { id: 'elections', run };
export default pipeline;
