/**
 * The three sources of issue 17 through the real run and the real store:
 * served as GeoJSON and CSV, a drifted file stops the release with its place
 * named while the current one keeps serving byte for byte, and the air-quality
 * source is skipped without its token while the rest of the release goes on.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { PROJECT_ROOT } from '../src/config.js';
import { currentReleaseId, readRelease } from '../src/releases/repository.js';
import { storeKinds } from './helpers/stores.js';
import { ingestForTest, registry } from './helpers/ingest.js';

const BPE = join(PROJECT_ROOT, 'samples/equipements-bpe/BPE24-extrait-illustratif.csv');
const VARMOD = join(PROJECT_ROOT, 'samples/equipements-bpe/BPE24_varmod-extrait.csv');
const PS = join(PROJECT_ROOT, 'samples/professionnels-sante/PS_LibreAcces_Personne_activite_extrait-illustratif.txt');

for (const kind of storeKinds) {
  describe(`équipements, professionnels de santé, qualité de l'air on ${kind.name}`, () => {
    let store: Awaited<ReturnType<typeof kind.open>>;
    let app: App;
    const get = (path: string) => app.request(path);
    const snapshot = () => Promise.all(['/releases/current', '/commune/35238/datasets/equipements-bpe', '/commune/35238/datasets/equipements-bpe.geojson', '/commune/35238/datasets/professionnels-sante.csv']
      .map(async (p) => { const r = await get(p); return `${r.status} ${r.headers.get('etag')} ${await r.text()}`; }));

    beforeAll(async () => {
      store = await kind.open();
      await ingestForTest(store, { sources: ['cog', 'equipements-bpe', 'professionnels-sante'], sample: true });
      app = createApp({ store, registry, releaseCheckMs: 0 });
    });
    afterAll(() => store.dispose());

    it('serves the equipment points as GeoJSON and the professionals as CSV', async () => {
      const geojson = await (await get('/commune/35238/datasets/equipements-bpe.geojson')).json() as GeoJSON.FeatureCollection;
      const located = readFileSync(BPE, 'utf8').split('\n').filter((l) => l.includes(';35238;') && /;-1\.\d+;48\.\d+;/.test(l));
      expect(geojson.features).toHaveLength(located.length);
      expect(geojson.features[0].properties).toHaveProperty('qualiteXY');
      const csv = await (await get('/commune/35238/datasets/professionnels-sante.csv')).text();
      expect(csv.split('\n')[0]).toBe('profession,libelleProfession,savoirFaire,professionnels');
      expect(csv).toContain('10,Médecin,generalistes,3');
    });

    it('stores the BPE per commune as codes, their labels once in the Table Schema, and serves the CSV with both', async () => {
      const csv = (await (await get('/commune/35238/datasets/equipements-bpe.csv')).text()).trim().split('\n');
      const rennes = readFileSync(BPE, 'utf8').split('\n').filter((l) => l.includes(';35238;'));
      expect(csv[0]).toBe('domaine,domaine_libelle,typequ,typequ_libelle,nombre,geolocalises');
      expect(csv).toContain(`D,Santé et action sociale,D265,Médecin généraliste,${rennes.filter((l) => l.includes(';D265;')).length},${rennes.filter((l) => l.includes(';D265;') && /;-1\.\d+;48\.\d+;/.test(l)).length}`);
      const source = await (await get('/sources/equipements-bpe')).json() as { champs: { name: string; categories?: { value: string; label: string }[] }[] };
      expect(source.champs.find((c) => c.name === 'typequ')!.categories).toContainEqual({ value: 'D265', label: 'Médecin généraliste' });
      expect(source.champs.find((c) => c.name === 'domaine')!.categories).toContainEqual({ value: 'D', label: 'Santé et action sociale' });
      expect(source.champs.map((c) => c.name)).toEqual(csv[0].split(','));
    });

    it('stops on a drifted BPE file, naming source, file, line and column, and keeps serving the current release', async () => {
      const before = await snapshot();
      const release = await currentReleaseId(store);
      const file = join(mkdtempSync(join(tmpdir(), 'bpe-')), 'BPE24.csv');
      copyFileSync(BPE, file);
      writeFileSync(file, readFileSync(file, 'utf8').replace(';D;D2;D277;', ';D;D2;D999;'));
      const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('D999')) + 1;
      await expect(ingestForTest(store, { sources: ['equipements-bpe'], inputs: new Map([['equipements-bpe', [file, VARMOD]]]), departements: ['35'] }))
        .rejects.toThrow(`[equipements-bpe] ${file}, ligne ${line}, colonne TYPEQU: type d'équipement absent de la nomenclature « D999 »`);
      expect(await currentReleaseId(store)).toBe(release);
      expect(await snapshot()).toEqual(before);
    });

    it('skips the air-quality source without its token, says why, and publishes the rest', async () => {
      const saved = process.env.ATMO_DATA_JETON;
      delete process.env.ATMO_DATA_JETON;
      try {
        const before = await readRelease(store, (await currentReleaseId(store))!);
        const result = await ingestForTest(store, { sources: ['qualite-air-atmo', 'professionnels-sante'], inputs: new Map([['professionnels-sante', [PS]]]), departements: ['35'] });
        expect(result.skipped).toEqual([{ source: 'qualite-air-atmo', motif: expect.stringContaining('ATMO_DATA_JETON') }]);
        expect(result.sources.map((s) => s.source)).toEqual(['professionnels-sante']);
        const after = await readRelease(store, result.releaseId);
        expect(after!.loads['qualite-air-atmo']).toBeUndefined();
        expect(after!.loads['professionnels-sante']).not.toBe(before!.loads['professionnels-sante']);
        expect(after!.loads['equipements-bpe']).toBe(before!.loads['equipements-bpe']);
        expect(JSON.stringify(after)).not.toContain('Bearer');
      } finally {
        if (saved !== undefined) process.env.ATMO_DATA_JETON = saved;
      }
    });
  });
}
