/**
 * Commune records serialised by DuckDB (sql-records.ts) whose list is long: a
 * national list of millions of rows. An aggregate that builds each commune's
 * ordered list (`list(… ORDER BY …)`) keeps a buffer per group and does not
 * spill to disk: over 3 million permits it runs out of memory. So a record
 * comes from two queries: its `data`, one row per commune (sqlCommuneRecords,
 * or sqlRecordsAsIs where the source accounts for its rows in SQL), read
 * first, a few kilobytes per commune; then `rowsSql`, one JSON text per list
 * row (`cle`, `ligne`), ordered by `cle` then the list's own order (DuckDB
 * sorts out of core), whose texts are joined into the commune's `rows` text.
 * No list row becomes a JS object.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SerializedCommuneRecord } from './types.js';

export async function* sqlCommuneLists(
  duckdb: DuckDBConnection, data: AsyncIterable<SerializedCommuneRecord>, rowsSql: string,
): AsyncIterable<SerializedCommuneRecord> {
  const records = new Map<string, SerializedCommuneRecord>();
  for await (const record of data) records.set(record.code, record);
  let key: string | undefined;
  let lines: string[] = [];
  const flush = (): SerializedCommuneRecord | undefined => {
    const record = key === undefined ? undefined : records.get(key);
    if (!record) return undefined;
    records.delete(key!);
    return { code: record.code, json: { ...record.json, rows: `[${lines.join(',')}]` } };
  };
  for await (const chunk of (await duckdb.stream(rowsSql)).yieldRowObjectJs()) {
    for (const row of chunk) {
      const cle = String(row.cle);
      if (cle !== key) {
        const record = flush();
        if (record) yield record;
        key = cle;
        lines = [];
      }
      if (records.has(cle)) lines.push(String(row.ligne));
    }
  }
  const record = flush();
  if (record) yield record;
  // Communes with figures but no list row (a list filtered more narrowly than the figures).
  yield* records.values();
}

/** Records from a query that returns them whole (`cle`, `data`, `rows`), for a source that scopes and accounts in SQL. */
export async function* sqlRecordsAsIs(duckdb: DuckDBConnection, sql: string): AsyncIterable<SerializedCommuneRecord> {
  for await (const chunk of (await duckdb.stream(sql)).yieldRowObjectJs()) {
    for (const row of chunk) yield { code: String(row.cle), json: { data: String(row.data), rows: (row.rows as string | null) ?? null } };
  }
}
