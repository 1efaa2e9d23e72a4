/**
 * ARCEP coverage, from the layers read to commune records (pure): what ARCEP's
 * attributes and file names mean, the share of each commune's area and BAN
 * addresses in each level (overlay in framework/geo/covered-area.ts), the rows.
 */
import { basename } from 'node:path';
import type { CommuneRecord, Scalar } from '../../src/contract/dataset.js';
import { SourceError } from '../framework/errors.js';
import { fromWgs84, mapPositions, type Epsg } from '../framework/geo/crs.js';
import { boxesOverlap, polygonsOf, unionBox, type Poly } from '../framework/geo/planar.js';
import { coveredArea, cutPolygons, PieceIndex, type CutPolygon, type IntersectionStats } from '../framework/geo/covered-area.js';
import type { GpkgInput, PolygonLayer, PolygonLayerOptions } from '../framework/geo/gpkg-layers.js';

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
  file: string; from: string; operateur: string; operateurCommercial: string | null; techno: string; usage: string; epsg: Epsg;
  /** Départements named by the features (`dept`), when present. */
  departements: string[];
  trimestre: string | null;
  /** Polygons per level, in the layer's CRS. */
  levels: Map<string, Poly[]>;
  features: number;
}

export interface LevelShare { partSurface: number; surfaceCouverteKm2: number; partAdresses: number | null; adressesCouvertes: number | null }
export interface CommuneCoverage {
  operateur: string; operateurCommercial: string | null; techno: string; usage: string; trimestre: string | null;
  niveaux: Record<string, LevelShare>;
  /** Addresses in any level of this layer. */
  partAdressesCouvertes: number | null;
}

export interface CommuneShape extends CutPolygon { code: string }

/** `2026_T1_couv_Metropole_OF_4G_data.gpkg` → its parts, when the name follows ARCEP's pattern. */
export function parseCoverageName(name: string): { trimestre: string; territoire: string; operateur: string; techno: string; usage: string } | undefined {
  const m = /^(\d{4}_T[1-4])_couv_(.+)_([A-Z0-9]+)_(2G3G|2G|3G|4G|5G)_(voix|data)\.gpkg$/i.exec(basename(name));
  return m ? { trimestre: m[1], territoire: m[2], operateur: m[3], techno: m[4], usage: m[5] } : undefined;
}
const coverageName = ({ file, from }: GpkgInput) => parseCoverageName(file) ?? parseCoverageName(from.replace(/\.7z$/i, ''));

/** What a layer's features say (see gpkg-layers.ts): identity and départements, and each feature's level. */
export const layerReading = (sourceId: string): PolygonLayerOptions => ({
  sourceId, first: ['operateur', 'operateur_commercial', 'techno', 'usage'], distinct: ['dept'],
  check: (layer, input, has) => checkLayer(sourceId, layer.table, input, has),
  group: (value, row, { file }) => levelOf(sourceId, file, value('niveau'), row),
});

/** A layer says what it is by its levels or by its file name. */
export function checkLayer(sourceId: string, table: string, input: GpkgInput, has: (column: string) => boolean): void {
  if (!has('niveau') && !coverageName(input)) throw new SourceError(sourceId, input.file, `couche ${table}: ni champ « niveau » ni nom de fichier ARCEP (<trimestre>_couv_<territoire>_<OP>_<TECHNO>_<usage>.gpkg)`);
}

/** The level of a feature from its `niveau` (none: « couvert »). */
export function levelOf(sourceId: string, file: string, value: string | null, row: number): string {
  const niveau = (value ?? COVERED).toUpperCase();
  const level = niveau === 'COUVERT' ? COVERED : niveau;
  if (level !== COVERED && !(LEVELS as readonly string[]).includes(level)) throw new SourceError(sourceId, file, `niveau « ${niveau} » au lieu de TBC, BC ou CL`, row, 'niveau');
  return level;
}

export function coverageLayer(read: PolygonLayer): CoverageLayer {
  const named = coverageName(read);
  const { operateur, operateur_commercial: commercial, techno, usage } = read.first;
  return {
    file: read.file, from: read.from,
    operateur: operateur ?? named?.operateur ?? read.table,
    operateurCommercial: commercial,
    techno: (techno ?? named?.techno ?? '?').toUpperCase(),
    usage: (usage ?? named?.usage ?? '?').toLowerCase(),
    epsg: read.epsg,
    departements: [...new Set(read.distinct.dept.map((d) => d.padStart(2, '0')))].sort(),
    trimestre: named?.trimestre ?? null,
    levels: read.groups,
    features: read.features,
  };
}

/** Départements a layer covers (those its features name, but all of metropolitan France for a 2154 layer); undefined: unknown CRS. */
export function layerDepartements(layer: CoverageLayer): string[] | 'metropole' | undefined {
  const territory = TERRITORIES[layer.epsg];
  if (!territory) return undefined;
  return layer.departements.length && territory.departements !== 'metropole' ? layer.departements : territory.departements;
}

export const inTerritory = (departement: string, deps: string[] | 'metropole') =>
  deps === 'metropole' ? !departement.startsWith('97') && !departement.startsWith('98') : deps.includes(departement);

/** Commune contours of a territory, projected to its CRS and cut into pieces. */
export function communeShapes(records: CommuneRecord[], epsg: Epsg, keep: (code: string) => boolean): CommuneShape[] {
  const project = fromWgs84(epsg);
  const out: CommuneShape[] = [];
  for (const r of records) {
    if (!keep(r.code)) continue;
    const polys = (r.features ?? []).flatMap((f) => (f.geometry ? polygonsOf(mapPositions(f.geometry, project)) : []));
    if (polys.length) out.push({ code: r.code, ...cutPolygons(polys) });
  }
  return out;
}

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** Shares of every commune for one layer: polygons, shapes and points in the layer's CRS. */
export function measureLayer(layer: CoverageLayer, shapes: CommuneShape[], points: Map<string, Float64Array>, stats: IntersectionStats): Map<string, CommuneCoverage> {
  const out = new Map<string, CommuneCoverage>();
  const indexes = [...layer.levels].map(([level, polys]) => [level, new PieceIndex(polys)] as const);
  const layerBox = unionBox(indexes.flatMap(([, idx]) => idx.boxes));
  for (const shape of shapes) {
    // Outside the layer's extent nothing is covered: no geometry to test.
    const outside = !boxesOverlap(shape.box, layerBox);
    const pts = points.get(shape.code);
    const total = pts ? pts.length / 2 : 0;
    const niveaux: Record<string, LevelShare> = {};
    const inAny = pts ? new Uint8Array(total) : undefined;
    for (const [level, index] of indexes) {
      const area = index.pieces.length && !outside ? coveredArea(index, shape, stats) : 0;
      const covered = pts && !outside ? index.countInside(pts, inAny) : 0;
      niveaux[level] = {
        partSurface: round(Math.min(1, area / shape.area)),
        surfaceCouverteKm2: round(area / 1e6, 3),
        partAdresses: total ? round(covered / total) : null,
        adressesCouvertes: pts ? covered : null,
      };
    }
    const anyCovered = inAny ? inAny.reduce((s, v) => s + v, 0) : 0;
    out.set(shape.code, {
      operateur: layer.operateur, operateurCommercial: layer.operateurCommercial, techno: layer.techno, usage: layer.usage, trimestre: layer.trimestre,
      niveaux, partAdressesCouvertes: total ? round(anyCovered / total) : null,
    });
  }
  return out;
}

/** One record per commune (by code), one row per layer × level (levels in TBC, BC, CL, « couvert » order). */
export function toRecords(byCommune: Map<string, CommuneCoverage[]>): CommuneRecord[] {
  const levelOrder = [...LEVELS, COVERED];
  return [...byCommune.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, list]) => {
    list.sort((a, b) => `${a.techno}${a.usage}${a.operateur}`.localeCompare(`${b.techno}${b.usage}${b.operateur}`));
    const rows: Record<string, Scalar>[] = [];
    for (const c of list) {
      for (const level of levelOrder) {
        const s = c.niveaux[level];
        if (s) rows.push({ code, operateur: c.operateur, operateurCommercial: c.operateurCommercial, techno: c.techno, usage: c.usage, niveau: level, ...s });
      }
    }
    return { code, data: { couvertures: list }, rows };
  });
}
