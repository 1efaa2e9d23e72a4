/**
 * Polygon layers of the GeoPackages among a source's inputs: plain .gpkg files,
 * .gpkg inside .7z/.zip archives as producers ship them (ARCEP coverage), or
 * cached downloads without extension (recognised by their SQLite header). Each
 * layer is read whole, one at a time (a national layer holds millions of
 * vertices, so only the layer being measured is in memory), its polygons
 * grouped by a key the source derives from the attributes. Read with the
 * GeoPackage reader of gpkg.ts (better-sqlite3 + GeoPackage WKB), never GDAL.
 */
import { expandInputs, sniffFormat } from './archive.js';
import { GeoPackage, type GpkgLayer } from './gpkg.js';
import type { Epsg } from './crs.js';
import { polygonsOf, type Poly } from './planar.js';
import { SourceError } from '../errors.js';

/** A GeoPackage to read (`file`) and the input it came from (`from`: itself, or its archive). */
export interface GpkgInput { file: string; from: string }

/** GeoPackages among the inputs (archives unpacked into `workDir`). */
export async function findGeoPackages(files: string[], workDir: string): Promise<GpkgInput[]> {
  return expandInputs(files, workDir, (name, path) => /\.gpkg$/i.test(name) || (!/\.[a-z0-9]+$/i.test(name) && sniffFormat(path) === 'sqlite'));
}

export interface PolygonLayer extends GpkgInput {
  table: string;
  epsg: Epsg;
  features: number;
  /** First non-empty value of each column asked in `first` (null when none). */
  first: Record<string, string | null>;
  /** Distinct non-empty values of each column asked in `distinct`, in order of appearance. */
  distinct: Record<string, string[]>;
  /** Polygons per group, groups in order of appearance (a group may hold none: features without geometry). */
  groups: Map<string, Poly[]>;
}

export interface PolygonLayerOptions {
  sourceId: string;
  /** Attribute columns (any case) whose first non-empty value is kept. */
  first?: string[];
  /** Attribute columns (any case) whose distinct non-empty values are kept. */
  distinct?: string[];
  /** Called before a layer's features, `has(column)` in any case: throw to refuse the layer. */
  check?(layer: GpkgLayer, input: GpkgInput, has: (column: string) => boolean): void;
  /** Group of a feature from its attributes (`value(column)`: any case, empty → null); throw to refuse it. */
  group(value: (column: string) => string | null, row: number, input: GpkgInput): string;
}

const text = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));

/** The layers of every GeoPackage, one at a time; a feature that is not (Multi)Polygon stops the run. */
export function* readPolygonLayers(inputs: GpkgInput[], options: PolygonLayerOptions): Generator<PolygonLayer> {
  for (const input of inputs) {
    const gpkg = new GeoPackage(input.file);
    try {
      for (const layer of gpkg.layers()) yield readLayer(gpkg, layer, input, options);
    } finally {
      gpkg.close();
    }
  }
}

function readLayer(gpkg: GeoPackage, layer: GpkgLayer, input: GpkgInput, options: PolygonLayerOptions): PolygonLayer {
  const lower = new Map(layer.columns.map((c) => [c.toLowerCase(), c]));
  options.check?.(layer, input, (name) => lower.has(name.toLowerCase()));
  const first: Record<string, string | null> = Object.fromEntries((options.first ?? []).map((c) => [c, null]));
  const distinct = new Map((options.distinct ?? []).map((c) => [c, new Set<string>()]));
  const groups = new Map<string, Poly[]>();
  let features = 0;
  for (const f of gpkg.features(layer)) {
    features++;
    const value = (name: string) => text(f.properties[lower.get(name.toLowerCase()) ?? '']);
    for (const c in first) first[c] ??= value(c);
    for (const [c, set] of distinct) {
      const v = value(c);
      if (v) set.add(v);
    }
    const key = options.group(value, f.row, input);
    const polys = polygonsOf(f.geometry);
    if (f.geometry && !polys.length) throw new SourceError(options.sourceId, input.file, `géométrie ${f.geometry.type} au lieu de (Multi)Polygon`, f.row, layer.geometryColumn);
    const list = groups.get(key) ?? [];
    for (const poly of polys) list.push(poly);
    groups.set(key, list);
  }
  return {
    ...input, table: layer.table, epsg: layer.epsg, features, first,
    distinct: Object.fromEntries([...distinct].map(([c, set]) => [c, [...set]])), groups,
  };
}
