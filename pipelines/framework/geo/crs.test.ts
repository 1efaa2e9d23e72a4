import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { epsgFromWkt, fromWgs84, reprojectToWgs84, toWgs84, UnknownCrsError } from './crs.js';

const samples = join(import.meta.dirname, '../../../samples/communes-contours');

function banLines(): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(samples, 'ban-adresses-extrait.csv'), 'utf8').trim().split('\n');
  const names = header.split(';');
  // These excerpt lines carry no quoted separator (checked: 23 fields each).
  return lines.map((l) => {
    const v = l.split(';');
    expect(v).toHaveLength(23);
    return Object.fromEntries(names.map((n, i) => [n, v[i]]));
  });
}

describe('BAN x/y (Lambert-93) → lon/lat', () => {
  it('gives back the BAN lon/lat to within 1e-6° on every real line', () => {
    const lines = banLines();
    expect(lines.length).toBeGreaterThan(250);
    expect(lines.some((l) => l.code_insee.startsWith('05'))).toBe(true);
    expect(lines.some((l) => l.code_insee === '01002')).toBe(true);
    const t = toWgs84(2154);
    let worst = 0;
    for (const l of lines) {
      const [lon, lat] = t([Number(l.x), Number(l.y)]);
      worst = Math.max(worst, Math.abs(lon - Number(l.lon)), Math.abs(lat - Number(l.lat)));
    }
    expect(worst).toBeLessThan(1e-6);
  });

  it('round-trips every overseas CRS to the millimetre', () => {
    const points: Record<number, [number, number]> = {
      5490: [-61.53, 16.25], 2972: [-52.33, 4.93], 2975: [55.45, -20.88], 4471: [45.23, -12.78], 4467: [-56.17, 46.78], 2154: [-1.68, 48.11],
    };
    for (const [code, p] of Object.entries(points)) {
      const epsg = Number(code) as 2154;
      const xy = fromWgs84(epsg)(p);
      expect(Math.abs(xy[0]) + Math.abs(xy[1])).toBeGreaterThan(1000);
      const back = toWgs84(epsg)(xy);
      expect(Math.abs(back[0] - p[0])).toBeLessThan(1e-8);
      expect(Math.abs(back[1] - p[1])).toBeLessThan(1e-8);
    }
  });

  it('reprojects whole geometries and leaves lon/lat ones alone', () => {
    const poly: GeoJSON.Polygon = { type: 'Polygon', coordinates: [[[887643.67, 6547960.53], [888177.96, 6546947.6], [888000, 6548000], [887643.67, 6547960.53]]] };
    const out = reprojectToWgs84(poly, 2154);
    expect(out.coordinates[0][0][0]).toBeCloseTo(5.425179, 6);
    expect(out.coordinates[0][1][1]).toBeCloseTo(45.996182, 6);
    expect(reprojectToWgs84(out, 4326)).toBe(out);
  });
});

describe('.prj → EPSG', () => {
  // As written by GDAL/ESRI for the fixtures (no AUTHORITY), and as IGN names them.
  const esriL93 = 'PROJCS["RGF_1993_Lambert_93",GEOGCS["GCS_RGF_1993",DATUM["D_RGF_1993",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",700000.0],PARAMETER["False_Northing",6600000.0],PARAMETER["Central_Meridian",3.0],PARAMETER["Standard_Parallel_1",49.0],PARAMETER["Standard_Parallel_2",44.0],PARAMETER["Latitude_Of_Origin",46.5],UNIT["Meter",1.0]]';
  const esriReu = 'PROJCS["RGR_1992_UTM_40S",GEOGCS["GCS_RGR_1992",DATUM["D_RGR_1992",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",10000000.0],PARAMETER["Central_Meridian",57.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
  const utm = (name: string, lon0: number, y0: number, datum = 'D_Unknown') =>
    `PROJCS["${name}",GEOGCS["g",DATUM["${datum}",SPHEROID["GRS_1980",6378137.0,298.257222101]]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",${y0}],PARAMETER["Central_Meridian",${lon0}],PARAMETER["Scale_Factor",0.9996],UNIT["Meter",1.0]]`;

  it('recognises each territory by name or parameters', () => {
    expect(epsgFromWkt(esriL93)).toBe(2154);
    expect(epsgFromWkt(esriReu)).toBe(2975);
    expect(epsgFromWkt(utm('x', -63, 0))).toBe(5490);
    expect(epsgFromWkt(utm('x', -63, 0, 'D_WGS_1984'))).toBe(32620);
    expect(epsgFromWkt(utm('x', -51, 0))).toBe(2972);
    expect(epsgFromWkt(utm('x', 45, 10000000))).toBe(4471);
    expect(epsgFromWkt(utm('x', -57, 0))).toBe(4467);
    expect(epsgFromWkt(utm('RGAF09_UTM_zone_20N', 0, 0))).toBe(5490);
    expect(epsgFromWkt('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')).toBe(4326);
  });

  it('trusts the outermost EPSG authority', () => {
    const wkt = 'PROJCS["RGF93 v1 / Lambert-93",GEOGCS["RGF93 v1",DATUM["Reseau_Geodesique_Francais_1993_v1",SPHEROID["GRS 1980",6378137,298.257222101],AUTHORITY["EPSG","6171"]],AUTHORITY["EPSG","4171"]],PROJECTION["Lambert_Conformal_Conic_2SP"],AUTHORITY["EPSG","2154"]]';
    expect(epsgFromWkt(wkt)).toBe(2154);
  });

  it('refuses a system it does not know rather than guessing', () => {
    const lambert2 = 'PROJCS["NTF_Paris_Lambert_II_etendu",GEOGCS["GCS_NTF_Paris",DATUM["D_NTF",SPHEROID["Clarke_1880_IGN",6378249.2,293.4660212936265]],PRIMEM["Paris",2.337229166666667],UNIT["Grad",0.01570796326794897]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",600000.0],PARAMETER["False_Northing",2200000.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",45.89891888888889],PARAMETER["Standard_Parallel_2",47.69601444444444],PARAMETER["Latitude_Of_Origin",46.8],UNIT["Meter",1.0]]';
    expect(() => epsgFromWkt(lambert2)).toThrow(UnknownCrsError);
    expect(() => epsgFromWkt('PROJCS["x",AUTHORITY["EPSG","27572"]]')).toThrow(/27572/);
    expect(() => epsgFromWkt('')).toThrow(UnknownCrsError);
  });
});
