import { describe, expect, it } from 'vitest';
import { testReferential } from '../../tests/helpers/run-pipeline.js';
import { DepartementScope, ScopeError } from './scope.js';

describe('DepartementScope: the départements of a run, decided once for every source', () => {
  const referential = testReferential();

  it('refuses a code the COG does not know before any work, listing the valid ones', () => {
    expect(() => DepartementScope.validated(['35', '999'], referential)).toThrow(ScopeError);
    expect(() => DepartementScope.validated(['999'], referential)).toThrow(/999 : inconnu du COG .*codes valides : 01, 02, .*2A, 2B.*976/);
  });

  it('places a code by its département in the COG, or by its spelling when the COG does not know it', () => {
    const scope = DepartementScope.validated(['2A', '974'], referential);
    expect(scope.isPartial).toBe(true);
    expect(scope.includes('2A004')).toBe(true);
    expect(scope.includes('97411')).toBe(true);
    expect(scope.includes('2B033')).toBe(false);
    expect(scope.includes('97499')).toBe(true); // unknown to the COG, spelled in La Réunion
    expect(scope.includes('35238')).toBe(false);
  });

  it('covers everything when no département is named', () => {
    const all = DepartementScope.validated([], referential);
    expect(all.isPartial).toBe(false);
    expect(all.includes('35238') && all.includes('97601')).toBe(true);
  });
});
