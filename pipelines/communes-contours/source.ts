/**
 * Commune contours: Etalab « contours administratifs » GeoJSON by default,
 * IGN ADMIN EXPRESS (COG) shapefiles or GeoPackage through --input, in
 * Lambert-93 or any overseas CRS (read from the .prj / the GeoPackage SRS).
 *
 * Two passes keep memory bounded on a national file: the first reads codes
 * only and plans the re-keying onto the release's COG; the second projects
 * each commune as soon as all its source polygons have been read.
 */
import type { SourceContext, SourceOutput, SourcePipeline } from '../framework/types.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { FeaturePlan } from '../framework/geo/feature-plan.js';
import { departementOf, normaliseCommuneCode } from '../../src/domain/codes.js';
import { rekey } from '../framework/rekey.js';
import { GroupCollector } from '../framework/geo/groups.js';
import { openContourInputs } from './read.js';
import { buildContourRecord, type ContourPart, FIELDS } from './project.js';

const pipeline: SourcePipeline = {
  id: 'communes-contours',
  async run(ctx: SourceContext): Promise<SourceOutput> {
    const inputs = await openContourInputs(ctx.source.id, ctx.files, ctx.workDir);
    const { referential } = ctx;
    const wanted = new Set(ctx.departements);
    const inScope = (code: string) => !wanted.size || wanted.has(referential.commune(code)?.departement ?? departementOf(code));

    // Pass 1: codes only → target commune of every feature, group sizes.
    const plan = new FeaturePlan();
    const groupSize = new Map<string, number>();
    for (const [i, input] of inputs.entries()) {
      for await (const { index, properties } of input.source.attributes()) {
        const code = normaliseCommuneCode(properties[input.codeField]);
        if (!code) {
          plan.set(i, index, { reason: 'code commune absent ou invalide' });
          continue;
        }
        const r = rekey(code, referential);
        if (!r.ok) {
          plan.set(i, index, inScope(code) ? { reason: r.reason } : { skip: true });
          continue;
        }
        if (!inScope(r.code)) {
          plan.set(i, index, { skip: true });
          continue;
        }
        plan.set(i, index, { target: r.code });
        groupSize.set(r.code, (groupSize.get(r.code) ?? 0) + 1);
      }
    }
    if (plan.outOfScope) ctx.report.note('hors des départements demandés', plan.outOfScope);

    async function* communes(): AsyncGenerator<CommuneRecord> {
      const collector = new GroupCollector<ContourPart>(groupSize);
      const done = new Set<string>();
      let rekeyed = 0;
      const shrink = (target: string) => groupSize.set(target, (groupSize.get(target) ?? 1) - 1);
      for await (const { input, feature, target } of plan.polygons(inputs, ctx, 'contours', shrink)) {
        const code = normaliseCommuneCode(feature.properties[input.codeField])!;
        const nom = input.nameField ? String(feature.properties[input.nameField] ?? '') || undefined : undefined;
        const group = collector.add(target, { code, nom, geometry: feature.geometry });
        if (!group) continue;
        ctx.report.projected(group.length);
        if (group.some((g) => g.code !== target)) rekeyed++;
        done.add(target);
        yield buildContourRecord(target, group, referential);
      }
      for (const [target, group] of collector.leftovers()) {
        if (!group.length) continue;
        ctx.report.projected(group.length);
        done.add(target);
        yield buildContourRecord(target, group, referential);
      }
      ctx.report.note('communes recodées (contours d\'un COG antérieur)', rekeyed);
      let missing = 0;
      for (const c of referential.communesAndArrondissements()) if (inScope(c.code) && !done.has(c.code)) missing++;
      ctx.report.note(`communes du COG ${referential.millesime} sans contour`, missing);
    }

    return {
      fields: FIELDS,
      communes: communes(),
      metadata: {
        fichiers: inputs.map((x) => ({ fichier: x.source.label, format: x.source.format, epsg: x.source.epsg() ?? 4326 })),
        surface: 'aire géodésique sur l\'ellipsoïde GRS80 (latitudes authaliques), en m² et km²',
        centre: 'point intérieur au contour (turf pointOnFeature, ou milieu de la plus large traversée horizontale)',
        cog: referential.millesime,
      },
    };
  },
};

export default pipeline;
