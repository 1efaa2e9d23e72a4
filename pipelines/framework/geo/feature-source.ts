/**
 * One way to read the features of every vector format the national producers
 * deliver — GeoJSON (plain or .gz), ESRI shapefile, GeoPackage — possibly
 * inside .7z/.zip archives, always handing out WGS84 geometry. Each source can
 * be read twice: attributes only (cheap first pass: codes, counts), then with
 * geometry, so that pipelines keep memory bounded.
 */
import { basename, relative } from 'node:path';
import { extractArchive, findFiles, isArchive, sniffFormat } from './archive.js';
import { type Epsg, isKnownEpsg, reprojectToWgs84 } from './crs.js';
import { declaredEpsg, GeoJsonFeatureReader } from './geojson-stream.js';
import { GeoPackage } from './gpkg.js';
import { dbfFieldNames, inspectShapefile, readDbf, readShapefile, type ShapefileInfo } from './shp.js';

export type Properties = Record<string, unknown>;

export interface SourceFeature {
  /** 1-based position of the feature in its file (the "line" of error messages). */
  index: number;
  properties: Properties;
  /** WGS84 geometry, null when the feature has none. */
  geometry: GeoJSON.Geometry | null;
}

export interface FeatureSource {
  /** Path of the file read (inside the scratch folder for archives). */
  file: string;
  /** Name to show in messages: `archive.7z!inner/path.shp`. */
  label: string;
  format: 'geojson' | 'shp' | 'gpkg';
  /** CRS of the stored coordinates (GeoJSON: known once reading started). */
  epsg(): Epsg | undefined;
  /** Attribute names as declared by the file (GeoJSON: those of the first feature). */
  fields(): Promise<string[]>;
  attributes(): AsyncGenerator<{ index: number; properties: Properties }>;
  features(): AsyncGenerator<SourceFeature>;
}

export interface SourceSelection {
  /** Shapefiles to read, by file name (e.g. /^COMMUNE\.shp$/i). */
  shp?: RegExp;
  /** GeoPackage layers to read, by table name (case-insensitive). */
  gpkgLayers?: string[];
  /** GeoJSON files to read among those of an archive, by name (default: all). */
  geojson?: RegExp;
}

export class FeatureSourceError extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
  }
}

type Kind = 'geojson' | 'shp' | 'gpkg' | undefined;

function kindOf(path: string): Kind {
  if (/\.(geo)?json(\.gz)?$/i.test(path)) return 'geojson';
  if (/\.shp$/i.test(path)) return 'shp';
  if (/\.gpkg$/i.test(path)) return 'gpkg';
  return undefined;
}

function sniffKind(path: string): Kind {
  switch (sniffFormat(path)) {
    case 'json': case 'gzip': return 'geojson';
    case 'sqlite': return 'gpkg';
    case 'shp': return 'shp';
    default: return undefined;
  }
}

/**
 * Every feature source found in the inputs: archives are unpacked into
 * `workDir` and searched; a plain file is classified by extension or, without
 * one, by its first bytes.
 */
export async function openFeatureSources(files: string[], workDir: string, select: SourceSelection = {}): Promise<FeatureSource[]> {
  const out: FeatureSource[] = [];
  for (const input of files) {
    if (isArchive(input)) {
      const dir = await extractArchive(input, workDir);
      const inner = findFiles(dir, (name) => kindOf(name) !== undefined);
      for (const path of inner) {
        const kind = kindOf(path)!;
        const label = `${basename(input)}!${relative(dir, path)}`;
        if (kind === 'shp' && select.shp && !select.shp.test(basename(path))) continue;
        if (kind === 'geojson' && select.geojson && !select.geojson.test(basename(path))) continue;
        out.push(...sourcesOf(path, kind, label, select));
      }
    } else {
      const kind = kindOf(input) ?? sniffKind(input);
      if (!kind) throw new FeatureSourceError(input, `${input}: format non reconnu (GeoJSON, shapefile, GeoPackage, .7z ou .zip attendus)`);
      out.push(...sourcesOf(input, kind, basename(input), select));
    }
  }
  return out;
}

function sourcesOf(path: string, kind: 'geojson' | 'shp' | 'gpkg', label: string, select: SourceSelection): FeatureSource[] {
  if (kind === 'geojson') return [geojsonSource(path, label)];
  if (kind === 'shp') return [shapefileSource(inspectOrThrow(path, label), label)];
  const gpkg = new GeoPackage(path);
  try {
    const layers = gpkg.layers();
    const wanted = select.gpkgLayers?.map((l) => l.toLowerCase());
    return layers.filter((l) => !wanted || wanted.includes(l.table.toLowerCase())).map((l) => gpkgSource(path, `${label}#${l.table}`, l.table));
  } finally {
    gpkg.close();
  }
}

function inspectOrThrow(path: string, label: string): ShapefileInfo {
  try {
    return inspectShapefile(path);
  } catch (e) {
    throw new FeatureSourceError(path, `${label}: ${(e as Error).message}`);
  }
}

function geojsonSource(path: string, label: string): FeatureSource {
  let epsg: Epsg | undefined;
  const resolveEpsg = (members: Record<string, unknown>): Epsg => {
    const declared = declaredEpsg(members) ?? 4326;
    if (!isKnownEpsg(declared)) throw new FeatureSourceError(path, `${label}: système de coordonnées EPSG:${declared} non pris en charge`);
    return declared;
  };
  return {
    file: path,
    label,
    format: 'geojson',
    epsg: () => epsg,
    async fields() {
      const reader = new GeoJsonFeatureReader(path);
      for await (const f of reader.features()) return Object.keys(f.properties ?? {});
      return [];
    },
    async *attributes() {
      const reader = new GeoJsonFeatureReader(path);
      for await (const f of reader.features()) {
        epsg ??= resolveEpsg(reader.members);
        yield { index: reader.count, properties: f.properties ?? {} };
      }
    },
    async *features() {
      const reader = new GeoJsonFeatureReader(path);
      for await (const f of reader.features()) {
        epsg ??= resolveEpsg(reader.members);
        yield { index: reader.count, properties: f.properties ?? {}, geometry: f.geometry ? reprojectToWgs84(f.geometry, epsg) : null };
      }
    },
  };
}

function shapefileSource(info: ShapefileInfo, label: string): FeatureSource {
  return {
    file: info.shp,
    label,
    format: 'shp',
    epsg: () => info.epsg,
    fields: async () => dbfFieldNames(info.dbf),
    async *attributes() {
      let index = 0;
      for await (const properties of readDbf(info)) yield { index: ++index, properties };
    },
    async *features() {
      let index = 0;
      for await (const f of readShapefile(info)) {
        yield { index: ++index, properties: f.properties ?? {}, geometry: f.geometry ? reprojectToWgs84(f.geometry, info.epsg) : null };
      }
    },
  };
}

function gpkgSource(path: string, label: string, table: string): FeatureSource {
  const withLayer = <T>(fn: (gpkg: GeoPackage, layer: NonNullable<ReturnType<GeoPackage['layer']>>) => T): T => {
    const gpkg = new GeoPackage(path);
    try {
      return fn(gpkg, gpkg.layer(table)!);
    } finally {
      gpkg.close();
    }
  };
  const epsg = withLayer((_, l) => l.epsg);
  return {
    file: path,
    label,
    format: 'gpkg',
    epsg: () => epsg,
    fields: async () => withLayer((_, l) => l.columns.filter((c) => c !== l.geometryColumn)),
    async *attributes() {
      const gpkg = new GeoPackage(path);
      try {
        const layer = gpkg.layer(table)!;
        let index = 0;
        for (const properties of gpkg.attributes(layer, layer.columns.filter((c) => c !== layer.geometryColumn))) yield { index: ++index, properties };
      } finally {
        gpkg.close();
      }
    },
    async *features() {
      const gpkg = new GeoPackage(path);
      try {
        const layer = gpkg.layer(table)!;
        for (const f of gpkg.features(layer)) {
          yield { index: f.row, properties: f.properties, geometry: f.geometry ? reprojectToWgs84(f.geometry, epsg) : null };
        }
      } finally {
        gpkg.close();
      }
    },
  };
}

/** The first of `names` present among `fields`, case-sensitive as the formats are. */
export function findField(fields: string[], names: string[]): string | undefined {
  return names.find((n) => fields.includes(n));
}
