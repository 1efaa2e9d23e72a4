/**
 * Commune contours: Etalab « contours administratifs » GeoJSON by default,
 * IGN ADMIN EXPRESS (COG) shapefiles (`COMMUNE.shp`: `INSEE_COM`, `NOM`;
 * `ARRONDISSEMENT_MUNICIPAL.shp`: `INSEE_ARM`) or GeoPackage (layers
 * `commune`, `arrondissement_municipal`: `code_insee`, `nom_officiel`) through
 * --input, in Lambert-93 or any overseas CRS (read from the .prj / the
 * GeoPackage SRS).
 *
 * Two passes keep memory bounded on a national file: the first reads codes
 * only and plans the re-keying onto the release's COG; the second projects
 * each commune as soon as all its source polygons have been read.
 */
import type { SourceContext, SourceOutput, SourcePipeline } from '../framework/types.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { normaliseCommuneCode } from '../../src/domain/codes.js';
import { GroupProjector } from '../framework/geo/groups.js';
import { type LayerSpec, layerFiles, openLayers, planPolygons, projectPolygons } from '../framework/geo/polygon-source.js';
import { buildContourRecord, type ContourPart, FIELDS } from './project.js';

const LAYERS: LayerSpec<'code' | 'nom'> = {
  select: { shp: /^(COMMUNE|ARRONDISSEMENT_MUNICIPAL)\.shp$/i, gpkgLayers: ['commune', 'arrondissement_municipal'] },
  none: 'aucun contour de commune trouvé (GeoJSON, COMMUNE.shp, ou couche « commune » d\'un GeoPackage attendus)',
  // Etalab GeoJSON: `code`, `nom` (`commune` on arrondissements).
  attributes: { code: ['code', 'code_insee', 'INSEE_COM', 'INSEE_ARM'], nom: ['nom', 'nom_officiel', 'NOM', 'NOM_COM', 'nom_commune'] },
  optional: ['nom'],
  missing: (names, found) => ({ problem: `champ du code commune absent: attendu l'un de ${names.join(', ')}; trouvés: ${found.join(', ') || '(aucun)'}` }),
};

const pipeline: SourcePipeline = {
  id: 'communes-contours',
  async run(ctx: SourceContext): Promise<SourceOutput> {
    const { layers } = await openLayers(ctx, LAYERS);
    const { referential, scope, report } = ctx;
    const plan = await planPolygons(ctx, layers, {
      commune: (a) => normaliseCommuneCode(a.code) ?? { reason: 'code commune absent ou invalide' },
    });
    const groups = new GroupProjector<ContourPart, CommuneRecord>(plan.expected, (target, parts) => buildContourRecord(target, parts, referential));
    // Counts groups completed during the pass: one left incomplete (its last polygon without geometry) comes out of finish() uncounted, as it always has.
    let rekeyed = 0;
    const communes = projectPolygons(ctx, layers, plan, {
      phase: 'contours',
      projector: {
        add: (target, part: ContourPart) => {
          const record = groups.add(target, part);
          if (record?.data.recode) rekeyed++;
          return record;
        },
        finish: () => groups.finish(),
      },
      part: (a, geometry): ContourPart => ({ code: normaliseCommuneCode(a.code)!, nom: String(a.nom ?? '') || undefined, geometry }),
      end(done) {
        report.note('communes recodées (contours d\'un COG antérieur)', rekeyed);
        let missing = 0;
        for (const c of referential.communesAndArrondissements()) if (scope.includes(c.code) && !done.has(c.code)) missing++;
        report.note(`communes du COG ${referential.millesime} sans contour`, missing);
      },
    });

    return {
      fields: FIELDS,
      communes,
      metadata: {
        fichiers: layerFiles(layers),
        surface: 'aire géodésique sur l\'ellipsoïde GRS80 (latitudes authaliques), en m² et km²',
        centre: 'point intérieur au contour (turf pointOnFeature, ou milieu de la plus large traversée horizontale)',
        cog: referential.millesime,
      },
    };
  },
};

export default pipeline;
