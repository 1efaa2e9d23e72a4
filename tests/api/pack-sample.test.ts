/**
 * The packs of the bundled sample release, built by the real pipelines: each
 * source's declared Table Schema must describe the CSV the pack writes from
 * its records. Sources are ingested one by one, so that a source whose
 * pipeline is broken is reported (on stderr) without hiding the others' packs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { validatePackage, validateTabularResource } from '../helpers/frictionless.js';
import { checkCsv } from '../helpers/table-schema.js';
import { unzip } from '../helpers/zip.js';
import { jsonOf } from '../helpers/responses.js';
import { releaseSchema } from '../../src/routes/meta/index.js';

const pglite = storeKinds[0];

describe('packs of the bundled sample release', () => {
  let app: App;
  let store: Awaited<ReturnType<typeof pglite.open>>;
  const failed: string[] = [];
  /** A few communes with data in each loaded source. */
  let codes: string[] = [];

  beforeAll(async () => {
    store = await pglite.open();
    await ingestForTest(store, { sources: ['cog'], sample: true });
    for (const def of registry.filter((s) => s.id !== 'cog' && !s.echantillonIllustratif)) {
      try {
        await ingestForTest(store, { sources: [def.id], sample: true });
      } catch (error) {
        // Ingestion itself is tests/sample-release.test.ts's concern: here, the packs of what did load.
        failed.push(`${def.id}: ${(error as Error).message}`);
      }
    }
    if (failed.length) process.stderr.write(`pack-sample : sources non chargées, hors du contrôle des dossiers :\n  ${failed.join('\n  ')}\n`);
    const rows = await store.query<{ code: string }>(
      `SELECT code FROM (SELECT code, row_number() OVER (PARTITION BY load_id ORDER BY code) AS n FROM commune_datasets
         WHERE load_id IN (SELECT load_id FROM release_sources WHERE release_id = (SELECT release_id FROM current_release))) x WHERE n <= 2`);
    codes = [...new Set([...rows.map((r) => r.code), '35238', '75056'])].sort();
    app = createApp({ store, registry, releaseCheckMs: 0 });
  }, 600_000);
  afterAll(() => store.dispose());

  it('writes, for communes of every source, a valid datapackage.json and CSVs that conform to their Table Schema', async () => {
    expect(codes.length).toBeGreaterThan(3);
    const seen = new Set<string>();
    for (const code of codes) {
      const res = await app.request(`/commune/${code}/dotation.zip`);
      expect(res.status, code).toBe(200);
      const entries = await unzip(Buffer.from(await res.arrayBuffer()));
      const pkg = JSON.parse(entries.find((e) => e.path === 'datapackage.json')!.text);
      expect(validatePackage(pkg), `${code}: ${JSON.stringify(validatePackage.errors)}`).toBe(true);
      for (const r of pkg.resources) {
        const entry = entries.find((e) => e.path === r.path);
        expect(entry, `${code} ${r.path}`).toBeDefined();
        seen.add(r.name);
        if (r.format === 'geojson') {
          expect(JSON.parse(entry!.text).type, `${code} ${r.path}`).toBe('FeatureCollection');
          continue;
        }
        expect(validateTabularResource(r), `${code} ${r.name}: ${JSON.stringify(validateTabularResource.errors)}`).toBe(true);
        expect(checkCsv(entry!.text, r.schema, r.dialect).slice(0, 5), `${code} ${r.path}`).toEqual([]);
      }
    }
    // Every loaded source showed up in some pack.
    const loaded = (await jsonOf(await app.request('/releases/current'), releaseSchema)).sources.map((s: { id: string }) => s.id).filter((id: string) => id !== 'cog');
    for (const id of loaded) expect(seen.has(id), id).toBe(true);
  });

  it('aggregates a département of the sample and packs it validly', async () => {
    const res = await app.request('/departement/35/dotation.zip');
    expect(res.status).toBe(200);
    const entries = await unzip(Buffer.from(await res.arrayBuffer()));
    const pkg = JSON.parse(entries.find((e) => e.path === 'datapackage.json')!.text);
    expect(validatePackage(pkg), JSON.stringify(validatePackage.errors)).toBe(true);
    for (const r of pkg.resources.filter((x: { format: string }) => x.format === 'csv')) {
      expect(checkCsv(entries.find((e) => e.path === r.path)!.text, r.schema, r.dialect).slice(0, 5), r.path).toEqual([]);
    }
  });
});
