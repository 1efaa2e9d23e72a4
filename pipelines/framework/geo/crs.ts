/**
 * Coordinate reference systems of French national geodata, and reprojection
 * of GeoJSON geometries to WGS84 lon/lat with proj4.
 *
 * Every modern French realisation (RGF93, RGAF09, RGFG95, RGR92, RGM04,
 * RGSPM06) is ITRF-based and coincides with WGS84 at the centimetre-to-metre
 * level, which is how IGN and the BAN treat them: no datum shift (towgs84 = 0),
 * so that lon/lat computed here are the ones the producers publish.
 */
import proj4 from 'proj4';

export type Epsg = 4326 | 4171 | 2154 | 5490 | 2972 | 2975 | 4471 | 4467 | 32620 | 4559;

const ITRF = '+ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs';

/** proj4 definitions, with the territory each one serves (sources.md §2.3). */
export const CRS: Record<Epsg, { proj4: string; nom: string; territoire: string }> = {
  4326: { proj4: '+proj=longlat +datum=WGS84 +no_defs', nom: 'WGS 84', territoire: 'national (lon/lat)' },
  4171: { proj4: '+proj=longlat +ellps=GRS80 +towgs84=0,0,0,0,0,0,0 +no_defs', nom: 'RGF93 (lon/lat)', territoire: 'métropole (lon/lat)' },
  2154: { proj4: `+proj=lcc +lat_0=46.5 +lon_0=3 +lat_1=49 +lat_2=44 +x_0=700000 +y_0=6600000 ${ITRF}`, nom: 'RGF93 v1 / Lambert-93', territoire: 'métropole et Corse' },
  5490: { proj4: `+proj=utm +zone=20 ${ITRF}`, nom: 'RGAF09 / UTM 20N', territoire: 'Guadeloupe, Martinique, Saint-Barthélemy, Saint-Martin' },
  2972: { proj4: `+proj=utm +zone=22 ${ITRF}`, nom: 'RGFG95 / UTM 22N', territoire: 'Guyane' },
  2975: { proj4: `+proj=utm +zone=40 +south ${ITRF}`, nom: 'RGR92 / UTM 40S', territoire: 'La Réunion' },
  4471: { proj4: `+proj=utm +zone=38 +south ${ITRF}`, nom: 'RGM04 / UTM 38S', territoire: 'Mayotte' },
  4467: { proj4: `+proj=utm +zone=21 ${ITRF}`, nom: 'RGSPM06 / UTM 21N', territoire: 'Saint-Pierre-et-Miquelon' },
  32620: { proj4: '+proj=utm +zone=20 +datum=WGS84 +units=m +no_defs', nom: 'WGS 84 / UTM 20N', territoire: 'Antilles (éditions ≤ 2018)' },
  4559: { proj4: '+proj=utm +zone=20 +ellps=WGS84 +towgs84=0,0,0,0,0,0,0 +units=m +no_defs', nom: 'RRAF 1991 / UTM 20N', territoire: 'Antilles (anciennes données)' },
};

for (const [code, def] of Object.entries(CRS)) proj4.defs(`EPSG:${code}`, def.proj4);

export function isKnownEpsg(code: number): code is Epsg {
  return Object.prototype.hasOwnProperty.call(CRS, code);
}

/** True for lon/lat systems, whose coordinates need no projection. */
export function isGeographic(epsg: Epsg): boolean {
  return epsg === 4326 || epsg === 4171;
}

export class UnknownCrsError extends Error {}

/**
 * The EPSG code of a `.prj` (ESRI or OGC WKT1) or WKT2 text, among the systems
 * above. Tries the outermost AUTHORITY/ID, then the projection's name, then its
 * parameters (IGN writes ESRI WKT without authority: "RGF93_Lambert_93",
 * "RGR92_UTM_40S"…); throws when the text describes another system, since
 * guessing would place geometries kilometres away.
 */
export function epsgFromWkt(wkt: string): Epsg {
  const text = wkt.trim();
  if (!text) throw new UnknownCrsError('définition de projection vide');
  const kind = /^\s*(PROJCS|PROJCRS|GEOGCS|GEOGCRS|GEODCRS|BOUNDCRS|COMPD_CS|COMPOUNDCRS)\s*\[/i.exec(text)?.[1]?.toUpperCase();

  // The authority of the whole CRS is the last AUTHORITY/ID at depth 1.
  const authority = outermostAuthority(text);
  if (authority !== undefined) {
    if (isKnownEpsg(authority)) return authority;
    throw new UnknownCrsError(`système EPSG:${authority} non pris en charge`);
  }

  const name = normaliseName(/^\s*\w+\s*\[\s*"([^"]*)"/.exec(text)?.[1] ?? '');
  const byName = NAMES[name];
  if (byName) return byName;

  if (kind === 'GEOGCS' || kind === 'GEOGCRS' || kind === 'GEODCRS') {
    // Any ITRF-based lon/lat (WGS 84, RGF93, RGR92…) is WGS84 to the metre.
    return /WGS|RGF|RGR|RGAF|RGFG|RGM|RGSPM|ETRS|ITRF/i.test(text) ? 4326 : reject(text);
  }

  const params = parameters(text);
  const projection = /PROJECTION\s*\[\s*"([^"]+)"/i.exec(text)?.[1] ?? /METHOD\s*\[\s*"([^"]+)"/i.exec(text)?.[1] ?? '';
  if (/lambert.*conformal.*conic/i.test(projection)) {
    const sp1 = params.standard_parallel_1 ?? params.latitude_of_1st_standard_parallel;
    const sp2 = params.standard_parallel_2 ?? params.latitude_of_2nd_standard_parallel;
    const lon0 = params.central_meridian ?? params.longitude_of_false_origin;
    const x0 = params.false_easting ?? params.easting_at_false_origin;
    if (near(lon0, 3) && near(x0, 700000) && [sp1, sp2].some((v) => near(v, 49)) && [sp1, sp2].some((v) => near(v, 44))) return 2154;
  }
  if (/transverse.*mercator|utm/i.test(projection)) {
    const lon0 = params.central_meridian ?? params.longitude_of_natural_origin;
    const y0 = params.false_northing ?? 0;
    const wgs84Datum = /WGS[_ ]?(19)?84/i.test(/DATUM\s*\[\s*"([^"]+)"/i.exec(text)?.[1] ?? '');
    if (near(lon0, -63) && near(y0, 0)) return wgs84Datum ? 32620 : 5490;
    if (near(lon0, -51) && near(y0, 0)) return 2972;
    if (near(lon0, 57) && near(y0, 10_000_000)) return 2975;
    if (near(lon0, 45) && near(y0, 10_000_000)) return 4471;
    if (near(lon0, -57) && near(y0, 0)) return 4467;
  }
  return reject(text);
}

function reject(text: string): never {
  throw new UnknownCrsError(`système de coordonnées non reconnu: ${text.slice(0, 120)}…`);
}

const NAMES: Record<string, Epsg> = {
  rgf93_lambert_93: 2154,
  rgf93_v1_lambert_93: 2154,
  rgf_1993_lambert_93: 2154,
  rgaf09_utm_zone_20n: 5490,
  rgaf09_utm_20n: 5490,
  rgfg95_utm_zone_22n: 2972,
  rgfg95_utm_22n: 2972,
  rgr92_utm_zone_40s: 2975,
  rgr92_utm_40s: 2975,
  rgm04_utm_zone_38s: 4471,
  rgm04_utm_38s: 4471,
  rgspm06_utm_zone_21n: 4467,
  rgspm06_utm_21n: 4467,
  wgs_84_utm_zone_20n: 32620,
  wgs_1984_utm_zone_20n: 32620,
  wgs_84: 4326,
  gcs_wgs_1984: 4326,
  wgs_1984: 4326,
};

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

function near(value: number | undefined, target: number): boolean {
  return value !== undefined && Math.abs(value - target) < 1e-6 * Math.max(1, Math.abs(target));
}

function parameters(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/PARAMETER\s*\[\s*"([^"]+)"\s*,\s*([-+0-9.eE]+)/gi)) {
    out[normaliseName(m[1])] = Number(m[2]);
  }
  return out;
}

function outermostAuthority(text: string): number | undefined {
  let depth = 0;
  let found: number | undefined;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') inString = !inString;
    if (inString) continue;
    if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth--;
    else if (depth === 1 && (ch === 'A' || ch === 'I')) {
      const m = /^(?:AUTHORITY|ID)\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?/i.exec(text.slice(i, i + 40));
      if (m) found = Number(m[1]);
    }
  }
  return found;
}

export type Position = number[];
export type PositionTransform = (p: Position) => Position;

const transforms = new Map<Epsg, PositionTransform>();

/** A function taking a position in `epsg` to WGS84 lon/lat. */
export function toWgs84(epsg: Epsg): PositionTransform {
  let t = transforms.get(epsg);
  if (!t) {
    if (isGeographic(epsg)) t = (p) => [p[0], p[1]];
    else {
      const converter = proj4(`EPSG:${epsg}`, 'EPSG:4326');
      t = (p) => converter.forward([p[0], p[1]]);
    }
    transforms.set(epsg, t);
  }
  return t;
}

/** A function taking WGS84 lon/lat to `epsg` (for fixtures, benches and checks). */
export function fromWgs84(epsg: Epsg): PositionTransform {
  if (isGeographic(epsg)) return (p) => [p[0], p[1]];
  const converter = proj4('EPSG:4326', `EPSG:${epsg}`);
  return (p) => converter.forward([p[0], p[1]]);
}

/** Applies `fn` to every position of a geometry, returning a new geometry. */
export function mapPositions<G extends GeoJSON.Geometry>(geometry: G, fn: PositionTransform): G {
  const ring = (r: Position[]) => r.map(fn);
  switch (geometry.type) {
    case 'Point': return { type: 'Point', coordinates: fn(geometry.coordinates) } as G;
    case 'MultiPoint': return { type: 'MultiPoint', coordinates: ring(geometry.coordinates) } as G;
    case 'LineString': return { type: 'LineString', coordinates: ring(geometry.coordinates) } as G;
    case 'MultiLineString': return { type: 'MultiLineString', coordinates: geometry.coordinates.map(ring) } as G;
    case 'Polygon': return { type: 'Polygon', coordinates: geometry.coordinates.map(ring) } as G;
    case 'MultiPolygon': return { type: 'MultiPolygon', coordinates: geometry.coordinates.map((p) => p.map(ring)) } as G;
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: geometry.geometries.map((g) => mapPositions(g, fn)) } as G;
  }
}

/** Reprojects a geometry from `epsg` to WGS84 (returned as is when already lon/lat). */
export function reprojectToWgs84<G extends GeoJSON.Geometry>(geometry: G, epsg: Epsg): G {
  return isGeographic(epsg) ? geometry : mapPositions(geometry, toWgs84(epsg));
}

/** Rounds coordinates (7 decimals ≈ 1 cm) so that served GeoJSON stays compact. */
export function roundPositions<G extends GeoJSON.Geometry>(geometry: G, decimals = 7): G {
  const f = 10 ** decimals;
  return mapPositions(geometry, (p) => [Math.round(p[0] * f) / f, Math.round(p[1] * f) / f]);
}
