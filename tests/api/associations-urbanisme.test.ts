/**
 * associations-rna and documents-urbanisme through the whole chain on both stores: ingested from
 * their samples (named, since they are illustrative), served per commune with their CSV and Table
 * Schema fields, aggregated for an EPCI, and a broken file stopping the run with the current
 * release still served.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { PROJECT_ROOT } from '../../src/config.js';
import { currentReleaseId } from '../../src/releases/repository.js';

const SOURCES = ['cog', 'associations-rna', 'associations-rna-liste', 'documents-urbanisme'];
const testRegistry = registry.filter((s) => SOURCES.includes(s.id));

for (const kind of storeKinds) {
  describe(`associations and planning documents on ${kind.name}`, () => {
    let app: App;
    let store: Awaited<ReturnType<typeof kind.open>>;
    let release: string;
    const json = async (path: string) => {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      return res.json() as Promise<Record<string, any>>;
    };

    beforeAll(async () => {
      store = await kind.open();
      release = (await ingestForTest(store, { registry: testRegistry, sources: SOURCES, sample: true })).releaseId;
      app = createApp({ store, registry: testRegistry, releaseCheckMs: 0 });
    });
    afterAll(() => store.dispose());

    it('serves a commune\'s associations as counts and as the list, in CSV with their fields', async () => {
      const counts = await json('/commune/97612/datasets/associations-rna');
      expect(JSON.stringify(counts)).toContain('"actives":1');
      const csv = await (await app.request('/commune/97611/datasets/associations-rna-liste.csv')).text();
      const [header, first] = csv.trim().split('\n');
      expect(header.replace(/\r$/, '')).toBe('id,titre,objet,dateCreation,siteWeb,theme,codeCommuneRna');
      expect(first).toContain('W9T1000001');
    });

    it('aggregates the planning regimes of an EPCI\'s communes', async () => {
      const epci = await json('/epci/243500139/dotation');
      const ds = epci.datasets.find((d: { id: string }) => d.id === 'documents-urbanisme');
      const by = Object.fromEntries(ds.indicateurs.map((i: { champ: string }) => [i.champ, i]));
      expect(by.communesPlui).toMatchObject({ valeur: 1, methode: 'sum' });
      expect(by.communesRnu).toMatchObject({ valeur: 0, methode: 'sum' });
    });

    it('stops on a broken RNA file, naming file, line and column, and keeps serving the release', async () => {
      const lines = readFileSync(join(PROJECT_ROOT, 'samples/associations-rna/rna_waldec_extrait_dpt_976.csv'), 'latin1').split('\n');
      lines[2] = lines[2].replace(';D;2024-05-21', ';Z;2024-05-21');
      const broken = join(mkdtempSync(join(tmpdir(), 'rna-')), 'rna_waldec_dpt_976.csv');
      writeFileSync(broken, lines.join('\n'), 'latin1');
      await expect(ingestForTest(store, { registry: testRegistry, sources: ['associations-rna'], inputs: new Map([['associations-rna', [broken]]]) }))
        .rejects.toThrow(/rna_waldec_dpt_976\.csv, ligne 3, colonne position/);
      expect(await currentReleaseId(store)).toBe(release);
      expect(JSON.stringify(await json('/commune/97612/datasets/associations-rna'))).toContain('"actives":1');
    });
  });
}
