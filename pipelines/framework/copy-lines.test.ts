import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { copyLinesText, decimalAt, parseQuoted, type LineLayout, type LineVisitor } from './copy-lines.js';
import { SourceError } from './errors.js';
import { BAN_COLUMNS } from '../../src/contract/ban.js';

// BAN test excerpts: the reader was written for the BAN, and its files are the real case.
const fixtures = join(import.meta.dirname, '../../samples/ban');
const LAYOUT: LineLayout = { columns: BAN_COLUMNS, delimiter: ';', key: 'code_insee', point: ['lon', 'lat'] };
const real = readFileSync(join(fixtures, 'adresses-01-deux-lignes-reelles.csv'), 'utf8').split('\n').filter(Boolean);
const tmp = mkdtempSync(join(tmpdir(), 'ban-read-'));

/** The copy text of the files, its records as COPY reads them, and what the visitor saw. */
async function read(file: string, options: { accept?: LineVisitor['accept']; points?: boolean } = {}) {
  const counts = new Map<string, number>();
  const points: [string, number | null, number | null][] = [];
  const buffers: Buffer[] = [];
  for await (const chunk of copyLinesText('ban', [file], LAYOUT, '7;', {
    accept: options.accept ?? ((code) => code ?? undefined),
    counted: (commune, n) => counts.set(commune, (counts.get(commune) ?? 0) + n),
    ...(options.points ? { point: (c: string, lon: number | null, lat: number | null) => points.push([c, lon, lat]) } : {}),
  })) {
    expect(chunk.at(-1)).toBe(10);
    buffers.push(chunk);
  }
  const text = Buffer.concat(buffers).toString('utf8');
  const records = parse(text, { delimiter: ';' }) as string[][];
  return { text, records, counts, points };
}

describe('copy reader (BAN files)', () => {
  it('parses RFC 4180 quoting as csv-write-stream writes it', () => {
    expect(parseQuoted('a;"b;c";"d ""e""";', ';')).toEqual(['a', 'b;c', 'd "e"', '']);
    expect(parseQuoted('a;"open', ';')).toBeNull();
  });

  it('passes every line of a multi-member gzip through unchanged, prefixed with the load id, and counts per commune', async () => {
    const file = join(fixtures, 'ban-france-extrait.csv.gz');
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean).slice(1);
    const { text, records, counts } = await read(file);
    expect(text).toBe(lines.map((l) => `7;${l}\n`).join(''));
    expect(records.length).toBe(7241);
    expect(records.every((r) => r.length === 24 && r[0] === '7')).toBe(true);
    const expected = new Map<string, number>();
    for (const l of lines) expected.set(l.split(';')[6], (expected.get(l.split(';')[6]) ?? 0) + 1);
    expect(counts).toEqual(expected);
  });

  it('leaves out the rows the visitor refuses, and reads positions only when asked', async () => {
    const file = join(fixtures, 'ban-france-extrait.csv.gz');
    const all = await read(file);
    const first = all.records[0][7];
    const { records, counts, points } = await read(file, { accept: (code) => (code === first ? undefined : code ?? undefined), points: true });
    expect(records.length).toBe(7241 - all.counts.get(first)!);
    expect(records.some((r) => r[7] === first)).toBe(false);
    expect(counts.has(first)).toBe(false);
    expect(points.length).toBe(records.length);
    expect(points[0]).toEqual([records[0][7], Number(records[0][13]), Number(records[0][14])]);
  });

  it('keeps a quoted field spanning lines whole, accepts CRLF, and numbers lines as an editor does', async () => {
    const [header, a, b] = real;
    const multi = a.replace(';Place du Pese Lait;', ';"Place du\nPese Lait";');
    const bad = b.split(';').slice(0, 20).join(';');
    const file = join(tmp, 'multi.csv.gz');
    writeFileSync(file, gzipSync([header, multi, b].join('\r\n') + '\r\n'));
    const { records, points } = await read(file, { points: true });
    expect(records.map((r) => r[5])).toEqual(['Place du\nPese Lait', 'Chemin de la Ferm de la Montagne']);
    expect(records[1][23]).toBe('010020000B0888');
    expect(points.map((p) => p[0])).toEqual(['01002', '01002']);
    const broken = join(tmp, 'broken.csv');
    writeFileSync(broken, [header, multi, b, bad.split(';').slice(0, 5).join(';')].join('\n') + '\n');
    const error = await read(broken).catch((e) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.line).toBe(5);
    expect(error.column).toBe('code_postal');
    const open = join(tmp, 'open.csv');
    writeFileSync(open, [header, b, a.replace(';Place du Pese Lait;', ';"Place du Pese Lait;')].join('\n') + '\n');
    const unclosed = await read(open).catch((e) => e);
    expect(unclosed).toBeInstanceOf(SourceError);
    expect(unclosed.line).toBe(3);
    // A quote left open stops the read after 64 kB of record, not where a stray quote 2,000 lines later would close it.
    const runaway = join(tmp, 'runaway.csv');
    writeFileSync(runaway, [header, a.replace(';Place du Pese Lait;', ';"Place du Pese Lait;'), ...Array(2000).fill(b), 'fin"', b].join('\n') + '\n');
    const stopped = await read(runaway).catch((e) => e);
    expect(stopped).toBeInstanceOf(SourceError);
    expect(stopped.line).toBe(2);
    expect(stopped.message).toContain('guillemet');
  });
});

describe('decimalAt', () => {
  it('reads coordinates in place exactly as Number() does, and leaves other forms to Number()', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let k = 0; k < 20_000; k++) {
      const value = (random() - 0.5) * (k % 2 ? 360 : 2_000_000);
      for (const text of [value.toFixed(6), value.toFixed(2), value.toFixed(0), String(value)]) {
        const line = `x;${text};y`;
        expect(decimalAt(line, 2, 2 + text.length)).toBe(Number(text));
      }
    }
    expect(decimalAt('a;;b', 2, 2)).toBeNull();
    expect(decimalAt('1e3', 0, 3)).toBe(1000);
    expect(decimalAt('abc', 0, 3)).toBeNaN();
    expect(decimalAt('-', 0, 1)).toBeNaN();
  });
});
