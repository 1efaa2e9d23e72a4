/**
 * `prune` (issue 12): keeps the current release and the one before (or N),
 * deletes the other releases, every load no kept release serves and their rows
 * in every load-scoped table, and leaves what is served byte-identical.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prune } from '../../pipelines/framework/lifecycle.js';
import { currentReleaseId } from '../../src/releases/repository.js';
import { ingestForTest } from '../helpers/ingest.js';
import { servedBytes } from '../helpers/served.js';
import { storeKinds } from '../helpers/stores.js';

for (const kind of storeKinds) {
  describe(`prune (${kind.name})`, () => {
    let store: Awaited<ReturnType<typeof kind.open>>;
    const count = async (sql: string) => (await store.query<{ n: number }>(sql))[0].n;

    beforeAll(async () => {
      store = await kind.open();
      await ingestForTest(store, { sources: ['cog', 'etat-civil-insee', 'ban'], sample: true });
      for (let i = 0; i < 3; i++) await ingestForTest(store, { sources: ['etat-civil-insee', 'ban'], sample: true });
      // A load a killed run left behind: `prune` reclaims it too.
      await store.query(`INSERT INTO loads (source_id, millesime, status, provenance, stats) VALUES ('ban', '2026', 'loading', '{}', '{}')`);
    }, 600_000);
    afterAll(() => store?.dispose());

    it('keeps the current release and the one before, with exactly the loads they serve', async () => {
      const before = await servedBytes(store);
      const current = await currentReleaseId(store);
      expect(await count('SELECT count(*)::int AS n FROM releases')).toBe(4);
      expect(await count(`SELECT count(*)::int AS n FROM loads WHERE source_id = 'ban'`)).toBe(5);
      const banRowsPerLoad = await count(`SELECT count(*)::int AS n FROM ban_adresses WHERE load_id = (SELECT max(id) FROM loads WHERE source_id = 'ban' AND status = 'ready')`);

      const result = await prune(store);
      expect(result.kept[0]).toBe(current);
      expect(result.kept).toHaveLength(2);
      expect(result.releases).toHaveLength(2);
      expect(await count('SELECT count(*)::int AS n FROM releases')).toBe(2);
      // Each load left is served by a kept release; the BAN of the two kept releases, once each.
      expect(await count('SELECT count(*)::int AS n FROM loads WHERE id NOT IN (SELECT load_id FROM release_sources)')).toBe(0);
      expect(await count(`SELECT count(*)::int AS n FROM loads WHERE source_id = 'ban'`)).toBe(2);
      expect(await count('SELECT count(*)::int AS n FROM ban_adresses')).toBe(2 * banRowsPerLoad);
      expect(await count('SELECT count(*)::int AS n FROM commune_datasets WHERE load_id NOT IN (SELECT id FROM loads)')).toBe(0);
      expect(await count('SELECT count(*)::int AS n FROM cog_communes WHERE load_id NOT IN (SELECT id FROM loads)')).toBe(0);
      expect(await servedBytes(store)).toEqual(before);

      await prune(store, { keep: 1 });
      expect(await count('SELECT count(*)::int AS n FROM releases')).toBe(1);
      expect(await count('SELECT count(*)::int AS n FROM ban_adresses')).toBe(banRowsPerLoad);
      expect(await servedBytes(store)).toEqual(before);
    }, 120_000);

    it('refuses a --keep below 1', async () => {
      await expect(prune(store, { keep: 0 })).rejects.toThrow('--keep attend un entier ≥ 1');
    });
  });
}
