/** Configuration, parsed once at the composition root and passed down (never read below it). */
import { resolve } from 'node:path';
import { z } from 'zod';

const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('./data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: z.string().url().optional(),
  /** How long a server trusts its idea of the current release before asking the store again. */
  RELEASE_CHECK_MS: z.coerce.number().int().min(0).default(1000),
  /** Megabytes of rendered dotations kept in memory (LRU weighed in bytes); unset: DEFAULT_CACHE_BYTES; 0 disables the cache. */
  DOTATION_CACHE_MB: z.coerce.number().int().min(0).optional(),
  /** Was a bound in entries, which left the cache's memory to the size of what was asked. */
  DOTATION_CACHE_SIZE: z.never({ message: 'remplacé par DOTATION_CACHE_MB (mégaoctets de dotations rendues gardées en mémoire)' }).optional(),
});

export interface Config {
  databaseUrl?: string;
  dataDir: string;
  cacheDir: string;
  duckdbPath: string;
  port: number;
  host: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  /** Origin of every absolute link the API writes: PUBLIC_URL, else the configured HOST:PORT. */
  publicUrl: string;
  releaseCheckMs: number;
  /** Bytes of the rendered-body cache; undefined: the app's default. */
  cacheBytes?: number;
  projectRoot: string;
}

export const PROJECT_ROOT = resolve(import.meta.dirname, '..');

/** The URL a local client reaches HOST:PORT at: a wildcard address is reached as localhost. */
function listenUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Configuration invalide:\n${lines}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir,
    cacheDir: resolve(dataDir, 'cache'),
    duckdbPath: resolve(dataDir, 'duckdb', 'ingest.duckdb'),
    port: e.PORT,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    publicUrl: (e.PUBLIC_URL ?? listenUrl(e.HOST, e.PORT)).replace(/\/$/, ''),
    releaseCheckMs: e.RELEASE_CHECK_MS,
    cacheBytes: e.DOTATION_CACHE_MB === undefined ? undefined : e.DOTATION_CACHE_MB * 1024 * 1024,
    projectRoot: PROJECT_ROOT,
  };
}
