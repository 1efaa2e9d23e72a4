/**
 * Streaming reader of delimited files for a bulk copy (written for the BAN,
 * 26 M lines): gunzip (every member of a multi-member file, off the main
 * thread), lines, and for each line only the fields the caller needs (the key
 * column that decides whether the line is kept, and two numeric columns, a
 * position, when asked). The lines themselves go to the store untouched,
 * prefixed with a fixed text (the load id): a file already in PostgreSQL's
 * COPY csv format with its delimiter (RFC 4180 quoting, a quoted field may
 * hold a newline) needs no field re-encoded.
 *
 * Bytes are read as latin1, one character per byte, and written back the same
 * way: the bytes that matter here (the delimiter, `"`, newline, the digits of
 * codes and coordinates) are ASCII and never part of a UTF-8 multi-byte
 * sequence, and latin1 both ways costs a copy where decoding UTF-8 cost most
 * of the JS time (bench/ban-national.ts). The text goes to the store byte for
 * byte.
 *
 * Why not a DuckDB stream: handing every row of the national file from DuckDB
 * to JS costs DuckDB a full 23-column materialisation on the thread that
 * inflates the gzip, then one JS string per field; here the inflating runs on
 * the libuv pool and the main thread looks at three fields per line while a
 * GROUP BY runs in DuckDB. Both read the same bytes; the caller checks that
 * their counts per key agree (aggregate-and-copy.ts).
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { SourceError } from './errors.js';

/** A quoted record longer than this is a quote left open, not a record (real BAN records are under 2 kB). */
const MAX_RECORD = 1 << 16;

/** What the reader needs to know of the files' layout. */
export interface LineLayout {
  /** Every column, in file order: the width each line must have, and the names errors give. */
  columns: readonly string[];
  /** One ASCII character. */
  delimiter: string;
  /** The column whose value decides a line's fate (`visitor.accept`). */
  key: string;
  /** Two numeric columns after the key, read in place for `visitor.point` (longitude, latitude). */
  point?: readonly [x: string, y: string];
}

/** RFC 4180 fields of one record (`"` doubled inside quotes); null when a quote is left open. */
export function parseQuoted(record: string, delimiter: string): string[] | null {
  const fields: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let start = true;
  while (i < record.length) {
    const ch = record[i];
    if (quoted) {
      if (ch === '"') {
        if (record[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
    } else if (ch === '"' && start) {
      quoted = true;
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      start = true;
      i++;
      continue;
    } else field += ch;
    start = false;
    i++;
  }
  if (quoted) return null;
  fields.push(field);
  return fields;
}

function countQuotes(s: string, from = 0, to = s.length): number {
  let n = 0;
  for (let i = s.indexOf('"', from); i !== -1 && i < to; i = s.indexOf('"', i + 1)) n++;
  return n;
}

export interface LineVisitor {
  /** The group (commune) a row counts for, given its key (null when empty), or undefined to leave the row out of the copy. */
  accept(key: string | null): string | undefined;
  /** `rows` accepted rows in a row for `group` (BAN files are sorted by commune: runs are long). */
  counted(group: string, rows: number): void;
  /** Position of each accepted row, when asked for (IRIS counts); needs `layout.point`. */
  point?(group: string, x: number | null, y: number | null): void;
}

/**
 * The accepted rows of the files (header lines skipped) as COPY csv bytes, one
 * buffer per inflated chunk, each line prefixed with `prefix` (`<loadId>;`).
 * Memory: one chunk at a time.
 */
export async function* copyLinesText(
  sourceId: string, files: string[], layout: LineLayout, prefix: string, visitor: LineVisitor,
): AsyncGenerator<Buffer> {
  for (const file of files) {
    const reader = new FileLineReader(sourceId, file, layout, prefix, visitor);
    const raw = createReadStream(file, { highWaterMark: 1 << 20 });
    const input = file.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
    try {
      let carry = Buffer.alloc(0);
      for await (const chunk of input as AsyncIterable<Buffer>) {
        // Cut at the last newline byte: a chunk then ends on a line (and never inside a UTF-8 character).
        const cut = chunk.lastIndexOf(10);
        if (cut === -1) {
          carry = Buffer.concat([carry, chunk]);
          continue;
        }
        const head = carry.length ? Buffer.concat([carry, chunk.subarray(0, cut)]) : chunk.subarray(0, cut);
        carry = Buffer.from(chunk.subarray(cut + 1));
        const text = reader.take(head.toString('latin1'));
        if (text) yield Buffer.from(text, 'latin1');
      }
      const text = reader.finish(carry.toString('latin1'));
      if (text) yield Buffer.from(text, 'latin1');
    } finally {
      raw.destroy();
    }
  }
}

/** Line splitting of one file, with the state that crosses chunks (line number, a quoted record spanning lines). */
class FileLineReader {
  private line = 0;
  private pending: string | null = null;
  private pendingLine = 0;
  private lastCode: string | null | undefined = undefined;
  private lastCommune: string | undefined;
  private runCommune: string | undefined;
  private runRows = 0;
  private readonly wantsPoints: boolean;
  private readonly columns: readonly string[];
  private readonly width: number;
  private readonly delimiter: string;
  private readonly keyIndex: number;
  private readonly xIndex: number;
  private readonly yIndex: number;

  constructor(
    private readonly sourceId: string,
    private readonly file: string,
    layout: LineLayout,
    private readonly prefix: string,
    private readonly visitor: LineVisitor,
  ) {
    this.wantsPoints = !!visitor.point;
    this.columns = layout.columns;
    this.width = layout.columns.length;
    this.delimiter = layout.delimiter;
    this.keyIndex = layout.columns.indexOf(layout.key);
    this.xIndex = layout.point ? layout.columns.indexOf(layout.point[0]) : -1;
    this.yIndex = layout.point ? layout.columns.indexOf(layout.point[1]) : -1;
    if (this.keyIndex < 0) throw new Error(`colonne clé ${layout.key} absente de la disposition`);
    if (this.wantsPoints && !(this.xIndex > this.keyIndex && this.yIndex > this.xIndex)) {
      throw new Error('les colonnes de position doivent suivre la colonne clé, dans l\'ordre');
    }
  }

  /** COPY text for the complete lines of `text` (which holds no final newline). */
  take(text: string): string {
    const out: string[] = [];
    const prefix = this.prefix;
    // Accepted single-line records in a row are copied as one slice of `text`.
    let runStart = -1;
    let runEnd = -1;
    const flush = () => {
      if (runStart === -1) return;
      out.push(prefix + text.slice(runStart, runEnd).replaceAll('\n', '\n' + prefix));
      runStart = -1;
    };
    let quote = text.indexOf('"');
    let pos = 0;
    while (pos <= text.length) {
      let end = text.indexOf('\n', pos);
      if (end === -1) end = text.length;
      const at = ++this.line;
      if (quote !== -1 && quote < pos) quote = text.indexOf('"', pos);
      const quoted = quote !== -1 && quote < end;
      if (this.pending !== null) {
        this.pending += '\n' + text.slice(pos, end);
        if (this.pending.length > MAX_RECORD) throw new SourceError(this.sourceId, this.file, 'guillemet ouvert jamais refermé', this.pendingLine);
        if (quoted && countQuotes(this.pending) % 2 === 0) {
          const record = this.pending;
          this.pending = null;
          if (this.visitQuoted(record, this.pendingLine)) out.push(prefix + record);
        }
      } else if (at === 1 || end === pos || (end === pos + 1 && text.charCodeAt(pos) === 13)) {
        flush();
      } else if (quoted) {
        flush();
        if (countQuotes(text, pos, end) % 2 === 1) {
          this.pending = text.slice(pos, end);
          this.pendingLine = at;
        } else if (this.visitQuoted(text.slice(pos, end), at)) {
          out.push(prefix + text.slice(pos, end));
        }
      } else if (this.visitPlain(text, pos, end, at)) {
        if (runStart === -1) runStart = pos;
        runEnd = end;
      } else {
        flush();
      }
      pos = end + 1;
    }
    flush();
    return out.length ? out.join('\n') + '\n' : '';
  }

  /** The last line (without a final newline) and the end of the file. */
  finish(tail: string): string {
    const text = tail ? this.take(tail) : '';
    this.closeRun();
    if (this.pending !== null) throw new SourceError(this.sourceId, this.file, 'guillemet ouvert jamais refermé', this.pendingLine);
    return text;
  }

  /** Fields of a line without quotes, found by position: only the ones needed are cut out. */
  private visitPlain(text: string, start: number, end: number, at: number): boolean {
    const delimiter = this.delimiter;
    let from = start;
    for (let k = 0; k < this.keyIndex; k++) {
      from = text.indexOf(delimiter, from) + 1;
      if (from === 0 || from > end) this.tooFewColumns(text.slice(start, end), at);
    }
    const codeEnd = text.indexOf(delimiter, from);
    if (codeEnd === -1 || codeEnd > end) this.tooFewColumns(text.slice(start, end), at);
    // Same code as the line before (the usual case): no string is cut out.
    const last = this.lastCode;
    const same = last !== undefined && (last === null ? codeEnd === from : codeEnd - from === last.length && text.startsWith(last, from));
    const commune = this.communeOf(same ? last : codeEnd === from ? null : text.slice(from, codeEnd));
    if (commune === undefined) return false;
    if (this.wantsPoints) {
      let p = codeEnd;
      for (let k = this.keyIndex + 1; k < this.xIndex; k++) {
        p = text.indexOf(delimiter, p + 1);
        if (p === -1 || p > end) this.tooFewColumns(text.slice(start, end), at);
      }
      const lonEnd = text.indexOf(delimiter, p + 1);
      let q = lonEnd;
      for (let k = this.xIndex + 1; k < this.yIndex && q !== -1; k++) q = text.indexOf(delimiter, q + 1);
      const latEnd = q === -1 ? -1 : text.indexOf(delimiter, q + 1);
      if (latEnd === -1 || latEnd > end) this.tooFewColumns(text.slice(start, end), at);
      this.visitor.point!(commune, decimalAt(text, p + 1, lonEnd), decimalAt(text, q + 1, latEnd));
    }
    return true;
  }

  private visitQuoted(record: string, at: number): boolean {
    const fields = parseQuoted(record.endsWith('\r') ? record.slice(0, -1) : record, this.delimiter);
    if (!fields) throw new SourceError(this.sourceId, this.file, 'guillemet ouvert jamais refermé', at);
    if (fields.length !== this.width) {
      throw new SourceError(this.sourceId, this.file, `${fields.length} colonnes au lieu de ${this.width}`, at, this.columns[Math.min(fields.length, this.width - 1)]);
    }
    const commune = this.communeOf(fields[this.keyIndex] || null);
    if (commune === undefined) return false;
    if (this.wantsPoints) this.visitor.point!(commune, toNumber(fields[this.xIndex]), toNumber(fields[this.yIndex]));
    return true;
  }

  /** The visitor's decision, asked once per run of the same code; accepted rows counted per run. */
  private communeOf(code: string | null): string | undefined {
    if (code !== this.lastCode) {
      this.lastCode = code;
      this.lastCommune = this.visitor.accept(code);
    }
    const commune = this.lastCommune;
    if (commune !== undefined) {
      if (commune !== this.runCommune) this.closeRun(commune);
      this.runRows++;
    }
    return commune;
  }

  private closeRun(next?: string): void {
    if (this.runCommune !== undefined && this.runRows) this.visitor.counted(this.runCommune, this.runRows);
    this.runCommune = next;
    this.runRows = 0;
  }

  private tooFewColumns(line: string, at: number): never {
    const n = (line.endsWith('\r') ? line.slice(0, -1) : line).split(this.delimiter).length;
    throw new SourceError(this.sourceId, this.file, `${n} colonnes au lieu de ${this.width}`, at, this.columns[Math.min(n, this.width - 1)]);
  }
}

function toNumber(text: string): number | null {
  return text === '' ? null : Number(text);
}

/**
 * The number written in `text` between `start` and `end`, read in place (two
 * per address: cutting strings out cost more than the point-in-polygon). A
 * plain decimal of up to 15 digits is an exact integer divided by an exact
 * power of ten, so the result is the correctly rounded value, as Number() gives;
 * anything else goes through Number().
 */
export function decimalAt(text: string, start: number, end: number): number | null {
  if (start === end) return null;
  let i = start;
  const negative = text.charCodeAt(i) === 45;
  if (negative) i++;
  let digits = 0;
  let value = 0;
  let decimals = -1;
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0) {
      decimals = 0;
    } else {
      return Number(text.slice(start, end));
    }
  }
  if (digits === 0 || digits > 15) return Number(text.slice(start, end));
  const result = decimals > 0 ? value / 10 ** decimals : value;
  return negative ? -result : result;
}
