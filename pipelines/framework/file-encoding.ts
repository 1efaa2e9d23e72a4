/**
 * The text encoding of a producer file that does not declare one (the RNA's
 * per-département files are latin-1/cp1252 in most editions, UTF-8 in some):
 * decided from the bytes, line by line, never guessed. A file whose every line
 * is valid UTF-8 is UTF-8; a file with lines that are not, and none that decode
 * as UTF-8 with accents, is windows-1252 (the superset of latin-1 that producers
 * on Windows write: `’`, `œ`, `€`). A file with both kinds of lines mixes two
 * encodings: no reading of it is right, and the run stops naming both lines.
 *
 * A single-byte file without any byte of 0x80–0x9F reads the same in latin-1
 * and windows-1252: it is `latin-1`. The scan uses the runtime's native
 * `isUtf8`/`isAscii`. encoded-read.ts scans only each file's first MiB
 * (`leadingEncoding`) and the whole file only where DuckDB's reading leaves a doubt.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { isAscii, isUtf8 } from 'node:buffer';
import { SourceError } from './errors.js';

export type DetectedEncoding = 'ascii' | 'utf-8' | 'latin-1' | 'windows-1252';

/** Where the two readings of a file were first seen (1-based physical lines; column = byte of the line, 1-based). */
interface Evidence { utf8?: { line: number }; invalid?: { line: number; column: number } }

const NEWLINE = 0x0a;
const UTF8_SEQUENCE = /[\xc2-\xf4][\x80-\xbf]/;
/** Bytes 0x80–0x9F: C1 controls in latin-1, punctuation (`’`, `œ`, `€`) in windows-1252. */
const C1_BYTE = /[\x80-\x9f]/;

/** The encoding of `path`; `name` is the file as shown in errors. */
export async function detectEncoding(sourceId: string, path: string, name = path): Promise<DetectedEncoding> {
  return (await scanEncoding(sourceId, path, name)).encoding;
}

/**
 * The encoding of the first `limit` bytes of `path` (cut at a line end), and whether that was the whole file:
 * a bounded read that tells which reading to try first; the rest of the file is then checked as it is read.
 */
export function leadingEncoding(sourceId: string, path: string, limit: number): Promise<{ encoding: DetectedEncoding; complete: boolean }> {
  return scanEncoding(sourceId, path, path, limit);
}

async function scanEncoding(sourceId: string, path: string, name: string, limit = Infinity): Promise<{ encoding: DetectedEncoding; complete: boolean }> {
  const evidence: Evidence = {};
  let c1 = false;
  let line = 1;
  let carry: Buffer = Buffer.alloc(0);
  const classify = (bytes: Buffer) => {
    if (isAscii(bytes)) return;
    if (isUtf8(bytes)) evidence.utf8 ??= { line };
    else evidence.invalid ??= { line, column: firstInvalidByte(bytes) + 1 };
  };
  /** Classifies every line of `bytes` (complete lines), stopping once both kinds are seen. */
  const perLine = (bytes: Buffer, from: number) => {
    let start = 0;
    line = from;
    for (let end = bytes.indexOf(NEWLINE); end >= 0 && !(evidence.utf8 && evidence.invalid); end = bytes.indexOf(NEWLINE, start)) {
      classify(bytes.subarray(start, end));
      line++;
      start = end + 1;
    }
  };
  let whole = true;
  let seen = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: Math.min(1 << 20, limit) }) as AsyncIterable<Buffer>) {
    if (seen >= limit) { whole = false; carry = Buffer.alloc(0); break; }
    seen += chunk.length;
    const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const lastNewline = bytes.lastIndexOf(NEWLINE);
    if (lastNewline < 0) { carry = bytes; continue; }
    const complete = bytes.subarray(0, lastNewline + 1);
    carry = Buffer.from(bytes.subarray(lastNewline + 1));
    const first = line;
    const after = first + countNewlines(complete);
    if (isAscii(complete)) { line = after; continue; }
    // Line by line only where it can tell something new: the first lines of each kind. A chunk that is not
    // UTF-8 can hold a line that is only if it has a UTF-8 sequence (a lead byte then a continuation byte).
    const valid = isUtf8(complete);
    const text = valid ? '' : complete.toString('latin1');
    if (!valid && !c1) c1 = C1_BYTE.test(text);
    if ((valid && !evidence.utf8) || (!valid && (!evidence.invalid || (!evidence.utf8 && UTF8_SEQUENCE.test(text))))) perLine(complete, first);
    line = after;
    if (evidence.utf8 && evidence.invalid) break;
  }
  if (!(evidence.utf8 && evidence.invalid) && carry.length) { classify(carry); c1 ||= C1_BYTE.test(carry.toString('latin1')); }
  if (evidence.utf8 && evidence.invalid) {
    throw new SourceError(sourceId, name,
      `encodage indécidable : la ligne ${evidence.utf8.line} se lit en UTF-8, la ligne ${evidence.invalid.line} n'est pas de l'UTF-8 `
      + '(latin-1 ?) ; le fichier mélange deux encodages, aucune lecture ne serait juste', evidence.invalid.line, evidence.invalid.column);
  }
  // Without a byte of 0x80–0x9F the two single-byte readings agree.
  return { encoding: evidence.invalid ? (c1 ? 'windows-1252' : 'latin-1') : evidence.utf8 ? 'utf-8' : 'ascii', complete: whole };
}

/** Byte index of the first byte that breaks UTF-8 in a line known to be invalid. */
function firstInvalidByte(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] < 0x80) continue;
    const length = bytes[i] >= 0xf0 ? 4 : bytes[i] >= 0xe0 ? 3 : bytes[i] >= 0xc2 ? 2 : 1;
    if (length === 1 || !isUtf8(bytes.subarray(i, i + length))) return i;
    i += length - 1;
  }
  return 0;
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i >= 0; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

/** windows-1252 characters of bytes 0x80–0x9F, which latin-1 decoding leaves as C1 controls (five bytes are undefined and stay so). */
const CP1252_C1: Record<string, string> = {
  '\x80': '€', '\x82': '‚', '\x83': 'ƒ', '\x84': '„', '\x85': '…', '\x86': '†', '\x87': '‡', '\x88': 'ˆ', '\x89': '‰',
  '\x8a': 'Š', '\x8b': '‹', '\x8c': 'Œ', '\x8e': 'Ž', '\x91': '‘', '\x92': '’', '\x93': '“', '\x94': '”', '\x95': '•',
  '\x96': '–', '\x97': '—', '\x98': '˜', '\x99': '™', '\x9a': 'š', '\x9b': '›', '\x9c': 'œ', '\x9e': 'ž', '\x9f': 'Ÿ',
};
const C1 = /[\x80-\x9f]/g;

/** Writes `path` (windows-1252) to `target` as UTF-8, streaming; single-byte, so chunk boundaries never split a character. */
export async function windows1252ToUtf8(path: string, target: string): Promise<void> {
  const out = createWriteStream(target);
  const done = once(out, 'finish');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    const text = chunk.toString('latin1');
    if (!out.write(C1.test(text) ? text.replace(C1, (c) => CP1252_C1[c] ?? c) : text, 'utf8')) await once(out, 'drain');
    C1.lastIndex = 0;
  }
  out.end();
  await done;
}
