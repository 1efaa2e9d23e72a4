/**
 * Streaming reader of the BAN rows for the bulk copy: gunzip (every member of
 * a multi-member file, off the main thread), lines, fields. A line without a
 * quote is split on `;` (csv-write-stream only quotes fields holding `;`, `"`
 * or a newline); a line with one goes through an RFC 4180 parser, across
 * physical lines when a quoted field holds a newline.
 *
 * Why not a DuckDB stream: handing every row of the national file from DuckDB
 * to JS costs DuckDB a full 23-column materialisation (≈ 3× its bare count(*))
 * on the single thread that inflates the gzip, before JS decodes one string
 * per row; this reader does the inflating on the libuv pool and the splitting
 * on the main thread while the GROUP BY runs in DuckDB. Both read the same
 * bytes; the pipeline checks that their counts per commune agree.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { SourceError } from '../framework/errors.js';
import { BAN_COLUMNS } from './columns.js';

const WIDTH = BAN_COLUMNS.length;

/** RFC 4180 fields of one record (`;`, `"` doubled inside quotes); null when a quote is left open. */
export function parseQuoted(record: string): string[] | null {
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
    } else if (ch === ';') {
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

function countQuotes(s: string): number {
  let n = 0;
  for (let i = s.indexOf('"'); i !== -1; i = s.indexOf('"', i + 1)) n++;
  return n;
}

type Row = (string | null)[];

/**
 * Rows of the files (header line skipped), as arrays of the 23 columns with
 * empty fields as null. Memory: one inflated chunk at a time.
 *
 * Hand-written async iterator rather than an async generator: the consumer
 * (`ctx.bulk.copy`) pulls one row per `next()`, and a generator's `yield*`
 * costs several promise turns per row where this costs one resolved promise.
 */
export function readBanRows(sourceId: string, files: string[]): AsyncIterable<Row> {
  return { [Symbol.asyncIterator]: () => new BanRowIterator(sourceId, files) };
}

class BanRowIterator implements AsyncIterator<Row> {
  private fileIndex = -1;
  private chunks: AsyncIterator<Buffer> | undefined;
  private raw: ReturnType<typeof createReadStream> | undefined;
  private carry: Buffer = Buffer.alloc(0);
  private line = 0;
  private pending: string | null = null;
  private pendingLine = 0;
  private rows: Row[] = [];
  private next_ = 0;

  constructor(private readonly sourceId: string, private readonly files: string[]) {}

  private get file(): string { return this.files[this.fileIndex]; }

  private toRow(text: string, at: number): Row {
    const fields: Row | null = text.includes('"') ? parseQuoted(text) : text.split(';');
    if (!fields) throw new SourceError(this.sourceId, this.file, 'guillemet ouvert jamais refermé', at);
    if (fields.length !== WIDTH) {
      throw new SourceError(this.sourceId, this.file, `${fields.length} colonnes au lieu de ${WIDTH}`, at, BAN_COLUMNS[Math.min(fields.length, WIDTH - 1)]);
    }
    for (let j = 0; j < WIDTH; j++) if (fields[j] === '') fields[j] = null;
    return fields;
  }

  /** Splits decoded complete lines into rows (a quoted field may continue on the next line). */
  private take(text: string): void {
    const lines = text.split('\n');
    const rows: Row[] = [];
    for (let k = 0; k < lines.length; k++) {
      this.line++;
      let t = lines[k];
      if (this.line === 1) continue;
      if (t.length && t.charCodeAt(t.length - 1) === 13) t = t.slice(0, -1);
      if (this.pending !== null) {
        this.pending += '\n' + t;
        if (countQuotes(this.pending) % 2 === 1) continue;
        rows.push(this.toRow(this.pending, this.pendingLine));
        this.pending = null;
        continue;
      }
      if (t === '') continue;
      if (t.includes('"') && countQuotes(t) % 2 === 1) {
        this.pending = t;
        this.pendingLine = this.line;
        continue;
      }
      rows.push(this.toRow(t, this.line));
    }
    this.rows = rows;
    this.next_ = 0;
  }

  private openNext(): boolean {
    this.raw?.destroy();
    this.fileIndex++;
    if (this.fileIndex >= this.files.length) return false;
    const raw = createReadStream(this.file, { highWaterMark: 1 << 20 });
    this.raw = raw;
    const input = this.file.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
    this.chunks = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    this.carry = Buffer.alloc(0);
    this.line = 0;
    this.pending = null;
    return true;
  }

  /** Refills `rows` from the next chunk(s); false at the end of the last file. */
  private async fill(): Promise<boolean> {
    for (;;) {
      if (!this.chunks && !this.openNext()) return false;
      const { value, done } = await this.chunks!.next();
      if (done) {
        this.chunks = undefined;
        const tail = this.carry.toString('utf8');
        if (this.pending !== null) {
          const text = tail ? `${this.pending}\n${tail}` : this.pending;
          if (countQuotes(text) % 2 === 1) throw new SourceError(this.sourceId, this.file, 'guillemet ouvert jamais refermé', this.pendingLine);
          this.rows = [this.toRow(text, this.pendingLine)];
          this.next_ = 0;
          this.pending = null;
          return true;
        }
        if (tail !== '') {
          this.take(tail);
          if (this.rows.length) return true;
        }
        continue;
      }
      // Cut at the last newline byte: a newline is never inside a multi-byte character.
      const cut = value.lastIndexOf(10);
      if (cut === -1) {
        this.carry = Buffer.concat([this.carry, value]);
        continue;
      }
      const head = this.carry.length ? Buffer.concat([this.carry, value.subarray(0, cut)]) : value.subarray(0, cut);
      this.carry = Buffer.from(value.subarray(cut + 1));
      this.take(head.toString('utf8'));
      if (this.rows.length) return true;
    }
  }

  async next(): Promise<IteratorResult<Row>> {
    if (this.next_ < this.rows.length) return { value: this.rows[this.next_++], done: false };
    try {
      if (await this.fill()) return { value: this.rows[this.next_++], done: false };
    } catch (error) {
      this.raw?.destroy();
      throw error;
    }
    this.raw?.destroy();
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<Row>> {
    this.raw?.destroy();
    return { value: undefined, done: true };
  }
}
