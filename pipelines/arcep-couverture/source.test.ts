import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import pipeline from './source.js';
import { parseCoverageName, type CommuneCoverage } from './project.js';
import { registryEntry, runPipeline, type PipelineRun } from '../../tests/helpers/run-pipeline.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';

const samples = join(import.meta.dirname, '../../samples');
const arcep = join(samples, 'arcep-couverture');
const BAN = join(samples, 'ban/adresses-05-extrait.csv.gz');
const source = registryEntry('arcep-couverture');
const reference = JSON.parse(readFileSync(join(arcep, 'reference-shares.json'), 'utf8')) as Record<string, { code: string; niveau: string; partSurface: number | null; adresses?: number; adressesCouvertes?: number }[]>;

/** Contour records as the communes-contours dataset holds them (WGS84); Ristolas (05120) belongs to Abriès-Ristolas (05001). */
function contours(file: string): CommuneRecord[] {
  const fc = JSON.parse(readFileSync(join(samples, 'communes-contours', file), 'utf8')) as GeoJSON.FeatureCollection;
  const byCode = new Map<string, GeoJSON.Feature[]>();
  for (const f of fc.features) {
    const code = String(f.properties!.code) === '05120' ? '05001' : String(f.properties!.code);
    byCode.set(code, [...(byCode.get(code) ?? []), { ...f, properties: { code } }]);
  }
  return [...byCode].map(([code, features]) => ({ code, data: {}, features }));
}

const coverage = (run: PipelineRun, code: string, techno: string) =>
  (run.records.find((r) => r.code === code)?.data.couvertures as CommuneCoverage[] | undefined)?.find((c) => c.techno === techno);

let run: PipelineRun;
beforeAll(async () => {
  run = await runPipeline(pipeline, {
    source,
    files: [join(arcep, '2026_T1_couv_Metropole_OF_4G_data.gpkg.7z'), join(arcep, '2026_T1_couv_Metropole_OF_3G_data.gpkg'),
      join(arcep, '2026_T1_couv_974_LaReunion_SRR_4G_data.gpkg'), BAN],
    datasets: { 'communes-contours': [...contours('communes-05-hautes-alpes-extrait.geojson'), ...contours('communes-974-la-reunion.geojson')] },
  });
});

describe('arcep-couverture', () => {
  it('has a registry entry whose sample files exist', () => {
    for (const p of source.echantillon) expect(existsSync(join(import.meta.dirname, '../..', p))).toBe(true);
    expect(parseCoverageName('2025_T4_couv_Metropole_SFR0_2G_voix.gpkg')).toEqual({ trimestre: '2025_T4', territoire: 'Metropole', operateur: 'SFR0', techno: '2G', usage: 'voix' });
  });

  it('reads every feature of every layer (7z and plain GeoPackage) and accounts for them', () => {
    expect(run.read).toBe(7);
    expect(run.projected).toBe(7);
    expect(run.output.millesime).toBe('2026_T1');
  });

  it('area shares equal SpatiaLite’s exact intersections (Lambert-93 and RGR92/UTM 40S)', () => {
    let compared = 0;
    for (const [key, techno] of [['metropole4g', '4G'], ['reunion4g', '4G']] as const) {
      for (const ref of reference[key]) {
        const c = run.records.find((r) => r.code === ref.code)?.data.couvertures as CommuneCoverage[] | undefined;
        const layer = c?.find((x) => x.techno === techno && x.operateur === (key === 'metropole4g' ? '20801' : '64710'));
        expect(layer, `${key} ${ref.code}`).toBeDefined();
        expect(layer!.niveaux[ref.niveau].partSurface, `${key} ${ref.code} ${ref.niveau}`).toBeCloseTo(ref.partSurface ?? 0, 3);
        compared++;
      }
    }
    expect(compared).toBe(6 * 3 + 24 * 3);
  });

  it('address shares equal SpatiaLite’s point-in-polygon counts on the real BAN rows', () => {
    for (const ref of reference.metropole4g) {
      const layer = coverage(run, ref.code, '4G')!;
      expect(layer.niveaux[ref.niveau].adressesCouvertes, `${ref.code} ${ref.niveau}`).toBe(ref.adressesCouvertes);
      expect(layer.niveaux[ref.niveau].partAdresses).toBeCloseTo(ref.adressesCouvertes! / ref.adresses!, 4);
    }
    const argentiere = coverage(run, '05006', '4G')!;
    expect(argentiere.partAdressesCouvertes).toBeCloseTo((1057 + 126) / 1183, 4);
    // No BAN rows for La Réunion among the inputs: address shares stay null, not 0.
    expect(coverage(run, '97411', '4G')!.niveaux.TBC.partAdresses).toBeNull();
  });

  it('a layer without levels is measured as « couvert »', () => {
    const g3 = coverage(run, '05006', '3G')!;
    expect(Object.keys(g3.niveaux)).toEqual(['couvert']);
    expect(g3.niveaux.couvert.partSurface).toBeGreaterThan(0.2);
    expect(run.records.find((r) => r.code === '05006')!.rows!.map((r) => `${r.techno}/${r.niveau}`)).toEqual(['3G/couvert', '4G/TBC', '4G/BC', '4G/CL']);
  });

  it('stops when the commune contours are not in the release', async () => {
    await expect(runPipeline(pipeline, { source, files: [join(arcep, '2026_T1_couv_974_LaReunion_SRR_4G_data.gpkg')] })).rejects.toThrow(/communes-contours/);
  });

  it('--departement keeps the communes of that département only', async () => {
    const only = await runPipeline(pipeline, {
      source, files: [join(arcep, '2026_T1_couv_974_LaReunion_SRR_4G_data.gpkg')], departements: ['974'],
      datasets: { 'communes-contours': [...contours('communes-05-hautes-alpes-extrait.geojson'), ...contours('communes-974-la-reunion.geojson')] },
    });
    expect(only.records.every((r) => r.code.startsWith('974'))).toBe(true);
    expect(only.records).toHaveLength(24);
  });
});
