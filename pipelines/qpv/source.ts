/**
 * Quartiers prioritaires de la politique de la ville (ANCT): per commune, the
 * QPV touching it, the share of each QPV's area inside it, of its own area and
 * of its IRIS covered by each QPV, and of its area in QPV. Reads the commune
 * contours and IRIS of the same release (`communes-contours`, `iris-contours`).
 *
 * 2024 geography: a zip holding the national WGS84 GeoJSON
 * `QP2024_France_Hexagonale_Outre_Mer_WGS84.geojson` next to per-territory,
 * Lambert-93, shapefile and GeoPackage variants; only one national layer is
 * read, so that no QPV is counted twice. 2015 geography: `CODE_QP`, `NOM_QP`
 * and `COMMUNE_QP`, a commune *name*: the communes come from the polygon's
 * location, checked against that name. The millésime served is the layout's.
 */
import type { SourceContext, SourceOutput, SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { type Decision, readPolygons } from '../framework/geo/feature-plan.js';
import { attributesOf, type LayerSpec, openLayers } from '../framework/geo/polygon-source.js';
import { FIELDS, geographyOf, MIN_SHARE_UNDECLARED, QPV_CODE, QpvProjector, qpvAttributes, qpvMetadata, type QpvRow, shapesFromContours, shapesFromIris } from './project.js';

const NATIONAL = /France_Hexagonale_Outre_Mer.*WGS84/i;
const LAYERS: LayerSpec<'code' | 'nom' | 'insee' | 'communeNom'> = {
  select: { shp: /^$/ },
  prefer: [{ format: 'geojson', name: NATIONAL }, { format: 'gpkg', name: NATIONAL }, { format: 'geojson', name: /WGS84/i }, { format: 'geojson', notName: /LB93|L93|LAMB/i }],
  none: 'aucune couche de QPV trouvée (GeoJSON ou GeoPackage attendu)',
  attributes: { code: ['code_qp', 'CODE_QP'], nom: ['lib_qp', 'NOM_QP'], insee: ['insee_com', 'code_insee'], communeNom: ['COMMUNE_QP'] },
  optional: ['insee', 'communeNom'],
  missing: ([name], found) => ({ problem: `propriété « ${name} » absente; trouvées: ${found.join(', ') || '(aucune)'}`, column: name }),
};

const pipeline: SourcePipeline = {
  id: 'qpv',
  dependsOn: ['communes-contours', 'iris-contours'],
  async run(ctx: SourceContext): Promise<SourceOutput> {
    const { layers, ignored } = await openLayers(ctx, LAYERS);
    const { report, scope } = ctx;
    const geographies = new Set(layers.map((l) => geographyOf(l.fields.code)));
    if (geographies.size > 1) throw new SourceError(ctx.source.id, ctx.files.join(', '), 'géographies QPV 2015 et 2024 mêlées dans une même ingestion');
    const [contours, iris] = [await ctx.dataset('communes-contours'), await ctx.dataset('iris-contours')];
    const projector = new QpvProjector(ctx.referential, contours ? shapesFromContours(contours) : undefined, iris ? shapesFromIris(iris) : undefined);
    if (!contours) report.note('contours communaux', 'absents de la version: parts de surface non calculées');
    if (ignored.length) report.note('variantes ignorées', ignored.length);

    const seen = new Set<string>();
    let invalidInsee = 0;
    const polygons = readPolygons(layers, ctx, 'QPV', (feature, layer): Decision<Omit<QpvRow, 'geometry'>> => {
      const a = attributesOf(layer, feature.properties);
      const { code, nom, insee, invalid } = qpvAttributes(a);
      // Whole-France files under a --departement filter: skip QPV declared elsewhere.
      if (scope.isPartial && insee.length && !insee.some((c) => scope.includes(c))) return { skip: true };
      if (invalid.length) invalidInsee++;
      if (!QPV_CODE.test(code)) return { reason: 'code QPV invalide' };
      if (seen.has(code)) return { reason: 'QPV en double' };
      return { target: { code, nom, insee, ...(layer.fields.communeNom ? { communeNom: String(a.communeNom ?? '') } : {}) } };
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
    if (projector.nameMismatches.length) report.note('QPV dont aucune commune localisée ne porte le nom de COMMUNE_QP', projector.nameMismatches.join(', '));

    const [millesime] = geographies;
    return {
      millesime,
      fields: FIELDS,
      communes: projector.records((code) => scope.includes(code)),
      metadata: { ...qpvMetadata(millesime, Boolean(contours), Boolean(iris)), fichiers: layers.map((x) => x.source.label) },
    };
  },
};

export default pipeline;
