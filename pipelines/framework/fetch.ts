/**
 * The fetch step: brings every source file to local disk, once.
 *
 * Downloads stream through a sha256 into `<cache>/<key>.tmp` and are renamed
 * into place when complete, with a `.meta.json` sidecar (url, sha256, bytes,
 * retrievedAt, validators). A later run revalidates with If-None-Match /
 * If-Modified-Since, or reuses the file when the server gave no validator.
 * A transfer cut short resumes with `Range` (guarded by If-Range). Transient
 * failures (network, timeout, 408, 429, 5xx) are retried, honouring
 * Retry-After. Hosts are allow-listed at every redirect hop, and a size cap
 * stops runaway bodies. Nothing is ever held whole in memory.
 */
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  cachePaths,
  discardPartial,
  fileSuffix,
  hashFile,
  promotePartial,
  readEntry,
  readPartial,
  removeEntry,
  writeEntry,
  writePartial,
  type CacheEntry,
  type CachePaths,
  type PartialInfo,
} from './fetch-cache.js';
import {
  FetchError,
  RetryableError,
  backoffDelay,
  contentLength,
  contentRangeStart,
  describeNetworkError,
  dispositionFileName,
  idleTimer,
  isRedirect,
  isRetryableStatus,
  parseRetryAfter,
  sleep,
  strongEtag,
  type IdleTimer,
} from './fetch-http.js';

export { FetchError } from './fetch-http.js';

export interface FetchOptions {
  /** Downloads are cached here, keyed by a hash of the URL. */
  cacheDir: string;
  /** Exact host names (or host:port) allowed, checked before any request and at every redirect. */
  allowedHosts: string[];
  /** Size cap in bytes: announced or received sizes above it abort and delete the download. */
  maxBytes: number;
  /** Per attempt: longest wait for the connection, the headers or the next body chunk (default 60 s). */
  timeoutMs?: number;
  /** Extra attempts after a transient failure (default 4). */
  retries?: number;
  /** Base of the exponential backoff when the server gives no Retry-After (default 1 s). */
  backoffMs?: number;
  /** When set, a file with another sha256 fails and is not kept. */
  expectedSha256?: string;
  onProgress?: (received: number, total?: number) => void;
  fetchImpl?: typeof fetch;
  /**
   * Request headers a credential adds (framework/credentials.ts): sent to the
   * URL's own host only, never to a redirect elsewhere, never cached or logged.
   */
  credentialHeaders?: Record<string, string>;
}

export interface FetchedFile {
  /** The URL asked for (a `file://` URL for local inputs). */
  url: string;
  /** Absolute path of the local file. */
  path: string;
  sha256: string;
  bytes: number;
  /** True when no byte was transferred (reused, or confirmed by a 304). */
  fromCache: boolean;
  /** When the bytes were downloaded (kept from the first download on a 304), or read for local files. */
  retrievedAt: string;
  etag?: string;
  lastModified?: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_RETRIES = 4;
const DEFAULT_BACKOFF_MS = 1_000;
const MAX_REDIRECTS = 10;
export const USER_AGENT = 'dotation (ingestion de données ouvertes nationales)';

/** Downloads `url` into the cache (or reuses the cached copy) and returns where it is. */
export async function fetchToCache(url: string, options: FetchOptions): Promise<FetchedFile> {
  const target = allowedUrl(url, url, options.allowedHosts);
  const paths = cachePaths(resolve(options.cacheDir), target);
  return withLock(paths.key, () => fetchLocked(target, paths, options));
}

/**
 * An input given by the user: a local path (absolute, relative, or file:// URL),
 * hashed in place, or an http(s) URL, fetched through the cache.
 */
export async function resolveInput(spec: string, options: FetchOptions): Promise<FetchedFile> {
  if (/^https?:\/\//i.test(spec)) return fetchToCache(spec, options);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec) && !/^file:/i.test(spec)) {
    throw new FetchError(spec, 'protocole non pris en charge (http, https ou chemin local attendus)');
  }
  const path = /^file:/i.test(spec) ? fileURLToPath(spec) : resolve(spec);
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) throw new FetchError(spec, `${path} est un dossier, pas un fichier : donnez le fichier de la source lui-même`);
  if (!info?.isFile()) throw new FetchError(spec, `fichier local introuvable : ${path}`);
  const sha256 = (await hashFile(path)).digest('hex');
  checkSha256(spec, sha256, options.expectedSha256);
  return {
    url: pathToFileURL(path).href,
    path,
    sha256,
    bytes: info.size,
    fromCache: false,
    retrievedAt: new Date().toISOString(),
    lastModified: info.mtime.toUTCString(),
  };
}

async function fetchLocked(url: string, paths: CachePaths, options: FetchOptions): Promise<FetchedFile> {
  await mkdir(paths.dir, { recursive: true });
  const cached = await usableEntry(paths, url, options.expectedSha256);
  if (cached && !cached.etag && !cached.lastModified) return toFetched(paths, cached, true);
  // A revalidation that gets new content downloads it whole: an old partial is useless.
  if (cached) await discardPartial(paths);
  const outcome = await withRetries(url, options, () => attempt(url, paths, options, cached));
  if (outcome === 'not-modified') return toFetched(paths, cached!, true);
  return finalize(url, paths, options, cached, outcome);
}

async function usableEntry(paths: CachePaths, url: string, expectedSha256?: string): Promise<CacheEntry | undefined> {
  const entry = await readEntry(paths, url);
  if (!entry || !expectedSha256 || entry.sha256 === expectedSha256.toLowerCase()) return entry;
  await removeEntry(paths, entry);
  return undefined;
}

interface Downloaded {
  sha256: string;
  bytes: number;
  suffix: string;
  etag?: string;
  lastModified?: string;
}

/** What one attempt knows: the partial it resumes (if any) and its timer. */
interface AttemptContext {
  url: string;
  paths: CachePaths;
  options: FetchOptions;
  timer: IdleTimer;
  offset: number;
  partial?: PartialInfo;
  /** sha256 already fed with the `offset` bytes of the partial. */
  prefixHash?: Hash;
}

async function withRetries<T>(url: string, options: FetchOptions, run: () => Promise<T>): Promise<T> {
  const retries = options.retries ?? DEFAULT_RETRIES;
  for (let attempt = 0; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      if (attempt >= retries) {
        const tries = `abandon après ${attempt + 1} tentative${attempt ? 's' : ''}`;
        throw new FetchError(url, `${error.message} (${tries})`, error.status, { cause: error });
      }
      await sleep(error.delayMs ?? backoffDelay(attempt, options.backoffMs ?? DEFAULT_BACKOFF_MS));
    }
  }
}

async function attempt(
  url: string,
  paths: CachePaths,
  options: FetchOptions,
  cached: CacheEntry | undefined,
): Promise<Downloaded | 'not-modified'> {
  const partial = cached ? { size: 0 } : await readPartial(paths, url);
  // Hash the kept prefix before connecting, so a long hash never trips the idle timer.
  const prefixHash = partial.size > 0 ? await hashFile(paths.tmp) : undefined;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timer = idleTimer(timeoutMs);
  const ctx: AttemptContext = { url, paths, options, timer, offset: partial.size, partial: partial.info, prefixHash };
  try {
    const headers = requestHeaders(cached, ctx);
    const { response, finalUrl } = await request(url, headers, options, timer.signal);
    timer.touch();
    return await handleResponse(ctx, response, finalUrl, cached);
  } catch (error) {
    throw classify(url, error, timer.fired, timeoutMs);
  } finally {
    timer.clear();
  }
}

function requestHeaders(cached: CacheEntry | undefined, ctx: AttemptContext): Record<string, string> {
  // identity: byte offsets (Range, Content-Length) must count the file's own bytes.
  const headers: Record<string, string> = { 'accept-encoding': 'identity', 'user-agent': USER_AGENT };
  if (cached?.etag) headers['if-none-match'] = cached.etag;
  if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
  if (ctx.offset > 0) {
    headers.range = `bytes=${ctx.offset}-`;
    const validator = strongEtag(ctx.partial?.etag) ?? ctx.partial?.lastModified;
    if (validator) headers['if-range'] = validator;
  }
  return headers;
}

/** GET following redirects by hand, so that every hop's host is checked before it is contacted. */
async function request(url: string, headers: Record<string, string>, options: FetchOptions, signal: AbortSignal) {
  const fetchImpl = options.fetchImpl ?? fetch;
  let current = url;
  const origin = new URL(url).host;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const sent = new URL(current).host === origin ? { ...headers, ...options.credentialHeaders } : headers;
    const response = await fetchImpl(current, { headers: sent, redirect: 'manual', signal });
    // A fetchImpl that follows redirects itself still has its final host checked.
    if (response.url && response.url !== current) allowedUrl(response.url, url, options.allowedHosts);
    if (!isRedirect(response.status)) return { response, finalUrl: response.url || current };
    const location = response.headers.get('location');
    await discardBody(response);
    if (!location) throw new FetchError(url, `redirection ${response.status} sans en-tête Location`, response.status);
    current = allowedUrl(new URL(location, current).href, url, options.allowedHosts);
  }
  throw new FetchError(url, `plus de ${MAX_REDIRECTS} redirections`);
}

async function handleResponse(
  ctx: AttemptContext,
  response: Response,
  finalUrl: string,
  cached: CacheEntry | undefined,
): Promise<Downloaded | 'not-modified'> {
  const { status } = response;
  if (status === 304 && cached) {
    await discardBody(response);
    return 'not-modified';
  }
  if (status === 200) return receive({ ...ctx, offset: 0, partial: undefined, prefixHash: undefined }, response, finalUrl);
  if (status === 206 && ctx.offset > 0) {
    if (contentRangeStart(response.headers.get('content-range')) === ctx.offset) return receive(ctx, response, finalUrl);
    return restart(ctx, response, 'plage reçue différente de celle demandée');
  }
  if (status === 416 && ctx.offset > 0) return restart(ctx, response, 'reprise refusée (HTTP 416)');
  await discardBody(response);
  const problem = `réponse HTTP ${status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (isRetryableStatus(status)) {
    throw new RetryableError(problem, status, parseRetryAfter(response.headers.get('retry-after')));
  }
  throw new FetchError(ctx.url, problem, status);
}

/** Drops the partial and retries at once from byte zero. */
async function restart(ctx: AttemptContext, response: Response, why: string): Promise<never> {
  await discardBody(response);
  await discardPartial(ctx.paths);
  throw new RetryableError(`${why}, nouveau départ depuis le début`, response.status, 0);
}

/** Streams the body (appending after `ctx.offset` bytes) through the size cap and the hash into `.tmp`. */
async function receive(ctx: AttemptContext, response: Response, finalUrl: string): Promise<Downloaded> {
  const { url, paths, options, offset } = ctx;
  const length = contentLength(response.headers);
  const total = length === undefined ? undefined : offset + length;
  if (total !== undefined && total > options.maxBytes) {
    await discardBody(response);
    await discardPartial(paths);
    throw new FetchError(url, `taille annoncée de ${total} octets, au-delà de la limite de ${options.maxBytes} octets`);
  }
  const etag = response.headers.get('etag') ?? ctx.partial?.etag;
  const lastModified = response.headers.get('last-modified') ?? ctx.partial?.lastModified;
  if (offset === 0) await writePartial(paths, { url, ...definedOnly({ etag, lastModified }) });

  const hash = ctx.prefixHash ?? createHash('sha256');
  const meter = byteMeter(ctx, hash, total);
  const body = response.body ? Readable.fromWeb(response.body as WebReadableStream) : Readable.from([]);
  try {
    await pipeline(body, meter.stream, createWriteStream(paths.tmp, { flags: offset > 0 ? 'a' : 'w' }));
  } catch (error) {
    // A refused file is not worth resuming; nor is a decoded (Content-Encoding) body, whose offsets are not the file's.
    if (error instanceof FetchError || isEncoded(response)) await discardPartial(paths);
    throw error;
  }
  const got = meter.received() - offset;
  if (length !== undefined && got !== length && !isEncoded(response)) {
    throw new RetryableError(`transfert incomplet : ${got} octets reçus sur ${length} annoncés`);
  }
  return {
    sha256: hash.digest('hex'),
    bytes: meter.received(),
    suffix: downloadSuffix(url, finalUrl, response),
    ...definedOnly({ etag, lastModified }),
  };
}

/** Counts bytes (enforcing the cap), feeds the hash, reports progress and keeps the idle timer alive. */
function byteMeter(ctx: AttemptContext, hash: Hash, total: number | undefined) {
  const { url, options, timer } = ctx;
  let received = ctx.offset;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      received += chunk.length;
      if (received > options.maxBytes) {
        done(new FetchError(url, `plus de ${options.maxBytes} octets reçus (limite), téléchargement interrompu`));
        return;
      }
      hash.update(chunk);
      timer.touch();
      options.onProgress?.(received, total);
      done(null, chunk);
    },
  });
  return { stream, received: () => received };
}

async function finalize(
  url: string,
  paths: CachePaths,
  options: FetchOptions,
  previous: CacheEntry | undefined,
  downloaded: Downloaded,
): Promise<FetchedFile> {
  try {
    checkSha256(url, downloaded.sha256, options.expectedSha256);
  } catch (error) {
    await discardPartial(paths);
    throw error;
  }
  await removeEntry(paths, previous);
  const file = await promotePartial(paths, downloaded.suffix);
  const { sha256, bytes, etag, lastModified } = downloaded;
  const entry: CacheEntry = { url, file, sha256, bytes, retrievedAt: new Date().toISOString(), ...definedOnly({ etag, lastModified }) };
  await writeEntry(paths, entry);
  return toFetched(paths, entry, false);
}

function checkSha256(url: string, actual: string, expected: string | undefined): void {
  if (expected && actual !== expected.toLowerCase()) {
    throw new FetchError(url, `empreinte sha256 ${actual} différente de celle attendue (${expected.toLowerCase()})`);
  }
}

function toFetched(paths: CachePaths, entry: CacheEntry, fromCache: boolean): FetchedFile {
  const { url, sha256, bytes, retrievedAt, etag, lastModified } = entry;
  return { url, path: join(paths.dir, entry.file), sha256, bytes, fromCache, retrievedAt, ...definedOnly({ etag, lastModified }) };
}

/**
 * The URL as a string if it is http(s) and its host is allow-listed; `asked`
 * is the URL the caller gave, named in the error.
 */
export function allowedUrl(candidate: string, asked: string, allowedHosts: string[]): string {
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    throw new FetchError(asked, `URL invalide : ${candidate}`);
  }
  const via = candidate === asked ? '' : `redirection vers ${parsed.origin} : `;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new FetchError(asked, `${via}protocole ${parsed.protocol} non pris en charge (http ou https attendu)`);
  }
  if (parsed.username || parsed.password) throw new FetchError(asked, `${via}identifiants dans l'URL refusés`);
  if (!allowedHosts.includes(parsed.hostname) && !allowedHosts.includes(parsed.host)) {
    throw new FetchError(asked, `${via}hôte « ${parsed.hostname} » absent de la liste des hôtes autorisés`);
  }
  return parsed.href;
}

function classify(url: string, error: unknown, timedOut: boolean, timeoutMs: number): Error {
  if (error instanceof FetchError || error instanceof RetryableError) return error;
  if (timedOut) return new RetryableError(`aucune donnée reçue pendant ${timeoutMs} ms`, undefined, undefined, { cause: error });
  if (isNetworkError(error)) {
    return new RetryableError(`erreur réseau : ${describeNetworkError(error)}`, undefined, undefined, { cause: error });
  }
  return new FetchError(url, describeNetworkError(error), undefined, { cause: error });
}

const NETWORK_CODES = /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_|ERR_STREAM_PREMATURE_CLOSE)/;

/** undici reports socket failures as TypeError ("fetch failed", "terminated") with the socket error as cause. */
function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
  return error instanceof TypeError || (code !== undefined && NETWORK_CODES.test(code));
}

function isEncoded(response: Response): boolean {
  const encoding = response.headers.get('content-encoding');
  return encoding !== null && encoding.trim().toLowerCase() !== 'identity';
}

function downloadSuffix(url: string, finalUrl: string, response: Response): string {
  return (
    fileSuffix(dispositionFileName(response.headers.get('content-disposition')) ?? '') ||
    fileSuffix(new URL(finalUrl).pathname) ||
    fileSuffix(new URL(url).pathname)
  );
}

async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function definedOnly<T extends Record<string, string | undefined | null>>(values: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null)) as { [K in keyof T]?: string };
}

/** Calls for the same cache key run one after the other, so they never write the same `.tmp`. */
const locks = new Map<string, Promise<unknown>>();

function withLock<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const result = previous.then(run, run);
  const tail = result.catch(() => undefined);
  locks.set(key, tail);
  void tail.then(() => {
    if (locks.get(key) === tail) locks.delete(key);
  });
  return result;
}
