/**
 * OFGL « comptes consolidés des communes » (sources-wave2 §1.1): per commune, every exercice and agrégat of the
 * file in € and € per inhabitant (DGF population), BP/BA split, and the summary of ten agrégats over the last five
 * exercices. Columns bound by stable name (the COG millésime read from `Code Insee <année> Commune`), the file read
 * once into a checked typed table (stage.sql), rows handed over as numbers in commune order, records written by
 * project.ts with the long table in the declared fields' order.
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { readBoundHeader } from '../framework/header-prefix.js';
import { readDeclaredCsvSql } from '../framework/declared-csv.js';
import { countedCheckFailure } from '../framework/counted-checks.js';
import { readSqlSections, runSqlScript } from '../framework/sql-script.js';
import { csvReadError } from '../framework/staged-csv.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { reportKeyCounts, stageCommuneKey } from '../framework/rekey-keys.js';
import { stageScope } from '../framework/scope-sql.js';
import { AGGREGATION_MEMORY, lowerMemoryLimit } from '../framework/duckdb-memory.js';
import { CHECKS, COLUMNS, FIELDS, REJECT_SPLIT, communeRecords, DuplicateRow, lostSummaryProblem, metadataOf, namesOf, summaryYearsOf, type RowColumns } from './project.js';

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
    };
    await stageCodeMap(ctx.duckdb, codeMappings(ctx.referential, REJECT_SPLIT), 'budget_code_map');
    await stageCommuneKey(ctx.duckdb);
    await stageScope(ctx.duckdb, ctx.scope);
    ctx.progress.update('lecture et contrôles', 0);
    // Capped until the last record is read: the table of lines and its ordered scan spill to disk beyond it.
    const restore = await lowerMemoryLimit(ctx.duckdb, AGGREGATION_MEMORY);
    const release = async () => { await ctx.duckdb.run(SQL.get('cleanup')!); await restore(); };
    const staged = await runSqlScript(ctx.duckdb, sections('lines', 'checks', 'codes', 'keys', 'exercices', 'agregats', 'communes'), {
      placeholders, mapError: (e) => csvReadError(sourceId, file, e),
    }).catch(async (e: unknown) => { await release(); throw e; });
    const agregat = header.names[header.index.agregat];
    const names = namesOf(staged);
    const lost = lostSummaryProblem(names.agregats);
    const refused = await countedCheckFailure(sourceId, file, header, CHECKS, staged.get('checks')!.map((r) => Number(r.defaut)))
      ?? (lost ? new SourceError(sourceId, file, lost, undefined, agregat) : undefined);
    if (refused) { await release(); throw refused; }
    reportKeyCounts(ctx.report, staged.get('keys')! as { cle: unknown; lignes: unknown }[], REJECT_SPLIT);
    const exercices = staged.get('exercices')!.map((r) => String(r.exercice));
    const { duckdb } = ctx;
    async function* rows(): AsyncIterable<RowColumns> {
      try { // in commune order, one chunk at a time, numbers only
        for await (const chunk of await duckdb.stream(SQL.get('rows')!)) {
          yield Array.from({ length: chunk.columnCount }, (_, c) => chunk.getColumnVector(c).toArray()) as RowColumns;
        }
      } finally {
        await release();
      }
    }
    async function* records() {
      try { yield* communeRecords(rows(), names, summaryYearsOf(exercices)); } catch (e) {
        throw e instanceof DuplicateRow ? new SourceError(sourceId, file, e.message, undefined, agregat) : e;
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
