/**
 * OFGL « comptes consolidés des communes » (sources-wave2 §1.1): per commune, every exercice and agrégat of the
 * file in € and € per inhabitant (DGF population), BP/BA split, and the summary of ten agrégats over the last five
 * exercices. Columns bound by stable name (the COG millésime read from `Code Insee <année> Commune`); the file read
 * once into a typed table on today's communes and checked on that table (stage.sql); its cells grouped batch of
 * communes after batch, each in commune order, into records (project.ts).
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { readBoundHeader, type BoundHeader } from '../framework/header-prefix.js';
import { readDeclaredCsvSql, type DuckdbType } from '../framework/declared-csv.js';
import { firstRefusedValue } from '../framework/first-refused-value.js';
import { fillSql, readSqlSections, runSqlScript, sqlString } from '../framework/sql-script.js';
import { csvReadError } from '../framework/staged-csv.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { reportKeyCounts, stageCommuneKey } from '../framework/rekey-keys.js';
import { stageScope } from '../framework/scope-sql.js';
import { keyRanges } from '../framework/key-batches.js';
import { AGGREGATION_MEMORY, lowerMemoryLimit } from '../framework/duckdb-memory.js';
import { CHECKS, COLUMNS, FIELDS, REJECT_SPLIT, SUMMARY_AGREGATS, communeRecords, metadataOf, summaryYearsOf, type GroupRow } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const sections = (...names: string[]) => new Map(names.map((n) => [n, SQL.get(n)!]));
/** Amounts and population typed by the reader; codes, exercices and labels read as text. */
const TYPES: Partial<Record<keyof typeof COLUMNS, DuckdbType>> = { montant: 'DOUBLE', bp: 'DOUBLE', ba: 'DOUBLE', flux: 'DOUBLE', population: 'BIGINT', par_habitant: 'DOUBLE' };
const typeOf = (header: BoundHeader<keyof typeof COLUMNS>, i: number): DuckdbType =>
  TYPES[(Object.keys(header.index) as (keyof typeof COLUMNS)[]).find((k) => header.index[k] === i)!] ?? 'VARCHAR';
/** Source rows per batch: DuckDB groups and sorts one batch's cells at a time. */
const BATCH_ROWS = 200_000;

/** The first refused value of the file (a plain scan: a typed read stopped, or the table flags a cell), else `error`. */
async function refusal(sourceId: string, file: string, header: BoundHeader<keyof typeof COLUMNS>, error: unknown): Promise<unknown> {
  const checks = Object.entries(CHECKS).map(([key, check]) => ({ ...check, column: header.names[header.index[key as keyof typeof COLUMNS]] }));
  const refused = await firstRefusedValue(file, header.names, checks);
  if (!refused) return error;
  return new SourceError(sourceId, file, `valeur « ${refused.value} » inattendue (attendu : ${refused.expected})`, refused.line, refused.column);
}

/** A summary agrégat missing from the file: its label changed. */
function lostAgregats(sourceId: string, file: string, header: BoundHeader<keyof typeof COLUMNS>, found: Record<string, unknown>[]) {
  const agregats = new Set(found.map((r) => String(r.agregat)));
  const lost = SUMMARY_AGREGATS.filter((a) => !agregats.has(a));
  if (!lost.length || !agregats.size) return undefined;
  return new SourceError(sourceId, file, `agrégat(s) de la synthèse absent(s) du fichier : ${lost.join(', ')} (libellé changé ?)`, undefined, header.names[header.index.agregat]);
}

const pipeline: SourcePipeline = {
  id: 'budget-ofgl',
  async run(ctx) {
    const { id: sourceId } = ctx.source;
    if (ctx.files.length !== 1) throw new SourceError(sourceId, ctx.files.join(', ') || '(aucun)', 'un seul fichier attendu (export CSV ofgl-base-communes-consolidee)');
    const [file] = ctx.files;
    const { duckdb } = ctx;
    const header = await readBoundHeader(sourceId, file, COLUMNS);
    const placeholders = {
      csv: readDeclaredCsvSql([file], header.names.map((_, i) => [`c${i}`, typeOf(header, i)] as const)).replace('header = true', 'header = false, skip = 1'),
      ...Object.fromEntries(Object.entries(header.index).map(([key, i]) => [key, `c${i}`])),
    };
    await stageCodeMap(duckdb, codeMappings(ctx.referential, REJECT_SPLIT), 'budget_code_map');
    await stageCommuneKey(duckdb);
    await stageScope(duckdb, ctx.scope);
    ctx.progress.update('lecture', 0);
    // The table lives in a compressed in-memory database, capped until the last record is read (it spills beyond).
    await duckdb.run("ATTACH IF NOT EXISTS ':memory:' AS budget_db (COMPRESS)");
    const restore = await lowerMemoryLimit(duckdb, AGGREGATION_MEMORY);
    const release = async () => { await duckdb.run(SQL.get('cleanup')!); await duckdb.run('DETACH DATABASE IF EXISTS budget_db'); await restore(); };
    const staged = await runSqlScript(duckdb, sections('lignes', 'checks', 'keys', 'exercices', 'agregats'), { placeholders })
      .catch(async (e: unknown) => { await release(); throw await refusal(sourceId, file, header, csvReadError(sourceId, file, e)); });
    const refused = staged.get('checks')![0].bad ? await refusal(sourceId, file, header, undefined) : lostAgregats(sourceId, file, header, staged.get('agregats')!);
    if (refused) { await release(); throw refused; }
    const exercices = staged.get('exercices')!.map((r) => String(r.exercice));
    const keys = staged.get('keys')! as { cle: unknown; lignes: unknown }[];
    reportKeyCounts(ctx.report, keys, REJECT_SPLIT);
    const batches = keyRanges(keys, BATCH_ROWS).map((r) => fillSql(SQL.get('rows')!, { first: sqlString(r.first), last: sqlString(r.last) }));
    async function* rows(): AsyncIterable<GroupRow[]> {
      try { // batch after batch, each in commune order, one chunk at a time
        for (const sql of batches) for await (const chunk of (await duckdb.stream(sql)).yieldRowObjectJs()) yield chunk as unknown as GroupRow[];
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
