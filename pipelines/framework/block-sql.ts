/**
 * SQL over a file staged as VARCHAR columns (staged-csv.ts) whose header was
 * bound by column-blocks.ts: which blocks are filled on a row, a hash of a
 * block's identity (so that rows stream one number per block instead of its
 * text cells), and the format checks a source declares by role, run before
 * anything is projected. Written once for every wide file with repeated blocks.
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
