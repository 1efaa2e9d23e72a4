/**
 * INSEE "Base du comparateur de territoires": population, births and deaths, dwellings, income, jobs and
 * establishments for every commune and arrondissement municipal, with the definitions of the INSEE dictionary.
 * locate (zip or CSVs, by header) → stage (DuckDB, all VARCHAR) → check (header by name, numbers) → re-key
 * onto today's COG, merging the rows of communes merged since → project (pure functions in project.ts).
 */
import { join } from 'node:path';
import type { SourceContext, SourceOutput, SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { locateByHeader } from '../framework/locate-inputs.js';
import { readFirstLines, splitLine } from '../framework/csv-header.js';
import { communeCodeCheck, firstBadCell, numeric, numericCheck, stageCsv, type StageOptions } from '../framework/staged-csv.js';
import { PlacedMerge } from '../framework/merge.js';
import { fillSql, readSqlSections } from '../framework/sql-script.js';
import { normaliseCommuneCode } from '../../src/domain/codes.js';
import {
  bindHeader, communeRecords, definitions, dictionaryHeaderProblem, dictionaryOf, DICTIONARY_HEADER, fieldsOf, HeaderProblem,
  MERGE_OPTIONS, mergeFields, REJECT, runNotes, sourceMetadata, valuesByPosition, type HeaderBinding,
} from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const STAGE: StageOptions = { nullPadding: false, errorDetail: 'after-heading' }; // complete rows; this source's read-error wording
const header = (path: string): string[] => splitLine(readFirstLines(path, 1)[0] ?? '').map((h) => h.trim());

async function run(ctx: SourceContext): Promise<SourceOutput> {
  const sourceId = ctx.source.id;
  const { data, meta } = await locateByHeader(sourceId, ctx.files, ctx.workDir, {
    data: { firstColumn: 'CODGEO', missing: 'aucun fichier de données du comparateur (en-tête commençant par CODGEO)' },
    meta: { firstColumn: 'COD_VAR', missing: 'dictionnaire des variables absent (fichier meta_… commençant par COD_VAR)' },
  });
  const names = header(data.path);
  let binding: HeaderBinding;
  try {
    binding = bindHeader(names);
  } catch (e) {
    if (e instanceof HeaderProblem) throw new SourceError(sourceId, data.name, e.message, 1, e.column);
    throw e;
  }
  const all = [...binding.indicators, ...binding.uncatalogued];

  const problem = dictionaryHeaderProblem(header(meta.path));
  if (problem) throw new SourceError(sourceId, meta.name, problem.message, 1, problem.column);
  const dictionaryTable = `${sourceId.replace(/-/g, '_')}_dictionnaire`;
  await stageCsv(ctx.duckdb, sourceId, dictionaryTable, meta.path, meta.name, DICTIONARY_HEADER.length, STAGE);
  const dictionary = dictionaryOf((await ctx.duckdb.runAndReadAll(fillSql(SQL.get('dictionary')!, { table: dictionaryTable }))).getRowsJS() as (string | null)[][]);
  await ctx.duckdb.run(`DROP TABLE IF EXISTS ${dictionaryTable}`);
  const table = `${sourceId.replace(/-/g, '_')}_brut`;
  ctx.progress.update('lecture', 0);
  await stageCsv(ctx.duckdb, sourceId, table, data.path, data.name, names.length, STAGE);
  await firstBadCell(ctx.duckdb, sourceId, table, data.name, [communeCodeCheck(binding.codeColumn)], names); // codes before numbers
  await firstBadCell(ctx.duckdb, sourceId, table, data.name, all.map((i) => numericCheck(i.column)), names);

  // Re-key while reading: each row merged onto today's commune (fields named by their position).
  const rekeyed = new PlacedMerge(mergeFields(binding), ctx, REJECT, MERGE_OPTIONS);
  const values = all.map((i) => numeric(i.column)).join(', ');
  const result = await ctx.duckdb.stream(fillSql(SQL.get('rows')!, { table, code: `c${binding.codeColumn}`, values }));
  let done = 0;
  for await (const chunk of result.yieldRowsJs()) {
    for (const raw of chunk) {
      // The code check above lets through only codes this normalises (a lost leading zero is put back).
      const code = normaliseCommuneCode(String(raw[1]))!;
      rekeyed.placeRow(code, Number(raw[0]) + 2, valuesByPosition(raw, 2));
    }
    done += chunk.length;
    ctx.progress.update('lecture', done);
  }
  await ctx.duckdb.run(`DROP TABLE IF EXISTS ${table}`);

  for (const [key, value] of runNotes(binding, dictionary, rekeyed.mergedCommunes, rekeyed.outsideScope)) ctx.report.note(key, value);
  const defs = definitions(binding, dictionary);
  return {
    millesime: `RP${binding.millesimeRP}`,
    fields: fieldsOf(defs),
    communes: communeRecords(rekeyed, binding, defs),
    metadata: sourceMetadata({ data: data.name, meta: meta.name }, binding, defs, rekeyed.setAside),
  };
}

const pipeline: SourcePipeline = { id: 'statistiques-insee', run };
export default pipeline;
