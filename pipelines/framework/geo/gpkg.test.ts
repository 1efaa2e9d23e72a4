import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reprojectToWgs84 } from './crs.js';
import { GeoPackage, GpkgError } from './gpkg.js';
import { geodesicArea, type Areal } from '../../../src/geo/measure.js';
import { parseGpkgGeometry, parseWkb, WkbError } from './wkb.js';

const samples = join(import.meta.dirname, '../../../samples/communes-contours');
const reference = (JSON.parse(readFileSync(join(samples, 'reference-areas.json'), 'utf8')) as { aires: Record<string, number> }).aires;

function original(file: string): Map<string, Areal> {
  const fc = JSON.parse(readFileSync(join(samples, file), 'utf8')) as GeoJSON.FeatureCollection<Areal>;
  return new Map(fc.features.map((f) => [String(f.properties!.code), f.geometry]));
}

function firstRing(g: Areal): GeoJSON.Position[] {
  return g.type === 'Polygon' ? g.coordinates[0] : g.coordinates[0][0];
}

describe('GeoPackage reader (files written by GDAL 3.6)', () => {
  for (const [file, epsg, source, count] of [
    ['admin-express-communes-05-lamb93.gpkg', 2154, 'communes-05-hautes-alpes-extrait.geojson', 7],
    ['admin-express-communes-974-rgr92.gpkg', 2975, 'communes-974-la-reunion.geojson', 24],
  ] as const) {
    it(`reads ${file} back to the original WGS84 polygons`, () => {
      const gpkg = new GeoPackage(join(samples, file));
      try {
        const layers = gpkg.layers();
        expect(layers).toHaveLength(1);
        const layer = gpkg.layer('COMMUNE')!;
        expect(layer).toMatchObject({ table: 'commune', geometryColumn: 'geometrie', epsg, geometryType: 'MULTIPOLYGON' });
        expect(layer.columns).toEqual(expect.arrayContaining(['code_insee', 'nom_officiel']));
        expect(gpkg.count(layer)).toBe(count);
        expect([...gpkg.attributes(layer, ['code_insee'])].map((r) => r.code_insee)).toHaveLength(count);
        const expected = original(source);
        let n = 0;
        for (const f of gpkg.features(layer)) {
          n++;
          expect(f.row).toBe(n);
          const code = String(f.properties.code_insee);
          expect(f.geometry?.type).toBe('MultiPolygon');
          const wgs = reprojectToWgs84(f.geometry as Areal, epsg);
          const a = firstRing(wgs);
          const b = firstRing(expected.get(code)!);
          expect(a.length).toBe(b.length);
          for (let i = 0; i < a.length; i++) {
            expect(Math.abs(a[i][0] - b[i][0])).toBeLessThan(1e-7);
            expect(Math.abs(a[i][1] - b[i][1])).toBeLessThan(1e-7);
          }
          expect(Math.abs(geodesicArea(wgs) - reference[code]) / reference[code]).toBeLessThan(1e-4);
        }
        expect(n).toBe(count);
      } finally {
        gpkg.close();
      }
    });
  }

  it('refuses a file that is not a GeoPackage', () => {
    expect(() => new GeoPackage(join(samples, 'communes-05-hautes-alpes-extrait.geojson'))).toThrow();
    expect(GpkgError).toBeDefined();
  });
});

describe('WKB', () => {
  it('reads big-endian and ISO Z geometries, dropping Z', () => {
    const be = Buffer.alloc(21);
    be.writeUInt8(0, 0);
    be.writeUInt32BE(1, 1);
    be.writeDoubleBE(2.35, 5);
    be.writeDoubleBE(48.85, 13);
    expect(parseWkb(be)).toEqual({ type: 'Point', coordinates: [2.35, 48.85] });

    const z = Buffer.alloc(1 + 4 + 4 + 4 + 4 * 24);
    z.writeUInt8(1, 0);
    z.writeUInt32LE(1003, 1); // Polygon Z
    z.writeUInt32LE(1, 5);
    z.writeUInt32LE(4, 9);
    [[0, 0, 5], [1, 0, 5], [0, 1, 5], [0, 0, 5]].forEach((p, i) => p.forEach((v, j) => z.writeDoubleLE(v, 13 + i * 24 + j * 8)));
    expect(parseWkb(z)).toEqual({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [0, 1], [0, 0]]] });
  });

  it('checks the GeoPackage header and honours the empty flag', () => {
    expect(() => parseGpkgGeometry(Buffer.from('XX000000', 'latin1'))).toThrow(WkbError);
    const empty = Buffer.from([0x47, 0x50, 0, 0b10001, 0, 0, 0, 0]);
    expect(parseGpkgGeometry(empty)).toEqual({ srsId: 0, geometry: null });
    expect(() => parseWkb(Buffer.from([1, 99, 0, 0, 0]))).toThrow(/99/);
  });
});
