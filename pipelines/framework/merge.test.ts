import { describe, it, expect } from 'vitest';
import { Merge, mergedFrom, PlacedMerge } from './merge.js';
import { place } from './rekey.js';
import { DepartementScope } from './scope.js';
import { testReferential } from '../../tests/helpers/run-pipeline.js';

describe('Merge: rows of old codes onto today’s commune by declared aggregation', () => {
  const fields = [
    { name: 'population', aggregation: 'sum' as const },
    { name: 'tauxChomage', aggregation: 'mean-weighted-population' as const },
    { name: 'revenuMedian', aggregation: 'none' as const },
  ];

  it('sums, weights means by population, and refuses to merge medians', () => {
    const merge = new Merge(fields, { weight: 'population' });
    merge.add('35062', '35062', { population: 300, tauxChomage: 10, revenuMedian: 21000 });
    merge.add('35062', '35112', { population: 100, tauxChomage: 20, revenuMedian: 19000 });
    merge.add('35238', '35238', { population: 220000, tauxChomage: 12, revenuMedian: 23000 });
    const [merged, alone] = [...merge.communes()];
    expect(merged).toMatchObject({ code: '35062', sourceCodes: ['35062', '35112'], rows: 2 });
    expect(merged.groups[0].values).toEqual({ population: 400, tauxChomage: 12.5, revenuMedian: null });
    expect(alone.groups[0].values).toEqual({ population: 220000, tauxChomage: 12, revenuMedian: 23000 });
  });

  it('makes a sum or a mean null when a part is missing (a partial sum would look real)', () => {
    const merge = new Merge(fields, { weight: 'population' });
    merge.add('35062', '35062', { population: 300, tauxChomage: null, revenuMedian: null });
    merge.add('35062', '35112', { population: null, tauxChomage: 20, revenuMedian: null });
    expect(merge.get('35062')!.groups[0].values).toEqual({ population: null, tauxChomage: null, revenuMedian: null });
  });

  it('groups a long table by its key fields, in the order keys are first met', () => {
    const merge = new Merge([{ name: 'candidat', aggregation: 'key' }, { name: 'voix', aggregation: 'sum' }]);
    merge.add('01187', '01187', { candidat: 'B', voix: 3 });
    merge.add('01187', '01330', { candidat: 'A', voix: 1 });
    merge.add('01187', '01330', { candidat: 'B', voix: 2 });
    expect(merge.get('01187')!.groups.map((g) => [g.key.candidat, g.values.voix, g.rows])).toEqual([['B', 5, 2], ['A', 1, 1]]);
  });
});

describe('Merge.cells: a status per value, for sources that say why a value is missing', () => {
  const fields = [
    { name: 'population', aggregation: 'sum' as const },
    { name: 'partImposes', aggregation: 'mean-weighted-population' as const },
    { name: 'mediane', aggregation: 'none' as const },
  ];

  it('keeps a single row as is (null: secret); over several rows sums (rounded), a null part is secret, the rest non-additionnable', () => {
    const merge = new Merge(fields, { digits: 6 });
    merge.add('35238', '35238', { population: 0.1, partImposes: 52, mediane: null });
    merge.add('35062', '35062', { population: 0.1, partImposes: 40, mediane: 21000 });
    merge.add('35062', '35112', { population: 0.2, partImposes: 50, mediane: 19000 });
    merge.add('35062', '35112', { population: 1, partImposes: 50, mediane: 19000 });
    const [alone, merged] = [...merge.communes()];
    expect(merge.cells(alone.groups[0])).toEqual([{ valeur: 0.1 }, { valeur: 52 }, { valeur: null, statut: 'secret' }]);
    expect(merge.cells(merged.groups[0])).toEqual([{ valeur: 1.3 }, { valeur: null, statut: 'non-additionnable' }, { valeur: null, statut: 'non-additionnable' }]);
    expect([mergedFrom(alone), mergedFrom(merged), merge.mergedCommunes]).toEqual([undefined, ['35062', '35112'], 1]);
    merge.add('35238', '35238', { population: null, partImposes: 1, mediane: 1 });
    expect(merge.cells(alone.groups[0])[0]).toEqual({ valeur: null, statut: 'secret' });
    expect(mergedFrom(alone)).toEqual(['35238']);
  });

  it('PlacedMerge: counts rows outside the scope, lists the rows set aside with their line', () => {
    const referential = testReferential();
    const counts = { read: 0, projected: 0, rejected: [] as string[] };
    const report = { read: () => { counts.read++; }, projected: () => { counts.projected++; }, rejected: (r: string) => { counts.rejected.push(r); }, note: () => {} };
    const merge = new PlacedMerge(fields, { referential, scope: new DepartementScope(['35'], referential), report }, { unknown: 'inconnu', split: 'scindé' });
    merge.placeRow('35112', 2, { population: 1, partImposes: null, mediane: null });
    merge.placeRow('75056', 3, { population: 1, partImposes: null, mediane: null });
    merge.placeRow('35999', 4, { population: 1, partImposes: null, mediane: null });
    expect([...merge.communes()].map((c) => [c.code, c.sourceCodes])).toEqual([['35062', ['35112']]]);
    expect([merge.outsideScope, merge.setAside, counts]).toEqual([1, [{ code: '35999', ligne: 4, raison: 'inconnu', codesActuels: [] }], { read: 2, projected: 1, rejected: ['inconnu'] }]);
  });
});

describe('place: today’s commune, outside the scope, or set aside', () => {
  const referential = testReferential();
  it('re-keys a merged code, and keeps out of a partial run what is not in its départements', () => {
    const all = new DepartementScope([], referential);
    expect(place('35112', referential, all)).toEqual({ kind: 'commune', code: '35062' });
    expect(place('98601', referential, all)).toEqual({ kind: 'unknown' });
    const ille = new DepartementScope(['35'], referential);
    expect(place('35112', referential, ille)).toEqual({ kind: 'commune', code: '35062' });
    expect(place('98601', referential, ille)).toEqual({ kind: 'outside' });
    // Unknown to the COG but spelled in Ille-et-Vilaine: read and set aside, not dropped.
    expect(place('35999', referential, ille)).toEqual({ kind: 'unknown' });
  });
});
