import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectEncoding, windows1252ToUtf8 } from './file-encoding.js';

const dir = mkdtempSync(join(tmpdir(), 'encoding-'));
const write = (name: string, bytes: Buffer) => { const p = join(dir, name); writeFileSync(p, bytes); return p; };
const latin1 = (text: string) => Buffer.from(text, 'latin1');
/** About 2 MB of ASCII lines, so that what follows lands in a later chunk of the scan. */
const filler = 'a;b;c\n'.repeat(350_000);

describe('detectEncoding', () => {
  it('tells ASCII, UTF-8, latin-1 and windows-1252 files apart', async () => {
    expect(await detectEncoding('essai', write('ascii.csv', Buffer.from('a;b\n1;2\n')))).toBe('ascii');
    expect(await detectEncoding('essai', write('utf8.csv', Buffer.from(`${filler}été;cœur\n`, 'utf8')))).toBe('utf-8');
    expect(await detectEncoding('essai', write('latin1.csv', latin1(`${filler}été\n`)))).toBe('latin-1');
    expect(await detectEncoding('essai', write('cp1252.csv', Buffer.concat([latin1(`${filler}été\n`), Buffer.from([0x9c, 0x92, 0x0a])])))).toBe('windows-1252');
  });

  it('stops on a latin-1 file holding a UTF-8 line in a later chunk, naming the lines', async () => {
    const file = write('mixed.csv', Buffer.concat([latin1('titre\nété\n'), Buffer.from(filler), Buffer.from('déjà\n', 'utf8')]));
    await expect(detectEncoding('essai', file, 'mixed.csv')).rejects.toMatchObject({
      file: 'mixed.csv', line: 2, column: 1, message: expect.stringContaining(`la ligne ${350_003} se lit en UTF-8`),
    });
  });
});

describe('windows1252ToUtf8', () => {
  it('converts latin-1 letters and the windows-1252 punctuation of 0x80–0x9F', async () => {
    const target = join(dir, 'out.csv');
    await windows1252ToUtf8(write('in.csv', Buffer.from([0x63, 0x9c, 0x75, 0x72, 0x3b, 0x92, 0x3b, 0xe9, 0x3b, 0x80, 0x0a])), target);
    expect(readFileSync(target, 'utf8')).toBe('cœur;’;é;€\n');
  });
});
