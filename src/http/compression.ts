/**
 * Content-coding negotiation (RFC 9110 §12.5.3) with brotli, gzip and deflate
 * through node:zlib. Hono's `compress` offers gzip/deflate only, and reads the
 * finished response on every request (which, under @hono/node-server, turns a
 * string body into a web stream even when nothing is compressed). Here the
 * coding is chosen before the handler runs; a handler holding precompressed
 * bytes (the dotation cache) answers with them, anything else compressible is
 * compressed as a stream.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import { brotliCompressSync, constants, createBrotliCompress, createDeflate, createGzip, deflateSync, gzipSync } from 'node:zlib';

export type Encoding = 'br' | 'gzip' | 'deflate';
const PREFERENCE: Encoding[] = ['br', 'gzip', 'deflate'];

/** Quality 5: most of brotli's gain over gzip at a speed fit for dynamic responses (11, the default, is for static assets). */
const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 5, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT } };
const GZIP_OPTIONS = { level: 6 };

const COMPRESSIBLE = /^(?:application\/(?:json|geo\+json|ld\+json|problem\+json|javascript|xml)|text\/)/i;

/** Best coding the client accepts, or undefined for identity. Ties go to br, then gzip. */
export function negotiateEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    if (!token) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([0-9.]+)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    q.set(token === 'x-gzip' ? 'gzip' : token, Number.isFinite(weight) ? weight : 0);
  }
  let best: Encoding | undefined;
  let bestQ = 0;
  for (const enc of PREFERENCE) {
    const weight = q.get(enc) ?? q.get('*') ?? 0;
    if (weight > bestQ) {
      best = enc;
      bestQ = weight;
    }
  }
  return best;
}

export function isCompressible(contentType: string | null | undefined): boolean {
  return Boolean(contentType && COMPRESSIBLE.test(contentType));
}

/**
 * Level 3 for bodies compressed in bulk and kept (the preloaded dotations): on
 * these JSON documents it is within 5 % of level 6's size for less than half its CPU.
 */
export const BULK_GZIP_LEVEL = 3;

export function compressSync(body: string | Uint8Array, encoding: Encoding, gzipLevel = GZIP_OPTIONS.level): Buffer {
  const out = encoding === 'br' ? brotliCompressSync(body, BROTLI_OPTIONS)
    : encoding === 'gzip' ? gzipSync(body, { level: gzipLevel }) : deflateSync(body, GZIP_OPTIONS);
  // zlib returns a view of its 16 kB output chunk: a kept 3 kB body would hold the whole chunk (5× its size in a cache).
  return out.buffer.byteLength > 2 * out.length ? Buffer.from(out) : out;
}

/** A compressed copy of a web stream, streamed (nothing buffered beyond zlib's window). */
export function compressStream(body: ReadableStream<Uint8Array>, encoding: Encoding): ReadableStream<Uint8Array> {
  const zlib = encoding === 'br' ? createBrotliCompress(BROTLI_OPTIONS) : encoding === 'gzip' ? createGzip(GZIP_OPTIONS) : createDeflate(GZIP_OPTIONS);
  pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), zlib, () => {});
  return Readable.toWeb(zlib) as ReadableStream<Uint8Array>;
}
