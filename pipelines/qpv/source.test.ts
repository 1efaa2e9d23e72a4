import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryEntry, runPipeline, testReferential } from '../../tests/helpers/run-pipeline.js';
import { SourceError } from '../framework/errors.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { geodesicArea, type Areal } from '../../src/geo/measure.js';
import contoursPipeline from '../communes-contours/source.js';
import { buildContourRecord } from '../communes-contours/project.js';
import irisPipeline from '../iris-contours/source.js';
import pipeline from './source.js';
import { parseInseeCom, type QpvInCommune } from './project.js';

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
  it('declares the ANCT zip and a real-layout sample', () => {
    expect(source).toMatchObject({ format: 'zip', finalite: 'Consultation', cleCommune: 'insee_com' });
    expect(source.urls[0]).toBe('https://www.data.gouv.fr/api/1/datasets/r/942d4ee8-8142-4556-8ea1-335537ce1119');
    for (const f of source.echantillon) expect(existsSync(join(root, f))).toBe(true);
    expect(pipeline.dependsOn).toEqual(['communes-contours']);
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

  it('runs on the bundled sample (Seine-Saint-Denis QPV without contour in the contour sample)', async () => {
    const sample = await runPipeline(pipeline, { source, files: source.echantillon.map((f) => join(root, f)), datasets: { 'communes-contours': contours.records } });
    expect(sample.read).toBe(source.lignesEchantillon.min);
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

  it('names the file and the property when lib_qp is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qpv-'));
    const file = join(dir, 'qpv.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code_qp: 'QN093E01', insee_com: '93066' }, geometry: null }] }));
    const error = await runPipeline(pipeline, { source, files: [file] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as SourceError).message).toMatch(/qpv\.geojson, ligne 1, colonne lib_qp/);
  });
});
