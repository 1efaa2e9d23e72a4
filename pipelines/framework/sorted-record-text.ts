/**
 * Commune records whose text DuckDB writes itself, for a long table of millions of rows: handing each value (or
 * each line) to Node costs ≈ 2 µs a crossing, more than writing its text. The source declares:
 *
 * - `heads`: a query, one row per commune: `rang` (its place in the output, any sortable type), `cle` (its code)
 *   and `data` (the record's JSON object text);
 * - `lines`: a query, one row per row of its long table: `rang`, `ordre` (the row's place within the commune, never
 *   NULL) and the values the row's text is written from;
 * - `line`: the SQL expression over those values that writes the row's JSON array text.
 *
 * DuckDB writes the text, sorts heads and lines by `rang`, `ordre` and writes them with its parallel CSV writer
 * into a temporary file (one slice of communes at a time for a long table: `slices`), each head first, marked by a leading \x01 (a byte JSON text never holds raw: control characters are escaped in it). Node reads that file in
 * large chunks, finds each head with a native search and joins the lines up to the next one into the record's
 * `rows`, without parsing them. Numbers are written with `js_number` (below): the text is the one JSON.stringify
 * would have written.
 */
import { open, rm } from 'node:fs/promises';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SerializedCommuneRecord } from './types.js';
import { sqlString } from './sql-script.js';

/**
 * `js_number(x)`: a DOUBLE as JavaScript's String(x) writes it, 'null' for NULL. An amount in cents (most of an
 * accounting file) is written from its integer number of cents: below 1e13 a double's ulp is under a cent, so no
 * shorter decimal reads back as the same double and those digits are the shortest, JavaScript's. Any other value
 * goes through DuckDB's own text, which has the same shortest digits but writes `5.0` for 5 and an exponent
 * outside 1e-4 ≤ |x| < 1e16 (`1e-05`, `1e+16`) where JavaScript writes one outside 1e-7 ≤ |x| < 1e21 without
 * padding (`1e-7`, `1e+21`): those rare cases pay more. Casting a double to text costs DuckDB ≈ 0.3 µs, the
 * integer path a fraction of it.
 */
export const JS_NUMBER_MACROS = `
CREATE OR REPLACE TEMP MACRO js_number_exponent(m, x) AS CASE
  WHEN x >= 21 OR x <= -7 THEN m || 'e' || CASE WHEN x > 0 THEN '+' ELSE '-' END || abs(x)::VARCHAR
  WHEN x >= 0 THEN CASE WHEN starts_with(m, '-') THEN '-' ELSE '' END || replace(replace(m, '-', ''), '.', '')
    || repeat('0', x + 1 - length(replace(replace(m, '-', ''), '.', '')))
  ELSE CASE WHEN starts_with(m, '-') THEN '-' ELSE '' END || '0.' || repeat('0', -x - 1) || replace(replace(m, '-', ''), '.', '')
END;
CREATE OR REPLACE TEMP MACRO js_number_text(s) AS CASE
  WHEN s IS NULL THEN 'null'
  WHEN ends_with(s, '.0') THEN CASE WHEN s = '-0.0' THEN '0' ELSE s[:-3] END
  WHEN NOT contains(s, 'e') THEN s
  ELSE js_number_exponent(split_part(s, 'e', 1), split_part(s, 'e', 2)::INTEGER)
END;
CREATE OR REPLACE TEMP MACRO js_number(x) AS CASE
  WHEN abs(x) < 1e13 AND round(x * 100) / 100 = x THEN CASE
    WHEN round(x * 100) % 100 = 0 THEN round(x)::BIGINT::VARCHAR
    WHEN round(x * 100) % 10 = 0 THEN left(x::DECIMAL(15, 2)::VARCHAR, -1)
    ELSE x::DECIMAL(15, 2)::VARCHAR
  END
  WHEN abs(x) >= 1e-4 AND abs(x) < 1e13 THEN CAST(x AS DOUBLE)::VARCHAR
  ELSE js_number_text(CAST(x AS DOUBLE)::VARCHAR)
END;
`;

export async function stageJsNumber(duckdb: DuckDBConnection): Promise<void> {
  await duckdb.run(JS_NUMBER_MACROS);
}

const HEAD = 0x01;
const HEAD_START = Buffer.from('\n\x01');
const CHUNK = 4 * 1024 * 1024;

/** What a source declares (see above), and the temporary file DuckDB writes the records to (removed after). */
export interface SortedRecordQueries {
  heads: string; lines: string; line: string; file: string;
  /**
   * When `rang` is an integer in [0, ranks): the records written and read in `parts` slices of ranks, each sorted
   * alone (a sort of the national budget's 13.6 M lines of text ran out of memory under a 1 GiB limit).
   */
  slices?: { ranks: number; parts: number };
  /** Bytes read at a time (grown when one record is larger). */
  chunkBytes?: number;
}

/** The records, in `rang` order; the temporary files are removed when the iteration ends, however it ends. */
export async function* sortedRecordTexts(duckdb: DuckDBConnection, queries: SortedRecordQueries): AsyncIterable<SerializedCommuneRecord> {
  const { file, slices } = queries;
  const parts = slices ? Math.max(1, slices.parts) : 1;
  const seen = new Set<string>();
  await stageJsNumber(duckdb);
  for (let part = 0; part < parts; part++) {
    const where = slices ? `WHERE rang >= ${Math.floor((part * slices.ranks) / parts)} AND rang < ${Math.floor(((part + 1) * slices.ranks) / parts)}` : '';
    try {
      await duckdb.run(`COPY (
        SELECT texte FROM (
          SELECT rang, NULL AS ordre, chr(1) || cle || chr(9) || data AS texte FROM (${queries.heads}) ${where}
          UNION ALL
          SELECT rang, ordre, ${queries.line} AS texte FROM (${queries.lines}) ${where}
        ) ORDER BY rang, ordre NULLS FIRST
      ) TO ${sqlString(file)} (FORMAT csv, HEADER false, QUOTE '', ESCAPE '')`);
      yield* recordsOfFile(file, queries.chunkBytes ?? CHUNK, seen);
    } finally {
      await rm(file, { force: true });
    }
  }
}

/** Splits the file at each head: its code and data, then its lines joined as a JSON array. */
async function* recordsOfFile(file: string, chunkBytes: number, seen: Set<string>): AsyncIterable<SerializedCommuneRecord> {
  const handle = await open(file);
  try {
    let buffer = Buffer.allocUnsafe(chunkBytes);
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) { // one commune larger than the buffer: grow it
        const larger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      filled += bytesRead;
      const end = bytesRead === 0 ? filled : lastHead(buffer, filled);
      if (end > 0) {
        if (buffer[0] !== HEAD) throw new Error(`${file} : une ligne avant le premier enregistrement`);
        // Cut at heads, an ASCII byte: no UTF-8 sequence is split.
        yield* recordsOfText(buffer.toString('utf8', 0, end), seen);
        buffer.copy(buffer, 0, end, filled);
        filled -= end;
      }
      if (bytesRead === 0) return;
    }
  } finally {
    await handle.close();
  }
}

/** Where the last head of the buffer starts (0 when none but the first): the text before it holds whole records. */
function lastHead(buffer: Buffer, filled: number): number {
  return buffer.subarray(0, filled).lastIndexOf(HEAD_START) + 1;
}

function* recordsOfText(text: string, seen: Set<string>): Iterable<SerializedCommuneRecord> {
  for (let at = 0; at < text.length;) {
    const next = text.indexOf('\n\x01', at);
    const end = next < 0 ? text.length : next + 1;
    const headEnd = text.indexOf('\n', at);
    const tab = text.indexOf('\t', at);
    const code = text.slice(at + 1, tab);
    if (seen.has(code)) throw new Error(`enregistrement de la commune ${code} en deux morceaux : les lignes ne sont pas rangées par commune`);
    seen.add(code);
    const lines = headEnd + 1 < end - 1 ? text.slice(headEnd + 1, end - 1).replaceAll('\n', ',') : '';
    yield { code, json: { data: text.slice(tab + 1, headEnd), rows: `[${lines}]` } };
    at = end;
  }
}
