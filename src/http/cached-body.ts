/**
 * A response body rendered once and served many times, kept in an `LruCache`
 * keyed by (release, resource, format), so that a warm request costs a map
 * lookup. Two forms:
 *  - plain: the identity bytes, and each content coding compressed on first demand;
 *  - compact (`CachedBody.compact`, the dotations): only the gzip bytes, so that a
 *    whole national set fits a stated memory budget (~1/5 of the identity bytes).
 *    A gzip client gets them as they are; identity is inflated on demand and the
 *    last inflated bodies are kept in a small LRU of their own (`INFLATED_BYTES`),
 *    so that a hot set costs no inflation; brotli is made once from identity and
 *    then kept with the entry (the cache re-weighs it).
 */
import type { Context } from 'hono';
import { gunzipSync } from 'node:zlib';
import type { AppEnv } from './context.js';
import { BULK_GZIP_LEVEL, compressSync, type Encoding } from './compression.js';
import { LruCache } from './lru.js';

/** Identity bodies inflated from compact entries, kept for the hot set (~2 000 dotations of 15 kB). */
export const INFLATED_BYTES = 32 * 1024 * 1024;

let inflatedSeq = 0;
const inflated = new LruCache<Buffer>(Number.MAX_SAFE_INTEGER, { maxBytes: INFLATED_BYTES, weigh: (b) => b.length });

export class CachedBody {
  private readonly kept?: Buffer;
  private readonly encoded: Partial<Record<Encoding, Buffer>> = {};
  /** Key of this body in the inflated LRU (compact form only). */
  private readonly inflatedKey?: string;
  /** Length of the identity bytes (compact form only): inflated into one buffer of that size. */
  private readonly identityLength?: number;
  /** Memory held by the bodies (the cache's weight). */
  bytes: number;

  constructor(body: string | null, readonly contentType: string, readonly headers: Record<string, string> = {}, gzip?: Buffer, identityLength?: number) {
    if (body !== null) {
      // UTF-8 bytes, encoded once: a string body would be measured then encoded again on every write.
      this.kept = Buffer.from(body, 'utf8');
      this.bytes = this.kept.length;
    } else {
      this.encoded.gzip = gzip!;
      this.inflatedKey = String(inflatedSeq++);
      this.identityLength = identityLength;
      this.bytes = gzip!.length;
    }
  }

  /** A body kept gzip-compressed only. */
  static compact(body: string, contentType: string, headers: Record<string, string> = {}): CachedBody {
    const identity = Buffer.from(body, 'utf8');
    return new CachedBody(null, contentType, headers, compressSync(identity, 'gzip', BULK_GZIP_LEVEL), identity.length);
  }

  get identity(): Buffer {
    if (this.kept) return this.kept;
    let bytes = inflated.get(this.inflatedKey!);
    // One output buffer of the known size: zlib's default 16 kB chunks cost a second chunk and a copy on a
    // 15 kB dotation (a third of the inflation's time, measured).
    if (!bytes) inflated.set(this.inflatedKey!, bytes = gunzipSync(this.encoded.gzip!, { chunkSize: Math.max(64, this.identityLength! + 1) }));
    return bytes;
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
