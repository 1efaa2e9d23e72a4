/**
 * OFGL « comptes consolidés des communes » (sources-wave2 §1.1): per commune, every exercice and agrégat of the
 * file in € and € per inhabitant (DGF population), BP/BA split, and the summary of ten agrégats over the last five
 * exercices. Columns bound by stable name (the COG millésime read from `Code Insee <année> Commune`), one DuckDB
 * pass grouping rows on today's communes (stage.sql), records streamed in commune order (project.ts).
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { readBoundHeader } from '../framework/header-prefix.js';
import { firstLineWhere, readDeclaredCsvSql } from '../framework/declared-csv.js';
import { readSqlSections, runSqlScript } from '../framework/sql-script.js';
import { csvReadError } from '../framework/staged-csv.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { rejectedCodesNote, rejectionOf, stageCommuneKey } from '../framework/rekey-keys.js';
import { stageScope } from '../framework/scope-sql.js';
import { AGGREGATION_MEMORY, withMemoryLimit } from '../framework/duckdb-memory.js';
import { CHECKS, COLUMNS, FIELDS, REJECT_SPLIT, SUMMARY_AGREGATS, communeRecords, metadataOf, summaryYearsOf, type GroupRow } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const sections = (...names: string[]) => new Map(names.map((n) => [n, SQL.get(n)!]));

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
    const staged = await withMemoryLimit(ctx.duckdb, AGGREGATION_MEMORY, () => runSqlScript(ctx.duckdb, sections('groups', 'checks', 'keys', 'exercices', 'agregats'), {
      placeholders, mapError: (e) => csvReadError(sourceId, file, e),
    }));
    const counts = staged.get('checks')![0];
    for (const [key, check] of Object.entries(CHECKS)) {
      if (!Number(counts[key])) continue;
      const column = header.names[header.index[key as keyof typeof COLUMNS]];
      const { line, value } = await firstLineWhere(file, header.names, column, check.bad);
      throw new SourceError(sourceId, file, `valeur « ${value} » inattendue (attendu : ${check.expected})`, line, column);
    }
    const agregats = new Set(staged.get('agregats')!.map((r) => String(r.agregat)));
    const lost = SUMMARY_AGREGATS.filter((a) => !agregats.has(a));
    if (lost.length && agregats.size) throw new SourceError(sourceId, file, `agrégat(s) de la synthèse absent(s) du fichier : ${lost.join(', ')} (libellé changé ?)`, undefined, header.names[header.index.agregat]);

    const rejectedCodes = new Map<string, number>();
    for (const { cle, lignes } of staged.get('keys')!) {
      const n = Number(lignes);
      ctx.report.read(n);
      const rejection = rejectionOf(String(cle), REJECT_SPLIT);
      if (!rejection) { ctx.report.projected(n); continue; }
      ctx.report.rejected(rejection.reason, n);
      rejectedCodes.set(rejection.code, (rejectedCodes.get(rejection.code) ?? 0) + n);
    }
    if (rejectedCodes.size) ctx.report.note('codesRejetes', rejectedCodesNote(rejectedCodes));
    const exercices = staged.get('exercices')!.map((r) => String(r.exercice));
    const { duckdb } = ctx;
    async function* rows(): AsyncIterable<GroupRow[]> {
      try {
        for await (const chunk of (await duckdb.stream(SQL.get('rows')!)).yieldRowObjectJs()) yield chunk as unknown as GroupRow[];
      } finally {
        await duckdb.run(SQL.get('cleanup')!);
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
