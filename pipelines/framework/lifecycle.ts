/**
 * The life of loads after their run: loads a killed process left in `loading`
 * are marked failed and their rows deleted at the next run, and `prune` deletes
 * the releases older than the last N with every load no kept release serves.
 * Both run under the store's ingestion lock, so no live run's load is touched.
 */
import type { Queryable, Store } from '../../src/db/client.js';
import { BULK_TABLES } from '../../src/db/schema.js';
import { currentReleaseId } from '../../src/releases/repository.js';
import { LOAD_TABLES } from './load.js';

async function deleteLoadRows(db: Queryable, loadIds: number[]): Promise<void> {
  if (!loadIds.length) return;
  for (const table of [...LOAD_TABLES, ...BULK_TABLES]) await db.query(`DELETE FROM ${table} WHERE load_id = ANY($1::int[])`, [loadIds]);
}

/** Loads still `loading` when the ingestion lock is held were left by a dead process: failed, rows deleted. */
export async function reclaimDeadLoads(store: Store): Promise<number[]> {
  const dead = (await store.query<{ id: number }>(`SELECT id FROM loads WHERE status = 'loading' ORDER BY id`)).map((r) => r.id);
  await deleteLoadRows(store, dead);
  if (dead.length) await store.query(`UPDATE loads SET status = 'failed' WHERE id = ANY($1::int[])`, [dead]);
  return dead;
}

export interface PruneResult { releases: string[]; loads: number[]; kept: string[] }

/**
 * Keeps the `keep` most recent releases (the current one always among them) and
 * deletes the others, then every load none of the kept releases serves — failed
 * and reclaimed ones included — with its rows in every load-scoped table.
 * The space is then given back: `full` rewrites the tables (VACUUM FULL, the
 * default on PGlite, which this process holds alone); otherwise a plain VACUUM,
 * which takes no lock that would stop the API on PostgreSQL, marks it reusable
 * by the next loads.
 */
export async function prune(store: Store, options: { keep?: number; full?: boolean } = {}): Promise<PruneResult> {
  const { keep = 2, full = store.driver === 'pglite' } = options;
  if (!Number.isInteger(keep) || keep < 1) throw new Error(`--keep attend un entier ≥ 1 (reçu ${keep})`);
  const lock = await store.lockIngestion();
  try {
    await reclaimDeadLoads(store);
    const current = await currentReleaseId(store);
    const ordered = (await store.query<{ id: string }>('SELECT id FROM releases ORDER BY created_at DESC, id DESC')).map((r) => r.id);
    const kept = [...new Set([...(current ? [current] : []), ...ordered])].slice(0, keep);
    const dropped = ordered.filter((id) => !kept.includes(id));
    const loads = (await store.query<{ id: number }>(
      `SELECT id FROM loads WHERE status <> 'loading'
         AND id NOT IN (SELECT load_id FROM release_sources WHERE release_id = ANY($1::text[])) ORDER BY id`, [kept])).map((r) => r.id);
    await store.transaction(async (tx) => {
      await tx.query('DELETE FROM release_sources WHERE release_id = ANY($1::text[])', [dropped]);
      // A kept release keeps naming its parent even once pruned: what it serves does not change by a byte.
      await tx.query('DELETE FROM releases WHERE id = ANY($1::text[])', [dropped]);
      await deleteLoadRows(tx, loads);
      if (loads.length) await tx.query('DELETE FROM loads WHERE id = ANY($1::int[])', [loads]);
    });
    await store.query(full ? 'VACUUM FULL' : 'VACUUM');
    // The WAL the rewrite produced is deleted at a checkpoint (see PGLITE_CONF); PostgreSQL's checkpointer does it alone.
    if (store.driver === 'pglite') await store.query('CHECKPOINT');
    return { releases: dropped, loads, kept };
  } finally {
    await lock.release();
  }
}
