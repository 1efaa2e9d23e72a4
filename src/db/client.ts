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
import type { Scalar } from '../contract/dataset.js';
import { copyTextLine } from './copy-text.js';
import { acquireDataDirLock, type DataDirLock } from './lock.js';

const MIGRATIONS = join(import.meta.dirname, '../../drizzle');

export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface Store extends Queryable {
  readonly driver: 'pglite' | 'postgres';
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Bulk load by COPY … FROM STDIN in text format (copy-text.ts); rows stream, never built as one array. */
  copy(table: string, columns: string[], rows: AsyncIterable<Scalar[]> | Iterable<Scalar[]>): Promise<number>;
  /**
   * Bulk load of text already in COPY's csv format (RFC 4180 quoting, `delimiter`
   * between fields, an empty field quoted or not is NULL), each chunk ending on
   * a record boundary: the bytes go to the server as they are, no field is
   * touched in JS.
   */
  copyCsv(table: string, columns: string[], chunks: AsyncIterable<string | Uint8Array>, options: CsvCopyOptions): Promise<void>;
  migrate(): Promise<void>;
  /**
   * Holds the ingestion lock until `release()`: one ingestion (or prune) at a time, so that a
   * load still `loading` when the lock is taken was left by a dead process. On PGlite the
   * data-directory lock already gives it; on PostgreSQL a session advisory lock, which the
   * server drops by itself when the holder's connection dies (kill -9 included).
   */
  lockIngestion(): Promise<{ release(): Promise<void> }>;
  close(): Promise<void>;
}

/** Key of the advisory lock taken by ingestions on PostgreSQL (any stable bigint). */
export const INGESTION_LOCK_KEY = 4_711_2024;

export interface CsvCopyOptions { delimiter: string }

const IDENT = /^[a-z_][a-z0-9_]*$/;
function copyStatement(table: string, columns: string[], from: string, csv?: CsvCopyOptions): string {
  for (const name of [table, ...columns]) if (!IDENT.test(name)) throw new Error(`identifiant SQL refusé: ${name}`);
  if (!csv) return `COPY ${table} (${columns.join(', ')}) FROM ${from}`; // text format
  if (!/^[^"\r\n]$/.test(csv.delimiter)) throw new Error(`séparateur refusé: ${csv.delimiter}`);
  const delimiter = csv.delimiter.replaceAll("'", "''");
  return `COPY ${table} (${columns.join(', ')}) FROM ${from} WITH (FORMAT csv, DELIMITER '${delimiter}', FORCE_NULL (${columns.join(', ')}))`;
}

/**
 * Bytes of text per COPY statement on PGlite, which takes a whole blob per statement.
 * The rows are encoded as UTF-8 straight into one reused buffer of this size: no row's
 * string outlives its encoding (strings held until a piece was complete were promoted to
 * the old generation, ~100 MB more JS heap over the INSEE comparateur), and no copy of
 * the piece is made on the JS side (a Blob, then the ArrayBuffer PGlite reads it into,
 * both garbage that only a full GC freed: ~100 MB of RSS), only PGlite's own, into its
 * WebAssembly heap (which never shrinks).
 */
const PGLITE_COPY_BYTES = 4 << 20;

/**
 * PGlite's shared buffers live in its WebAssembly heap, allocated in full at
 * start: PostgreSQL's default 128 MB made an ingestion's peak RSS ~120 MB
 * larger; the operating system's page cache serves the pages beyond it.
 */
const PGLITE_SHARED_BUFFERS = '32MB';

async function* encodeRows(rows: AsyncIterable<Scalar[]> | Iterable<Scalar[]>): AsyncGenerator<string> {
  for await (const row of rows) yield copyTextLine(row);
}

/** A resizable ArrayBuffer (ES2024, in Node 20; the TypeScript lib of this project predates it). */
const ResizableArrayBuffer = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer & { resize(length: number): void };

/**
 * COPY … FROM '/dev/blob' on PGlite, one statement per PGLITE_COPY_BYTES of text; returns the number of pieces sent.
 * PGlite (0.5) reads the blob it is given through `arrayBuffer()` alone, before the statement runs, and lets it go
 * after: the blob handed over is that one method over the reused buffer, resized to the piece (no copy).
 */
async function copyBlobs(pg: PGlite, statement: string, pieces: AsyncIterable<string | Uint8Array>): Promise<number> {
  const encoder = new TextEncoder();
  const memory = new ResizableArrayBuffer(PGLITE_COPY_BYTES, { maxByteLength: PGLITE_COPY_BYTES });
  const buffer = new Uint8Array(memory);
  let size = 0;
  let total = 0;
  let pending = 0;
  const flush = async () => {
    if (!pending) return;
    memory.resize(size);
    await pg.query(statement, [], { blob: { arrayBuffer: async () => memory } as unknown as Blob });
    memory.resize(PGLITE_COPY_BYTES);
    total += pending;
    pending = 0;
    size = 0;
  };
  for await (const piece of pieces) {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit.
    const bound = typeof piece === 'string' ? piece.length * 3 : piece.length;
    if (size + bound > PGLITE_COPY_BYTES) await flush();
    if (bound > PGLITE_COPY_BYTES) {
      // Larger than a whole piece on its own (a commune's long list): sent as it is.
      await pg.query(statement, [], { blob: new Blob([piece as BlobPart]) });
      total++;
      continue;
    }
    if (typeof piece === 'string') size += encoder.encodeInto(piece, buffer.subarray(size)).written;
    else {
      buffer.set(piece, size);
      size += piece.length;
    }
    pending++;
  }
  await flush();
  return total;
}

/**
 * COPY … FROM STDIN on the `postgres` driver. postgres.js 3.4 loses an error the
 * server sends after the last byte (a rejected row): the writable never
 * finishes (porsager/postgres#1173). The error still reaches the query's
 * `reject`, so it is caught there and raced against the end of the stream.
 */
async function copyFromStdin<T>(sql: postgres.Sql, statement: string, items: AsyncIterable<T> | Iterable<T>, encode: (item: T) => string | Uint8Array): Promise<number> {
  const query = sql.unsafe(statement) as unknown as postgres.PendingQuery<postgres.Row[]> & { reject(error: unknown): void };
  const rejectQuery = query.reject;
  const serverError = new Promise<never>((_, reject) => {
    query.reject = (error) => {
      reject(error);
      rejectQuery(error);
    };
  });
  serverError.catch(() => {});
  const writable = await query.writable();
  const done = new Promise<void>((resolve, reject) => {
    writable.on('finish', resolve);
    writable.on('error', reject);
  });
  let total = 0;
  try {
    for await (const item of items) {
      if (!writable.write(encode(item))) await Promise.race([new Promise((r) => writable.once('drain', r)), serverError]);
      total++;
    }
  } catch (error) {
    // Abort the COPY (CopyFail) so that the connection goes back to the pool usable.
    writable.destroy(error as Error);
    await done.catch(() => {});
    throw error;
  }
  writable.end();
  await Promise.race([done, serverError]);
  return total;
}

/** Written to the data directory's postgresql.conf at every start (PGlite replaces the file each time). */
const PGLITE_CONF = ['wal_recycle = off'];
const PGLITE_OPTIONS = { startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${PGLITE_SHARED_BUFFERS}`] };

export async function openPglite(dataDir?: string): Promise<Store> {
  let lock: DataDirLock | undefined;
  let pg: PGlite;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    lock = acquireDataDirLock(dataDir);
    // PGlite has no background checkpointer to trim pg_wal: recycled segments are kept as future ones and never
    // given back (129 MB after `prune` in bench/lifecycle.ts). Without recycling, each checkpoint deletes them.
    pg = new PGlite(join(dataDir, 'pglite'), { ...PGLITE_OPTIONS, postgresqlconf: PGLITE_CONF });
  } else {
    pg = new PGlite(PGLITE_OPTIONS);
  }
  await pg.waitReady;
  const query = async <T>(text: string, params?: unknown[]) => (await pg.query<T>(text, params)).rows;
  return {
    driver: 'pglite',
    query,
    transaction: (fn) => pg.transaction((tx) => fn({ query: async <T>(text: string, params?: unknown[]) => (await tx.query<T>(text, params)).rows })),
    copy: (table, columns, rows) => copyBlobs(pg, copyStatement(table, columns, "'/dev/blob'"), encodeRows(rows)),
    async copyCsv(table, columns, chunks, options) {
      await copyBlobs(pg, copyStatement(table, columns, "'/dev/blob'", options), chunks);
    },
    migrate: () => migratePglite(drizzlePglite(pg), { migrationsFolder: MIGRATIONS }),
    lockIngestion: async () => ({ release: async () => {} }),
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
      return copyFromStdin(sql, copyStatement(table, columns, 'STDIN'), rows, copyTextLine);
    },
    async copyCsv(table, columns, chunks, options) {
      await copyFromStdin(sql, copyStatement(table, columns, 'STDIN', options), chunks, (chunk) => chunk);
    },
    migrate: () => migratePostgres(drizzlePostgres(sql), { migrationsFolder: MIGRATIONS }),
    async lockIngestion() {
      const session = await sql.reserve();
      const [{ locked }] = await session.unsafe<{ locked: boolean }[]>('SELECT pg_try_advisory_lock($1) AS locked', [INGESTION_LOCK_KEY]);
      if (!locked) {
        session.release();
        throw new Error('une autre ingestion (ou un prune) est en cours sur cette base PostgreSQL : réessayez quand elle sera terminée');
      }
      return {
        async release() {
          await session.unsafe('SELECT pg_advisory_unlock($1)', [INGESTION_LOCK_KEY]).catch(() => {});
          session.release();
        },
      };
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

export function openStore(config: { databaseUrl?: string; dataDir: string }): Promise<Store> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openPglite(config.dataDir);
}
