/**
 * One storage interface over the two drivers: the `postgres` driver when
 * DATABASE_URL is set, PGlite (PostgreSQL in WebAssembly, under DATA_DIR)
 * otherwise. Same schema, same migrations, same SQL.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { csvLine } from './csv.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';

export type Scalar = string | number | boolean | null;
const MIGRATIONS = join(import.meta.dirname, '../../drizzle');
/** Rows per COPY chunk on PGlite, which takes a whole blob per statement. */
const PGLITE_COPY_CHUNK = 20_000;

export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Store extends Queryable {
  readonly driver: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Bulk load by COPY … FROM STDIN (csv); rows stream, never built as one array. */
  copy(table: string, columns: string[], rows: AsyncIterable<Scalar[]> | Iterable<Scalar[]>): Promise<number>;
  migrate(): Promise<void>;
  close(): Promise<void>;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;
function copyStatement(table: string, columns: string[], from: string): string {
  for (const name of [table, ...columns]) if (!IDENT.test(name)) throw new Error(`identifiant SQL refusé: ${name}`);
  return `COPY ${table} (${columns.join(', ')}) FROM ${from} WITH (FORMAT csv)`;
}

export async function openPglite(dataDir?: string): Promise<Store> {
  let lock: DataDirLock | undefined;
  let pg: PGlite;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    lock = acquireDataDirLock(dataDir);
    pg = new PGlite(join(dataDir, 'pglite'));
  } else {
    pg = new PGlite();
  }
  await pg.waitReady;
  const query = async <T>(text: string, params?: unknown[]) => (await pg.query<T>(text, params)).rows;
  return {
    driver: 'pglite',
    query,
    transaction: (fn) => pg.transaction((tx) => fn({ query: async <T>(text: string, params?: unknown[]) => (await tx.query<T>(text, params)).rows })),
    async copy(table, columns, rows) {
      const statement = copyStatement(table, columns, "'/dev/blob'");
      let chunk: string[] = [];
      let total = 0;
      const flush = async () => {
        if (!chunk.length) return;
        await pg.query(statement, [], { blob: new Blob(chunk) });
        total += chunk.length;
        chunk = [];
      };
      for await (const row of rows) {
        chunk.push(csvLine(row));
        if (chunk.length >= PGLITE_COPY_CHUNK) await flush();
      }
      await flush();
      return total;
    },
    migrate: () => migratePglite(drizzlePglite(pg), { migrationsFolder: MIGRATIONS }),
    async close() {
      await pg.close();
      lock?.release();
    },
  };
}

export async function openPostgres(url: string): Promise<Store> {
  const sql = postgres(url, { max: 10, onnotice: () => {}, prepare: true });
  const asRows = <T>(result: unknown) => [...(result as T[])];
  return {
    driver: 'postgres',
    query: async <T>(text: string, params: unknown[] = []) => asRows<T>(await sql.unsafe(text, params as never[])),
    transaction: async (fn) => (await sql.begin((tx) => fn({
      query: async <T>(text: string, params: unknown[] = []) => asRows<T>(await tx.unsafe(text, params as never[])),
    }))) as never,
    async copy(table, columns, rows) {
      const writable = await sql.unsafe(copyStatement(table, columns, 'STDIN')).writable();
      let total = 0;
      const done = new Promise<void>((resolve, reject) => {
        writable.on('finish', resolve);
        writable.on('error', reject);
      });
      try {
        for await (const row of rows) {
          if (!writable.write(csvLine(row))) await new Promise((r) => writable.once('drain', r));
          total++;
        }
      } catch (error) {
        // Abort the COPY (CopyFail) so that the connection goes back to the pool usable.
        writable.destroy(error as Error);
        await done.catch(() => {});
        throw error;
      }
      writable.end();
      await done;
      return total;
    },
    migrate: () => migratePostgres(drizzlePostgres(sql), { migrationsFolder: MIGRATIONS }),
    close: () => sql.end({ timeout: 5 }),
  };
}

export function openStore(config: { databaseUrl?: string; dataDir: string }): Promise<Store> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openPglite(config.dataDir);
}
