/**
 * ARCEP theoretical mobile coverage (sources.md §5): for each commune, operator,
 * technology, usage and level (TBC très bonne, BC bonne, CL limitée; « couvert »
 * for 3G data), the share of the commune's area and of its BAN addresses inside
 * the coverage polygons. Geometry runs in each layer's own projected CRS: the
 * commune contours (`communes-contours` dataset, WGS84) are projected there once
 * per territory; the BAN file is an input of this source (framework/ban-points.ts).
 */
import type { SourcePipeline } from '../framework/types.js';
import type { FieldSchema } from '../../src/contract/dataset.js';
import { GateError } from '../framework/errors.js';
import { departementOf } from '../../src/domain/codes.js';
import type { Epsg } from '../framework/geo/crs.js';
import { banFiles, banPoints } from '../framework/ban-points.js';
import { findGeoPackages, readPolygonLayers } from '../framework/geo/gpkg-layers.js';
import type { IntersectionStats } from '../framework/geo/covered-area.js';
import { communeShapes, coverageLayer, inTerritory, layerDepartements, layerReading, measureLayer, toRecords, type CommuneCoverage, type CommuneShape } from './project.js';

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

const METHODE = 'Intersection exacte des polygones de couverture et des contours communaux dans la projection de la couche (Lambert-93, UTM des DROM), '
  + 'découpés en morceaux indexés (flatbush) ; adresses BAN testées point dans polygone. Les niveaux TBC/BC/CL sont mesurés séparément.';

const pipeline: SourcePipeline = {
  id: 'arcep-couverture',
  dependsOn: ['communes-contours'],
  async run(ctx) {
    const sourceId = ctx.source.id;
    const contours = await ctx.dataset('communes-contours');
    if (!contours?.length) throw new GateError(sourceId, 'contours des communes', 'le jeu « communes-contours » doit être dans la release (ingéré avant ou en même temps)');
    const coverageFiles = await findGeoPackages(ctx.files.filter((f) => !/\.csv(\.gz)?$/i.test(f)), ctx.workDir);
    if (!coverageFiles.length) throw new GateError(sourceId, 'fichiers de couverture', 'aucun GeoPackage parmi les fichiers');
    const ban = await banFiles(ctx.files);
    if (!ban.length) ctx.report.note('adresses', 'pas de fichier BAN parmi les entrées: parts d’adresses non calculées');

    const byCrs = new Map<Epsg, { shapes: CommuneShape[]; points: Map<string, Float64Array> }>();
    const byCommune = new Map<string, CommuneCoverage[]>();
    const stats: IntersectionStats = { pairs: 0 };
    const trimestres = new Set<string>();
    let layers = 0;
    for (const read of readPolygonLayers(coverageFiles, layerReading(sourceId))) {
      const started = Date.now();
      const layer = coverageLayer(read);
      layers++;
      ctx.report.read(layer.features);
      const deps = layerDepartements(layer);
      if (!deps) {
        ctx.report.rejected(`couche dans un CRS sans territoire connu (EPSG:${layer.epsg})`, layer.features);
        continue;
      }
      const keep = (code: string) => ctx.scope.includes(code) && inTerritory(ctx.referential.commune(code)?.departement ?? departementOf(code), deps);
      if (!byCrs.has(layer.epsg)) {
        const departements = ctx.scope.isPartial ? [...ctx.scope.departements] : deps;
        byCrs.set(layer.epsg, { shapes: communeShapes(contours, layer.epsg, keep), points: await banPoints(ctx.duckdb, ban, departements, layer.epsg, ctx.referential) });
      }
      const crs = byCrs.get(layer.epsg)!;
      const shapes = crs.shapes.filter((s) => keep(s.code));
      for (const [code, coverage] of measureLayer(layer, shapes, crs.points, stats)) byCommune.set(code, [...(byCommune.get(code) ?? []), coverage]);
      ctx.report.projected(layer.features);
      if (layer.trimestre) trimestres.add(layer.trimestre);
      ctx.report.note(`${layer.operateur} ${layer.techno} ${layer.usage} (EPSG:${layer.epsg})`, `${shapes.length} communes, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      ctx.progress.update('couches de couverture', layers);
    }
    ctx.report.note('intersections de morceaux', stats.pairs);
    return { millesime: trimestres.size === 1 ? [...trimestres][0] : undefined, fields: FIELDS, communes: toRecords(byCommune), metadata: { methode: METHODE } };
  },
};

export default pipeline;
