/**
 * Small HTTP pieces of the downloader: errors, retry policy, header parsing and
 * the idle timer. Kept apart from fetch.ts so each can be tested on its own.
 */

/** A download that failed for good; the message names the URL and the cause. */
export class FetchError extends Error {
  constructor(
    readonly url: string,
    readonly problem: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(`Récupération de ${url} impossible : ${problem}`, options);
    this.name = 'FetchError';
  }
}

/** A failure worth another attempt (network error, timeout, 408, 429, 5xx). */
export class RetryableError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** Wait asked by the server (Retry-After) or by the downloader itself; else exponential backoff. */
    readonly delayMs?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RetryableError';
  }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * Servers asking for hours would stall a whole release; past this ceiling the
 * retry happens earlier and, if still refused, the run fails with the cause.
 */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** `Retry-After` as milliseconds to wait: delay in seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

export function backoffDelay(attempt: number, baseMs: number): number {
  return baseMs * 2 ** attempt;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function isRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** Start offset of `Content-Range: bytes <start>-<end>/<total|*>`. */
export function contentRangeStart(value: string | null): number | undefined {
  const match = /^bytes\s+(\d+)-\d+\/(\d+|\*)$/i.exec(value?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
}

export function contentLength(headers: Headers): number | undefined {
  const value = headers.get('content-length');
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
}

/** File name from `Content-Disposition` (plain or RFC 5987 `filename*=`), if any. */
export function dispositionFileName(value: string | null): string | undefined {
  if (!value) return undefined;
  const extended = /filename\*\s*=\s*[^']*'[^']*'([^;]+)/i.exec(value)?.[1];
  if (extended) {
    try {
      return decodeURIComponent(extended.trim());
    } catch {
      return extended.trim();
    }
  }
  return /filename\s*=\s*"?([^";]+)"?/i.exec(value)?.[1]?.trim();
}

/** A strong ETag can be sent back in If-Range; a weak one (W/"…") cannot. */
export function strongEtag(etag: string | undefined): string | undefined {
  return etag && !etag.startsWith('W/') ? etag : undefined;
}

/**
 * An AbortController that fires after `ms` without activity: connection,
 * headers, or between two body chunks (`touch()` on each).
 */
export interface IdleTimer {
  readonly signal: AbortSignal;
  readonly fired: boolean;
  touch(): void;
  clear(): void;
}

export function idleTimer(ms: number): IdleTimer {
  const controller = new AbortController();
  let fired = false;
  let handle: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(handle);
    handle = setTimeout(() => {
      fired = true;
      controller.abort(new Error(`aucune donnée reçue pendant ${ms} ms`));
    }, ms);
  };
  arm();
  return {
    signal: controller.signal,
    get fired() {
      return fired;
    },
    touch: arm,
    clear: () => clearTimeout(handle),
  };
}

/** A readable cause for a network failure (undici hides the socket error in `cause`). */
export function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: string; message?: string } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail && detail !== error.message ? `${error.message} (${detail})` : error.message;
}
