import { describe, expect, it } from 'vitest';
import type { SourceStats } from '../../src/contract/release.js';
import { registryEntry, testReferential } from '../../tests/helpers/run-pipeline.js';
import { checkRowCount } from './checks.js';
import { GateError } from './errors.js';
import { mergersByCommune, rekeyedResult } from './older-cog.js';

const contours = registryEntry('communes-contours');
const stats = (read: number): SourceStats => ({ read, projected: read, rejected: {}, notes: {}, durationMs: 0 });
/** A COG-2018-like file: the registry's range, 35,357 rows, re-keyed onto 34,960 communes. */
const older = { communes: 34_960, rejected: 0, folded: 397, foldable: 1_900 };

describe('row-count gate for a file of an older COG', () => {
  it('counts the communes merged into a current one since 2015 (Fleurigné 35112 into 35062), never a current code', () => {
    const mergers = mergersByCommune(testReferential());
    expect(mergers.get('35062')).toBeGreaterThanOrEqual(1);
    for (const code of mergers.keys()) expect(testReferential().commune(code), code).toBeDefined();
    const result = rekeyedResult(testReferential(), stats(3), new Set(['35062']));
    expect(result).toEqual({ communes: 1, rejected: 0, folded: 2, foldable: mergers.get('35062') });
  });

  it('judges a per-commune file above the range on its re-keyed communes', () => {
    expect(checkRowCount(contours, stats(35_357), 'national', older)).toEqual({ recode: true });
    expect(checkRowCount(contours, stats(35_000), 'national', older)).toEqual({ recode: false });
  });

  it('still refuses: a source not declared per commune, a truncated file, too few communes, too many rows folded', () => {
    expect(() => checkRowCount({ ...contours, uneLigneParCommune: false }, stats(35_357), 'national', older)).toThrow(GateError);
    expect(() => checkRowCount(contours, stats(20_000), 'national', { ...older, communes: 19_800 })).toThrow(/20000 lignes lues, attendu entre 34800 et 35300$/);
    expect(() => checkRowCount(contours, stats(35_357), 'national', { ...older, communes: 30_000, folded: 5_357 }))
      .toThrow(/5357 lignes réunies par le recodage, plus que les 1900 communes fusionnées/);
    expect(() => checkRowCount(contours, stats(35_357), 'national', { ...older, communes: 34_000, folded: 1_357 }))
      .toThrow(/recodées sur les communes actuelles : 34000 \(34000 communes \+ 0 rejetées\), hors de l'intervalle/);
  });
});
