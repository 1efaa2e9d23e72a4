/**
 * Older millésimes are first-class (issue 12). A national file of an older COG
 * — the real 2018-era commune polygons of Ille-et-Vilaine, Corse-du-Sud and La
 * Réunion read together as one national file — passes the row-count gate on
 * its re-keyed result and is served on today's communes, merged communes'
 * polygons unioned; a truncated or repeated file still stops. Re-ingesting
 * `cog` refuses while a served source holds communes the new COG no longer has,
 * and publishes once that source is re-ingested with it.
 * Expected values come from a plain read of the GeoJSON and of the COG package.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { area, featureCollection, union } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { currentReleaseId, readRelease } from '../../src/releases/repository.js';
import { CogChangeError } from '../../pipelines/framework/cog-change.js';
import { GateError } from '../../pipelines/framework/errors.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { storeKinds } from '../helpers/stores.js';

const CONTOURS = ['35-ille-et-vilaine', '2A-corse-du-sud', '974-la-reunion']
  .map((d) => join(PROJECT_ROOT, `samples/communes-contours/communes-${d}.geojson`));
type Areal = Polygon | MultiPolygon;
const features = CONTOURS.flatMap((f) => (JSON.parse(readFileSync(f, 'utf8')) as { features: Feature<Areal, { code: string }>[] }).features);

/** Today's commune of each code of the files, from the package's own lists (`anciensCodes`, not the pipeline's Referential). */
function currentCommunes(): Map<string, string[]> {
  const require = createRequire(import.meta.url);
  const communes = require('@etalab/decoupage-administratif/data/communes.json') as { code: string; type: string; anciensCodes?: string[] }[];
  const current = new Set(communes.filter((c) => c.type === 'commune-actuelle').map((c) => c.code));
  const successors = new Map<string, Set<string>>();
  for (const c of communes) {
    if (c.type !== 'commune-actuelle') continue;
    for (const old of c.anciensCodes ?? []) successors.set(old, (successors.get(old) ?? new Set()).add(c.code));
  }
  const parts = new Map<string, string[]>();
  for (const { properties: { code } } of features) {
    const targets = current.has(code) ? [code] : [...(successors.get(code) ?? [])];
    if (targets.length !== 1) throw new Error(`${code}: ${targets.length} communes actuelles (cas non prévu par ce test)`);
    parts.set(targets[0], [...(parts.get(targets[0]) ?? []), code]);
  }
  return parts;
}

const parts = currentCommunes();
const merged = [...parts].filter(([, codes]) => codes.length > 1);
/** The registry's contours entry as for a national file whose whole territory is these three départements. */
const nationalOfThree = registry.map((s) => (s.id === 'communes-contours' ? { ...s, lignesAttendues: { min: parts.size, max: parts.size } } : s));

for (const kind of storeKinds) {
  describe(`older COG files and COG changes (${kind.name})`, () => {
    let store: Awaited<ReturnType<typeof kind.open>>;
    const work = mkdtempSync(join(tmpdir(), 'dotation-older-cog-'));
    const contours = (files: string[]) => ingestForTest(store, { registry: nationalOfThree, sources: ['communes-contours'], inputs: new Map([['communes-contours', files]]) });

    beforeAll(async () => {
      store = await kind.open();
      await ingestForTest(store, { sources: ['cog', 'etat-civil-insee'], sample: true });
    }, 120_000);
    afterAll(() => store?.dispose());

    it('is a file of more rows than today\'s communes: the plain count alone would refuse it', () => {
      expect(features.length).toBe(345 + 124 + 24);
      expect(merged.length).toBeGreaterThan(0);
      expect(features.length).toBeGreaterThan(parts.size);
    });

    it('passes the gate on its re-keyed result and serves one polygon per current commune reached', async () => {
      const result = await contours(CONTOURS);
      const [summary] = result.sources;
      expect(summary.stats.read).toBe(features.length);
      expect(summary.stats.notes['lignes réunies par le recodage (fichier d\'un COG antérieur)']).toBe(features.length - parts.size);
      const served = await store.query<{ code: string }>('SELECT code FROM commune_datasets WHERE load_id = $1 ORDER BY code', [summary.loadId]);
      expect(served.map((r) => r.code)).toEqual([...parts.keys()].sort());
      expect((await readRelease(store, (await currentReleaseId(store))!))!.loads['communes-contours']).toBe(summary.loadId);
    }, 60_000);

    it('serves each merged commune the union of its former communes\' polygons', async () => {
      const release = (await readRelease(store, (await currentReleaseId(store))!))!;
      const rows = await store.query<{ code: string; data: { codesSource: string[] }; features: Feature<Areal>[] }>(
        'SELECT code, data, features FROM commune_datasets WHERE load_id = $1 AND code = ANY($2::text[])',
        [release.loads['communes-contours'], merged.map(([code]) => code)]);
      expect(rows).toHaveLength(merged.length);
      for (const row of rows) {
        const codes = parts.get(row.code)!;
        expect(row.data.codesSource, row.code).toEqual([...codes].sort());
        const expected = union(featureCollection(features.filter((f) => codes.includes(f.properties.code))))!;
        const geometry = row.features[0].geometry;
        expect(Math.abs(area(geometry) - area(expected)) / area(expected), row.code).toBeLessThan(1e-6);
        const polygons = (g: Areal) => (g.type === 'Polygon' ? 1 : g.coordinates.length);
        expect(polygons(geometry), row.code).toBe(polygons(expected.geometry));
        // More than any one former commune: the union really holds all of them.
        for (const code of codes) expect(area(geometry)).toBeGreaterThan(area(features.find((f) => f.properties.code === code)!) * 1.0001);
      }
    }, 60_000);

    it('still stops a truncated file, and the release keeps serving', async () => {
      const release = await currentReleaseId(store);
      const half = join(work, 'communes-35-tronque.geojson');
      const all35 = JSON.parse(readFileSync(CONTOURS[0], 'utf8')) as { features: unknown[] };
      writeFileSync(half, JSON.stringify({ ...all35, features: all35.features.slice(0, 172) }));
      const error = await contours([half, CONTOURS[1], CONTOURS[2]]).catch((e: Error) => e);
      expect((error as Error).cause).toBeInstanceOf(GateError);
      expect((error as Error).message).toContain(`${172 + 124 + 24} lignes lues, attendu entre ${parts.size} et ${parts.size}`);
      expect(await currentReleaseId(store)).toBe(release);
    }, 60_000);

    it('still stops a file whose rows repeat: more rows folded than the COG has mergers', async () => {
      const again = join(work, 'communes-2A-bis.geojson');
      copyFileSync(CONTOURS[1], again);
      const error = await contours([...CONTOURS, again]).catch((e: Error) => e);
      expect((error as Error).cause).toBeInstanceOf(GateError);
      expect((error as Error).message).toMatch(new RegExp(`${features.length + 124} lignes lues, .* ${features.length + 124 - parts.size} lignes réunies par le recodage, plus que les \\d+ communes fusionnées`));
    }, 60_000);

    it('re-ingesting cog refuses, naming only the sources with communes the new COG merged away and the command', async () => {
      const release = (await readRelease(store, (await currentReleaseId(store))!))!;
      // A load made on the 2018 COG keeps Fleurigné (35112), merged into La Chapelle-Fleurigné (35062) since.
      await store.query(`INSERT INTO commune_datasets (load_id, code, data, hash) VALUES ($1, '35112', '{"code":"35112"}', 'x')`, [release.loads['communes-contours']]);
      const error = await ingestForTest(store, { sources: ['cog'], sample: true }).catch((e: Error) => e);
      expect((error as Error).cause).toBeInstanceOf(CogChangeError);
      expect(((error as Error).cause as CogChangeError).stale).toEqual([{ source: 'communes-contours', codes: ['35112'] }]);
      expect((error as Error).message).toContain('npx dotation ingest cog communes-contours');
      expect(await currentReleaseId(store)).toBe(release.id);
      const loads = await store.query<{ status: string }>(`SELECT status FROM loads WHERE source_id = 'cog' ORDER BY id DESC LIMIT 1`);
      expect(loads[0].status).toBe('failed');
    }, 60_000);

    it('publishes when the listed sources are re-ingested with the COG: re-keyed in the same release', async () => {
      const before = (await readRelease(store, (await currentReleaseId(store))!))!;
      const result = await ingestForTest(store, { registry: nationalOfThree, sources: ['cog', 'communes-contours'], sample: true, inputs: new Map([['communes-contours', CONTOURS]]) });
      const release = (await readRelease(store, result.releaseId))!;
      expect(await currentReleaseId(store)).toBe(result.releaseId);
      expect(release.loads.cog).not.toBe(before.loads.cog);
      // The source the refusal did not name is served on, unchanged.
      expect(release.loads['etat-civil-insee']).toBe(before.loads['etat-civil-insee']);
      const codes = await store.query<{ code: string }>(`SELECT code FROM commune_datasets WHERE load_id = $1 AND code IN ('35112', '35062')`, [release.loads['communes-contours']]);
      expect(codes.map((r) => r.code)).toEqual(['35062']);
    }, 60_000);
  });
}
