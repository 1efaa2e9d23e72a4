import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { SharedPieces } from './shared-pieces.js';

const parts = (own: string) => [
  { text: `{"own":"${own}",`, shared: false }, { text: '"head":"même tête é",', shared: true },
  { text: `"a":"${own}",`, shared: false }, { text: `"b":1`, shared: false }, { text: '}', shared: true },
];

describe('SharedPieces', () => {
  it('keeps one copy of the shared parts and joins consecutive own parts', () => {
    const table = new SharedPieces();
    const one = table.identity(parts('un'));
    const two = table.identity(parts('deux'));
    expect(one.pieces).toHaveLength(4);
    // The very same buffers, not equal copies.
    expect(one.pieces[1]).toBe(two.pieces[1]);
    expect(one.pieces[3]).toBe(two.pieces[3]);
    expect(one.pieces[2].toString()).toBe('"a":"un","b":1');
    expect(one.ownBytes).toBe(Buffer.byteLength('{"own":"un","a":"un","b":1'));
    expect(table.size).toBe(2);
    expect(table.bytes).toBe(Buffer.byteLength('"head":"même tête é",}'));
  });

  it('gives a body whose identity and gzip are the parts joined, weighed without the shared pieces', () => {
    const table = new SharedPieces();
    const text = parts('trois').map((p) => p.text).join('');
    const body = table.body(parts('trois'), 'application/json');
    expect(body.identity.toString()).toBe(text);
    expect(body.body).toBe(text);
    expect(gunzipSync(body.encodedAs('gzip')).toString()).toBe(text);
    expect(body.bytes).toBe(body.encodedAs('gzip').length + Buffer.byteLength('{"own":"trois","a":"trois","b":1') + 8 * 4);
  });
});
