/**
 * The two passes the polygon sources share. Pass 1 reads attributes only and
 * decides each feature's fate: a target commune, a rejection reason, or out of
 * the requested départements. Pass 2 re-reads the geometries and yields the
 * planned polygons only, keeping the run report exact (every in-scope feature
 * read is projected by the caller or rejected here). The plan holds codes,
 * never geometry, so memory stays bounded on national files.
 */
import type { SourceContext } from '../types.js';
import { SourceError } from '../errors.js';
import type { FeatureSource, SourceFeature } from './feature-source.js';
import { isAreal, type Areal } from '../../../src/geo/measure.js';

export type PlanEntry = { target: string } | { reason: string } | { skip: true };

export class FeaturePlan {
  private readonly entries = new Map<string, PlanEntry>();

  set(input: number, index: number, entry: PlanEntry): void {
    this.entries.set(`${input}:${index}`, entry);
  }

  /** Features outside the requested départements: neither read nor rejected. */
  get outOfScope(): number {
    let n = 0;
    for (const p of this.entries.values()) if ('skip' in p) n++;
    return n;
  }

  /**
   * Pass 2: the areal features with their target commune. `dropped` is told of
   * a planned feature that turned out to have no polygon, so that group sizes
   * computed in pass 1 can shrink.
   */
  async *polygons<I extends { source: FeatureSource }>(
    inputs: I[], ctx: Pick<SourceContext, 'source' | 'report' | 'progress'>, phase: string, dropped: (target: string) => void,
  ): AsyncGenerator<{ input: I; feature: SourceFeature & { geometry: Areal }; target: string }> {
    const total = this.entries.size - this.outOfScope;
    let read = 0;
    for (const [i, input] of inputs.entries()) {
      for await (const feature of input.source.features()) {
        const p = this.entries.get(`${i}:${feature.index}`);
        if (!p) throw new SourceError(ctx.source.id, input.source.label, 'le fichier a changé entre deux lectures', feature.index);
        if ('skip' in p) continue;
        ctx.report.read();
        ctx.progress.update(phase, ++read, total);
        if ('reason' in p) {
          ctx.report.rejected(p.reason);
          continue;
        }
        if (!isAreal(feature.geometry)) {
          ctx.report.rejected(feature.geometry ? 'géométrie non surfacique' : 'géométrie absente');
          dropped(p.target);
          continue;
        }
        yield { input, feature: feature as SourceFeature & { geometry: Areal }, target: p.target };
      }
    }
  }
}
