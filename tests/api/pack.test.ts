import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { storeKinds } from '../helpers/stores.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { checkCsv } from '../helpers/table-schema.js';
import { validatePackage, validateTabularResource as validateTabular } from '../helpers/frictionless.js';
import { unzip, type UnzippedEntry } from '../helpers/zip.js';
import { geoRecord, ODBL, recordsPipeline, statsRecord, STATS_FIELDS, testSource } from '../helpers/pack-sources.js';
import { jsonOf } from '../helpers/responses.js';
import { releaseSchema } from '../../src/routes/meta/index.js';

const ADDRESS_COLUMNS = ['id', 'numero', 'nom_voie', 'code_insee', 'lon', 'lat'];
/** More than two pages of the bulk reader (5 000 rows a page). */
const ADDRESSES = 12_003;

const testRegistry = [
  ...registry.filter((s) => s.id === 'cog'),
  testSource('essai-stats'),
  testSource('essai-geo', { licence: ODBL, theme: 'Données géographiques', millesime: '2024' }),
  testSource('essai-resume', { finalite: 'Transparence' }),
  testSource('essai-adresses', { theme: 'Adresses' }),
  testSource('essai-absent'),
];

for (const kind of storeKinds) {
  describe(`the ZIP pack on ${kind.name}`, () => {
    let app: App;
    let store: Awaited<ReturnType<typeof kind.open>>;
    let releaseDate: Date;
    const download = async (path: string) => {
      const res = await app.request(path);
      return { res, bytes: Buffer.from(await res.arrayBuffer()) };
    };
    let entries: UnzippedEntry[];
    const entry = (path: string) => entries.find((e) => e.path === path);

    beforeAll(async () => {
      store = await kind.open();
      const addresses = Array.from({ length: ADDRESSES }, (_, i) => [`35238_${String(i % 997).padStart(4, '0')}_${String(i).padStart(5, '0')}`, String(i % 300), `Rue n° ${i % 997}, "bis"`, '35238', (-1.68 + i * 1e-6).toFixed(6), '48.11']);
      await ingestForTest(store, {
        registry: testRegistry, sources: ['cog', 'essai-stats', 'essai-geo', 'essai-resume', 'essai-adresses'], sample: true,
        pipelines: {
          'essai-stats': recordsPipeline('essai-stats', [statsRecord('35238', { habitants: 220_000, surfaceKm2: 50.39, tauxChomage: 9.5, revenuMedian: 21_000, rang: 1 }), statsRecord('2A004', { habitants: null, surfaceKm2: 82.03, tauxChomage: null, revenuMedian: 20_000 })], { fields: STATS_FIELDS }),
          'essai-geo': recordsPipeline('essai-geo', [geoRecord('35238', 3)], { fields: [{ name: 'code', type: 'string' }, { name: 'zone', type: 'string' }, { name: 'surfaceM2', type: 'number', unit: 'm²' }] }),
          'essai-resume': recordsPipeline('essai-resume', [{ code: '35238', data: { total: 12, detail: { a: 1, b: [2, 3] }, note: 'texte, avec virgule', vide: null } }]),
          'essai-adresses': recordsPipeline('essai-adresses', [{ code: '35238', data: { adresses: ADDRESSES, codesSource: ['35238'] } }],
            { fields: ADDRESS_COLUMNS.map((name) => ({ name, type: name === 'numero' ? 'integer' : name === 'lon' || name === 'lat' ? 'number' : 'string' })), metadata: { table: 'ban_adresses' } },
            { table: 'ban_adresses', columns: ADDRESS_COLUMNS, rows: addresses }),
        },
      });
      app = createApp({ store, registry: testRegistry, releaseCheckMs: 0 });
      const current = await jsonOf(await app.request('/releases/current'), releaseSchema);
      releaseDate = new Date(current.creeeLe);
      const { res, bytes } = await download('/commune/35238/dotation.zip');
      expect(res.status).toBe(200);
      entries = await unzip(bytes);
    });
    afterAll(() => store.dispose());

    it('streams a ZIP with a fixed order: README, datapackage.json, licences, identity, then each dataset', async () => {
      const res = await app.request('/commune/35238/dotation.zip');
      expect(res.headers.get('content-type')).toBe('application/zip');
      expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="dotation-commune-35238-.+\.zip"/);
      expect(res.headers.get('content-length')).toBeNull();
      expect(res.body).toBeInstanceOf(ReadableStream);
      await res.body!.cancel();
      expect(entries.map((e) => e.path)).toEqual([
        'README.md', 'datapackage.json', 'LICENCES/licence-ouverte-2.0.md', 'LICENCES/odbl-1.0.md', 'commune.csv',
        'essai-stats.csv', 'essai-geo.csv', 'essai-geo.geojson', 'essai-resume.csv', 'essai-adresses.csv', 'essai-adresses.geojson', 'essai-adresses-synthese.csv',
      ]);
      expect(entries.every((e) => e.compressed)).toBe(true);
    });

    it('is byte-identical from one download to the next, whatever the server time zone', async () => {
      const first = await download('/commune/35238/dotation.zip');
      const second = await download('/commune/35238/dotation.zip');
      const tz = process.env.TZ;
      process.env.TZ = 'Pacific/Kiritimati';
      const third = await download('/commune/35238/dotation.zip');
      process.env.TZ = tz ?? '';
      if (tz === undefined) delete process.env.TZ;
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(sha(second.bytes)).toBe(sha(first.bytes));
      expect(sha(third.bytes)).toBe(sha(first.bytes));
      expect(first.res.headers.get('etag')).toBe(second.res.headers.get('etag'));
    });

    it('dates every entry at the release date', () => {
      for (const e of entries) {
        // yauzl reads the DOS fields as local time; we wrote the release's UTC fields.
        expect([e.date.getFullYear(), e.date.getMonth(), e.date.getDate(), e.date.getHours(), e.date.getMinutes()])
          .toEqual([releaseDate.getUTCFullYear(), releaseDate.getUTCMonth(), releaseDate.getUTCDate(), releaseDate.getUTCHours(), releaseDate.getUTCMinutes()]);
      }
    });

    it('has a datapackage.json valid against the Frictionless Data Package schema, each CSV resource a valid Tabular Data Resource', () => {
      const pkg = JSON.parse(entry('datapackage.json')!.text);
      expect(validatePackage(pkg), JSON.stringify(validatePackage.errors)).toBe(true);
      const tabular = pkg.resources.filter((r: { profile: string }) => r.profile === 'tabular-data-resource');
      expect(tabular.map((r: { name: string }) => r.name)).toEqual(['commune', 'essai-stats', 'essai-geo', 'essai-resume', 'essai-adresses', 'essai-adresses-synthese']);
      for (const r of tabular) expect(validateTabular(r), `${r.name}: ${JSON.stringify(validateTabular.errors)}`).toBe(true);
      // Every resource is in the ZIP, every data file is a resource.
      const paths = pkg.resources.map((r: { path: string }) => r.path).sort();
      expect(paths).toEqual(entries.map((e) => e.path).filter((p) => /\.(csv|geojson)$/.test(p)).sort());
      const stats = pkg.resources.find((r: { name: string }) => r.name === 'essai-stats');
      expect(stats.schema.missingValues).toEqual(['']);
      expect(stats.schema.fields.find((f: { name: string }) => f.name === 'surfaceKm2')).toMatchObject({ type: 'number', unit: 'km²' });
      expect(stats.licenses).toEqual([{ name: 'etalab-2.0', path: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence', title: 'Licence Ouverte 2.0' }]);
      expect(stats.fichiersSource[0]).toMatchObject({ sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(pkg.licenses.map((l: { name: string }) => l.name)).toEqual(['etalab-2.0', 'odbl-1.0']);
      expect(pkg.created).toBe(releaseDate.toISOString());
    });

    it('writes each CSV in conformity with its Table Schema', () => {
      const pkg = JSON.parse(entry('datapackage.json')!.text);
      for (const r of pkg.resources.filter((x: { format: string }) => x.format === 'csv')) {
        const text = entry(r.path)!.text;
        expect(checkCsv(text, r.schema, r.dialect), r.path).toEqual([]);
      }
      // Values, nulls and awkward text come back as written.
      expect(entry('essai-stats.csv')!.text.split('\n')[0]).toBe('code,libelle,habitants,surfaceKm2,tauxChomage,revenuMedian,rang,labellise,depuis');
      expect(entry('essai-stats.csv')!.text).toContain('35238,"Commune 35238, ""essai""\nligne 2",220000,50.39,9.5,21000,1,true,2024-01-01\n');
      // A summary-only dataset becomes key/value rows (in jsonb's key order), composite values as JSON.
      const resume = entry('essai-resume.csv')!.text.split('\n');
      expect(resume[0]).toBe('cle,valeur');
      expect(resume.slice(1, -1).sort()).toEqual(['detail,"{""a"":1,""b"":[2,3]}"', 'note,"texte, avec virgule"', 'total,12', 'vide,']);
    });

    it('the schema checker catches a CSV that breaks its schema', () => {
      const schema = { fields: [{ name: 'a', type: 'integer' }, { name: 'b', type: 'number' }], missingValues: [''] };
      expect(checkCsv('a,b\n1,2.5\n,\n', schema)).toEqual([]);
      expect(checkCsv('a,b\n1.5,x\n', schema)).toHaveLength(2);
      expect(checkCsv('b,a\n1,2\n', schema)[0]).toMatch(/en-tête/);
    });

    it('streams a bulk table in pages, every row once, in a stable order', () => {
      const lines = entry('essai-adresses.csv')!.text.trimEnd().split('\n');
      // Addresses keep the producer's ';' (the BAN dialect), as /datasets/ban.csv serves them.
      expect(lines[0]).toBe(ADDRESS_COLUMNS.join(';'));
      expect(lines.length - 1).toBe(ADDRESSES);
      const ids = lines.slice(1).map((l) => l.split(';')[0]);
      expect(new Set(ids).size).toBe(ADDRESSES);
      expect([...ids].sort()).toEqual(ids);
      expect(entry('essai-adresses-synthese.csv')!.text).toContain(`adresses,${ADDRESSES}`);
    });

    it('streams: the first bytes leave before the last page of a large table is read, then every page is read once', async () => {
      // Each page of the bulk table takes 250 ms to come: a pack built whole before sending would show nothing for 750 ms.
      let pages = 0;
      const slow = async <T,>(text: string, params?: unknown[]) => {
        if (!(text.includes('FROM ban_adresses') && text.includes('OFFSET'))) return store.query<T>(text, params);
        await new Promise((r) => setTimeout(r, 250));
        const rows = await store.query<T>(text, params);
        pages++;
        return rows;
      };
      const counting = { ...store, query: slow };
      const streamingApp = createApp({ store: counting, registry: testRegistry, releaseCheckMs: 0 });
      await streamingApp.request('/commune/35238'); // loads this store's referential
      const started = Date.now();
      const res = await streamingApp.request('/commune/35238/dotation.zip');
      const reader = res.body!.getReader();
      const first = await reader.read();
      expect(first.value!.length).toBeGreaterThan(0);
      expect(pages).toBeLessThan(3);
      expect(Date.now() - started).toBeLessThan(700);
      let total = first.value!.length;
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) total += chunk.value.length;
      expect(pages).toBe(3);
      expect(total).toBe((await download('/commune/35238/dotation.zip')).bytes.length);
    });

    it('carries the GeoJSON of a dataset with geometry, and the addresses of a bulk table as points', () => {
      const geo = JSON.parse(entry('essai-geo.geojson')!.text);
      expect(geo.type).toBe('FeatureCollection');
      expect(geo.features).toHaveLength(3);
      expect(geo.features[0].properties.nom).toBe('Zone « 35238 »');
      const points = JSON.parse(entry('essai-adresses.geojson')!.text);
      expect(points.features).toHaveLength(ADDRESSES);
      expect(points.features[0].geometry).toMatchObject({ type: 'Point', coordinates: [expect.any(Number), 48.11] });
    });

    it('describes every file in a French README: producer, licence, millésime, source URL, retrieval date, sha256, finalité', async () => {
      const text = entry('README.md')!.text;
      const pkg = JSON.parse(entry('datapackage.json')!.text);
      for (const def of testRegistry.filter((s) => s.id.startsWith('essai-') && s.id !== 'essai-absent')) {
        const section = text.slice(text.indexOf(`### ${def.titre}`));
        expect(section).toContain(`**Producteur** : ${def.producteur}`);
        expect(section).toContain(`**Licence** : ${def.licence.nom} — ${def.licence.url}`);
        expect(section).toContain(`**Millésime** : ${def.millesime}`);
        expect(section).toContain(`**Finalité** : ${def.finalite}`);
        expect(section).toContain(def.urls[0]);
        const source = pkg.resources.find((r: { name: string }) => r.name === def.id).fichiersSource[0];
        expect(section).toContain(`récupéré le ${source.recupereLe}`);
        expect(section).toContain(`sha256 \`${source.sha256}\``);
      }
      for (const path of entries.map((e) => e.path).filter((p) => /\.(csv|geojson)$/.test(p))) expect(text).toContain(`\`${path}\``);
      expect(text).toContain('| `surfaceKm2` | number | km² |');
      expect(text).toMatch(/Jeu d'essai essai-absent .*jeu non chargé/);
    });

    it('includes the licence texts that apply: Licence Ouverte 2.0 always, ODbL when a source uses it', async () => {
      expect(entry('LICENCES/licence-ouverte-2.0.md')!.text).toContain('LICENCE OUVERTE / OPEN LICENCE');
      expect(entry('LICENCES/licence-ouverte-2.0.md')!.text).toContain('https://www.etalab.gouv.fr/licence-ouverte-open-licence');
      expect(entry('LICENCES/odbl-1.0.md')!.text).toContain('Open Database License (ODbL) v1.0');
      expect(entry('LICENCES/odbl-1.0.md')!.text).toContain('4.4 Share alike.');
      const other = await unzip((await download('/commune/2A004/dotation.zip')).bytes);
      expect(other.map((e) => e.path)).toEqual(['README.md', 'datapackage.json', 'LICENCES/licence-ouverte-2.0.md', 'commune.csv', 'essai-stats.csv']);
      expect(other.find((e) => e.path === 'essai-stats.csv')!.text).toContain('2A004,');
    });

    it('redirects a former code and refuses a malformed one', async () => {
      const moved = await app.request('/commune/35112/dotation.zip');
      expect(moved.status).toBe(301);
      expect(moved.headers.get('location')).toBe('/commune/35062/dotation.zip');
      expect((await app.request('/commune/3523/dotation.zip')).status).toBe(400);
    });
  });
}
