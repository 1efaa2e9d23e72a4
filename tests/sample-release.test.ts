/**
 * The offline sample release, as `npm start` builds it on a fresh machine:
 * every registered source with a real sample goes through its own pipeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { storeKinds } from './helpers/stores.js';
import { ingestForTest, registry } from './helpers/ingest.js';

const pglite = storeKinds[0];

describe('the bundled sample release', () => {
  let app: App;
  let store: Awaited<ReturnType<typeof pglite.open>>;
  let sources: { source: string; stats: { read: number } }[];

  beforeAll(async () => {
    store = await pglite.open();
    sources = (await ingestForTest(store, { sources: [], sample: true })).sources;
    app = createApp({ store, registry, releaseCheckMs: 0 });
  }, 300_000);
  afterAll(() => store.dispose());

  it('ingests every source with a real sample and leaves the illustrative ones out', () => {
    const expected = registry.filter((s) => !s.echantillonIllustratif).map((s) => s.id).sort();
    expect(sources.map((s) => s.source).sort()).toEqual(expected);
    for (const s of sources) expect(s.stats.read, s.source).toBeGreaterThan(0);
  });

  it('serves Rennes\' dotation with every registered dataset and a status for each', async () => {
    const res = await app.request('/commune/35238/dotation');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.datasets.map((d: { id: string }) => d.id)).toEqual(registry.map((s) => s.id));
    const illustrative = new Set(registry.filter((s) => s.echantillonIllustratif).map((s) => s.id));
    for (const d of body.datasets) {
      expect(d.statut, d.id).toBe(illustrative.has(d.id) ? 'not-ingested' : d.statut);
      if (d.statut === 'available' && d.id !== 'cog') expect((await app.request(d.liens.csv)).status, d.liens.csv).toBe(200);
      expect((await app.request(d.liens.source)).status, d.liens.source).toBe(200);
    }
  });
});
