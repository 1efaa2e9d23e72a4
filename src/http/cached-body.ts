/**
 * A response body rendered once and served many times: the identity bytes and,
 * compressed on first demand, each content coding. Kept in an `LruCache` keyed
 * by (release, resource, format), so that a warm request costs a map lookup.
 */
import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import { compressSync, type Encoding } from './compression.js';

export class CachedBody {
  /** UTF-8 bytes, encoded once: a string body would be measured then encoded again on every write. */
  readonly identity: Buffer;
  private readonly encoded: Partial<Record<Encoding, Buffer>> = {};

  constructor(body: string, readonly contentType: string, readonly headers: Record<string, string> = {}) {
    this.identity = Buffer.from(body, 'utf8');
  }

  get body(): string {
    return this.identity.toString('utf8');
  }

  /** Told when a compressed copy is added, so that a cache bounded in bytes can weigh the body again. */
  onGrow?: () => void;

  encodedAs(encoding: Encoding): Buffer {
    let bytes = this.encoded[encoding];
    if (!bytes) {
      bytes = this.encoded[encoding] = compressSync(this.identity, encoding);
      this.onGrow?.();
    }
    return bytes;
  }

  /** Memory held by the bodies. */
  get bytes(): number {
    return this.identity.length + Object.values(this.encoded).reduce((n, b) => n + (b?.length ?? 0), 0);
  }
}

/** Answers with the cached body in the coding the middleware negotiated. */
export function respondCached(c: Context<AppEnv>, cached: CachedBody): Response {
  const encoding = c.get('encoding');
  if (encoding) {
    return c.body(cached.encodedAs(encoding) as Uint8Array<ArrayBuffer>, 200, { ...cached.headers, 'Content-Type': cached.contentType, 'Content-Encoding': encoding });
  }
  return c.body(cached.identity as Uint8Array<ArrayBuffer>, 200, { ...cached.headers, 'Content-Type': cached.contentType });
}
