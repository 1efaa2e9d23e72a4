/**
 * The fetch step of a source that calls an API once per key (a commune, an
 * EPCI) instead of downloading a file: tens of thousands of small JSON
 * answers, fetched politely and kept.
 *
 * - Rate-limited: requests (retries included) leave at most `ratePerSecond`
 *   a second across all workers; a 429's Retry-After pauses every worker.
 * - Retried: network errors, timeouts (slow answers), 408, 429 and 5xx, with
 *   exponential backoff or the server's Retry-After (fetch-http.ts policy).
 * - Cached per key, with the response's date: `<cacheDir>/api/<hash of the
 *   URL>.json` holds the key, URL, status, the server's `Date` and when it was
 *   received, and the body as parsed JSON. Written atomically, so a run that
 *   stops (killed, network gone) resumes where it was: cached keys are not
 *   asked again. `maxAgeDays` refreshes answers older than that.
 * - Allow-listed hosts and a size cap per answer, as the file downloader.
 *
 * The answers of one URL template are then bundled into one JSON Lines file
 * (one answer per line, in key order) whose sha256 goes into the release's
 * provenance like any downloaded file.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { allowedUrl, USER_AGENT, type FetchedFile } from './fetch.js';
import { hashFile } from './fetch-cache.js';
import { FetchError, RetryableError, backoffDelay, isRetryableStatus, parseRetryAfter, sleep } from './fetch-http.js';

/** One answer, as cached and as written in the bundle. */
export interface KeyedAnswer {
  cle: string;
  url: string;
  statut: number;
  /** The server's `Date` header (RFC 7231), when it sent one. */
  dateReponse?: string;
  /** When this program received the answer (ISO 8601). */
  recupereLe: string;
  /** The JSON body; null for a 404 (the API knows nothing for this key). */
  corps: unknown;
}

export interface KeyedFetchOptions {
  cacheDir: string;
  allowedHosts: string[];
  /** Requests a second, retries included (default 10). */
  ratePerSecond?: number;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Extra attempts after a transient failure (default 5). */
  retries?: number;
  /** Base of the exponential backoff (default 1 s). */
  backoffMs?: number;
  /** Longest wait for one answer, headers and body (default 30 s). */
  timeoutMs?: number;
  /** Size cap of one answer in bytes (default 20 MB). */
  maxBytes?: number;
  /** Answers older than this are asked again (default: kept forever). */
  maxAgeDays?: number;
  onProgress?: (done: number, total: number) => void;
  fetchImpl?: typeof fetch;
}

export interface KeyedFetchResult { file: FetchedFile; requested: number; fromCache: number }

/** `template` with `{name}` replaced by each key; `name` is the placeholder (`commune`, `epci`). */
export function keyedRequests(template: string, name: string, keys: string[]): { key: string; url: string }[] {
  return keys.map((key) => ({ key, url: template.replaceAll(`{${name}}`, encodeURIComponent(key)) }));
}

export async function fetchPerKey(template: string, requests: { key: string; url: string }[], options: KeyedFetchOptions): Promise<KeyedFetchResult> {
  const dir = join(resolve(options.cacheDir), 'api');
  await mkdir(dir, { recursive: true });
  for (const r of requests) allowedUrl(r.url, r.url, options.allowedHosts);
  const limiter = rateLimiter(options.ratePerSecond ?? 10);
  const pathOf = (url: string) => join(dir, `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.json`);
  let done = 0;
  let requested = 0;
  const queue = [...requests];
  let failed = false;
  const worker = async () => {
    // After a failure the other workers stop taking keys: what is cached stays for the next run.
    for (let next = queue.shift(); next && !failed; next = queue.shift()) {
      const path = pathOf(next.url);
      try {
        if (!(await fresh(path, next.url, options.maxAgeDays))) {
          const answer = await withRetries(next.url, options, limiter, () => ask(next!, options));
          await writeAtomically(path, JSON.stringify(answer));
          requested++;
        }
      } catch (error) {
        failed = true;
        throw error;
      }
      options.onProgress?.(++done, requests.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  return { file: await bundle(template, requests.map((r) => pathOf(r.url)), dir), requested, fromCache: requests.length - requested };
}

async function fresh(path: string, url: string, maxAgeDays?: number): Promise<boolean> {
  const cached = await readFile(path, 'utf8').then((t) => JSON.parse(t) as KeyedAnswer, () => undefined);
  if (cached?.url !== url) return false;
  return maxAgeDays === undefined || Date.now() - Date.parse(cached.recupereLe) < maxAgeDays * 86_400_000;
}

/** One attempt: a JSON answer, a 404 kept as "nothing for this key", a retryable failure, or a FetchError. */
async function ask(request: { key: string; url: string }, options: KeyedFetchOptions): Promise<KeyedAnswer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let response: Response;
  let text: string;
  try {
    response = await (options.fetchImpl ?? fetch)(request.url, {
      headers: { accept: 'application/json', 'user-agent': USER_AGENT }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs),
    });
    if (isRetryableStatus(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      throw new RetryableError(`réponse HTTP ${response.status}`, response.status, parseRetryAfter(response.headers.get('retry-after')));
    }
    if (response.status >= 300 && response.status < 400) throw new FetchError(request.url, `redirection ${response.status} non suivie (API attendue à cette adresse)`, response.status);
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > (options.maxBytes ?? 20 * 1024 ** 2)) throw new FetchError(request.url, `réponse de ${length} octets, au-delà de la limite`);
    text = await response.text();
  } catch (error) {
    if (error instanceof RetryableError || error instanceof FetchError) throw error;
    const why = (error as Error).name === 'TimeoutError' ? `aucune réponse complète en ${timeoutMs} ms` : `erreur réseau : ${(error as Error).message}`;
    throw new RetryableError(why, undefined, undefined, { cause: error });
  }
  const base = { cle: request.key, url: request.url, statut: response.status, ...(response.headers.get('date') ? { dateReponse: response.headers.get('date')! } : {}), recupereLe: new Date().toISOString() };
  if (response.status === 404) return { ...base, corps: null };
  if (!response.ok) throw new FetchError(request.url, `réponse HTTP ${response.status}`, response.status);
  try {
    return { ...base, corps: JSON.parse(text) };
  } catch {
    throw new FetchError(request.url, `réponse qui n'est pas du JSON : ${text.slice(0, 80)}`);
  }
}

async function withRetries<T>(url: string, options: KeyedFetchOptions, limiter: RateLimiter, run: () => Promise<T>): Promise<T> {
  const retries = options.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    await limiter.slot();
    try {
      return await run();
    } catch (error) {
      if (!(error instanceof RetryableError)) throw error;
      if (attempt >= retries) throw new FetchError(url, `${error.message} (abandon après ${attempt + 1} tentatives)`, error.status, { cause: error });
      const delay = error.delayMs ?? backoffDelay(attempt, options.backoffMs ?? 1_000);
      // The server asked everyone to wait (429): every worker pauses, not only this one.
      if (error.status === 429) limiter.pause(delay);
      await sleep(delay);
    }
  }
}

interface RateLimiter { slot(): Promise<void>; pause(ms: number): void }

/** Evenly spaced departures: each caller takes the next free slot, `1000 / perSecond` ms after the previous one. */
function rateLimiter(perSecond: number): RateLimiter {
  const spacing = 1000 / perSecond;
  let next = 0;
  return {
    async slot() {
      const now = Date.now();
      const at = Math.max(now, next);
      next = at + spacing;
      if (at > now) await sleep(at - now);
    },
    pause(ms) { next = Math.max(next, Date.now() + ms); },
  };
}

/** The answers, in request order, as one JSON Lines file named after the template's hash and content. */
async function bundle(template: string, paths: string[], dir: string): Promise<FetchedFile> {
  const tmp = join(dir, `bundle-${process.pid}-${Date.now()}.jsonl.part`);
  const out = createWriteStream(tmp);
  let retrievedAt = '';
  for (const path of paths) {
    const text = await readFile(path, 'utf8');
    const at = (JSON.parse(text) as KeyedAnswer).recupereLe;
    if (at > retrievedAt) retrievedAt = at;
    if (!out.write(text + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  const sha256 = (await hashFile(tmp)).digest('hex');
  const file = join(dir, `bundle-${createHash('sha256').update(template).digest('hex').slice(0, 16)}-${sha256.slice(0, 16)}.jsonl`);
  await rename(tmp, file);
  const { size } = await stat(file);
  return { url: template, path: file, sha256, bytes: size, fromCache: false, retrievedAt: retrievedAt || new Date().toISOString() };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.part`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
