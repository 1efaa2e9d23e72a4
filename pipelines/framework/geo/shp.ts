/**
 * Shapefile reading as IGN delivers them: geometry from `.shp`, attributes
 * from `.dbf` in the encoding named by `.cpg` (or detected), CRS from `.prj`.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as shapefile from 'shapefile';
import { type Epsg, epsgFromWkt } from './crs.js';

export interface ShapefileInfo {
  shp: string;
  dbf: string;
  epsg: Epsg;
  encoding: string;
}

export class ShapefileError extends Error {}

function sibling(shp: string, ext: string): string | undefined {
  const base = shp.replace(/\.shp$/i, '');
  for (const e of [ext.toLowerCase(), ext.toUpperCase()]) {
    const p = `${base}.${e}`;
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** `.cpg` content → TextDecoder label; without `.cpg`, UTF-8 when the DBF decodes as such, else Windows-1252. */
export function dbfEncoding(dbf: string, cpg?: string): string {
  if (cpg) {
    const label = readFileSync(cpg, 'latin1').trim().toUpperCase();
    if (/UTF-?8/.test(label)) return 'utf-8';
    if (/1252|8859-?1|LATIN-?1|ANSI/.test(label)) return 'windows-1252';
    if (/8859-?15|LATIN-?9/.test(label)) return 'iso-8859-15';
  }
  const bytes = readFileSync(dbf);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(bytes.readUInt16LE(8)));
    return 'utf-8';
  } catch {
    return 'windows-1252';
  }
}

export function inspectShapefile(shp: string): ShapefileInfo {
  const dbf = sibling(shp, 'dbf');
  if (!dbf) throw new ShapefileError(`${shp}: fichier .dbf absent`);
  const prj = sibling(shp, 'prj');
  if (!prj) throw new ShapefileError(`${shp}: fichier .prj absent, système de coordonnées inconnu`);
  let epsg: Epsg;
  try {
    epsg = epsgFromWkt(readFileSync(prj, 'utf8'));
  } catch (e) {
    throw new ShapefileError(`${prj}: ${(e as Error).message}`);
  }
  return { shp, dbf, epsg, encoding: dbfEncoding(dbf, sibling(shp, 'cpg')) };
}

/** DBF field names, from the header, to check them before reading. */
export function dbfFieldNames(dbf: string): string[] {
  const bytes = readFileSync(dbf);
  const headerLength = bytes.readUInt16LE(8);
  const names: string[] = [];
  for (let at = 32; at + 32 <= headerLength && bytes[at] !== 0x0d; at += 32) {
    names.push(bytes.subarray(at, at + 11).toString('latin1').replace(/\0.*$/s, '').trim());
  }
  return names;
}

/** Attribute records only (first pass: codes, counts). */
export async function* readDbf(info: ShapefileInfo): AsyncGenerator<Record<string, unknown>> {
  const source = await shapefile.openDbf(info.dbf, { encoding: info.encoding });
  for (;;) {
    const r = await source.read();
    if (r.done) return;
    yield trimStrings(r.value as Record<string, unknown>);
  }
}

/** Features in the file's own CRS. */
export async function* readShapefile(info: ShapefileInfo): AsyncGenerator<GeoJSON.Feature> {
  const source = await shapefile.open(info.shp, info.dbf, { encoding: info.encoding });
  for (;;) {
    const r = await source.read();
    if (r.done) return;
    const f = r.value as GeoJSON.Feature;
    yield { type: 'Feature', properties: trimStrings(f.properties ?? {}), geometry: f.geometry };
  }
}

function trimStrings(p: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) out[k] = typeof v === 'string' ? v.trim() : v;
  return out;
}
