import { describe, expect, it } from 'vitest';
import type { FieldSchema } from '../contract/dataset.js';
import { DatasetAggregator } from './aggregate.js';
import { LONG_FIELDS } from '../../tests/helpers/pack-sources.js';

const WIDE: FieldSchema[] = [
  { name: 'code', type: 'string' },
  { name: 'habitants', type: 'integer', unit: 'habitants', aggregation: 'sum' },
  { name: 'taux', type: 'number', unit: '%', aggregation: 'mean-weighted-population' },
  { name: 'mediane', type: 'number', aggregation: 'none' },
  { name: 'autre', type: 'number' },
];

describe('DatasetAggregator', () => {
  it('sums, weights by population, and refuses what is not aggregable, saying which communes count', () => {
    const agg = new DatasetAggregator(WIDE);
    agg.add('A', 1000, [{ code: 'A', habitants: 1000, taux: 10, mediane: 20000, autre: 1 }]);
    agg.add('B', 3000, [{ code: 'B', habitants: 3000, taux: 20, mediane: 25000, autre: 2 }]);
    agg.add('C', 500, [{ code: 'C', habitants: null, taux: null, mediane: 19000, autre: 3 }]);
    const byField = Object.fromEntries(agg.indicators().map((i) => [i.champ, i]));
    expect(byField.habitants).toMatchObject({ valeur: 4000, methode: 'sum', unite: 'habitants', communes: 2, communesSansValeur: 1 });
    expect(byField.taux).toMatchObject({ valeur: 17.5, methode: 'mean-weighted-population', communes: 2, communesSansValeur: 1 });
    expect(byField.mediane).toMatchObject({ valeur: null, methode: 'none', methodeLibelle: 'non agrégeable', communes: 0 });
    expect(byField.autre).toMatchObject({ valeur: null, methode: 'none' });
    expect(byField.code).toBeUndefined();
    expect(agg.communes).toBe(3);
  });

  it('recomputes a declared ratio as Σ numerator / Σ denominator of the members, never a sum or mean of ratios', () => {
    const fields: FieldSchema[] = [
      { name: 'exercice', type: 'string', aggregation: 'key' },
      { name: 'montant', type: 'number', aggregation: 'sum' },
      { name: 'populationDgf', type: 'integer', aggregation: 'sum' },
      { name: 'montantParHabitant', type: 'number', aggregation: 'ratio', ratioOf: { numerator: 'montant', denominator: 'populationDgf' } },
    ];
    const agg = new DatasetAggregator(fields);
    agg.add('A', 900, [{ exercice: '2023', montant: 1000, populationDgf: 10, montantParHabitant: 100 }]);
    agg.add('B', 2900, [{ exercice: '2023', montant: 3000, populationDgf: 30, montantParHabitant: 100 }]);
    agg.add('C', 1, [{ exercice: '2023', montant: 500, populationDgf: 1, montantParHabitant: 500 }]);
    agg.add('D', 5, [{ exercice: '2023', montant: 70, populationDgf: null, montantParHabitant: null }]);
    const ratio = agg.indicators().find((i) => i.champ === 'montantParHabitant')!;
    // (1000 + 3000 + 500) / (10 + 30 + 1), not 700 (sum) nor a mean of the three ratios.
    expect(ratio).toMatchObject({ cle: { exercice: '2023' }, valeur: Number((4500 / 41).toPrecision(12)), methode: 'ratio', communes: 3, communesSansValeur: 1 });
  });

  it('leaves a commune without population out of a weighted mean, and keeps sums exact', () => {
    const agg = new DatasetAggregator(WIDE);
    agg.add('A', undefined, [{ code: 'A', habitants: 0.1, taux: 50 }]);
    agg.add('B', 100, [{ code: 'B', habitants: 0.2, taux: 10 }]);
    const byField = Object.fromEntries(agg.indicators().map((i) => [i.champ, i]));
    expect(byField.habitants.valeur).toBe(0.3);
    expect(byField.taux).toMatchObject({ valeur: 10, communes: 1, communesSansValeur: 1 });
  });

  it('groups a long table by its key fields and applies each row\'s declared method', () => {
    const agg = new DatasetAggregator(LONG_FIELDS);
    const rows = (code: string, pop: number, taux: number) => [
      { code, indicateur: 'population', libelle: 'Population', valeur: pop, unite: 'habitants', agregation: 'sum' },
      { code, indicateur: 'taux', libelle: 'Taux', valeur: taux, unite: '%', agregation: 'mean-weighted-population' },
      { code, indicateur: 'mediane', libelle: 'Médiane', valeur: 1, unite: '€', agregation: 'none' },
    ];
    agg.add('A', 100, rows('A', 100, 10));
    agg.add('B', 300, rows('B', 300, 30));
    const out = agg.indicators();
    expect(out.map((i) => i.cle.indicateur)).toEqual(['mediane', 'population', 'taux']);
    expect(out.find((i) => i.cle.indicateur === 'population')).toMatchObject({ valeur: 400, methode: 'sum', unite: 'habitants', libelle: 'Population' });
    expect(out.find((i) => i.cle.indicateur === 'taux')).toMatchObject({ valeur: 25, methode: 'mean-weighted-population', unite: '%' });
    expect(out.find((i) => i.cle.indicateur === 'mediane')).toMatchObject({ valeur: null, methode: 'none' });
  });

  it('refuses to aggregate a group whose communes declare different methods', () => {
    const agg = new DatasetAggregator([{ name: 'k', type: 'string', aggregation: 'key' }, { name: 'v', type: 'number' }, { name: 'm', type: 'string', aggregation: 'method' }]);
    agg.add('A', 10, [{ k: 'x', v: 1, m: 'sum' }]);
    agg.add('B', 10, [{ k: 'x', v: 2, m: 'mean-weighted-population' }]);
    expect(agg.indicators()[0]).toMatchObject({ valeur: null, methode: 'none' });
  });

  it('knows when rows need not be read at all', () => {
    expect(new DatasetAggregator([{ name: 'v', type: 'number' }]).aggregable).toBe(false);
    expect(new DatasetAggregator([{ name: 'v', type: 'number', aggregation: 'none' }]).aggregable).toBe(false);
    expect(new DatasetAggregator(WIDE).aggregable).toBe(true);
  });
});
