import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseQuoted, readBanRows } from './read.js';
import { SourceError } from '../framework/errors.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const real = readFileSync(join(fixtures, 'adresses-01-deux-lignes-reelles.csv'), 'utf8').split('\n').filter(Boolean);
const tmp = mkdtempSync(join(tmpdir(), 'ban-read-'));

async function all(file: string) {
  const out = [];
  for await (const r of readBanRows('ban', [file])) out.push(r);
  return out;
}

describe('BAN row reader', () => {
  it('parses RFC 4180 quoting as csv-write-stream writes it', () => {
    expect(parseQuoted('a;"b;c";"d ""e""";')).toEqual(['a', 'b;c', 'd "e"', '']);
    expect(parseQuoted('a;"open')).toBeNull();
  });

  it('reads every member of a multi-member gzip, with real rows unchanged', async () => {
    const file = join(fixtures, 'ban-france-extrait.csv.gz');
    const rows = await all(file);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean).slice(1);
    expect(rows.length).toBe(7241);
    expect(rows.map((r) => r.map((v) => v ?? '').join(';'))).toEqual(lines);
    expect(rows[0][1]).toBeNull();
  });

  it('joins a quoted field spanning lines, accepts CRLF, and numbers lines as an editor does', async () => {
    const [header, a, b] = real;
    const multi = a.replace(';Place du Pese Lait;', ';"Place du\nPese Lait";');
    const bad = b.split(';').slice(0, 20).join(';');
    const file = join(tmp, 'multi.csv.gz');
    writeFileSync(file, gzipSync([header, multi, b].join('\r\n') + '\r\n'));
    const rows = await all(file);
    expect(rows.map((r) => r[4])).toEqual(['Place du\nPese Lait', 'Chemin de la Ferm de la Montagne']);
    expect(rows[1][22]).toBe('010020000B0888');
    const broken = join(tmp, 'broken.csv');
    writeFileSync(broken, [header, multi, b, bad].join('\n') + '\n');
    const error = await all(broken).catch((e) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.line).toBe(5);
    expect(error.column).toBe('source_nom_voie');
  });
});
