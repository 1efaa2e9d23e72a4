/**
 * DuckDB's memory limit lowered for one step: a GROUP BY that runs while JS
 * works beside it (aggregate-and-copy.ts) must leave that JS its share.
 */
import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * DuckDB's hash aggregation takes what `memory_limit` allows: on the national
 * BAN file (26 M rows) 4.2 GB of RSS under the framework's 4 GB limit, 1.3 GB
 * under 1 GB, in the same time (measured with bench/ban-national.ts on an
 * earlier six-set plan; the whole pipeline now peaks at 1.5–1.6 GB). The JS
 * reader runs alongside, so the scan is capped and the limit put back after.
 */
export const AGGREGATION_MEMORY = 1024 ** 3;

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3, TIB: 1024 ** 4 };

/** Bytes of a limit as DuckDB prints it (`3.7 GiB`); undefined for anything else (`unlimited`). */
export function parseMemory(text: string): number | undefined {
  const m = /^\s*([\d.]+)\s*([KMGT]?I?B)\s*$/i.exec(text);
  return m ? Number(m[1]) * (UNITS[m[2].toUpperCase()] ?? NaN) : undefined;
}

/**
 * Lowers the memory limit to at most `bytes` and returns what puts the previous one back: for a step whose
 * results are streamed to JS after the function that started it returned (an ordered scan read chunk by chunk).
 */
export async function lowerMemoryLimit(duckdb: DuckDBConnection, bytes: number): Promise<() => Promise<void>> {
  const [row] = (await duckdb.runAndReadAll("SELECT current_setting('memory_limit') AS m")).getRowObjectsJS();
  const current = parseMemory(String(row.m));
  if (current !== undefined && current <= bytes) return async () => {};
  await duckdb.run(`SET memory_limit = '${Math.floor(bytes / 1024 ** 2)}MiB'`);
  // DuckDB prints the limit rounded to 0.1 GiB: put back that many bytes (a rounding, not a drift, on repeated runs).
  return async () => { await duckdb.run(current === undefined ? 'RESET memory_limit' : `SET memory_limit = '${Math.round(current)}B'`); };
}

/** Runs `fn` under a memory limit of at most `bytes`, then puts the previous limit back. */
export async function withMemoryLimit<T>(duckdb: DuckDBConnection, bytes: number, fn: () => Promise<T>): Promise<T> {
  const restore = await lowerMemoryLimit(duckdb, bytes);
  try {
    return await fn();
  } finally {
    await restore();
  }
}
