import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { booleanPointInPolygon } from '@turf/turf';
import { registryEntry, runPipeline, testReferential } from '../../tests/helpers/run-pipeline.js';
import { SourceError } from '../framework/errors.js';
import { CommuneLocator } from '../../src/geo/locator.js';
import type { Areal } from '../../src/geo/measure.js';
import pipeline from './source.js';

const root = join(import.meta.dirname, '../..');
const samples = join(root, 'samples/communes-contours');
const reference = (JSON.parse(readFileSync(join(samples, 'reference-areas.json'), 'utf8')) as { aires: Record<string, number> }).aires;
const source = registryEntry('communes-contours');
const sampleFiles = source.echantillon.map((f) => join(root, f));

function sum(m: Map<string, number>): number {
  return [...m.values()].reduce((a, b) => a + b, 0);
}

describe('registry entry', () => {
  it('declares the Etalab GeoJSON and a bundled real sample', () => {
    expect(source).toMatchObject({ format: 'geojson', finalite: 'Service', cleCommune: 'code' });
    expect(source.urls[0]).toMatch(/^https:\/\/etalab-datasets\.geo\.data\.gouv\.fr\/contours-administratifs\/\d{4}\/geojson\/communes-100m\.geojson$/);
    for (const f of sampleFiles) expect(existsSync(f), f).toBe(true);
  });
});

describe('communes-contours on the Etalab-format sample (older COG)', async () => {
  const run = await runPipeline(pipeline, { source, files: sampleFiles });
  const byCode = new Map(run.records.map((r) => [r.code, r]));

  it('accounts for every feature read', () => {
    expect(run.read).toBe(500);
    expect(run.read).toBe(run.projected + sum(run.rejected));
    expect(run.read).toBeGreaterThanOrEqual(source.lignesEchantillon.min);
    expect(run.read).toBeLessThanOrEqual(source.lignesEchantillon.max);
  });

  it('keys every record on a current commune of the COG', () => {
    const referential = testReferential();
    for (const r of run.records) expect(referential.commune(r.code), r.code).toBeDefined();
    expect(new Set(run.records.map((r) => r.code)).size).toBe(run.records.length);
  });

  it('unions the polygons of merged communes and says so', () => {
    const abries = byCode.get('05001')!;
    expect(abries.data).toMatchObject({ nom: 'Abriès-Ristolas', codesSource: ['05001', '05120'], recode: true });
    expect((abries.data.recodage as { depuis: { code: string; nom: string }[] }).depuis).toEqual([{ code: '05120', nom: 'Ristolas' }]);
    const area = (abries.data.surface as { m2: number }).m2;
    expect(Math.abs(area - (reference['05001'] + reference['05120'])) / area).toBeLessThan(1e-3);
    const geometry = abries.features![0].geometry as Areal;
    expect(geometry.type === 'Polygon' || geometry.coordinates.length === 1).toBe(true);
    const fleurigne = byCode.get('35062')!;
    expect(fleurigne.data.codesSource).toEqual(['35062', '35112']);
    expect(fleurigne.rows![0]).toMatchObject({ code: '35062', codesSource: '35062;35112', recode: true });
    expect(run.notes.get('communes recodées (contours d\'un COG antérieur)')).toBeGreaterThan(5);
  });

  it('gives Rennes its contour, an inside centre, its bbox and geodesic area', () => {
    const rennes = byCode.get('35238')!;
    expect(rennes.data).toMatchObject({ code: '35238', nom: 'Rennes', recode: false, codesSource: ['35238'] });
    const { m2, km2 } = rennes.data.surface as { m2: number; km2: number };
    expect(Math.abs(m2 - reference['35238'])).toBeLessThan(reference['35238'] * 1e-4);
    expect(km2).toBeCloseTo(m2 / 1e6, 2);
    expect(km2).toBeGreaterThan(49);
    expect(km2).toBeLessThan(52);
    const centre = (rennes.data.centre as GeoJSON.Point).coordinates;
    expect(booleanPointInPolygon(centre, rennes.features![0].geometry as Areal, { ignoreBoundary: true })).toBe(true);
    const [w, s, e, n] = rennes.data.bbox as number[];
    expect(w).toBeLessThan(centre[0]);
    expect(e).toBeGreaterThan(centre[0]);
    expect(s).toBeLessThan(centre[1]);
    expect(n).toBeGreaterThan(centre[1]);
    expect(rennes.rows![0]).toMatchObject({ code: '35238', centreLon: centre[0], centreLat: centre[1], surfaceM2: m2 });
  });

  it('lets the locator place real BAN addresses of Ristolas in Abriès-Ristolas', () => {
    const locator = new CommuneLocator(run.records.map((r) => ({ code: r.code, geometry: r.features![0].geometry as Areal })));
    const lines = readFileSync(join(samples, 'ban-adresses-extrait.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(';'));
    const ristolas = lines.filter((v) => v[8] === '05120');
    expect(ristolas.length).toBeGreaterThan(2);
    for (const v of ristolas) expect(locator.locate(Number(v[12]), Number(v[13]))?.commune).toBe('05001');
  });

  it('counts the communes of the COG left without contour', () => {
    expect(Number(run.notes.get(`communes du COG ${testReferential().millesime} sans contour`))).toBeGreaterThan(30000);
  });
});

describe('communes-contours on IGN ADMIN EXPRESS shapefiles (Lambert-93 and RGR92 / UTM 40S)', async () => {
  const files = ['ADMIN-EXPRESS-COG_SHP_LAMB93_FXX_extrait-05-2A.7z', 'ADMIN-EXPRESS-COG_SHP_RGR92UTM40S_REU_extrait-974.7z'].map((f) => join(samples, f));
  const run = await runPipeline(pipeline, { source, files });

  it('reads the .prj of each territory and gives back the WGS84 areas', () => {
    expect(run.read).toBe(7 + 124 + 24);
    expect(run.read).toBe(run.projected + sum(run.rejected));
    const files = run.output.metadata!.fichiers as { epsg: number }[];
    expect(files.map((f) => f.epsg).sort()).toEqual([2154, 2975]);
    const reunion = run.records.filter((r) => r.code.startsWith('974'));
    expect(reunion).toHaveLength(24);
    for (const r of reunion) {
      const m2 = (r.data.surface as { m2: number }).m2;
      expect(Math.abs(m2 - reference[r.code]) / reference[r.code], r.code).toBeLessThan(1e-4);
      expect(booleanPointInPolygon((r.data.centre as GeoJSON.Point).coordinates, r.features![0].geometry as Areal)).toBe(true);
    }
    expect(run.records.find((r) => r.code === '2A004')?.data.nom).toBe('Ajaccio');
  });

  it('restricts the run to the requested départements', async () => {
    const only = await runPipeline(pipeline, { source, files, departements: ['974'] });
    expect(only.records.map((r) => r.code).every((c) => c.startsWith('974'))).toBe(true);
    expect(only.records).toHaveLength(24);
    expect(only.read).toBe(24);
  });
});

describe('format drift', () => {
  it('names the file when the commune code property is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contours-'));
    const file = join(dir, 'communes.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { insee: '35238' }, geometry: null }] }));
    const error = await runPipeline(pipeline, { source, files: [file] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toMatch(/communes\.geojson.*ligne 1.*code/);
  });

  it('rejects features without geometry or with an unknown code, with a reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'contours-'));
    const file = join(dir, 'communes.geojson');
    const rennes = (JSON.parse(readFileSync(sampleFiles[0], 'utf8')) as GeoJSON.FeatureCollection).features.find((f) => f.properties!.code === '35238')!;
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [
      rennes,
      { type: 'Feature', properties: { code: '35001' }, geometry: null },
      { type: 'Feature', properties: { code: '99999' }, geometry: rennes.geometry },
      { type: 'Feature', properties: { code: 'abc' }, geometry: rennes.geometry },
    ] }));
    const run = await runPipeline(pipeline, { source, files: [file] });
    expect(run.records.map((r) => r.code)).toEqual(['35238']);
    expect(run.read).toBe(4);
    expect(run.rejected.get('géométrie absente')).toBe(1);
    expect([...run.rejected.keys()].some((k) => k.startsWith('code commune inconnu'))).toBe(true);
    expect(run.rejected.get('code commune absent ou invalide')).toBe(1);
  });
});
