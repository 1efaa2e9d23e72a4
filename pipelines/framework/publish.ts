/**
 * publish: one transaction creates the release (the current one with the
 * ingested sources replaced) and makes it current. Before the commit every
 * reader still sees the previous release; after a failure nothing changed.
 */
import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/db/client.js';
import { currentReleaseId } from '../../src/releases/repository.js';
import { faultPoint } from './faults.js';

export function newReleaseId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(2).toString('hex')}`;
}

export async function publishRelease(store: Store, replaced: Map<string, number>, summary: unknown): Promise<string> {
  const id = newReleaseId();
  await store.transaction(async (tx) => {
    // Lock the pointer so that two concurrent ingestions cannot both build on the same parent.
    await tx.query('SELECT release_id FROM current_release WHERE singleton = 1 FOR UPDATE');
    const parent = await currentReleaseId(tx);
    await tx.query('INSERT INTO releases (id, parent_id, summary) VALUES ($1, $2, $3::jsonb)', [id, parent ?? null, JSON.stringify(summary)]);
    if (parent) {
      await tx.query(
        `INSERT INTO release_sources (release_id, source_id, load_id)
           SELECT $1, source_id, load_id FROM release_sources WHERE release_id = $2 AND NOT (source_id = ANY($3::text[]))`,
        [id, parent, [...replaced.keys()]]);
    }
    for (const [sourceId, loadId] of replaced) {
      await tx.query('INSERT INTO release_sources (release_id, source_id, load_id) VALUES ($1, $2, $3)', [id, sourceId, loadId]);
    }
    for (const sourceId of replaced.keys()) faultPoint('publish', sourceId);
    await tx.query(
      `INSERT INTO current_release (singleton, release_id, published_at) VALUES (1, $1, now())
         ON CONFLICT (singleton) DO UPDATE SET release_id = EXCLUDED.release_id, published_at = EXCLUDED.published_at`, [id]);
  });
  return id;
}
