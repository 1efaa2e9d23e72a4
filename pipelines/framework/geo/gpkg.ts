/**
 * GeoPackage reading without GDAL: the file is SQLite, layers are listed in
 * `gpkg_contents`/`gpkg_geometry_columns`, their CRS in `gpkg_spatial_ref_sys`,
 * and geometries are GeoPackage-wrapped WKB (see wkb.ts). Rows are streamed.
 */
import Database from 'better-sqlite3';
import { type Epsg, epsgFromWkt, isKnownEpsg, UnknownCrsError } from './crs.js';
import { parseGpkgGeometry } from './wkb.js';

export interface GpkgLayer {
  table: string;
  geometryColumn: string;
  geometryType: string;
  srsId: number;
  /** EPSG code of the layer's CRS among those the service knows. */
  epsg: Epsg;
  columns: string[];
}

export interface GpkgFeature {
  /** 1-based row number in the layer, for error messages. */
  row: number;
  properties: Record<string, string | number | null>;
  geometry: GeoJSON.Geometry | null;
}

export class GpkgError extends Error {}

export class GeoPackage {
  private readonly db: Database.Database;

  constructor(readonly path: string) {
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    const tables = this.db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name IN ('gpkg_contents','gpkg_geometry_columns','gpkg_spatial_ref_sys')").all() as { name: string }[];
    if (tables.length < 3) {
      this.db.close();
      throw new GpkgError(`${path}: pas un GeoPackage (tables gpkg_contents, gpkg_geometry_columns, gpkg_spatial_ref_sys attendues)`);
    }
  }

  layers(): GpkgLayer[] {
    const rows = this.db.prepare(
      `SELECT g.table_name AS tableName, g.column_name AS columnName, g.geometry_type_name AS geometryType, g.srs_id AS srsId,
              s.organization AS organization, s.organization_coordsys_id AS orgId, s.definition AS definition
       FROM gpkg_geometry_columns g
       JOIN gpkg_contents c ON c.table_name = g.table_name
       LEFT JOIN gpkg_spatial_ref_sys s ON s.srs_id = g.srs_id
       WHERE c.data_type = 'features'`,
    ).all() as { tableName: string; columnName: string; geometryType: string; srsId: number; organization: string | null; orgId: number | null; definition: string | null }[];
    return rows.map((r) => ({
      table: r.tableName,
      geometryColumn: r.columnName,
      geometryType: r.geometryType,
      srsId: r.srsId,
      epsg: layerEpsg(r),
      columns: (this.db.prepare(`PRAGMA table_info(${quoteIdent(r.tableName)})`).all() as { name: string }[]).map((c) => c.name),
    }));
  }

  layer(name: string): GpkgLayer | undefined {
    return this.layers().find((l) => l.table.toLowerCase() === name.toLowerCase());
  }

  count(layer: GpkgLayer): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(layer.table)}`).get() as { n: number }).n;
  }

  /** Attribute rows only (no geometry decoding), for a first pass. */
  *attributes(layer: GpkgLayer, columns: string[]): Generator<Record<string, string | number | null>> {
    const list = columns.map(quoteIdent).join(', ');
    yield* this.db.prepare(`SELECT ${list} FROM ${quoteIdent(layer.table)} ORDER BY rowid`).iterate() as Iterable<Record<string, string | number | null>>;
  }

  /** Features in the layer's own CRS (reproject with crs.ts). */
  *features(layer: GpkgLayer, columns = layer.columns.filter((c) => c !== layer.geometryColumn)): Generator<GpkgFeature> {
    const list = [...columns.map(quoteIdent), `${quoteIdent(layer.geometryColumn)} AS "__geom"`].join(', ');
    let row = 0;
    for (const r of this.db.prepare(`SELECT ${list} FROM ${quoteIdent(layer.table)} ORDER BY rowid`).iterate() as Iterable<Record<string, unknown>>) {
      row++;
      const blob = r.__geom as Uint8Array | null;
      const properties: Record<string, string | number | null> = {};
      for (const c of columns) properties[c] = r[c] as string | number | null;
      let geometry: GeoJSON.Geometry | null = null;
      if (blob) {
        try {
          geometry = parseGpkgGeometry(blob).geometry;
        } catch (e) {
          throw new GpkgError(`${this.path}: couche ${layer.table}, ligne ${row}: ${(e as Error).message}`);
        }
      }
      yield { row, properties, geometry };
    }
  }

  close(): void {
    this.db.close();
  }
}

function layerEpsg(r: { tableName: string; srsId: number; organization: string | null; orgId: number | null; definition: string | null }): Epsg {
  if (r.organization?.toUpperCase() === 'EPSG' && r.orgId !== null && isKnownEpsg(r.orgId)) return r.orgId;
  if (r.definition && r.definition !== 'undefined') {
    try {
      return epsgFromWkt(r.definition);
    } catch (e) {
      if (!(e instanceof UnknownCrsError)) throw e;
    }
  }
  throw new GpkgError(`couche ${r.tableName}: système de coordonnées ${r.organization ?? '?'}:${r.orgId ?? r.srsId} non pris en charge`);
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
