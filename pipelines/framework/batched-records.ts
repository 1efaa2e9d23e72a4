/**
 * sqlCommuneRecords over one batch of keys at a time: the SQL filters on a
 * range `{{premier}}`…`{{dernier}}` (of départements, say), so that
 * aggregates which hold their rows in memory until a group is complete (the
 * list of a commune's points) hold one batch's, not the national file's.
 * The notes (rejected codes, rows out of scope) sum over the batches.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SerializedCommuneRecord, SourceContext } from './types.js';
import { sqlCommuneRecords, type RecordNotes } from './sql-records.js';
import { fillSql, sqlString } from './sql-script.js';

export interface Batch { premier: string; dernier: string }

export async function* batchedCommuneRecords(
  duckdb: DuckDBConnection, sql: string, batches: Iterable<Batch>, ctx: Pick<SourceContext, 'scope' | 'report'>, splitReason: string,
): AsyncIterable<SerializedCommuneRecord> {
  const notes: RecordNotes = { rejectedCodes: new Map(), outOfScope: 0 };
  for (const { premier, dernier } of batches) {
    yield* sqlCommuneRecords(duckdb, fillSql(sql, { premier: sqlString(premier), dernier: sqlString(dernier) }), ctx, splitReason, notes);
  }
}
