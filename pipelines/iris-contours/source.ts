/**
 * IRIS contours (IGN × INSEE): per commune, its IRIS with code, name, type
 * and polygon, attached through the IRIS code prefix and re-keyed onto the
 * release's COG. IGN delivers shapefiles `CONTOURS-IRIS.shp` (upper-case
 * fields), one per territory in its own CRS, or the GeoPackage layer
 * `contours_iris` (lower-case fields), usually inside .7z archives; every
 * file is reprojected from its own CRS.
 */
import type { SourceContext, SourceOutput, SourcePipeline } from '../framework/types.js';
import { type LayerSpec, layerFiles, openLayers, planPolygons, projectPolygons } from '../framework/geo/polygon-source.js';
import { BrokenTextCounter } from '../framework/text-quality.js';
import { FIELDS, irisCode, irisCommune, IrisProjector, irisRow, TYPES } from './project.js';

const LAYERS: LayerSpec<'code' | 'nom' | 'type' | 'commune' | 'nomCommune'> = {
  select: { shp: /^(CONTOURS-IRIS|IRIS_GE)\.shp$/i, gpkgLayers: ['contours_iris', 'iris_ge'] },
  none: 'aucun contour d\'IRIS trouvé (CONTOURS-IRIS.shp ou couche « contours_iris » attendus)',
  attributes: { code: ['CODE_IRIS', 'code_iris'], nom: ['NOM_IRIS', 'nom_iris'], type: ['TYP_IRIS', 'type_iris'], commune: ['INSEE_COM', 'code_insee'], nomCommune: ['NOM_COM', 'nom_commune'] },
  optional: ['commune', 'nomCommune'],
  missing: (names, found) => ({ problem: `champ ${names.join(' / ')} absent; champs trouvés: ${found.join(', ') || '(aucun)'}`, column: names[0] }),
};

const pipeline: SourcePipeline = {
  id: 'iris-contours',
  async run(ctx: SourceContext): Promise<SourceOutput> {
    const { layers } = await openLayers(ctx, LAYERS);
    const { referential, report } = ctx;
    let prefixMismatch = 0;
    // Commune names are served from the COG; the source's own are only checked for lost characters.
    const broken = new BrokenTextCounter();
    const plan = await planPolygons(ctx, layers, {
      commune: (a) => irisCommune(irisCode(a.code), a.type),
      unique: { key: (a) => irisCode(a.code), reason: 'IRIS en double (même code dans plusieurs fichiers)' },
      planned(a, layer) {
        if (layer.fields.commune && irisCode(a.commune) !== irisCode(a.code).slice(0, 5)) prefixMismatch++;
        broken.check(layer.fields.nom, a.nom);
        broken.check(layer.fields.nomCommune, a.nomCommune);
      },
    });
    // The prefix decides; a commune field disagreeing with it is only reported.
    report.note('IRIS dont le champ commune diffère du préfixe du code', prefixMismatch);
    broken.report(report);

    const projector = new IrisProjector(referential, plan.expected);
    let rekeyed = 0;
    const communes = projectPolygons(ctx, layers, plan, {
      phase: 'IRIS',
      projector,
      part(a, geometry, target) {
        const row = irisRow(a.code, a.nom, a.type, geometry);
        if (row.communeSource !== target) rekeyed++;
        return row;
      },
      end() {
        report.note('IRIS rattachés à une commune recodée', rekeyed);
        report.note('IRIS gardés en mémoire au plus', projector.peakHeld);
      },
    });

    return {
      fields: FIELDS,
      communes,
      metadata: {
        types: TYPES,
        rattachement: 'par le préfixe du code IRIS (5 premiers caractères), jamais par intersection',
        fichiers: layerFiles(layers),
        cog: referential.millesime,
      },
    };
  },
};

export default pipeline;
