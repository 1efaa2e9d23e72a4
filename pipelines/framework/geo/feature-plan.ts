/**
 * The reading loop the polygon sources share. Every feature gets a decision:
 * a target (a commune, or whatever the source attaches polygons to), a
 * rejection reason, or out of the requested départements. `readPolygons`
 * applies the decisions while reading geometry once, keeping the run report
 * exact (every in-scope feature read is projected by the caller or rejected
 * here). `FeaturePlan` holds the decisions of a first, attributes-only pass:
 * codes, never geometry, so memory stays bounded on national files.
 */
import type { SourceContext } from '../types.js';
import { SourceError } from '../errors.js';
import type { FeatureSource, SourceFeature } from './feature-source.js';
import { isAreal, type Areal } from '../../../src/geo/measure.js';

export type Decision<T> = { target: T } | { reason: string } | { skip: true };
export type PlanEntry = Decision<string>;

type ReadContext = Pick<SourceContext, 'source' | 'report' | 'progress'>;

export interface DecidedPolygon<L, T> {
  layer: L;
  feature: SourceFeature & { geometry: Areal };
  target: T;
}

/**
 * One pass over the features with their geometry: skipped ones are not read,
 * rejected ones are counted with their reason, and planned ones without a
 * polygon are rejected too (`dropped` is told, so that group sizes counted
 * beforehand can shrink). `decide` is called just before a feature is read.
 */
export async function* readPolygons<L extends { source: FeatureSource }, T>(
  layers: L[], ctx: ReadContext, phase: string,
  decide: (feature: SourceFeature, layer: L, layerIndex: number) => Decision<T>,
  options: { total?: number; dropped?: (target: T) => void } = {},
): AsyncGenerator<DecidedPolygon<L, T>> {
  let read = 0;
  for (const [i, layer] of layers.entries()) {
    for await (const feature of layer.source.features()) {
      const p = decide(feature, layer, i);
      if ('skip' in p) continue;
      ctx.report.read();
      ctx.progress.update(phase, ++read, options.total);
      if ('reason' in p) {
        ctx.report.rejected(p.reason);
        continue;
      }
      if (!isAreal(feature.geometry)) {
        ctx.report.rejected(feature.geometry ? 'géométrie non surfacique' : 'géométrie absente');
        options.dropped?.(p.target);
        continue;
      }
      yield { layer, feature: feature as SourceFeature & { geometry: Areal }, target: p.target };
    }
  }
}

export class FeaturePlan {
  private readonly entries = new Map<string, PlanEntry>();
  /** Planned features per target: the group sizes, shrunk when a planned feature has no polygon. */
  readonly expected = new Map<string, number>();

  set(input: number, index: number, entry: PlanEntry): void {
    this.entries.set(`${input}:${index}`, entry);
    if ('target' in entry) this.expected.set(entry.target, (this.expected.get(entry.target) ?? 0) + 1);
  }

  /** Features outside the requested départements: neither read nor rejected. */
  get outOfScope(): number {
    let n = 0;
    for (const p of this.entries.values()) if ('skip' in p) n++;
    return n;
  }

  /** Pass 2: the areal features with their target commune, as planned. */
  polygons<L extends { source: FeatureSource }>(layers: L[], ctx: ReadContext, phase: string): AsyncGenerator<DecidedPolygon<L, string>> {
    return readPolygons(layers, ctx, phase, (feature, layer, i) => {
      const p = this.entries.get(`${i}:${feature.index}`);
      if (!p) throw new SourceError(ctx.source.id, layer.source.label, 'le fichier a changé entre deux lectures', feature.index);
      return p;
    }, {
      total: this.entries.size - this.outOfScope,
      dropped: (target) => this.expected.set(target, (this.expected.get(target) ?? 1) - 1),
    });
  }
}
