/**
 * The run opens DuckDB with preserve_insertion_order=false (framework/duckdb.ts):
 * a multi-threaded read of a file larger than a few megabytes then stores its
 * rows in whatever order the threads finish, so `rowid` is not the file's row.
 * Code that names a file's line from `rowid` (staged-csv.ts' firstBadCell, the
 * sources that report `rowid + 2`) stages under this setting instead: rows are
 * stored in file order, still read in parallel.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

export async function withInsertionOrder<T>(duckdb: DuckDBConnection, work: () => Promise<T>): Promise<T> {
  const kept = String((await duckdb.runAndReadAll("SELECT current_setting('preserve_insertion_order')")).getRowsJS()[0][0]);
  await duckdb.run('SET preserve_insertion_order = true');
  try {
    return await work();
  } finally {
    await duckdb.run(`SET preserve_insertion_order = ${kept}`);
  }
}
