/**
 * ARCEP theoretical mobile coverage (sources.md §5): for each commune, operator,
 * technology, usage and level (TBC très bonne, BC bonne, CL limitée; « couvert »
 * for 3G data), the share of the commune's area and the share of its BAN
 * addresses inside the coverage polygons.
 *
 * Geometry runs in each layer's own projected CRS (the one ARCEP publishes
 * per territory): commune contours (`communes-contours` dataset, WGS84) are
 * projected there once per territory, both sides are cut into small indexed
 * pieces, and only overlapping pieces are intersected (geometry.ts). Address
 * points come from the BAN file given as an input of this source (addresses.ts).
 */
import type { SourcePipeline } from '../framework/types.js';
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import { GateError } from '../framework/errors.js';
import { departementOf } from '../../src/domain/codes.js';
import { fromWgs84, mapPositions, type Epsg } from '../framework/geo/crs.js';
import { addressPoints, banFiles } from './addresses.js';
import { coveredArea, PieceIndex, pieces, boxOf, polyArea, polygonsOf, type Box, type IntersectionStats, type Poly } from './geometry.js';
import { COVERED, findCoverageFiles, LEVELS, readCoverageLayers, TERRITORIES, type CoverageLayer } from './layers.js';

export const FIELDS: FieldSchema[] = [
  { name: 'code', type: 'string', description: 'Commune (COG du millésime servi)' },
  { name: 'operateur', type: 'string', description: 'MCC-MNC de l’opérateur' },
  { name: 'operateurCommercial', type: 'string' },
  { name: 'techno', type: 'string', description: '2G, 2G3G, 3G, 4G, 5G' },
  { name: 'usage', type: 'string', description: 'voix ou data' },
  { name: 'niveau', type: 'string', description: 'TBC très bonne couverture, BC bonne, CL limitée, « couvert » sans niveau (3G data)' },
  { name: 'partSurface', type: 'number', description: 'Part de la surface de la commune dans ce niveau (0–1)' },
  { name: 'surfaceCouverteKm2', type: 'number', unit: 'km2' },
  { name: 'partAdresses', type: 'number', description: 'Part des adresses BAN de la commune dans ce niveau (0–1), vide sans adresses' },
  { name: 'adressesCouvertes', type: 'integer' },
];

export interface LevelShare { partSurface: number; surfaceCouverteKm2: number; partAdresses: number | null; adressesCouvertes: number | null }
export interface CommuneCoverage {
  operateur: string; operateurCommercial: string | null; techno: string; usage: string; trimestre: string | null;
  niveaux: Record<string, LevelShare>;
  /** Addresses in any level of this layer. */
  partAdressesCouvertes: number | null;
}

interface CommuneShape { code: string; pieces: Poly[]; boxes: Box[]; box: Box; area: number }

const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

function unionBox(boxes: Box[]): Box {
  const b: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const x of boxes) {
    b[0] = Math.min(b[0], x[0]); b[1] = Math.min(b[1], x[1]); b[2] = Math.max(b[2], x[2]); b[3] = Math.max(b[3], x[3]);
  }
  return b;
}

/** Commune contours of a territory, projected to its CRS and cut into pieces. */
export function communeShapes(records: CommuneRecord[], epsg: Epsg, inTerritory: (code: string) => boolean): CommuneShape[] {
  const project = fromWgs84(epsg);
  const out: CommuneShape[] = [];
  for (const r of records) {
    if (!inTerritory(r.code)) continue;
    const polys = (r.features ?? []).flatMap((f) => (f.geometry ? polygonsOf(mapPositions(f.geometry, project)) : []));
    if (!polys.length) continue;
    const parts = polys.flatMap((p) => pieces(p));
    const boxes = parts.map(boxOf);
    out.push({ code: r.code, pieces: parts, boxes, box: unionBox(boxes), area: parts.reduce((s, p) => s + polyArea(p), 0) });
  }
  return out;
}

/** Shares of every commune for one layer. Pure: polygons, shapes and points in the layer's CRS. */
export function measureLayer(layer: CoverageLayer, shapes: CommuneShape[], points: Map<string, Float64Array>, stats: IntersectionStats): Map<string, CommuneCoverage> {
  const out = new Map<string, CommuneCoverage>();
  const indexes = [...layer.levels].map(([level, polys]) => [level, new PieceIndex(polys)] as const);
  const layerBox = unionBox(indexes.flatMap(([, idx]) => idx.boxes));
  for (const shape of shapes) {
    // Outside the layer's extent nothing is covered: no geometry to test.
    const outside = !(shape.box[0] <= layerBox[2] && layerBox[0] <= shape.box[2] && shape.box[1] <= layerBox[3] && layerBox[1] <= shape.box[3]);
    const pts = points.get(shape.code);
    const total = pts ? pts.length / 2 : 0;
    const niveaux: Record<string, LevelShare> = {};
    const inAny = pts ? new Uint8Array(total) : undefined;
    for (const [level, index] of indexes) {
      const area = index.pieces.length && !outside ? coveredArea(index, shape, stats) : 0;
      let covered = 0;
      if (pts && !outside) {
        for (let i = 0; i < total; i++) {
          if (index.contains(pts[2 * i], pts[2 * i + 1])) {
            covered++;
            inAny![i] = 1;
          }
        }
      }
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

const pipeline: SourcePipeline = {
  id: 'arcep-couverture',
  dependsOn: ['communes-contours'],
  async run(ctx) {
    const sourceId = ctx.source.id;
    const contours = await ctx.dataset('communes-contours');
    if (!contours?.length) throw new GateError(sourceId, 'contours des communes', 'le jeu « communes-contours » doit être dans la release (ingéré avant ou en même temps)');
    const coverageFiles = await findCoverageFiles(ctx.files.filter((f) => !/\.csv(\.gz)?$/i.test(f)), ctx.workDir);
    if (!coverageFiles.length) throw new GateError(sourceId, 'fichiers de couverture', 'aucun GeoPackage parmi les fichiers');
    const ban = await banFiles(ctx.files);
    if (!ban.length) ctx.report.note('adresses', 'pas de fichier BAN parmi les entrées: parts d’adresses non calculées');

    const wanted = new Set(ctx.departements);
    const departementOfCode = (code: string) => ctx.referential.commune(code)?.departement ?? departementOf(code);
    const shapesByCrs = new Map<Epsg, CommuneShape[]>();
    const pointsByCrs = new Map<Epsg, Map<string, Float64Array>>();
    const byCommune = new Map<string, CommuneCoverage[]>();
    const stats: IntersectionStats = { pairs: 0 };
    const trimestres = new Set<string>();
    let layers = 0;
    for (const layer of readCoverageLayers(sourceId, coverageFiles)) {
      const started = Date.now();
      layers++;
      ctx.report.read(layer.features);
      const territory = TERRITORIES[layer.epsg];
      if (!territory) {
        ctx.report.rejected(`couche dans un CRS sans territoire connu (EPSG:${layer.epsg})`, layer.features);
        continue;
      }
      const deps = layer.departements.length && territory.departements !== 'metropole' ? layer.departements : territory.departements;
      const inTerritory = (code: string) => {
        const d = departementOfCode(code);
        if (wanted.size && !wanted.has(d)) return false;
        return deps === 'metropole' ? !d.startsWith('97') && !d.startsWith('98') : deps.includes(d);
      };
      if (!shapesByCrs.has(layer.epsg)) {
        shapesByCrs.set(layer.epsg, communeShapes(contours, layer.epsg, inTerritory));
        pointsByCrs.set(layer.epsg, await addressPoints(ctx.duckdb, ban, wanted.size ? [...wanted] : deps, layer.epsg, ctx.referential));
      }
      const shapes = shapesByCrs.get(layer.epsg)!.filter((s) => inTerritory(s.code));
      const measured = measureLayer(layer, shapes, pointsByCrs.get(layer.epsg)!, stats);
      for (const [code, coverage] of measured) {
        const list = byCommune.get(code) ?? [];
        list.push(coverage);
        byCommune.set(code, list);
      }
      ctx.report.projected(layer.features);
      if (layer.trimestre) trimestres.add(layer.trimestre);
      ctx.report.note(`${layer.operateur} ${layer.techno} ${layer.usage} (EPSG:${layer.epsg})`, `${shapes.length} communes, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      ctx.progress.update('couches de couverture', layers);
    }
    ctx.report.note('intersections de morceaux', stats.pairs);

    const levelOrder = [...LEVELS, COVERED];
    const records: CommuneRecord[] = [...byCommune.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, list]) => {
      list.sort((a, b) => `${a.techno}${a.usage}${a.operateur}`.localeCompare(`${b.techno}${b.usage}${b.operateur}`));
      const rows: Record<string, Scalar>[] = [];
      for (const c of list) {
        for (const level of levelOrder) {
          const s = c.niveaux[level];
          if (!s) continue;
          rows.push({ code, operateur: c.operateur, operateurCommercial: c.operateurCommercial, techno: c.techno, usage: c.usage, niveau: level, ...s });
        }
      }
      return { code, data: { couvertures: list }, rows };
    });
    return {
      millesime: trimestres.size === 1 ? [...trimestres][0] : undefined,
      fields: FIELDS,
      communes: records,
      metadata: {
        methode: 'Intersection exacte des polygones de couverture et des contours communaux dans la projection de la couche (Lambert-93, UTM des DROM), '
          + 'découpés en morceaux indexés (flatbush) ; adresses BAN testées point dans polygone. Les niveaux TBC/BC/CL sont mesurés séparément.',
      },
    };
  },
};

export default pipeline;
