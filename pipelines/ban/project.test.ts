import { describe, it, expect } from 'vitest';
import { projectGroups, sumStats, NON_RENSEIGNE, type BanCommuneData } from './project.js';
import { codeMappings } from '../framework/rekey.js';
import { REJECT_SPLIT } from './project.js';
import { IrisLocator, polygonContains } from './iris.js';
import { parseMemory, type GroupRow } from './stage.js';
import { Referential } from '../../src/domain/referential.js';
import { testReferential } from '../../tests/helpers/run-pipeline.js';

function group(cle: string, niveau: 0 | 1, adresses: number, extra: Partial<GroupRow> = {}): GroupRow {
  return {
    cle, niveau, deleguee: null, codesSource: [cle], adresses, voies: 1, lieuxDits: 0,
    certifiees: adresses, sansPosition: 0, codesPostaux: [], parTypePosition: { '': adresses }, parSourcePosition: { commune: adresses },
    parSourceNomVoie: { commune: adresses }, ...extra,
  };
}

describe('ban projection', () => {
  it('rejects rows of a code split since, with the reason', () => {
    const { records, rejected, projected } = projectGroups([group('!S:99001', 1, 4), group('05001', 1, 2)], testReferential());
    expect(rejected.get(REJECT_SPLIT)).toBe(4);
    expect(projected).toBe(2);
    expect(records.map((r) => r.code)).toEqual(['05001']);
  });

  it('a split code is mapped to no commune', () => {
    const referential = new Referential({
      millesime: '2026', epci: [], departements: [], regions: [],
      communes: [
        { code: '99001', nom: 'A', type: 'commune-actuelle', departement: '99', region: '99', codesPostaux: [] },
        { code: '99002', nom: 'B', type: 'commune-actuelle', departement: '99', region: '99', codesPostaux: [] },
      ],
      history: [
        { ancienCode: '99000', ancienNom: 'AB', nouveauCode: '99001', nouveauNom: 'A' },
        { ancienCode: '99000', ancienNom: 'AB', nouveauCode: '99002', nouveauNom: 'B' },
      ],
    });
    expect(codeMappings(referential, REJECT_SPLIT).find((m) => m.source === '99000')).toEqual({ source: '99000', commune: null, motif: REJECT_SPLIT });
  });

  it('labels empty position types and sums PLM parts', () => {
    const sum = sumStats([
      { adresses: 2, voies: 1, lieuxDits: 0, adressesCertifiees: 1, partCertifiee: 0.5, codesPostaux: ['75006'], parTypePosition: { entrée: 2 }, parSourcePosition: {}, parSourceNomVoie: {}, adressesSansPosition: 0 },
      { adresses: 2, voies: 2, lieuxDits: 1, adressesCertifiees: 2, partCertifiee: 1, codesPostaux: ['75007', '75006'], parTypePosition: { entrée: 1, bâtiment: 1 }, parSourcePosition: {}, parSourceNomVoie: {}, adressesSansPosition: 1 },
    ]);
    expect(sum).toMatchObject({ adresses: 4, voies: 3, adressesCertifiees: 3, partCertifiee: 0.75, codesPostaux: ['75006', '75007'], parTypePosition: { entrée: 3, bâtiment: 1 }, adressesSansPosition: 1 });
    const { records } = projectGroups([group('69381', 1, 3), group('69382', 1, 5)], testReferential());
    const lyon = records.find((r) => r.code === '69123')!.data as unknown as BanCommuneData;
    expect(lyon.adresses).toBe(8);
    expect(lyon.parTypePosition).toEqual({ [NON_RENSEIGNE]: 8 });
    expect(records.map((r) => r.code)).toEqual(['69123', '69381', '69382']);
  });
});

describe('DuckDB memory setting', () => {
  it('reads the limit as DuckDB prints it', () => {
    expect(parseMemory('3.7 GiB')).toBeCloseTo(3.7 * 1024 ** 3, 0);
    expect(parseMemory('512.0 MiB')).toBe(512 * 1024 ** 2);
    expect(parseMemory('4GB')).toBe(4e9);
    expect(parseMemory('unlimited')).toBeUndefined();
  });
});

describe('IRIS locator', () => {
  const square = (x0: number, y0: number, x1: number, y1: number) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
  it('respects holes', () => {
    const rings = [square(0, 0, 10, 10), square(4, 4, 6, 6)];
    expect(polygonContains(rings, 1, 1)).toBe(true);
    expect(polygonContains(rings, 5, 5)).toBe(false);
    expect(polygonContains(rings, 11, 5)).toBe(false);
  });

  it('falls back to contours keyed by the PLM parent, keeping the arrondissement\'s IRIS', () => {
    const feature = (code: string, ring: number[][]) => ({ type: 'Feature' as const, properties: { codeIris: code, nomIris: code }, geometry: { type: 'Polygon' as const, coordinates: [ring] } });
    const locator = new IrisLocator([{ code: '75056', data: {}, features: [feature('751060101', square(0, 0, 1, 1)), feature('751070101', square(1, 0, 2, 1))] }], (c) => testReferential().plmParent(c));
    locator.add('75106', 0.5, 0.5);
    locator.add('75106', 5, 5);
    locator.add('75106', null, null);
    const { counts, outside, unlocated } = locator.tallied();
    expect(counts.get('75106')).toEqual(new Map([['751060101', 1]]));
    expect(outside.get('75106')).toBe(1);
    expect(unlocated.get('75106')).toBe(1);
    expect(locator.zonesOf('75106').map((z) => z.code)).toEqual(['751060101']);
  });

  it('finds each address its own IRIS when neighbours alternate, the last IRIS matched tried first', () => {
    const feature = (code: string, rings: number[][][]) => ({ type: 'Feature' as const, properties: { codeIris: code }, geometry: { type: 'Polygon' as const, coordinates: rings } });
    // A has a hole: a point in A's box but in the hole must not be counted in A.
    const locator = new IrisLocator([{ code: '35238', data: {}, features: [
      feature('352380101', [square(0, 0, 1, 1), square(0.4, 0.4, 0.6, 0.6)]),
      feature('352380102', [square(1, 0, 2, 1)]),
    ] }]);
    for (const [x, y] of [[0.2, 0.2], [1.5, 0.5], [0.3, 0.3], [0.5, 0.5], [1.2, 0.2], [0.9, 0.9]]) locator.add('35238', x, y);
    const { counts, outside } = locator.tallied();
    expect(counts.get('35238')).toEqual(new Map([['352380101', 3], ['352380102', 2]]));
    expect(outside.get('35238')).toBe(1);
  });
});
