import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { featureCollection, intersect } from '@turf/turf';
import proj4 from 'proj4';
import { describe, expect, it } from 'vitest';
import { registryEntry, runPipeline, testReferential } from '../../tests/helpers/run-pipeline.js';
import { SourceError } from '../framework/errors.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { geodesicArea, type Areal } from '../../src/geo/measure.js';
import contoursPipeline from '../communes-contours/source.js';
import { buildContourRecord } from '../communes-contours/project.js';
import irisPipeline from '../iris-contours/source.js';
import pipeline from './source.js';
import { comparableName, labelNames, parseInseeCom, type QpvInCommune } from './project.js';

const root = join(import.meta.dirname, '../..');
const source = registryEntry('qpv');
const zip = join(root, 'samples/qpv/QP2024_France_Hexagonale_Outre_Mer_extrait.zip');

function sum(m: Map<string, number>): number {
  return [...m.values()].reduce((a, b) => a + b, 0);
}

function qpvOf(records: CommuneRecord[], commune: string): QpvInCommune[] {
  return (records.find((r) => r.code === commune)?.data.qpv ?? []) as QpvInCommune[];
}

describe('registry entry', () => {
  it('declares the ANCT zip and the real 2015 polygons of Ille-et-Vilaine as its offline sample', () => {
    expect(source).toMatchObject({ format: 'zip', finalite: 'Consultation', cleCommune: 'insee_com' });
    expect(source.urls[0]).toBe('https://www.data.gouv.fr/api/1/datasets/r/942d4ee8-8142-4556-8ea1-335537ce1119');
    expect(source.echantillon).toEqual(['samples/qpv/qpv-2015-35-ille-et-vilaine.geojson']);
    expect(source.echantillonIllustratif).toBe(false);
    for (const f of source.echantillon) expect(existsSync(join(root, f))).toBe(true);
    expect(pipeline.dependsOn).toEqual(['communes-contours', 'iris-contours']);
  });
});

describe('qpv × commune contours', async () => {
  const referential = testReferential();
  const contours = await runPipeline(contoursPipeline, { source: registryEntry('communes-contours'), files: registryEntry('communes-contours').echantillon.map((f) => join(root, f)) });
  // Contours of Saint-Denis and Aubervilliers from their real IRIS (the IRIS tile the commune).
  const iris = await runPipeline(irisPipeline, { source: registryEntry('iris-contours'), files: [join(root, 'samples/iris-contours/CONTOURS-IRIS_SHP_LAMB93_FXX_extrait-93-4-communes.7z')] });
  const from93 = iris.records.filter((r) => ['93066', '93001'].includes(r.code)).map((r) =>
    buildContourRecord(r.code, r.features!.map((f) => ({ code: r.code, geometry: f.geometry as Areal })), referential));
  const datasets = { 'communes-contours': [...contours.records, ...from93] };
  const run = await runPipeline(pipeline, { source, files: [zip], datasets });
  const irisArea = (code: string) => geodesicArea(iris.records.flatMap((r) => r.features!).find((f) => f.properties!.codeIris === code)!.geometry as Areal);

  it('reads only the national WGS84 layer of the zip and projects every QPV', () => {
    expect(run.read).toBe(5);
    expect(run.projected).toBe(5);
    expect(sum(run.rejected)).toBe(0);
    expect(run.notes.get('variantes ignorées')).toBe(1);
    expect(run.output.metadata!.fichiers).toEqual([expect.stringMatching(/QP2024_France_Hexagonale_Outre_Mer_WGS84\.geojson$/)]);
  });

  it('splits a QPV across the two communes it spans, by area', () => {
    const stDenis = qpvOf(run.records, '93066').find((q) => q.code === 'QN093E02')!;
    const auber = qpvOf(run.records, '93001').find((q) => q.code === 'QN093E02')!;
    const a = irisArea('930661102');
    const b = irisArea('930011102');
    expect(stDenis.partQpvDansCommune!).toBeCloseTo(a / (a + b), 2);
    expect(auber.partQpvDansCommune!).toBeCloseTo(b / (a + b), 2);
    expect(stDenis.partQpvDansCommune! + auber.partQpvDansCommune!).toBeCloseTo(1, 2);
    expect(stDenis).toMatchObject({ nom: 'Plaine Landy (échantillon)', communeDeclaree: true });
    expect(stDenis.surfaceQpvM2).toBeCloseTo(a + b, -2);
  });

  it('finds a commune the producer did not list when the QPV really spills into it', () => {
    const rennes = qpvOf(run.records, '35238');
    const stJacques = qpvOf(run.records, '35281');
    expect(rennes).toEqual([expect.objectContaining({ code: 'QN035E01', communeDeclaree: true })]);
    expect(stJacques).toEqual([expect.objectContaining({ code: 'QN035E01', communeDeclaree: false })]);
    expect(stJacques[0].partQpvDansCommune!).toBeGreaterThan(0.01);
    expect(rennes[0].partQpvDansCommune! + stJacques[0].partQpvDansCommune!).toBeCloseTo(1, 3);
    expect(run.notes.get('communes non déclarées retenues (part ≥ 1 %)')).toBe(1);
  });

  it('gives the share of the commune in QPV, and reads insee_com without its leading zero', () => {
    const reunion = run.records.find((r) => r.code === '97411')!;
    const q = (reunion.data.qpv as QpvInCommune[])[0];
    expect(q.partQpvDansCommune).toBeCloseTo(1, 3);
    const communeArea = (contours.records.find((r) => r.code === '97411')!.data.surface as { m2: number }).m2;
    expect(reunion.data.surfaceCommuneM2).toBe(communeArea);
    expect(reunion.data.partCommuneEnQpv).toBeCloseTo(q.surfaceDansCommuneM2! / communeArea, 4);
    expect(reunion.data.partCommuneEnQpv as number).toBeGreaterThan(0);
    expect(reunion.data.partCommuneEnQpv as number).toBeLessThan(0.1);
    expect(qpvOf(run.records, '05001')).toEqual([expect.objectContaining({ code: 'QN005E01', communeDeclaree: true, partQpvDansCommune: 1 })]);
    const stDenis = run.records.find((r) => r.code === '93066')!;
    expect(stDenis.data.nombreQpv).toBe(2);
    expect(stDenis.rows).toHaveLength(2);
    expect(stDenis.features).toHaveLength(2);
    expect(stDenis.features![0].properties).toMatchObject({ code: '93066', codeQpv: 'QN093E01' });
  });

  it('intersects only the candidate pairs of the bbox index', () => {
    const tested = Number(run.notes.get('intersections QPV × commune calculées'));
    expect(tested).toBeGreaterThanOrEqual(7);
    expect(tested).toBeLessThan(30); // far below 5 QPV × 488 communes
  });

  it('keeps the producer\'s communes with null shares when contours are missing', async () => {
    const bare = await runPipeline(pipeline, { source, files: [zip] });
    expect(bare.projected).toBe(5);
    expect(bare.records.map((r) => r.code)).toEqual(['05001', '35238', '93001', '93066', '97411']);
    const r = bare.records.find((x) => x.code === '35238')!;
    expect(r.data).toMatchObject({ partCommuneEnQpv: null, surfaceEnQpvM2: null, statut: 'contours communaux indisponibles' });
    expect((r.data.qpv as QpvInCommune[])[0]).toMatchObject({ partQpvDansCommune: null, surfaceDansCommuneM2: null });
  });

  it('marks the communes whose contour the release lacks (Seine-Saint-Denis is not in the contour sample)', async () => {
    const sample = await runPipeline(pipeline, { source, files: [zip], datasets: { 'communes-contours': contours.records } });
    expect(sample.read).toBe(5);
    expect(sample.output.millesime).toBe('2024');
    expect(sample.records.find((r) => r.code === '93066')!.data.statut).toBe('contour de la commune absent');
    expect(sample.records.find((r) => r.code === '35238')!.data.partCommuneEnQpv as number).toBeGreaterThan(0);
  });

  it('restricts the run to the requested départements', async () => {
    const only = await runPipeline(pipeline, { source, files: [zip], datasets, departements: ['35'] });
    expect(only.read).toBe(1);
    expect(only.records.map((r) => r.code)).toEqual(['35238', '35281']);
  });
});

describe('format', () => {
  it('reads multi-valued insee_com, lost leading zeros and Excel-wrapped codes', () => {
    expect(parseInseeCom('5001')).toEqual({ codes: ['05001'], invalid: [] });
    expect(parseInseeCom('93001;93066')).toEqual({ codes: ['93001', '93066'], invalid: [] });
    expect(parseInseeCom('="01053"')).toEqual({ codes: ['01053'], invalid: [] });
    expect(parseInseeCom('2a004, 97411')).toEqual({ codes: ['2A004', '97411'], invalid: [] });
    expect(parseInseeCom(undefined)).toEqual({ codes: [], invalid: [] });
    expect(parseInseeCom('x12')).toEqual({ codes: [], invalid: ['x12'] });
  });

  it('matches a 2015 COMMUNE_QP label to commune names, whatever the accents, case or « St »', () => {
    expect(comparableName('Saint-Étienne-du-Rouvray')).toBe('saint etienne du rouvray');
    expect(labelNames('ST ETIENNE DU ROUVRAY', ['Saint-Étienne-du-Rouvray'])).toBe(true);
    expect(labelNames('Grigny, Viry-Châtillon', ['Viry-Châtillon'])).toBe(true);
    expect(labelNames('Rennes', ['Saint-Jacques-de-la-Lande'])).toBe(false);
    // Whole names only: « Rennes » is not « Rennes-le-Château ».
    expect(labelNames('Rennes-le-Château', ['Rennes'])).toBe(false);
  });

  it('names the file and the property when lib_qp is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qpv-'));
    const file = join(dir, 'qpv.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code_qp: 'QN093E01', insee_com: '93066' }, geometry: null }] }));
    const error = await runPipeline(pipeline, { source, files: [file] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toMatch(/qpv\.geojson, ligne 1, colonne lib_qp/);
  });
});

// The 2015 QPV of Ille-et-Vilaine (real ANCT polygons, `CODE_QP`, `NOM_QP`,
// `COMMUNE_QP` = a commune name) against the real commune contours and IRIS
// of the bundled sample. Every share is checked against an independent
// computation: planar areas in Lambert-93 (proj4 + shoelace) of the polygons
// read with a plain JSON.parse of the same files.
const qpvFile = join(root, 'samples/qpv/qpv-2015-35-ille-et-vilaine.geojson');
const contoursFile = join(root, 'samples/communes-contours/communes-35-ille-et-vilaine.geojson');
const irisFile = join(root, 'samples/iris-contours/iris-35-ille-et-vilaine.geojson.gz');
const RENNES_QPV = ['QP035002', 'QP035003', 'QP035004', 'QP035005', 'QP035006'];

// Independent geometry: Lambert-93 planar coordinates and the shoelace formula.
const L93 = '+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 +ellps=GRS80 +units=m +no_defs';
type Poly = GeoJSON.Polygon | GeoJSON.MultiPolygon;
function toL93(g: Poly): GeoJSON.MultiPolygon {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return { type: 'MultiPolygon', coordinates: polys.map((p) => p.map((ring) => ring.map(([lon, lat]) => proj4('WGS84', L93, [lon, lat])))) };
}
function ringArea(ring: GeoJSON.Position[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return Math.abs(s) / 2;
}
function planarArea(g: Poly): number {
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polys.reduce((a, p) => a + ringArea(p[0]) - p.slice(1).reduce((h, r) => h + ringArea(r), 0), 0);
}
function planarIntersection(a: GeoJSON.MultiPolygon, b: GeoJSON.MultiPolygon): number {
  const inter = intersect(featureCollection([{ type: 'Feature', properties: {}, geometry: a }, { type: 'Feature', properties: {}, geometry: b }]));
  return inter ? planarArea(inter.geometry) : 0;
}
function features(file: string): GeoJSON.Feature<Poly>[] {
  const bytes = readFileSync(file);
  return (JSON.parse((file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8')) as GeoJSON.FeatureCollection<Poly>).features;
}

describe('qpv, 2015 geography, Ille-et-Vilaine', async () => {
  const contours = await runPipeline(contoursPipeline, { source: registryEntry('communes-contours'), files: [contoursFile] });
  const iris = await runPipeline(irisPipeline, { source: registryEntry('iris-contours'), files: [irisFile] });
  const datasets = { 'communes-contours': contours.records, 'iris-contours': iris.records };
  const run = await runPipeline(pipeline, { source: registryEntry('qpv'), files: [qpvFile], datasets });
  const rennes = run.records.find((r) => r.code === '35238')!;
  const entries = rennes.data.qpv as QpvInCommune[];

  const plainQpv = new Map(features(qpvFile).map((f) => [f.properties!.CODE_QP as string, toL93(f.geometry)]));
  const rennesL93 = toL93(features(contoursFile).find((f) => f.properties!.code === '35238')!.geometry);
  const rennesIris = features(irisFile).filter((f) => f.properties!.INSEE_COM === '35238').map((f) => ({ code: f.properties!.CODE_IRIS as string, geometry: toL93(f.geometry) }));

  it('reads all seven QPV, states the 2015 millésime and finds Rennes\' five from their polygons', () => {
    expect(run.read).toBe(7);
    expect(run.projected).toBe(7);
    expect(run.output.millesime).toBe('2015');
    expect(run.output.metadata!.geographie).toMatch(/QPV 2015/);
    expect(entries.map((e) => e.code)).toEqual(RENNES_QPV);
    expect(rennes.data.nombreQpv).toBe(5);
    for (const e of entries) expect(e.communeDeclaree, e.code).toBe(true);
    expect(entries.find((e) => e.code === 'QP035004')!.nom).toBe('Maurepas');
    expect(run.records.find((r) => r.code === '35288')!.data.qpv).toEqual([expect.objectContaining({ code: 'QP035001', nom: 'La Découverte', communeDeclaree: true })]);
    expect(run.notes.has('QPV dont aucune commune localisée ne porte le nom de COMMUNE_QP')).toBe(false);
  });

  it('gives each QPV\'s share of Rennes\' area, within 1e-3 of planar Lambert-93 areas', () => {
    const communeArea = planarArea(rennesL93);
    let total = 0;
    for (const e of entries) {
      const qpv = plainQpv.get(e.code)!;
      const inside = planarIntersection(qpv, rennesL93);
      total += inside;
      expect(Math.abs(e.partDeLaCommune! - inside / communeArea), e.code).toBeLessThan(1e-3);
      expect(Math.abs(e.partQpvDansCommune! - inside / planarArea(qpv)), e.code).toBeLessThan(1e-3);
    }
    expect(Math.abs((rennes.data.partCommuneEnQpv as number) - total / communeArea)).toBeLessThan(1e-3);
    expect(rennes.rows!.map((r) => r.codeQpv)).toEqual(RENNES_QPV);
  });

  it('gives each QPV\'s share of every Rennes IRIS it covers, within 1e-3 of planar Lambert-93 areas', () => {
    for (const e of entries) {
      const qpv = plainQpv.get(e.code)!;
      const expected = rennesIris
        .map((i) => ({ code: i.code, part: planarIntersection(qpv, i.geometry) / planarArea(i.geometry) }))
        .filter((i) => i.part >= 0.001)
        .sort((a, b) => (a.code < b.code ? -1 : 1));
      expect(e.iris!.map((i) => i.code), e.code).toEqual(expected.map((i) => i.code));
      for (const [k, i] of e.iris!.entries()) expect(Math.abs(i.partDeLIris - expected[k].part), i.code).toBeLessThan(1e-3);
      expect(e.iris!.length, e.code).toBeGreaterThan(0);
    }
  });

  it('reports a QPV whose located commune does not bear the name of COMMUNE_QP', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qpv-2015-'));
    const file = join(dir, 'qpv.geojson');
    const maurepas = features(qpvFile).find((f) => f.properties!.CODE_QP === 'QP035004')!;
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ ...maurepas, properties: { ...maurepas.properties, COMMUNE_QP: 'Saint-Malo' } }] }));
    const wrong = await runPipeline(pipeline, { source: registryEntry('qpv'), files: [file], datasets });
    expect(wrong.notes.get('QPV dont aucune commune localisée ne porte le nom de COMMUNE_QP')).toBe('QP035004');
    // Still served where its polygon lies, with the commune marked as not named by the producer.
    expect(wrong.records.map((r) => r.code)).toEqual(['35238']);
    expect((wrong.records[0].data.qpv as QpvInCommune[])[0].communeDeclaree).toBe(false);
  });
});
