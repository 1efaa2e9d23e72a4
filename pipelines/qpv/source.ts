/**
 * Quartiers prioritaires de la politique de la ville (QPV 2024, ANCT): per
 * commune, the QPV touching it, the share of each QPV's area inside it and
 * the share of its own area in QPV. Reads the commune contours of the same
 * release (source `communes-contours`).
 *
 * The ANCT delivery is a zip holding the national WGS84 GeoJSON
 * `QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson` next to per-territory,
 * Lambert-93, shapefile and GeoPackage variants. Only one national layer is
 * read, so that no QPV is counted twice.
 */
import type { SourceContext, SourceOutput, SourcePipeline } from '../framework/types.js';
import { type Decision, readPolygons } from '../framework/geo/feature-plan.js';
import { attributesOf, type LayerSpec, openLayers } from '../framework/geo/polygon-source.js';
import { FIELDS, MIN_SHARE_UNDECLARED, QPV_CODE, QpvProjector, qpvAttributes, type QpvRow, shapesFromContours } from './project.js';

const NATIONAL = /France_Hexagonale_Outre_Mer.*WGS84/i;
const LAYERS: LayerSpec<'code' | 'nom' | 'insee'> = {
  select: { shp: /^$/ },
  prefer: [{ format: 'geojson', name: NATIONAL }, { format: 'gpkg', name: NATIONAL }, { format: 'geojson', name: /WGS84/i }, { format: 'geojson', notName: /LB93|L93|LAMB/i }],
  none: 'aucune couche de QPV trouvée (GeoJSON ou GeoPackage attendu)',
  attributes: { code: ['code_qp'], nom: ['lib_qp'], insee: ['insee_com', 'code_insee'] },
  optional: ['insee'],
  missing: ([name], found) => ({ problem: `propriété « ${name} » absente; trouvées: ${found.join(', ') || '(aucune)'}`, column: name }),
};

const pipeline: SourcePipeline = {
  id: 'qpv',
  dependsOn: ['communes-contours'],
  async run(ctx: SourceContext): Promise<SourceOutput> {
    const { layers, ignored } = await openLayers(ctx, LAYERS);
    const { report, scope } = ctx;
    const contours = await ctx.dataset('communes-contours');
    const projector = new QpvProjector(ctx.referential, contours ? shapesFromContours(contours) : undefined);
    if (!contours) report.note('contours communaux', 'absents de la version: parts de surface non calculées');
    if (ignored.length) report.note('variantes ignorées', ignored.length);

    const seen = new Set<string>();
    let invalidInsee = 0;
    const polygons = readPolygons(layers, ctx, 'QPV', (feature, layer): Decision<Omit<QpvRow, 'geometry'>> => {
      const { code, nom, insee, invalid } = qpvAttributes(attributesOf(layer, feature.properties));
      // Whole-France files under a --departement filter: skip QPV declared elsewhere.
      if (scope.isPartial && insee.length && !insee.some((c) => scope.includes(c))) return { skip: true };
      if (invalid.length) invalidInsee++;
      if (!QPV_CODE.test(code)) return { reason: 'code QPV invalide' };
      if (seen.has(code)) return { reason: 'QPV en double' };
      return { target: { code, nom, insee } };
    });
    for await (const { target: qpv, feature } of polygons) {
      seen.add(qpv.code);
      if (!projector.add({ ...qpv, geometry: feature.geometry }).length) {
        report.rejected('QPV sans commune (insee_com vide ou inconnu, aucune intersection)');
        continue;
      }
      report.projected();
    }
    report.note('valeurs insee_com illisibles', invalidInsee);
    report.note('intersections QPV × commune calculées', projector.intersections);
    report.note(`communes non déclarées retenues (part ≥ ${MIN_SHARE_UNDECLARED * 100} %)`, projector.undeclaredKept);
    report.note('communes déclarées sans intersection', projector.declaredWithoutOverlap);

    return {
      fields: FIELDS,
      communes: projector.records((code) => scope.includes(code)),
      metadata: {
        partQpvDansCommune: 'aire géodésique de l\'intersection QPV ∩ commune / aire du QPV',
        partCommuneEnQpv: 'somme des aires des QPV dans la commune / aire de la commune',
        seuilCommunesNonDeclarees: MIN_SHARE_UNDECLARED,
        contoursCommunaux: contours ? 'communes-contours (même version)' : null,
        fichiers: layers.map((x) => x.source.label),
      },
    };
  },
};

export default pipeline;
