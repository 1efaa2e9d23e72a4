/** Reads the first lines of delimited files without reading the rest (files can weigh gigabytes). */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';

export async function readFirstLine(file: string): Promise<string> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
    raw.destroy();
  }
}

export async function readHeader(file: string, separator: string): Promise<string[]> {
  const line = (await readFirstLine(file)).replace(/^\uFEFF/, '');
  return line.split(separator).map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
}

/** First `count` lines of an uncompressed UTF-8 text file (BOM dropped; empty lines after the first skipped). */
export function readFirstLines(path: string, count: number): string[] {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    let newlines = 0;
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, size);
      if (n === 0) break;
      const chunk = Buffer.from(buffer.subarray(0, n));
      chunks.push(chunk);
      size += n;
      for (const byte of chunk) if (byte === 0x0a) newlines++;
      if (newlines >= count) break;
    }
    const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
    return text.split(/\r?\n/).slice(0, count).filter((l, i) => i === 0 || l.length > 0);
  } finally {
    closeSync(fd);
  }
}

/** Splits one delimited line, honouring quotes (producers quote some text fields). */
export function splitLine(line: string, delimiter = ';'): string[] {
  if (line === '') return [];
  const [fields] = parse(line, { delimiter, relax_quotes: true, relax_column_count: true }) as string[][];
  return fields ?? [];
}
