/**
 * The offline sample release, as `npm start` builds it on a fresh machine:
 * every registered source with a real sample goes through its own pipeline.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { PROJECT_ROOT } from '../src/config.js';
import { ReleaseTracker } from '../src/releases/serving-release.js';
import { type Coverage, coverageBanner, coverageMarkdown, releaseCoverage } from '../src/catalog/coverage.js';
import { COVERAGE_FILE, README_MARKERS } from '../bench/offline-coverage.js';
import { storeKinds } from './helpers/stores.js';
import { ingestForTest, registry } from './helpers/ingest.js';

const pglite = storeKinds[0];

describe('the bundled sample release', () => {
  let app: App;
  let store: Awaited<ReturnType<typeof pglite.open>>;
  let sources: { source: string; stats: { read: number; notes: Record<string, number | string> } }[];

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

  it('gives Rennes its 92 IRIS and its five 2015 QPV, with the millésime and the shares', async () => {
    const body = await (await app.request('/commune/35238/dotation')).json();
    const byId = Object.fromEntries(body.datasets.map((d: { id: string }) => [d.id, d]));
    // The bundled IRIS are an edition of about 2016 (samples/iris-contours/README.md), not the registry's national 2026.
    expect(byId['iris-contours']).toMatchObject({ statut: 'available', millesime: '2016', donnees: { nombreIris: 92 } });
    expect(byId.qpv).toMatchObject({ statut: 'available', millesime: '2015', donnees: { nombreQpv: 5 } });
    const qpv = byId.qpv.donnees.qpv as { code: string; partDeLaCommune: number; iris: unknown[] }[];
    expect(qpv.map((q) => q.code)).toEqual(['QP035002', 'QP035003', 'QP035004', 'QP035005', 'QP035006']);
    for (const q of qpv) {
      expect(q.partDeLaCommune).toBeGreaterThan(0);
      expect(q.iris.length).toBeGreaterThan(0);
    }
    const geojson = await (await app.request('/commune/35238/datasets/iris-contours.geojson')).json();
    expect(geojson.features).toHaveLength(92);
    const ajaccio = await (await app.request('/commune/2A004/dotation')).json();
    expect(ajaccio.datasets.find((d: { id: string }) => d.id === 'iris-contours').statut).toBe('available');
  });

  it('says why each dataset is not ingested, and counts the names the IRIS file broke', async () => {
    const body = await (await app.request('/commune/35238/dotation')).json();
    for (const d of body.datasets.filter((x: { statut: string }) => x.statut === 'not-ingested')) {
      expect(d.raison, d.id).toMatch(/échantillon embarqué n'est qu'illustratif/);
      expect(d.raison, d.id).toContain(registry.find((r) => r.id === d.id)!.urls[0]);
    }
    for (const d of body.datasets.filter((x: { statut: string }) => x.statut !== 'not-ingested')) expect(d.raison, d.id).toBeUndefined();
    const iris = sources.find((s) => s.source === 'iris-contours')!;
    expect(iris.stats.notes['qualité: valeurs de NOM_IRIS contenant U+FFFD (caractères perdus par un ré-encodage en amont)']).toBeGreaterThan(0);
  });

  it('matches the committed table of which communes show which datasets (rerun `npm run couverture-hors-ligne` when it fails)', async () => {
    const coverage = await releaseCoverage(store, registry, (await new ReleaseTracker(store, 0).current())!);
    const committed = JSON.parse(readFileSync(COVERAGE_FILE, 'utf8')) as Coverage;
    expect(coverage).toEqual(committed);
    const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(`${README_MARKERS[0]}\n${coverageMarkdown(committed)}\n${README_MARKERS[1]}`);
    expect(coverage.vitrines[0]).toMatchObject({ code: '35238', datasets: expect.arrayContaining(['iris-contours', 'qpv']) });
    expect(coverageBanner(committed, 'http://localhost:3000')[1]).toMatch(/^ {2}http:\/\/localhost:3000\/commune\/35238\/dotation +Rennes : .*iris-contours, qpv/);
  });
});
