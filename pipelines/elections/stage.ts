/**
 * Stage and check a results file with DuckDB.
 *
 * The header is read and checked by name in Node (it can be shorter than the
 * rows); DuckDB then reads the rows with one declared VARCHAR column per
 * field (`c0`…`cN`, no type guessing: `01`, `2A`, `ZA` stay text), and SQL
 * checks every count and percentage before anything is projected. cp1252
 * files are first converted to UTF-8 in the work directory, streaming:
 * DuckDB only knows UTF-8 and Latin-1, and Latin-1 would garble `œ`, `’`, `€`.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readFirstLines, splitLine } from '../framework/csv-header.js';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import iconv from 'iconv-lite';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SourceError } from '../framework/errors.js';
import { COUNT_FIELDS, readLayout, LayoutProblem, type BlockField, type CountField, type Layout } from './layout.js';

export async function toUtf8(path: string, encoding: string, workDir: string, tag: string): Promise<string> {
  if (encoding.toLowerCase() === 'utf-8') return path;
  const target = join(workDir, `${tag}-${basename(path)}.utf8`);
  await pipeline(createReadStream(path), iconv.decodeStream(encoding), iconv.encodeStream('utf8'), createWriteStream(target));
  return target;
}

/** Header and first row → layout, with header drift reported as a SourceError. */
export function layoutOf(sourceId: string, path: string, name: string): Layout {
  const [header, first] = readFirstLines(path, 2);
  try {
    const fields = (line: string) => splitLine(line).map((f) => f.trim());
    return readLayout(fields(header ?? ''), first ? fields(first) : undefined);
  } catch (e) {
    if (e instanceof LayoutProblem) throw new SourceError(sourceId, name, e.message, e.line, e.column);
    throw e;
  }
}

const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export async function stageFile(
  duckdb: DuckDBConnection, sourceId: string, table: string, path: string, name: string, layout: Layout,
): Promise<void> {
  const columns = Array.from({ length: layout.columnCount }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  // null_padding: législatives rows may stop after the last candidate actually standing.
  const read = `read_csv(${sqlString(path)}, delim=';', header=false, skip=1, auto_detect=false, quote='"', escape='"', null_padding=true, columns={${columns}})`;
  try {
    await duckdb.run(`CREATE OR REPLACE TABLE ${table} AS SELECT * FROM ${read}`);
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    const line = message.match(/Line: (\d+)/)?.[1];
    const detail = message.split('\n').find((l) => /Expected Number of Columns|Error/.test(l)) ?? message;
    throw new SourceError(sourceId, name, `lecture CSV impossible : ${detail.trim()}`, line ? Number(line) : undefined);
  }
}

const text = (col: number | undefined): string => (col === undefined ? 'NULL' : `nullif(trim(c${col}), '')`);
const integer = (col: number | undefined): string => (col === undefined ? 'NULL' : `TRY_CAST(nullif(trim(c${col}), '') AS BIGINT)`);
const isBlank = (col: number): string => `(coalesce(trim(c${col}), '') = '')`;
const notInteger = (col: number): string => `(NOT ${isBlank(col)} AND TRY_CAST(trim(c${col}) AS BIGINT) IS NULL)`;
// Percentages come as `98,10%`, `98,10` or `98.10`: all accepted.
const notPercent = (col: number): string => `(NOT ${isBlank(col)} AND NOT regexp_full_match(trim(c${col}), '-?[0-9]+([.,][0-9]+)? ?%?'))`;

/** A block is standing in a row when any of its identifying cells or its votes is filled. */
function blockPresent(b: Layout['blocks'][number]): string {
  const cols = (['panneau', 'nom', 'liste', 'voix'] as BlockField[]).map((f) => b.columns[f]).filter((c) => c !== undefined) as number[];
  return `(${cols.map((c) => `NOT ${isBlank(c)}`).join(' OR ')})`;
}

interface Check { sql: string; column: number; problem: string }

function checks(layout: Layout): Check[] {
  const out: Check[] = [];
  for (const f of COUNT_FIELDS) {
    const col = layout.fixed[f]!;
    out.push({ sql: `(${isBlank(col)} OR ${notInteger(col)})`, column: col, problem: 'nombre entier attendu' });
  }
  for (const key of ['dep', 'commune', 'circo'] as const) {
    const col = layout.fixed[key];
    if (col === undefined) continue;
    if (key === 'circo' && layout.kind === 'communes') continue;
    out.push({ sql: isBlank(col), column: col, problem: 'code vide' });
  }
  for (const col of layout.percentColumns) out.push({ sql: notPercent(col), column: col, problem: 'pourcentage attendu (98,10% ou 98.10)' });
  for (const b of layout.blocks) {
    const voix = b.columns.voix!;
    out.push({ sql: `(${blockPresent(b)} AND (${isBlank(voix)} OR ${notInteger(voix)}))`, column: voix, problem: 'nombre de voix entier attendu' });
  }
  return out;
}

/** First offending cell in file order → SourceError naming line and column. */
export async function checkValues(
  duckdb: DuckDBConnection, sourceId: string, table: string, name: string, layout: Layout,
): Promise<void> {
  const all = checks(layout);
  const cases = all.map((c, i) => `WHEN ${c.sql} THEN ${i}`).join(' ');
  const result = await duckdb.runAndReadAll(
    `SELECT rowid, CASE ${cases} END AS k FROM ${table} WHERE (${all.map((c) => c.sql).join(' OR ')}) ORDER BY rowid LIMIT 1`,
  );
  const row = result.getRowsJS()[0];
  if (!row) return;
  const check = all[Number(row[1])];
  const value = await duckdb.runAndReadAll(`SELECT c${check.column} FROM ${table} WHERE rowid = ${Number(row[0])}`);
  throw new SourceError(
    sourceId, name, `${check.problem}, trouvé « ${String(value.getRowsJS()[0]?.[0] ?? '')} »`, Number(row[0]) + 2,
    layout.columnNames[check.column] ?? check.column + 1,
  );
}

const BLOCK_TEXT: [string, BlockField][] = [
  ['pa', 'panneau'], ['nu', 'nuance'], ['no', 'nom'], ['pr', 'prenom'], ['sx', 'sexe'], ['li', 'liste'], ['la', 'listeAbregee'], ['el', 'elu'],
];

/** Identity of a candidate block, hashed in SQL so that rows stream two numbers per block instead of nine cells. */
function blockKey(b: Layout['blocks'][number]): string {
  const parts = BLOCK_TEXT.map(([, f]) => `coalesce(${text(b.columns[f])}, '')`).join(', ');
  return `hash(concat_ws(chr(1), ${parts}))`;
}

/**
 * Typed projection of the staged table: fixed figures, then per block `k<n>`
 * (hash of the candidate's identity, see `candidatesSql`) and `v<n>` (votes),
 * both null when the block is empty.
 */
export function typedSql(table: string, layout: Layout): string {
  const f = layout.fixed;
  const parts = [
    'rowid + 2 AS line', `${text(f.dep)} AS dep`, `${text(f.commune)} AS commune`, `${text(f.communeLabel)} AS commune_label`,
    `${text(f.circo)} AS circo`, `${text(f.circoLabel)} AS circo_label`,
    ...COUNT_FIELDS.map((k) => `${integer(f[k])} AS ${k}`),
  ];
  for (const b of layout.blocks) {
    const present = blockPresent(b);
    parts.push(`CASE WHEN ${present} THEN ${blockKey(b)} END AS k${b.number}`, `CASE WHEN ${present} THEN ${integer(b.columns.voix)} END AS v${b.number}`);
  }
  return `SELECT ${parts.join(', ')} FROM ${table}`;
}

/** Every distinct candidate block of the file, with its hash: a few dozen to a few thousand rows. */
export function candidatesSql(table: string, layout: Layout): string {
  const selects = layout.blocks.map((b) => {
    const cols = BLOCK_TEXT.map(([alias, f]) => `${text(b.columns[f])} AS ${alias}`).join(', ');
    return `SELECT ${blockKey(b)} AS k, ${cols} FROM ${table} WHERE ${blockPresent(b)}`;
  });
  return `SELECT DISTINCT k, ${BLOCK_TEXT.map(([a]) => a).join(', ')} FROM (${selects.join(' UNION ALL ')})`;
}

export interface BlockFields {
  numeroPanneau: string | null; nuance: string | null; nom: string | null; prenom: string | null; sexe: string | null;
  liste: string | null; listeAbregee: string | null; eluCell: string | null;
}

export async function readCandidates(
  duckdb: DuckDBConnection, sourceId: string, table: string, name: string, layout: Layout,
): Promise<Map<bigint, BlockFields>> {
  const out = new Map<bigint, BlockFields>();
  const result = await duckdb.runAndReadAll(candidatesSql(table, layout));
  for (const r of result.getRowsJS() as (bigint | string | null)[][]) {
    const k = r[0] as bigint;
    if (out.has(k)) throw new SourceError(sourceId, name, 'deux candidats de même empreinte : lecture impossible sans ambiguïté');
    const [pa, nu, no, pr, sx, li, la, el] = r.slice(1) as (string | null)[];
    out.set(k, { numeroPanneau: pa, nuance: nu, nom: no, prenom: pr, sexe: sx, liste: li, listeAbregee: la, eluCell: el });
  }
  return out;
}

/** Fixed aliases before the blocks in `typedSql`, and the aliases per block. */
export const TYPED_FIXED = 6 + COUNT_FIELDS.length;
export const TYPED_PER_BLOCK = 2;

export type Totals = Record<CountField | 'voix' | 'lignes', number>;

export function emptyTotals(): Totals {
  return { lignes: 0, inscrits: 0, abstentions: 0, votants: 0, blancs: 0, nuls: 0, exprimes: 0, voix: 0 };
}

/** Totals of the whole file, summed by DuckDB independently of the projection. */
export async function fileTotals(duckdb: DuckDBConnection, table: string, layout: Layout): Promise<Totals> {
  const voix = layout.blocks.map((b) => `coalesce(v${b.number}, 0)`).join(' + ');
  const sql = `SELECT count(*), ${COUNT_FIELDS.map((k) => `coalesce(sum(${k}), 0)`).join(', ')}, coalesce(sum(${voix}), 0) FROM (${typedSql(table, layout)})`;
  const [row] = (await duckdb.runAndReadAll(sql)).getRowsJS();
  const values = row.map((v) => Number(v));
  const totals = emptyTotals();
  totals.lignes = values[0];
  COUNT_FIELDS.forEach((k, i) => { totals[k] = values[i + 1]; });
  totals.voix = values[COUNT_FIELDS.length + 1];
  return totals;
}
