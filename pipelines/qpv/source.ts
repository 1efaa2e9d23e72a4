/**
 * Quartiers prioritaires de la politique de la ville (QPV 2024, ANCT): per
 * commune, the QPV touching it, the share of each QPV's area inside it and
 * the share of its own area in QPV. Reads the commune contours of the same
 * release (source `communes-contours`).
 */
import type { SourceContext, SourceOutput, SourcePipeline } from '../framework/types.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { departementOf } from '../../src/domain/codes.js';
import { type Areal, geodesicArea } from '../../src/geo/measure.js';
import { isAreal } from '../../src/geo/measure.js';
import { type CommuneShape, FIELDS, MIN_SHARE_UNDECLARED, parseInseeCom, QPV_CODE, QpvProjector } from './project.js';
import { openQpvInputs } from './read.js';

export function shapesFromContours(records: CommuneRecord[]): CommuneShape[] {
  const out: CommuneShape[] = [];
  for (const r of records) {
    const geometry = r.features?.[0]?.geometry ?? null;
    if (!isAreal(geometry)) continue;
    const stored = (r.data.surface as { m2?: number } | undefined)?.m2;
    out.push({ code: r.code, geometry: geometry as Areal, area: typeof stored === 'number' && stored > 0 ? stored : geodesicArea(geometry as Areal) });
  }
  return out;
}

const pipeline: SourcePipeline = {
  id: 'qpv',
  dependsOn: ['communes-contours'],
  async run(ctx: SourceContext): Promise<SourceOutput> {
    const { referential } = ctx;
    const { inputs, ignored } = await openQpvInputs(ctx.source.id, ctx.files, ctx.workDir);
    const contours = await ctx.dataset('communes-contours');
    const projector = new QpvProjector(referential, contours ? shapesFromContours(contours) : undefined);
    if (!contours) ctx.report.note('contours communaux', 'absents de la version: parts de surface non calculées');
    if (ignored.length) ctx.report.note('variantes ignorées', ignored.length);

    const wanted = new Set(ctx.departements);
    const inScope = (code: string) => !wanted.size || wanted.has(referential.commune(code)?.departement ?? departementOf(code));
    const seen = new Set<string>();
    let invalidInsee = 0;
    let read = 0;
    for (const input of inputs) {
      for await (const f of input.source.features()) {
        const code = String(f.properties[input.code] ?? '').trim().toUpperCase();
        const { codes: insee, invalid } = parseInseeCom(input.insee ? f.properties[input.insee] : undefined);
        // Whole-France files under a --departement filter: skip QPV declared elsewhere.
        if (wanted.size && insee.length && !insee.some(inScope)) continue;
        ctx.report.read();
        ctx.progress.update('QPV', ++read);
        if (invalid.length) invalidInsee++;
        if (!QPV_CODE.test(code)) { ctx.report.rejected('code QPV invalide'); continue; }
        if (seen.has(code)) { ctx.report.rejected('QPV en double'); continue; }
        if (!isAreal(f.geometry)) { ctx.report.rejected(f.geometry ? 'géométrie non surfacique' : 'géométrie absente'); continue; }
        seen.add(code);
        const communes = projector.add({ code, nom: String(f.properties[input.nom] ?? '').trim(), insee, geometry: f.geometry });
        if (!communes.length) { ctx.report.rejected('QPV sans commune (insee_com vide ou inconnu, aucune intersection)'); continue; }
        ctx.report.projected();
      }
    }
    ctx.report.note('valeurs insee_com illisibles', invalidInsee);
    ctx.report.note('intersections QPV × commune calculées', projector.intersections);
    ctx.report.note(`communes non déclarées retenues (part ≥ ${MIN_SHARE_UNDECLARED * 100} %)`, projector.undeclaredKept);
    ctx.report.note('communes déclarées sans intersection', projector.declaredWithoutOverlap);

    return {
      fields: FIELDS,
      communes: projector.records(inScope),
      metadata: {
        partQpvDansCommune: 'aire géodésique de l\'intersection QPV ∩ commune / aire du QPV',
        partCommuneEnQpv: 'somme des aires des QPV dans la commune / aire de la commune',
        seuilCommunesNonDeclarees: MIN_SHARE_UNDECLARED,
        contoursCommunaux: contours ? 'communes-contours (même version)' : null,
        fichiers: inputs.map((x) => x.source.label),
      },
    };
  },
};

export default pipeline;
