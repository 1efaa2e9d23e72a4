/**
 * IRIS contours (IGN × INSEE): per commune, its IRIS with code, name, type
 * and polygon, attached through the IRIS code prefix and re-keyed onto the
 * release's COG. Every territory's file is reprojected from its own CRS.
 */
import type { SourceContext, SourceOutput, SourcePipeline } from '../framework/types.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { FeaturePlan } from '../framework/geo/feature-plan.js';
import { departementOf } from '../../src/domain/codes.js';
import { classifyIris, FIELDS, IrisProjector, TYPES } from './project.js';
import { openIrisInputs } from './read.js';

const pipeline: SourcePipeline = {
  id: 'iris-contours',
  async run(ctx: SourceContext): Promise<SourceOutput> {
    const inputs = await openIrisInputs(ctx.source.id, ctx.files, ctx.workDir);
    const { referential } = ctx;
    const wanted = new Set(ctx.departements);
    const inScope = (commune: string) => !wanted.size || wanted.has(referential.commune(commune)?.departement ?? departementOf(commune));

    // Pass 1: attributes → decision per feature, IRIS count per commune.
    const plan = new FeaturePlan();
    const expected = new Map<string, number>();
    const seen = new Set<string>();
    let prefixMismatch = 0;
    for (const [i, input] of inputs.entries()) {
      for await (const { index, properties } of input.source.attributes()) {
        const code = String(properties[input.code] ?? '').trim().toUpperCase();
        const d = classifyIris(code, properties[input.type], referential);
        if (!d.ok) {
          plan.set(i, index, !code || inScope(code.slice(0, 5)) ? { reason: d.reason } : { skip: true });
          continue;
        }
        if (!inScope(d.target)) {
          plan.set(i, index, { skip: true });
          continue;
        }
        if (seen.has(code)) {
          plan.set(i, index, { reason: 'IRIS en double (même code dans plusieurs fichiers)' });
          continue;
        }
        seen.add(code);
        if (input.commune && String(properties[input.commune] ?? '').trim().toUpperCase() !== code.slice(0, 5)) prefixMismatch++;
        plan.set(i, index, { target: d.target });
        expected.set(d.target, (expected.get(d.target) ?? 0) + 1);
      }
    }
    if (plan.outOfScope) ctx.report.note('hors des départements demandés', plan.outOfScope);
    // The prefix decides; a commune field disagreeing with it is only reported.
    ctx.report.note('IRIS dont le champ commune diffère du préfixe du code', prefixMismatch);

    async function* communes(): AsyncGenerator<CommuneRecord> {
      const projector = new IrisProjector(referential, expected);
      let rekeyed = 0;
      const shrink = (target: string) => expected.set(target, (expected.get(target) ?? 1) - 1);
      for await (const { input, feature: f, target } of plan.polygons(inputs, ctx, 'IRIS', shrink)) {
        const code = String(f.properties[input.code]).trim().toUpperCase();
        if (code.slice(0, 5) !== target) rekeyed++;
        ctx.report.projected();
        const record = projector.add(target, {
          code,
          nom: String(f.properties[input.nom] ?? '').trim(),
          type: String(f.properties[input.type]).trim().toUpperCase(),
          communeSource: code.slice(0, 5),
          geometry: f.geometry,
        });
        if (record) yield record;
      }
      yield* projector.finish();
      ctx.report.note('IRIS rattachés à une commune recodée', rekeyed);
      ctx.report.note('IRIS gardés en mémoire au plus', projector.peakHeld);
    }

    return {
      fields: FIELDS,
      communes: communes(),
      metadata: {
        types: TYPES,
        rattachement: 'par le préfixe du code IRIS (5 premiers caractères), jamais par intersection',
        fichiers: inputs.map((x) => ({ fichier: x.source.label, format: x.source.format, epsg: x.source.epsg() ?? 4326 })),
        cog: referential.millesime,
      },
    };
  },
};

export default pipeline;
