/** The ingestion engine. Its file is a cache: deleting it loses nothing. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

export async function openDuckDb(path: string): Promise<{ connection: DuckDBConnection; close(): void }> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const instance = await DuckDBInstance.create(path, { memory_limit: '4GB', preserve_insertion_order: 'false' });
  const connection = await instance.connect();
  return { connection, close: () => { connection.closeSync(); instance.closeSync(); } };
}
