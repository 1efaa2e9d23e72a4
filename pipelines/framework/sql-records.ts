/**
 * Commune records serialised by DuckDB: a source's SQL returns one row per
 * commune key (rekey-keys.ts' commune_key) with the number of source rows it
 * groups and the record's parts as JSON text (`to_json`), so that a national
 * list reaches COPY without becoming JS objects. Rows outside the run's scope
 * are skipped and counted in the note « hors des départements demandés »; the
 * others are counted read, then projected or set aside with the reason their
 * key carries — the same accounting for every source.
 *
 * The SQL's columns: `cle`, `lignes` (source rows), `data` (JSON object text),
 * and optionally `rows` and `features` (JSON array text or NULL).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SerializedCommuneRecord, SourceContext } from './types.js';
import { rejectionOf, rejectedCodesNote } from './rekey-keys.js';

/** What the notes of a run sum over its queries (one per batch: batched-records.ts). */
export interface RecordNotes { rejectedCodes: Map<string, number>; outOfScope: number }

export const OUT_OF_SCOPE_NOTE = 'hors des départements demandés';

const recordOf = (row: Record<string, unknown>): SerializedCommuneRecord => ({
  code: String(row.cle), json: { data: String(row.data), rows: (row.rows as string | null) ?? null, features: (row.features as string | null) ?? null },
});

export async function* sqlCommuneRecords(
  duckdb: DuckDBConnection, sql: string, ctx: Pick<SourceContext, 'scope' | 'report'>, splitReason: string,
  notes: RecordNotes = { rejectedCodes: new Map(), outOfScope: 0 },
): AsyncIterable<SerializedCommuneRecord> {
  const { rejectedCodes } = notes;
  for await (const chunk of (await duckdb.stream(sql)).yieldRowObjectJs()) {
    for (const row of chunk) {
      const key = String(row.cle);
      const count = Number(row.lignes);
      const rejected = rejectionOf(key, splitReason);
      if (!ctx.scope.includes(rejected ? rejected.code : key)) {
        notes.outOfScope += count;
        continue;
      }
      ctx.report.read(count);
      if (rejected) {
        ctx.report.rejected(rejected.reason, count);
        rejectedCodes.set(rejected.code, (rejectedCodes.get(rejected.code) ?? 0) + count);
        continue;
      }
      ctx.report.projected(count);
      yield recordOf(row);
    }
  }
  // Over every query so far (a batched run writes the notes again after each batch, the last with the totals).
  if (rejectedCodes.size) ctx.report.note('codesRejetes', rejectedCodesNote(rejectedCodes));
  if (notes.outOfScope) ctx.report.note(OUT_OF_SCOPE_NOTE, notes.outOfScope);
}

/**
 * The records a query writes (`cle`, `data`, optional `rows` and `features` as JSON text), streamed as
 * they are, for a source that accounts for its rows otherwise (rows set aside before any commune key).
 */
export async function* sqlRecordTexts(duckdb: DuckDBConnection, sql: string): AsyncIterable<SerializedCommuneRecord> {
  for await (const chunk of (await duckdb.stream(sql)).yieldRowObjectJs()) {
    for (const row of chunk) yield recordOf(row);
  }
}
