/**
 * OFGL « comptes consolidés des communes » (sources-wave2 §1.1): per commune, every exercice and agrégat of the
 * file in € and € per inhabitant (DGF population), BP/BA split, and the summary of ten agrégats over the last five
 * exercices. Columns bound by stable name (the COG millésime read from `Code Insee <année> Commune`), one DuckDB
 * pass grouping rows on today's communes (stage.sql), records streamed in commune order (project.ts).
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { readBoundHeader, type BoundHeader } from '../framework/header-prefix.js';
import { firstLineWhere, readDeclaredCsvSql } from '../framework/declared-csv.js';
import { readSqlSections, runSqlScript } from '../framework/sql-script.js';
import { csvReadError } from '../framework/staged-csv.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { reportKeyCounts, stageCommuneKey } from '../framework/rekey-keys.js';
import { stageScope } from '../framework/scope-sql.js';
import { AGGREGATION_MEMORY, lowerMemoryLimit } from '../framework/duckdb-memory.js';
import { CHECKS, COLUMNS, FIELDS, REJECT_SPLIT, SUMMARY_AGREGATS, communeRecords, metadataOf, summaryYearsOf, type GroupRow } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const sections = (...names: string[]) => new Map(names.map((n) => [n, SQL.get(n)!]));

/** The first refused value, located by a plain scan of the file, or a summary agrégat missing from the file. */
async function refusal(sourceId: string, file: string, header: BoundHeader<keyof typeof COLUMNS>, staged: Map<string, Record<string, unknown>[]>) {
  const counts = staged.get('checks')![0];
  for (const [key, check] of Object.entries(CHECKS)) {
    if (!Number(counts[key])) continue;
    const column = header.names[header.index[key as keyof typeof COLUMNS]];
    const { line, value } = await firstLineWhere(file, header.names, column, check.bad);
    return new SourceError(sourceId, file, `valeur « ${value} » inattendue (attendu : ${check.expected})`, line, column);
  }
  const agregats = new Set(staged.get('agregats')!.map((r) => String(r.agregat)));
  const lost = SUMMARY_AGREGATS.filter((a) => !agregats.has(a));
  if (lost.length && agregats.size) return new SourceError(sourceId, file, `agrégat(s) de la synthèse absent(s) du fichier : ${lost.join(', ')} (libellé changé ?)`, undefined, header.names[header.index.agregat]);
  return undefined;
}

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
    ctx.progress.update('lecture et regroupement', 0);
    // Capped until the last record is read: the grouped table and its ordered scan spill to disk beyond it.
    const restore = await lowerMemoryLimit(ctx.duckdb, AGGREGATION_MEMORY);
    const release = async () => { await ctx.duckdb.run(SQL.get('cleanup')!); await restore(); };
    const staged = await runSqlScript(ctx.duckdb, sections('groups', 'checks', 'keys', 'exercices', 'agregats'), {
      placeholders, mapError: (e) => csvReadError(sourceId, file, e),
    }).catch(async (e: unknown) => { await release(); throw e; });
    const refused = await refusal(sourceId, file, header, staged);
    if (refused) { await release(); throw refused; }
    reportKeyCounts(ctx.report, staged.get('keys')! as { cle: unknown; lignes: unknown }[], REJECT_SPLIT);
    const exercices = staged.get('exercices')!.map((r) => String(r.exercice));
    const { duckdb } = ctx;
    async function* rows(): AsyncIterable<GroupRow[]> {
      try { // in commune order, one chunk at a time
        for await (const chunk of (await duckdb.stream(SQL.get('rows')!)).yieldRowObjectJs()) yield chunk as unknown as GroupRow[];
      } finally {
        await release();
      }
    }
    return {
      millesime: exercices.at(-1),
      fields: FIELDS,
      communes: communeRecords(rows(), summaryYearsOf(exercices)),
      metadata: metadataOf(header.millesime!, ctx.referential.millesime, exercices, summaryYearsOf(exercices)),
    };
  },
};

export default pipeline;
