/**
 * ARCEP theoretical coverage GeoPackages (sources.md §5): one file per
 * operator × technology × usage and territory, inside a .7z; features are
 * (Multi)Polygons, roughly one per coverage level (TBC, BC, CL; none for 3G
 * data), with attributes `operateur` (MCC-MNC), `techno`, `usage`, `niveau`,
 * `dept`, in the territory's projected CRS. Read with the GeoPackage reader
 * of src/geo (better-sqlite3 + GeoPackage WKB), never through GDAL.
 */
import { basename } from 'node:path';
import { expandInputs, sniffFormat } from '../framework/geo/archive.js';
import { GeoPackage, type GpkgLayer } from '../framework/geo/gpkg.js';
import type { Epsg } from '../framework/geo/crs.js';
import { SourceError } from '../framework/errors.js';
import { polygonsOf, type Poly } from './geometry.js';

export const LEVELS = ['TBC', 'BC', 'CL'] as const;
/** Level used when a layer has none (3G data: covered or not). */
export const COVERED = 'couvert';

/** Territory of a CRS, as ARCEP delivers them (sources.md §5). */
export const TERRITORIES: Partial<Record<Epsg, { nom: string; departements: string[] | 'metropole' }>> = {
  2154: { nom: 'Métropole', departements: 'metropole' },
  5490: { nom: 'Antilles', departements: ['971', '972', '977', '978'] },
  2972: { nom: 'Guyane', departements: ['973'] },
  2975: { nom: 'La Réunion', departements: ['974'] },
  4471: { nom: 'Mayotte', departements: ['976'] },
};

export interface CoverageLayer {
  file: string;
  from: string;
  operateur: string;
  operateurCommercial: string | null;
  techno: string;
  usage: string;
  epsg: Epsg;
  /** Départements named by the features (`dept`), when present. */
  departements: string[];
  trimestre: string | null;
  /** Polygons per level, in the layer's CRS. */
  levels: Map<string, Poly[]>;
  features: number;
}

/** `2026_T1_couv_Metropole_OF_4G_data.gpkg` → its parts, when the name follows ARCEP's pattern. */
export function parseCoverageName(name: string): { trimestre: string; territoire: string; operateur: string; techno: string; usage: string } | undefined {
  const m = /^(\d{4}_T[1-4])_couv_(.+)_([A-Z0-9]+)_(2G3G|2G|3G|4G|5G)_(voix|data)\.gpkg$/i.exec(basename(name));
  return m ? { trimestre: m[1], territoire: m[2], operateur: m[3], techno: m[4], usage: m[5] } : undefined;
}

const text = (v: unknown) => (v === null || v === undefined || v === '' ? null : String(v));

/** GeoPackages among the inputs (archives unpacked into `workDir`). */
export async function findCoverageFiles(files: string[], workDir: string): Promise<{ file: string; from: string }[]> {
  return expandInputs(files, workDir, (name, path) => /\.gpkg$/i.test(name) || (!/\.[a-z0-9]+$/i.test(name) && sniffFormat(path) === 'sqlite'));
}

/**
 * The coverage layers, one at a time: a metropolitan layer holds millions of
 * vertices, so only the layer being measured is in memory.
 */
export function* readCoverageLayers(sourceId: string, found: { file: string; from: string }[]): Generator<CoverageLayer> {
  for (const { file, from } of found) {
    const gpkg = new GeoPackage(file);
    try {
      for (const layer of gpkg.layers()) yield readLayer(sourceId, gpkg, layer, file, from);
    } finally {
      gpkg.close();
    }
  }
}

function readLayer(sourceId: string, gpkg: GeoPackage, layer: GpkgLayer, file: string, from: string): CoverageLayer {
  const named = parseCoverageName(file) ?? parseCoverageName(from.replace(/\.7z$/i, ''));
  const lower = new Map(layer.columns.map((c) => [c.toLowerCase(), c]));
  const col = (name: string) => lower.get(name);
  if (!col('niveau') && !named) throw new SourceError(sourceId, file, `couche ${layer.table}: ni champ « niveau » ni nom de fichier ARCEP (<trimestre>_couv_<territoire>_<OP>_<TECHNO>_<usage>.gpkg)`);
  const levels = new Map<string, Poly[]>();
  const departements = new Set<string>();
  let operateur: string | null = null;
  let commercial: string | null = null;
  let techno: string | null = null;
  let usage: string | null = null;
  let features = 0;
  for (const f of gpkg.features(layer)) {
    features++;
    const p = f.properties;
    operateur ??= text(p[col('operateur') ?? '']);
    commercial ??= text(p[col('operateur_commercial') ?? '']);
    techno ??= text(p[col('techno') ?? '']);
    usage ??= text(p[col('usage') ?? '']);
    const dept = text(p[col('dept') ?? '']);
    if (dept) departements.add(dept.padStart(2, '0'));
    const niveau = (text(p[col('niveau') ?? '']) ?? COVERED).toUpperCase();
    const level = niveau === 'COUVERT' ? COVERED : niveau;
    if (level !== COVERED && !(LEVELS as readonly string[]).includes(level)) {
      throw new SourceError(sourceId, file, `niveau « ${niveau} » au lieu de TBC, BC ou CL`, f.row, 'niveau');
    }
    const polys = polygonsOf(f.geometry);
    if (f.geometry && !polys.length) throw new SourceError(sourceId, file, `géométrie ${f.geometry.type} au lieu de (Multi)Polygon`, f.row, layer.geometryColumn);
    const list = levels.get(level) ?? [];
    for (const poly of polys) list.push(poly);
    levels.set(level, list);
  }
  return {
    file, from,
    operateur: operateur ?? named?.operateur ?? layer.table,
    operateurCommercial: commercial,
    techno: (techno ?? named?.techno ?? '?').toUpperCase(),
    usage: (usage ?? named?.usage ?? '?').toLowerCase(),
    epsg: layer.epsg,
    departements: [...departements].sort(),
    trimestre: named?.trimestre ?? null,
    levels,
    features,
  };
}
