import { describe, it, expect } from 'vitest';
import { ZoneLocator, polygonContains, property } from './zone-locator.js';
import { testReferential } from '../../../tests/helpers/run-pipeline.js';

// The zoning of the tests reads its features as the BAN reads the IRIS contours.
const zoneOf = (p: Record<string, unknown> | null) => {
  const code = property(p, 'codeIris');
  return code ? { code, nom: property(p, 'nomIris') } : null;
};

describe('zone locator (IRIS)', () => {
  const square = (x0: number, y0: number, x1: number, y1: number) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
  it('respects holes', () => {
    const rings = [square(0, 0, 10, 10), square(4, 4, 6, 6)];
    expect(polygonContains(rings, 1, 1)).toBe(true);
    expect(polygonContains(rings, 5, 5)).toBe(false);
    expect(polygonContains(rings, 11, 5)).toBe(false);
  });

  it('falls back to contours keyed by the PLM parent, keeping the arrondissement\'s IRIS', () => {
    const feature = (code: string, ring: number[][]) => ({ type: 'Feature' as const, properties: { codeIris: code, nomIris: code }, geometry: { type: 'Polygon' as const, coordinates: [ring] } });
    const locator = new ZoneLocator([{ code: '75056', data: {}, features: [feature('751060101', square(0, 0, 1, 1)), feature('751070101', square(1, 0, 2, 1))] }], zoneOf, (c) => testReferential().plmParent(c));
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
    const locator = new ZoneLocator([{ code: '35238', data: {}, features: [
      feature('352380101', [square(0, 0, 1, 1), square(0.4, 0.4, 0.6, 0.6)]),
      feature('352380102', [square(1, 0, 2, 1)]),
    ] }], zoneOf);
    for (const [x, y] of [[0.2, 0.2], [1.5, 0.5], [0.3, 0.3], [0.5, 0.5], [1.2, 0.2], [0.9, 0.9]]) locator.add('35238', x, y);
    const { counts, outside } = locator.tallied();
    expect(counts.get('35238')).toEqual(new Map([['352380101', 3], ['352380102', 2]]));
    expect(outside.get('35238')).toBe(1);
  });
});
