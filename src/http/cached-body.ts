/**
 * A response body rendered once and served many times, kept in an `LruCache`
 * keyed by (release, resource, format), so that a warm request costs a map
 * lookup. Two forms:
 *  - plain: the identity bytes, and each content coding compressed on first demand;
 *  - pieced (`CachedBody.pieced`, the dotations): the gzip bytes (~1/5 of the
 *    identity bytes), and the identity bytes as pieces of which the ones shared
 *    with other bodies are kept once (src/http/shared-pieces.ts), so that a
 *    whole national set fits a stated memory budget: a gzip client gets the
 *    kept bytes as they are, identity costs a concatenation of the pieces
 *    (a few microseconds, where inflating the gzip cost ~70 and a second copy
 *    in memory of every document, 14.5 kB on average, ~500 MB for France).
 * Brotli and deflate are made once from identity and then kept with the entry (the cache re-weighs it).
 */
import type { Context } from 'hono';
import type { AppEnv } from './context.js';
import { BULK_GZIP_LEVEL, compressSync, type Encoding } from './compression.js';

/** What a kept reference to a piece costs (a pointer in the pieces' array). */
const PIECE_REF_BYTES = 8;

/** A body's identity bytes in order; `ownBytes` of them are the body's own, the rest are shared with other bodies. */
export interface PiecedIdentity { pieces: readonly Buffer[]; ownBytes: number }

export class CachedBody {
  private readonly kept?: Buffer;
  private readonly pieces?: readonly Buffer[];
  private readonly identityLength: number;
  private readonly encoded: Partial<Record<Encoding, Buffer>> = {};
  /** Memory held by the body (the cache's weight): shared pieces are weighed once, by whoever keeps them. */
  bytes: number;

  constructor(body: string | PiecedIdentity, readonly contentType: string, readonly headers: Record<string, string> = {}) {
    if (typeof body === 'string') {
      // UTF-8 bytes, encoded once: a string body would be measured then encoded again on every write.
      this.kept = Buffer.from(body, 'utf8');
      this.identityLength = this.bytes = this.kept.length;
    } else {
      this.pieces = body.pieces;
      const identity = this.identity;
      this.identityLength = identity.length;
      this.encoded.gzip = compressSync(identity, 'gzip', BULK_GZIP_LEVEL);
      this.bytes = this.encoded.gzip.length + body.ownBytes + PIECE_REF_BYTES * body.pieces.length;
    }
  }

  /** A body kept as its gzip bytes and its identity in pieces (see `PiecedIdentity`). */
  static pieced(identity: PiecedIdentity, contentType: string, headers: Record<string, string> = {}): CachedBody {
    return new CachedBody(identity, contentType, headers);
  }

  get identity(): Buffer {
    return this.kept ?? Buffer.concat(this.pieces as Buffer[], this.identityLength);
  }

  get body(): string {
    return this.identity.toString('utf8');
  }

  encodedAs(encoding: Encoding): Buffer {
    let bytes = this.encoded[encoding];
    if (!bytes) {
      bytes = this.encoded[encoding] = compressSync(this.identity, encoding);
      this.bytes += bytes.length;
    }
    return bytes;
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
