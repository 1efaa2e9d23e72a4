import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryEntry, runPipeline, testReferential } from '../../tests/helpers/run-pipeline.js';
import { SourceError } from '../framework/errors.js';
import { geodesicArea, type Areal } from '../../src/geo/measure.js';
import pipeline from './source.js';
import { classifyIris, IrisProjector, type IrisRow } from './project.js';

const root = join(import.meta.dirname, '../..');
const samples = join(root, 'samples/iris-contours');
const source = registryEntry('iris-contours');
const shp = join(samples, 'CONTOURS-IRIS_SHP_LAMB93_FXX_extrait-93-4-communes.7z');
const gpkg = join(samples, 'CONTOURS-IRIS_GPKG_LAMB93_FXX_extrait-93-4-communes.7z');

function firstRing(g: GeoJSON.Geometry): GeoJSON.Position[] {
  // Shapefiles do not tell Polygon from single-part MultiPolygon; GeoPackages do.
  return g.type === 'Polygon' ? g.coordinates[0] : (g as GeoJSON.MultiPolygon).coordinates[0][0];
}

function sum(m: Map<string, number>): number {
  return [...m.values()].reduce((a, b) => a + b, 0);
}

describe('registry entry', () => {
  it('declares the IGN GeoPackage delivery and a real-format sample', () => {
    expect(source).toMatchObject({ format: '7z', finalite: 'Consultation', cleCommune: 'code_iris' });
    expect(source.urls[0]).toMatch(/^https:\/\/data\.geopf\.fr\/telechargement\/download\/CONTOURS-IRIS\/.+\.7z$/);
    for (const f of source.echantillon) expect(existsSync(join(root, f))).toBe(true);
  });
});

describe('iris-contours on IGN shapefiles (Lambert-93, in a .7z)', async () => {
  const run = await runPipeline(pipeline, { source, files: [shp] });
  const byCode = new Map(run.records.map((r) => [r.code, r]));

  it('attaches every IRIS to the commune of its code prefix', () => {
    expect(run.read).toBe(82);
    expect(run.projected).toBe(82);
    expect(sum(run.rejected)).toBe(0);
    expect([...byCode.keys()].sort()).toEqual(['93001', '93015', '93027', '93066']);
    for (const r of run.records) {
      for (const f of r.features!) expect(String(f.properties!.codeIris).slice(0, 5)).toBe(r.code);
      expect(r.rows).toHaveLength(r.features!.length);
    }
  });

  it('keeps code, name and type, with counts per type', () => {
    const stDenis = byCode.get('93066')!;
    expect(stDenis.data).toMatchObject({ code: '93066', nom: 'Saint-Denis', nombreIris: 39 });
    expect(stDenis.data.iris).toContainEqual({ code: '930660701', nom: 'Franc-Moisin  Bel-Air 01', type: 'H', libelleType: 'habitat' });
    expect(byCode.get('93015')!.data).toMatchObject({ nombreIris: 1, parType: { H: 0, A: 0, D: 0, Z: 1 }, iris: [{ code: '930150000', nom: 'Coubron', type: 'Z', libelleType: 'commune non découpée' }] });
    expect((byCode.get('93027')!.data.parType as Record<string, number>).D).toBe(1);
    expect(byCode.get('93001')!.rows![0]).toMatchObject({ code: '93001', codeIris: '930010101', nomIris: 'Robespierre', typeIris: 'H', codeCommuneSource: '93001' });
  });

  it('reprojects the polygons to WGS84 (IRIS of Saint-Denis tile its 12.4 km²)', () => {
    const stDenis = byCode.get('93066')!;
    const total = stDenis.features!.reduce((s, f) => s + geodesicArea(f.geometry as Areal), 0);
    expect(total / 1e6).toBeGreaterThan(12);
    expect(total / 1e6).toBeLessThan(12.8);
    const [lon, lat] = firstRing(stDenis.features![0].geometry!)[0];
    expect(lon).toBeGreaterThan(2.3);
    expect(lon).toBeLessThan(2.45);
    expect(lat).toBeGreaterThan(48.89);
    expect(lat).toBeLessThan(48.97);
  });

  it('gives the same result from the GeoPackage delivery (layer contours_iris, lower-case fields)', async () => {
    const fromGpkg = await runPipeline(pipeline, { source, files: [gpkg] });
    expect(fromGpkg.read).toBe(82);
    expect(fromGpkg.output.metadata!.fichiers).toEqual([expect.objectContaining({ format: 'gpkg', epsg: 2154 })]);
    const other = new Map(fromGpkg.records.map((r) => [r.code, r]));
    for (const r of run.records) {
      expect(other.get(r.code)!.data).toEqual(r.data);
      const a = firstRing((r.features![3] ?? r.features![0]).geometry!);
      const b = firstRing((other.get(r.code)!.features![3] ?? other.get(r.code)!.features![0]).geometry!);
      expect(b.length).toBe(a.length);
      for (let i = 0; i < a.length; i++) {
        expect(Math.abs(b[i][0] - a[i][0])).toBeLessThan(1e-7);
        expect(Math.abs(b[i][1] - a[i][1])).toBeLessThan(1e-7);
      }
    }
  });

  it('re-keys Pierrefitte-sur-Seine onto Saint-Denis (the Seine-Saint-Denis file of the bundled sample)', async () => {
    const sample = await runPipeline(pipeline, { source, files: [join(samples, 'CONTOURS-IRIS_SHP_LAMB93_FXX_extrait-93.7z')] });
    expect(sample.read).toBe(614);
    expect(sample.projected).toBe(614);
    // 40 communes in the IRIS edition, 39 in the COG: Pierrefitte (93059) merged into Saint-Denis (93066).
    expect(sample.records).toHaveLength(39);
    const stDenis = sample.records.find((r) => r.code === '93066')!;
    expect(stDenis.data.recodage).toEqual({ cog: testReferential().millesime, depuis: ['93059'] });
    const pierrefitte = (stDenis.rows ?? []).filter((r) => r.codeCommuneSource === '93059');
    expect(pierrefitte.length).toBeGreaterThan(5);
    expect(stDenis.data.nombreIris).toBe(39 + pierrefitte.length);
    expect(sample.notes.get('IRIS rattachés à une commune recodée')).toBe(pierrefitte.length);
  });

  it('restricts the run to the requested départements', async () => {
    const none = await runPipeline(pipeline, { source, files: [shp], departements: ['35'] });
    expect(none.records).toHaveLength(0);
    expect(none.read).toBe(0);
  });

  it('names the file and the missing field when the layout drifts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iris-'));
    const file = join(dir, 'iris.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { INSEE_COM: '93001', CODE_IRIS: '930010101', NOM_IRIS: 'Robespierre' }, geometry: null }] }));
    const error = await runPipeline(pipeline, { source, files: [file] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toMatch(/iris\.geojson, ligne 1, colonne TYP_IRIS/);
  });
});

describe('the bundled sample: Seine-Saint-Denis, Ille-et-Vilaine and Corse-du-Sud (GeoJSON, WGS84)', async () => {
  const referential = testReferential();
  const sample = await runPipeline(pipeline, { source, files: source.echantillon.map((f) => join(root, f)) });
  // An independent plain parse of the two GeoJSON excerpts.
  const plain = ['iris-35-ille-et-vilaine.geojson.gz', 'iris-2A-corse-du-sud.geojson.gz'].flatMap((f) =>
    (JSON.parse(gunzipSync(readFileSync(join(samples, f))).toString('utf8')) as GeoJSON.FeatureCollection).features.map((x) => x.properties as Record<string, string>));
  const byCode = new Map(sample.records.map((r) => [r.code, r]));

  it('reads every IRIS of the three files', () => {
    expect(plain).toHaveLength(535 + 150);
    expect(sample.read).toBe(614 + 535 + 150);
    expect(sample.projected).toBe(sample.read);
    expect(sum(sample.rejected)).toBe(0);
  });

  it('gives Rennes its 92 IRIS, each with its polygon', () => {
    const expected = plain.filter((p) => p.INSEE_COM === '35238').map((p) => p.CODE_IRIS).sort();
    expect(expected).toHaveLength(92);
    const rennes = byCode.get('35238')!;
    expect(rennes.data).toMatchObject({ code: '35238', nom: 'Rennes', nombreIris: 92 });
    expect((rennes.data.iris as { code: string }[]).map((i) => i.code)).toEqual(expected);
    expect(rennes.features!.map((f) => f.properties!.codeIris)).toEqual(expected);
    for (const f of rennes.features!) expect(geodesicArea(f.geometry as Areal)).toBeGreaterThan(0);
  });

  it('gives every Corse-du-Sud commune of the file its IRIS, on today\'s codes', () => {
    const communes = new Set(plain.filter((p) => p.INSEE_COM.startsWith('2A')).map((p) => p.INSEE_COM));
    const served = sample.records.filter((r) => r.code.startsWith('2A'));
    expect(served.map((r) => r.code).sort()).toEqual([...communes].sort());
    expect(served.reduce((s, r) => s + (r.data.nombreIris as number), 0)).toBe(150);
    const ajaccio = byCode.get('2A004')!;
    expect(ajaccio.data.nombreIris).toBe(plain.filter((p) => p.INSEE_COM === '2A004').length);
  });

  it('reports the names carrying U+FFFD as quality notes, and serves commune names from the COG', async () => {
    const geojson = await runPipeline(pipeline, { source, files: source.echantillon.filter((f) => f.endsWith('.geojson.gz')).map((f) => join(root, f)) });
    const broken = (field: string) => plain.filter((p) => p[field].includes('\uFFFD')).length;
    const note = (field: string) => geojson.notes.get(`qualité: valeurs de ${field} contenant U+FFFD (caractères perdus par un ré-encodage en amont)`);
    expect(broken('NOM_IRIS')).toBeGreaterThan(0);
    expect(note('NOM_IRIS')).toBe(broken('NOM_IRIS'));
    expect(note('NOM_COM')).toBe(broken('NOM_COM'));
    expect(plain.find((p) => p.INSEE_COM === '35001')!.NOM_COM).toBe('Acign\uFFFD');
    expect(byCode.get('35001')!.data.nom).toBe('Acigné');
    expect(byCode.get('35001')!.data.nom).toBe(referential.commune('35001')!.nom);
  });
});

describe('IRIS classification and projection', () => {
  const referential = testReferential();
  const square: Areal = { type: 'Polygon', coordinates: [[[2, 48], [2.01, 48], [2.01, 48.01], [2, 48.01], [2, 48]]] };
  const row = (code: string, type = 'H'): IrisRow => ({ code, nom: code, type, communeSource: code.slice(0, 5), geometry: square });

  it('uses the code prefix, re-keys merged communes and refuses bad rows', () => {
    expect(classifyIris('2A0040101', 'H', referential)).toEqual({ ok: true, target: '2A004', rekeyed: false });
    expect(classifyIris('351120000', 'Z', referential)).toEqual({ ok: true, target: '35062', rekeyed: true });
    expect(classifyIris('930010101', 'X', referential)).toMatchObject({ ok: false, reason: expect.stringMatching(/type/) });
    expect(classifyIris('93001010', 'H', referential)).toMatchObject({ ok: false, reason: expect.stringMatching(/code IRIS/) });
    expect(classifyIris('999990000', 'Z', referential)).toMatchObject({ ok: false, reason: expect.stringMatching(/inconnu/) });
  });

  it('emits a commune when its last IRIS arrives, and PLM parents with all their arrondissements', () => {
    const expected = new Map([['75101', 2], ['75102', 1], ['35062', 2]]);
    const p = new IrisProjector(referential, expected);
    expect(p.add('75101', row('751010101'))).toBeUndefined();
    expect(p.add('75101', row('751010102'))?.code).toBe('75101');
    expect(p.add('75102', row('751020101'))?.code).toBe('75102');
    expect(p.add('35062', row('350620000', 'Z'))).toBeUndefined();
    const merged = p.add('35062', row('351120000', 'Z'))!;
    expect(merged.data).toMatchObject({ nombreIris: 2, recodage: { depuis: ['35112'] } });
    const rest = [...p.finish()];
    expect(rest.map((r) => r.code)).toEqual(['75056']);
    expect(rest[0].data).toMatchObject({ nombreIris: 3, arrondissements: ['75101', '75102'] });
    expect(rest[0].data.recodage).toBeUndefined();
    expect(p.peakHeld).toBe(1);
  });
});
