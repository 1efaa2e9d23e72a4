/**
 * SQL over a file staged as VARCHAR columns (staged-csv.ts) whose header was
 * bound by column-blocks.ts: which blocks are filled on a row, a hash of a
 * block's identity (so that rows stream one number per block instead of its
 * text cells, read once per distinct block), and the format checks a source
 * declares by role, run before anything is projected. Written once for every
 * wide file with repeated blocks.
 */
import type { BoundBlocks, ColumnBlock } from './column-blocks.js';
import { isBlank, notInteger, notPercent, text, type CellCheck } from './staged-csv.js';

/** A block is filled on a row when any of `roles` is (e.g. its number, name or votes). */
export function blockPresent<B extends string>(block: ColumnBlock<B>, roles: readonly B[]): string {
  return `(${roles.flatMap((r) => (block.columns[r] === undefined ? [] : [`NOT ${isBlank(block.columns[r])}`])).join(' OR ')})`;
}

/** Hash of the trimmed text of `roles` in the block (absent roles count as empty). */
export function blockKey<B extends string>(block: ColumnBlock<B>, roles: readonly B[]): string {
  return `hash(concat_ws(chr(1), ${roles.map((r) => `coalesce(${text(block.columns[r])}, '')`).join(', ')}))`;
}

/**
 * A block's two columns in a row streamed from the staged table: k<n> the hash of its `identity` roles and
 * v<n> the SQL `value` (e.g. its votes as an integer), both null when the block is not filled (`present`).
 */
export function blockKeyValue<B extends string>(block: ColumnBlock<B>, present: readonly B[], identity: readonly B[], value: string): string {
  const filled = blockPresent(block, present);
  return `CASE WHEN ${filled} THEN ${blockKey(block, identity)} END AS k${block.number}, CASE WHEN ${filled} THEN ${value} END AS v${block.number}`;
}

/** The filled blocks of a streamed row whose `blockKeyValue` columns start at `offset`: (hash, value) in block order. */
export function filledBlocks(row: readonly unknown[], offset: number, count: number): [bigint, unknown][] {
  const filled: [bigint, unknown][] = [];
  for (let b = 0; b < count; b++) if (row[offset + b * 2] !== null) filled.push([row[offset + b * 2] as bigint, row[offset + b * 2 + 1]]);
  return filled;
}

/**
 * Every distinct filled block of `table` (a few dozen to a few thousand rows): k its hash as in `blockKeyValue`,
 * fields a struct of its `identity` cells, each named by `names` or by its role, in `identity` order.
 */
export function distinctBlocks<B extends string>(table: string, blocks: ColumnBlock<B>[], present: readonly B[], identity: readonly B[], names: Partial<Record<B, string>> = {}): string {
  const fields = (b: ColumnBlock<B>) => identity.map((r) => `'${names[r] ?? r}': ${text(b.columns[r])}`).join(', ');
  const each = blocks.map((b) => `SELECT ${blockKey(b, identity)} AS k, {${fields(b)}} AS fields FROM ${table} WHERE ${blockPresent(b, present)}`);
  return `SELECT DISTINCT k, fields FROM (${each.join(' UNION ALL ')})`;
}

/** The formats a source declares by role; problems are the texts shown in the error. */
export interface BlockFormats<F extends string, B extends string> {
  /** Fixed columns that must hold an integer (blank refused). */
  integers: readonly F[];
  /** Fixed code columns that must not be blank (`skip` says which not to check in this file). */
  codes: readonly F[];
  skipCodes?: readonly F[];
  /** Columns of this `lists` role, then these block roles, must be percentages when filled. */
  percentList: F;
  blockPercents: readonly B[];
  /** In a filled block (`present` roles), this role must hold an integer. */
  blockInteger: { role: B; present: readonly B[]; problem: string };
}

/** Every check in the order a row's first failing one is reported: integers, codes, percentages, block integers. */
export function blockChecks<F extends string, B extends string>(layout: BoundBlocks<F, B>, formats: BlockFormats<F, B>): CellCheck[] {
  const f = layout.fixed;
  const codes = formats.codes.filter((k) => f[k] !== undefined && !formats.skipCodes?.includes(k));
  const percents = [
    ...(layout.lists[formats.percentList] ?? []),
    ...layout.blocks.flatMap((b) => formats.blockPercents.map((r) => b.columns[r]).filter((c): c is number => c !== undefined)),
  ];
  const { role, present, problem } = formats.blockInteger;
  return [
    ...formats.integers.map((k) => ({ sql: `(${isBlank(f[k]!)} OR ${notInteger(f[k]!)})`, column: f[k]!, problem: 'nombre entier attendu' })),
    ...codes.map((k) => ({ sql: isBlank(f[k]!), column: f[k]!, problem: 'code vide' })),
    ...percents.map((c) => ({ sql: notPercent(c), column: c, problem: 'pourcentage attendu (98,10% ou 98.10)' })),
    ...layout.blocks.map((b) => ({ sql: `(${blockPresent(b, present)} AND (${isBlank(b.columns[role]!)} OR ${notInteger(b.columns[role]!)}))`, column: b.columns[role]!, problem })),
  ];
}
