/** Reads the header line of a (possibly gzipped) delimited file without reading the rest. */
import { createReadStream } from 'node:fs';
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
