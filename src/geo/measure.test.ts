import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { area as turfArea, booleanPointInPolygon } from '@turf/turf';
import { type Areal, bbox, geodesicArea, pointInside, surface } from './measure.js';

const samples = join(import.meta.dirname, '../../samples/communes-contours');
const reference = (JSON.parse(readFileSync(join(samples, 'reference-areas.json'), 'utf8')) as { aires: Record<string, number> }).aires;

function communes(): { code: string; geometry: Areal }[] {
  return readdirSync(samples).filter((f) => f.endsWith('.geojson')).flatMap((f) =>
    (JSON.parse(readFileSync(join(samples, f), 'utf8')) as GeoJSON.FeatureCollection<Areal>).features.map((x) => ({ code: String(x.properties!.code), geometry: x.geometry })));
}

describe('geodesic area', () => {
  const all = communes();

  it('matches GDAL/SpatiaLite ellipsoidal areas to 0.01 % on 500 real communes', () => {
    expect(all).toHaveLength(500);
    let worst = 0;
    let worstTurf = 0;
    for (const c of all) {
      const ref = reference[c.code];
      expect(ref, c.code).toBeGreaterThan(0);
      worst = Math.max(worst, Math.abs(geodesicArea(c.geometry) - ref) / ref);
      worstTurf = Math.max(worstTurf, Math.abs(turfArea(c.geometry) - ref) / ref);
    }
    expect(worst).toBeLessThan(1e-4);
    // The spherical approximation is measurably worse: the ellipsoid matters.
    expect(worstTurf).toBeGreaterThan(worst * 10);
  });

  it('subtracts holes and sums parts', () => {
    const sq = (x: number, y: number, d: number) => [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]];
    const outer = geodesicArea({ type: 'Polygon', coordinates: [sq(2, 48, 0.1)] });
    const holed = geodesicArea({ type: 'Polygon', coordinates: [sq(2, 48, 0.1), sq(2.02, 48.02, 0.02)] });
    const multi = geodesicArea({ type: 'MultiPolygon', coordinates: [[sq(2, 48, 0.1)], [sq(3, 48, 0.1)]] });
    expect(holed).toBeLessThan(outer);
    expect(holed).toBeCloseTo(outer - geodesicArea({ type: 'Polygon', coordinates: [sq(2.02, 48.02, 0.02)] }), 0);
    expect(multi).toBeGreaterThan(outer * 1.99);
    expect(surface({ type: 'Polygon', coordinates: [sq(2, 48, 0.1)] }).km2).toBeCloseTo(outer / 1e6, 2);
  });
});

describe('centre and bbox', () => {
  it('gives a point strictly inside every real commune, within its bbox', () => {
    for (const c of communes()) {
      const p = pointInside(c.geometry);
      expect(booleanPointInPolygon(p, c.geometry, { ignoreBoundary: true }), c.code).toBe(true);
      const [minX, minY, maxX, maxY] = bbox(c.geometry);
      expect(p[0]).toBeGreaterThanOrEqual(minX);
      expect(p[0]).toBeLessThanOrEqual(maxX);
      expect(p[1]).toBeGreaterThanOrEqual(minY);
      expect(p[1]).toBeLessThanOrEqual(maxY);
    }
  });

  it('finds an inside point of a U-shaped polygon whose centroid is outside', () => {
    const u: GeoJSON.Polygon = { type: 'Polygon', coordinates: [[[0, 0], [3, 0], [3, 3], [2, 3], [2, 1], [1, 1], [1, 3], [0, 3], [0, 0]]] };
    const p = pointInside(u);
    expect(booleanPointInPolygon(p, u, { ignoreBoundary: true })).toBe(true);
  });
});
