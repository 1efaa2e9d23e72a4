/**
 * Producer files that do not declare their encoding (UTF-8 in some editions, latin-1 or
 * windows-1252 in others), read by DuckDB each in the encoding it has, without a JS pass over
 * every file (file-encoding.ts' whole-file scan is the fallback that names lines, not the rule):
 *
 * 1. the first MiB of each file is classified line by line (`leadingEncoding`): a file that small
 *    is decided there, and a mix of UTF-8 and non-UTF-8 lines stops the run naming both lines;
 * 2. the files that start as UTF-8 or ASCII are read together as UTF-8: DuckDB's reader validates
 *    every byte, so a file it reads whole is UTF-8. When it refuses a byte it names the file: one
 *    that had shown UTF-8 text mixes two encodings (the whole-file scan names the lines and stops),
 *    one that had shown only ASCII is single-byte and joins the next group;
 * 3. the single-byte files are read together as latin-1, which DuckDB refuses on a byte of
 *    0x80–0x9F: a file with such bytes (windows-1252 punctuation `’`, `œ`, `€`) is scanned whole,
 *    converted to UTF-8 (file-encoding.ts) and read as such. Each row of a latin-1 reading says
 *    (`utf8`) whether a text the source publishes holds a UTF-8 sequence (a lead byte then a
 *    continuation byte): the file is then scanned whole, which stops when it mixes encodings.
 *    Columns a source does not publish as text (codes, dates) are not checked: a non-ASCII byte
 *    there fails the source's own checks on their values.
 */
import { basename, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { detectEncoding, leadingEncoding, windows1252ToUtf8, type DetectedEncoding } from './file-encoding.js';
import { parseDuckdbCsvError } from './duckdb-csv-error.js';

const LEADING_BYTES = 1 << 20;

export interface EncodedReadOptions {
  /** The INSERT that reads `files` into `table` in `encoding`, storing `utf8` (SQL of a boolean) in the table's `utf8` column. */
  readSql(files: string[], encoding: 'utf-8' | 'latin-1', utf8: string): string;
  /** The table the rows go to, with `filename` (as DuckDB names the file) and `utf8` columns. */
  table: string;
  /** Text columns the source publishes, checked for UTF-8 sequences in a latin-1 reading. */
  texts: string[];
  /** Turns a read error (other than one of encoding) into the one to throw, naming the producer's file. */
  mapError(error: unknown, originalOf: (path: string) => string): unknown;
  workDir: string;
}

export interface EncodedFiles {
  /** The encoding of each producer file. */
  encodings: Map<string, DetectedEncoding>;
  /** The producer's file for a path DuckDB read (a converted copy of a windows-1252 file). */
  originalOf(path: string): string;
}

const UTF8_SEQUENCE_SQL = (column: string) => `coalesce(regexp_matches(${column}, '[\\x{C2}-\\x{F4}][\\x{80}-\\x{BF}]'), false)`;
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
const invalidUtf8 = (error: unknown) => /Invalid unicode/i.test(messageOf(error));
const notLatin1 = (error: unknown) => /not latin-1 encoded/i.test(messageOf(error));

/** Reads every file into `options.table`, each in its own encoding. */
export async function readInTheirEncodings(
  duckdb: DuckDBConnection, sourceId: string, files: string[], options: EncodedReadOptions,
): Promise<EncodedFiles> {
  const encodings = new Map<string, DetectedEncoding>();
  const original = new Map<string, string>();
  const originalOf = (path: string) => original.get(path) ?? path;
  const run = async (group: string[], encoding: 'utf-8' | 'latin-1') => {
    const utf8 = encoding === 'latin-1' && options.texts.length ? options.texts.map(UTF8_SEQUENCE_SQL).join(' OR ') : 'false';
    try {
      await duckdb.run(options.readSql(group, encoding, utf8));
    } catch (error) {
      throw invalidUtf8(error) || notLatin1(error) ? error : options.mapError(error, originalOf);
    }
  };
  /** The whole-file scan: throws on a file that mixes encodings, else its encoding; a windows-1252 file is converted. */
  const exact = async (file: string, i: number): Promise<string> => {
    const encoding = await detectEncoding(sourceId, file);
    encodings.set(file, encoding);
    if (encoding !== 'windows-1252') return file;
    const path = join(options.workDir, `${i}-${basename(file)}.utf8`);
    await windows1252ToUtf8(file, path);
    original.set(path, file);
    return path;
  };
  const lead = await Promise.all(files.map((f) => leadingEncoding(sourceId, f, LEADING_BYTES)));
  const utf8: string[] = [];
  const latin1: string[] = [];
  for (const [i, file] of files.entries()) {
    const { encoding, complete } = lead[i];
    if (encoding === 'windows-1252') utf8.push(await exact(file, i));
    else (encoding === 'latin-1' ? latin1 : utf8).push(file);
    encodings.set(file, complete || encoding !== 'ascii' ? encoding : 'utf-8');
  }
  /** A file read as latin-1, or, when DuckDB refuses a byte of 0x80–0x9F, scanned whole and converted: the path to read as UTF-8. */
  const readSingleByte = async (file: string): Promise<string | undefined> => {
    try {
      await run([file], 'latin-1');
      encodings.set(file, 'latin-1');
      return undefined;
    } catch (error) {
      if (!notLatin1(error)) throw error;
      return exact(file, files.indexOf(file));
    }
  };
  // Single-byte files first: one holding a byte of 0x80–0x9F further on is converted and joins the UTF-8 group.
  if (latin1.length) {
    try {
      await run(latin1, 'latin-1');
    } catch (error) {
      if (!notLatin1(error)) throw error;
      // DuckDB does not name the file: read them one by one (a failed read keeps none of its rows).
      for (const file of latin1) {
        const converted = await readSingleByte(file);
        if (converted) utf8.push(converted);
      }
    }
  }
  while (utf8.length) {
    try {
      await run(utf8, 'utf-8');
      break;
    } catch (error) {
      const path = parseDuckdbCsvError(error).file ?? (utf8.length === 1 ? utf8[0] : undefined);
      if (!invalidUtf8(error) || !path || !utf8.includes(path)) throw options.mapError(error, originalOf);
      const file = originalOf(path);
      if (lead[files.indexOf(file)]?.encoding !== 'ascii') {
        await exact(file, files.indexOf(file)); // throws: UTF-8 text, then bytes that are not
        throw options.mapError(error, originalOf);
      }
      // ASCII in its first MiB, then a byte that is not UTF-8: a single-byte file.
      utf8.splice(utf8.indexOf(path), 1);
      const converted = await readSingleByte(file);
      if (converted) utf8.push(converted);
    }
  }
  // A UTF-8 sequence in a text of a latin-1 reading: the whole-file scan decides (and stops on a mix).
  const suspects = (await duckdb.runAndReadAll(`SELECT DISTINCT filename FROM ${options.table} WHERE utf8`)).getRowsJS().map((r) => String(r[0]));
  for (const path of suspects) {
    const file = originalOf(path);
    if (!lead[files.indexOf(file)]?.complete) await detectEncoding(sourceId, file);
  }
  return { encodings, originalOf };
}

/** How many files were read in each encoding, as the run summary says it. */
export function encodingCounts(encodings: Map<string, DetectedEncoding>): Partial<Record<DetectedEncoding, number>> {
  const counts: Partial<Record<DetectedEncoding, number>> = {};
  for (const e of encodings.values()) counts[e] = (counts[e] ?? 0) + 1;
  return counts;
}

/** How a plain parse of the producer's file decodes it (to name a line). */
export const nodeEncoding = (encoding: DetectedEncoding): 'utf8' | 'latin1' => (encoding === 'latin-1' || encoding === 'windows-1252' ? 'latin1' : 'utf8');
