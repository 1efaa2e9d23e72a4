import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { recordsPipeline, testSource } from '../helpers/pack-sources.js';
import { jsonOf, problemOf } from '../helpers/responses.js';
import { changesSchema } from '../../src/changes/schema.js';

const testRegistry = [...registry.filter((s) => s.id === 'cog'), testSource('essai-a'), testSource('essai-b'), testSource('essai-c')];
const rec = (code: string, valeur: number): CommuneRecord => ({ code, data: { valeur }, rows: [{ code, valeur }] });

for (const kind of storeKinds) {
  describe(`change feed on ${kind.name}`, () => {
    let app: App;
    let store: Awaited<ReturnType<typeof kind.open>>;
    let first: string;
    let second: string;
    const json = async (path: string) => {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      return jsonOf(res, changesSchema);
    };
    const ingest = (sources: string[], records: Record<string, CommuneRecord[]>) => ingestForTest(store, {
      registry: testRegistry, sources, sample: true,
      pipelines: Object.fromEntries(Object.entries(records).map(([id, r]) => [id, recordsPipeline(id, r)])),
    });

    beforeAll(async () => {
      store = await kind.open();
      first = (await ingest(['cog', 'essai-a', 'essai-b'], { 'essai-a': [rec('35238', 1), rec('2A004', 1)], 'essai-b': [rec('35238', 5)] })).releaseId;
      // essai-a reloaded: Rennes changed, Ajaccio identical; essai-b kept as is; essai-c new.
      second = (await ingest(['essai-a', 'essai-c'], { 'essai-a': [rec('35238', 2), rec('2A004', 1)], 'essai-c': [rec('35238', 9)] })).releaseId;
      app = createApp({ store, registry: testRegistry, releaseCheckMs: 0 });
    });
    afterAll(() => store.dispose());

    it('lists the datasets whose content changed for the commune, from the load-time hash', async () => {
      const body = await json(`/commune/35238/changes?since=${first}`);
      expect(body.depuis.id).toBe(first);
      expect(body.jusqua.id).toBe(second);
      expect(body.changements.map((c: { dataset: string; changement: string }) => [c.dataset, c.changement])).toEqual([['essai-a', 'modifie'], ['essai-c', 'ajoute']]);
      const a = body.changements[0];
      expect(a.empreinte.avant).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(a.empreinte.apres).not.toBe(a.empreinte.avant);
      expect(a.liens).toEqual({ json: '/commune/35238/datasets/essai-a', csv: '/commune/35238/datasets/essai-a.csv' });
      expect(body.inchanges).toEqual(['cog', 'essai-b']);
      expect(body.telechargement).toBe('/commune/35238/dotation.zip');
    });

    it('says nothing changed for a commune whose content is identical in the reloaded dataset', async () => {
      const body = await json(`/commune/2A004/changes?since=${first}`);
      expect(body.changements).toEqual([]);
      expect(body.inchanges).toEqual(['cog', 'essai-a', 'essai-b']);
      expect(body.telechargement).toBeNull();
      expect((await json(`/commune/35238/changes?since=${second}`)).changements).toEqual([]);
    });

    it('stores a content hash per commune × dataset at load time', async () => {
      const rows = await store.query<{ code: string; hash: string }>(
        `SELECT c.code, c.hash FROM commune_datasets c JOIN loads l ON l.id = c.load_id WHERE l.source_id = 'essai-a' AND l.status = 'ready' ORDER BY l.id, c.code`);
      expect(rows).toHaveLength(4);
      expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
      const byCode = (code: string) => rows.filter((r) => r.code === code).map((r) => r.hash);
      expect(new Set(byCode('2A004')).size).toBe(1);
      expect(new Set(byCode('35238')).size).toBe(2);
    });

    it('still compares rows loaded before the hash existed, by their content', async () => {
      await store.query(`UPDATE commune_datasets SET hash = NULL WHERE load_id IN (SELECT id FROM loads WHERE source_id = 'essai-a') AND code = '2A004'`);
      await store.query(`UPDATE commune_datasets SET hash = NULL WHERE load_id = (SELECT min(id) FROM loads WHERE source_id = 'essai-a') AND code = '35238'`);
      const ajaccio = await json(`/commune/2A004/changes?since=${first}`);
      expect(ajaccio.changements).toEqual([]);
      const rennes = await json(`/commune/35238/changes?since=${first}`);
      expect(rennes.changements.find((c: { dataset: string }) => c.dataset === 'essai-a')).toMatchObject({ changement: 'modifie', empreinte: { avant: expect.stringMatching(/^md5:/), apres: expect.stringMatching(/^md5:/) } });
    });

    it('answers 400 without `since`, 404 for an unknown release, and follows a former code', async () => {
      expect((await app.request('/commune/35238/changes')).status).toBe(400);
      const unknown = await app.request('/commune/35238/changes?since=19990101T000000Z-0000');
      expect(unknown.status).toBe(404);
      expect(unknown.headers.get('content-type')).toContain('application/problem+json');
      expect(await problemOf(unknown)).toMatchObject({ status: 404 });
      const moved = await app.request(`/commune/35112/changes?since=${first}`);
      expect(moved.status).toBe(301);
      expect(moved.headers.get('location')).toBe(`/commune/35062/changes?since=${first}`);
    });
  });
}
