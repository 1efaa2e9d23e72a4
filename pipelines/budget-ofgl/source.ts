/**
 * OFGL « comptes consolidés des communes » (sources-wave2 §1.1): per commune, every exercice and agrégat of the
 * file in € and € per inhabitant (DGF population), BP/BA split, and the summary of ten agrégats over the last five
 * exercices. Columns bound by stable name (the COG millésime read from `Code Insee <année> Commune`), the file read
 * once into a checked typed table (stage.sql), each record's text (the long table in the declared fields' order,
 * the summary) written by DuckDB and read back in commune order (framework/sorted-record-text.ts).
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { readBoundHeader } from '../framework/header-prefix.js';
import { readDeclaredCsvSql } from '../framework/declared-csv.js';
import { countedCheckFailure, firstFailedCheckSql } from '../framework/counted-checks.js';
import { fillSql, readSqlSections, runSqlScript, sqlString } from '../framework/sql-script.js';
import { sortedRecordTexts } from '../framework/sorted-record-text.js';
import { csvReadError } from '../framework/staged-csv.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { reportKeyCounts, stageCommuneKey } from '../framework/rekey-keys.js';
import { stageScope } from '../framework/scope-sql.js';
import { AGGREGATION_MEMORY, lowerMemoryLimit } from '../framework/duckdb-memory.js';
import { CHECKS, COLUMNS, FIELDS, REJECT_SPLIT, lostSummaryProblem, metadataOf, repeatedRowProblem, slicesOf, summarySql, summaryYearsOf } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const sections = (...ids: string[]) => new Map(ids.map((n) => [n, SQL.get(n)!]));

const pipeline: SourcePipeline = {
  id: 'budget-ofgl',
  async run(ctx) {
    const { id: sourceId } = ctx.source;
    if (ctx.files.length !== 1) throw new SourceError(sourceId, ctx.files.join(', ') || '(aucun)', 'un seul fichier attendu (export CSV ofgl-base-communes-consolidee)');
    const [file] = ctx.files;
    const header = await readBoundHeader(sourceId, file, COLUMNS);
    const placeholders = {
      csv: readDeclaredCsvSql([file], header.names.map((_, i) => [`c${i}`, 'VARCHAR'] as const)).replace('header = true', 'header = false, skip = 1'),
      ...Object.fromEntries(Object.entries(header.index).map(([key, i]) => [key, `c${i}`])),
      defaut: firstFailedCheckSql(CHECKS, (key) => `c${header.index[key]}`),
    };
    await stageCodeMap(ctx.duckdb, codeMappings(ctx.referential, REJECT_SPLIT), 'budget_code_map');
    await stageCommuneKey(ctx.duckdb);
    await stageScope(ctx.duckdb, ctx.scope);
    ctx.progress.update('lecture et contrôles', 0);
    // Capped until the last record is read: the table of lines and its sort spill to disk beyond it.
    const restore = await lowerMemoryLimit(ctx.duckdb, AGGREGATION_MEMORY);
    const release = async () => { await ctx.duckdb.run(SQL.get('cleanup')!); await restore(); };
    const failed = (e: unknown) => release().then(() => { throw e; });
    const staged = await runSqlScript(ctx.duckdb, sections('lines', 'checks', 'codes', 'keys', 'exercices', 'agregats'), {
      placeholders, mapError: (e) => csvReadError(sourceId, file, e),
    }).catch(failed);
    const agregat = header.names[header.index.agregat];
    const agregats = staged.get('agregats')!.map((r) => String(r.agregat));
    const lost = lostSummaryProblem(agregats);
    const refused = await countedCheckFailure(ctx.duckdb, sourceId, file, header, CHECKS, staged.get('checks')!.map((r) => Number(r.defaut)))
      ?? (lost ? new SourceError(sourceId, file, lost, undefined, agregat) : undefined);
    if (refused) await failed(refused);
    const [repeated] = (await runSqlScript(ctx.duckdb, sections('rows', 'repeated')).catch(failed)).get('repeated')!;
    if (repeated) await failed(new SourceError(sourceId, file, repeatedRowProblem(repeated), undefined, agregat));
    const keys = staged.get('keys')! as { cle: unknown; lignes: unknown }[];
    reportKeyCounts(ctx.report, keys, REJECT_SPLIT);
    const exercices = staged.get('exercices')!.map((r) => String(r.exercice));
    async function* records() {
      try { // the records' text written by DuckDB, in commune order
        yield* sortedRecordTexts(ctx.duckdb, {
          heads: fillSql(SQL.get('record_heads')!, summarySql(summaryYearsOf(exercices))), lines: SQL.get('record_lines')!,
          line: fillSql(SQL.get('record_line')!, { agregats: `[${agregats.map((a) => sqlString(JSON.stringify(a))).join(', ')}]` }),
          file: join(ctx.workDir, 'budget-ofgl-records.txt'), slices: slicesOf(keys),
        });
      } finally {
        await release();
      }
    }
    return {
      millesime: exercices.at(-1),
      fields: FIELDS,
      communes: records(),
      metadata: metadataOf(header.millesime!, ctx.referential.millesime, exercices, summaryYearsOf(exercices)),
    };
  },
};

export default pipeline;
