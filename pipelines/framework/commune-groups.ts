/**
 * One record per commune from a DuckDB query that returns a source's rows
 * ordered by `cle` (rekey-keys.ts' commune_key): the rows of one commune at a
 * time, so that a national list (millions of rows) never sits in memory at
 * once. Rows outside the run's scope are skipped; the others are counted read,
 * then projected or rejected with the reason their key carries.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import type { SourceContext } from './types.js';
import { rejectionOf } from './rekey-keys.js';

export async function* communeGroups<T extends Record<string, unknown>>(
  duckdb: DuckDBConnection, sql: string, ctx: Pick<SourceContext, 'scope' | 'report'>, splitReason: string,
  build: (code: string, rows: T[]) => CommuneRecord,
): AsyncIterable<CommuneRecord> {
  let key: string | undefined;
  let rows: T[] = [];
  const flush = (): CommuneRecord | undefined => {
    if (key === undefined || !rows.length) return undefined;
    const rejected = rejectionOf(key, splitReason);
    if (!ctx.scope.includes(rejected ? rejected.code : key)) return undefined;
    ctx.report.read(rows.length);
    if (rejected) { ctx.report.rejected(rejected.reason, rows.length); return undefined; }
    ctx.report.projected(rows.length);
    return build(key, rows);
  };
  for await (const chunk of (await duckdb.stream(sql)).yieldRowObjectJs()) {
    for (const row of chunk) {
      const { cle, ...rest } = row as Record<string, unknown>;
      if (cle !== key) {
        const record = flush();
        if (record) yield record;
        key = String(cle);
        rows = [];
      }
      rows.push(rest as T);
    }
  }
  const record = flush();
  if (record) yield record;
}
