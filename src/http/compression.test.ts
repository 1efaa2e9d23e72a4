import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compressStream, compressSync, isCompressible, negotiateEncoding } from './compression.js';

describe('content-coding negotiation', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    ['identity', undefined],
    ['gzip', 'gzip'],
    ['gzip, deflate, br', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['gzip;q=0.5, br;q=0.4', 'gzip'],
    ['deflate', 'deflate'],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    ['BR', 'br'],
    ['x-gzip', 'gzip'],
    ['compress', undefined],
  ])('Accept-Encoding %j → %j', (header, expected) => {
    expect(negotiateEncoding(header)).toBe(expected);
  });

  it('compresses text types only', () => {
    expect(isCompressible('application/json')).toBe(true);
    expect(isCompressible('text/csv; charset=utf-8')).toBe(true);
    expect(isCompressible('application/geo+json')).toBe(true);
    expect(isCompressible('application/ld+json; charset=utf-8')).toBe(true);
    expect(isCompressible('application/zip')).toBe(false);
    expect(isCompressible(null)).toBe(false);
  });

  it('round-trips bodies, whole and streamed', async () => {
    const body = JSON.stringify({ nom: 'Rennes', valeurs: Array.from({ length: 500 }, (_, i) => i) });
    expect(brotliDecompressSync(compressSync(body, 'br')).toString()).toBe(body);
    expect(gunzipSync(compressSync(body, 'gzip')).toString()).toBe(body);
    const stream = compressStream(new Response(body).body!, 'gzip');
    expect(gunzipSync(Buffer.from(await new Response(stream).arrayBuffer())).toString()).toBe(body);
  });
});
