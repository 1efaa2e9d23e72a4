/**
 * What the polygon sources (commune contours, IRIS, QPV) share, written once:
 * open the declared layers and bind their attributes by name (refusing a
 * file that lacks one), then — for a source attaching each polygon to one
 * commune — plan every feature from its attributes (re-keyed onto today's
 * communes with rekey.ts, filtered by the run's département scope) and
 * project the polygons commune by commune. A source declares only its layers,
 * how a feature names its commune, and its projector.
 */
import type { CommuneRecord } from '../../../src/contract/dataset.js';
import type { Areal } from '../../../src/geo/measure.js';
import { SourceError } from '../errors.js';
import { rekey } from '../rekey.js';
import type { SourceContext } from '../types.js';
import { FeaturePlan } from './feature-plan.js';
import { type FeatureSource, findField, openFeatureSources, type Properties, type SourceSelection } from './feature-source.js';

/** Among the layers found, the first tier matching any of them is read alone (e.g. one national layer of several variants). */
export interface LayerTier {
  format?: FeatureSource['format'];
  /** Tested on the layer's file name (last segment of its label). */
  name?: RegExp;
  notName?: RegExp;
}

export interface LayerSpec<K extends string> {
  select: SourceSelection;
  prefer?: LayerTier[];
  /** Problem reported when no layer is found. */
  none: string;
  /** Each attribute the source reads, by its accepted spellings (first present wins). */
  attributes: Record<K, readonly string[]>;
  optional?: readonly K[];
  /** Problem (and column to name) when a layer lacks a required attribute. */
  missing(names: readonly string[], found: string[]): { problem: string; column?: string };
}

export interface Layer<K extends string> {
  source: FeatureSource;
  /** The layer's field for each attribute, undefined when an optional one is absent. */
  fields: Record<K, string | undefined>;
}

export type Attributes<K extends string> = Record<K, unknown>;

function chooseLayers(sources: FeatureSource[], tiers: LayerTier[] = []): FeatureSource[] {
  const name = (s: FeatureSource) => s.label.split(/[!/\\]/).pop() ?? s.label;
  for (const tier of tiers) {
    const chosen = sources.filter((s) => (!tier.format || s.format === tier.format) && (!tier.name || tier.name.test(name(s))) && (!tier.notName || !tier.notName.test(name(s))));
    if (chosen.length) return chosen;
  }
  return sources;
}

/** The declared layers of the run's files with their attributes bound; `ignored`: labels of layers left aside by `prefer`. */
export async function openLayers<K extends string>(
  ctx: Pick<SourceContext, 'source' | 'files' | 'workDir'>, spec: LayerSpec<K>,
): Promise<{ layers: Layer<K>[]; ignored: string[] }> {
  const all = await openFeatureSources(ctx.files, ctx.workDir, spec.select);
  const chosen = chooseLayers(all, spec.prefer);
  if (!chosen.length) throw new SourceError(ctx.source.id, ctx.files.join(', '), spec.none);
  const layers: Layer<K>[] = [];
  for (const source of chosen) {
    const found = await source.fields();
    const fields = {} as Record<K, string | undefined>;
    for (const key of Object.keys(spec.attributes) as K[]) {
      const names = spec.attributes[key];
      fields[key] = findField(found, [...names]);
      if (!fields[key] && !spec.optional?.includes(key)) {
        const { problem, column } = spec.missing(names, found);
        throw new SourceError(ctx.source.id, source.label, problem, 1, column);
      }
    }
    layers.push({ source, fields });
  }
  return { layers, ignored: all.filter((s) => !chosen.includes(s)).map((s) => s.label) };
}

/** A feature's values of the declared attributes (undefined for an absent optional one). */
export function attributesOf<K extends string>(layer: Layer<K>, properties: Properties): Attributes<K> {
  const out = {} as Attributes<K>;
  for (const key of Object.keys(layer.fields) as K[]) {
    const field = layer.fields[key];
    out[key] = field === undefined ? undefined : properties[field];
  }
  return out;
}

/** The files read, for the source's metadata. */
export function layerFiles(layers: Layer<string>[]): { fichier: string; format: string; epsg: number }[] {
  return layers.map((x) => ({ fichier: x.source.label, format: x.source.format, epsg: x.source.epsg() ?? 4326 }));
}

export interface CommunePlanSpec<K extends string> {
  /**
   * The commune code a feature designates, as written in the source (re-keyed
   * here), or why it is refused; `commune` then scopes the refusal (none: the
   * feature is refused whatever the départements asked).
   */
  commune(attributes: Attributes<K>, layer: Layer<K>): string | { reason: string; commune?: string };
  /** Refuses a feature whose key an earlier in-scope feature had. */
  unique?: { key(attributes: Attributes<K>): string; reason: string };
  /** Told of every feature planned (for the source's own counts). */
  planned?(attributes: Attributes<K>, layer: Layer<K>, target: string): void;
}

/** Pass 1, attributes only: each feature's current commune, rejection or scope skip. */
export async function planPolygons<K extends string>(
  ctx: Pick<SourceContext, 'referential' | 'scope' | 'report'>, layers: Layer<K>[], spec: CommunePlanSpec<K>,
): Promise<FeaturePlan> {
  const plan = new FeaturePlan();
  const seen = new Set<string>();
  for (const [i, layer] of layers.entries()) {
    for await (const { index, properties } of layer.source.attributes()) {
      const a = attributesOf(layer, properties);
      const found = spec.commune(a, layer);
      if (typeof found !== 'string') {
        plan.set(i, index, found.commune === undefined || ctx.scope.includes(found.commune) ? { reason: found.reason } : { skip: true });
        continue;
      }
      const r = rekey(found, ctx.referential);
      if (!r.ok) {
        plan.set(i, index, ctx.scope.includes(found) ? { reason: r.reason } : { skip: true });
        continue;
      }
      if (!ctx.scope.includes(r.code)) {
        plan.set(i, index, { skip: true });
        continue;
      }
      if (spec.unique) {
        const key = spec.unique.key(a);
        if (seen.has(key)) {
          plan.set(i, index, { reason: spec.unique.reason });
          continue;
        }
        seen.add(key);
      }
      spec.planned?.(a, layer, r.code);
      plan.set(i, index, { target: r.code });
    }
  }
  if (plan.outOfScope) ctx.report.note('hors des départements demandés', plan.outOfScope);
  return plan;
}

/** Turns the polygons of each commune into records, as soon as it can (see GroupProjector). */
export interface PolygonProjector<T> {
  add(target: string, part: T): CommuneRecord | undefined;
  finish(): Iterable<CommuneRecord>;
}

/** Pass 2: the planned polygons, made into parts and projected; `end` is told which communes got a record. */
export async function* projectPolygons<K extends string, T>(
  ctx: Pick<SourceContext, 'source' | 'report' | 'progress'>, layers: Layer<K>[], plan: FeaturePlan, spec: {
    phase: string;
    part(attributes: Attributes<K>, geometry: Areal, target: string): T;
    projector: PolygonProjector<T>;
    end?(done: Set<string>): void;
  },
): AsyncGenerator<CommuneRecord> {
  const done = new Set<string>();
  for await (const { layer, feature, target } of plan.polygons(layers, ctx, spec.phase)) {
    ctx.report.projected();
    const record = spec.projector.add(target, spec.part(attributesOf(layer, feature.properties), feature.geometry, target));
    if (!record) continue;
    done.add(record.code);
    yield record;
  }
  for (const record of spec.projector.finish()) {
    done.add(record.code);
    yield record;
  }
  spec.end?.(done);
}
