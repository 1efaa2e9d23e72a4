/** The ingestion engine. Its file is a cache: deleting it loses nothing. */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export async function openDuckDb(path: string): Promise<{ connection: DuckDBConnection; close(): void }> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  // Spill next to the database file (or in the system temp dir), never into the current directory.
  const spill = path === ':memory:' ? join(tmpdir(), 'dotation-duckdb') : `${path}.tmp`;
  const instance = await DuckDBInstance.create(path, { memory_limit: '4GB', preserve_insertion_order: 'false', temp_directory: spill });
  const connection = await instance.connect();
  return { connection, close: () => { connection.closeSync(); instance.closeSync(); } };
}
