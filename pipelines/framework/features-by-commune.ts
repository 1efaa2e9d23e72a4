/**
 * Points of a national file (millions) turned into per-commune feature lists
 * without holding them all: DuckDB streams them ordered by (PLM parent or
 * commune, commune), so one commune's list is complete when the next begins,
 * and Paris, Lyon and Marseille get their arrondissements' points when the
 * last arrondissement ends. Memory: one commune (or one PLM city) at a time.
 */
import type { CommuneRecord } from '../../src/contract/dataset.js';

export interface PlacedFeature { commune: string; feature: GeoJSON.Feature }

export async function* featuresByCommune(
  rows: AsyncIterable<PlacedFeature[]>, parentOf: (code: string) => string | undefined,
): AsyncIterable<[string, GeoJSON.Feature[]]> {
  let commune: string | undefined;
  let current: GeoJSON.Feature[] = [];
  let parent: string | undefined;
  let ofParent: GeoJSON.Feature[] = [];
  for await (const chunk of rows) {
    for (const { commune: code, feature } of chunk) {
      if (code !== commune) {
        if (commune !== undefined) yield [commune, current];
        const next = parentOf(code);
        if (parent !== undefined && next !== parent) { yield [parent, ofParent]; ofParent = []; }
        commune = code;
        parent = next;
        current = [];
      }
      current.push(feature);
      if (parent !== undefined) ofParent.push(feature);
    }
  }
  if (commune !== undefined) yield [commune, current];
  if (parent !== undefined) yield [parent, ofParent];
}

/**
 * Records of every code in `codes`: those with points as the stream gives
 * them, then the others (equipments without coordinates only) without features.
 */
export async function* recordsWithFeatures(
  codes: Iterable<string>, features: AsyncIterable<[string, GeoJSON.Feature[]]>,
  build: (code: string, features: GeoJSON.Feature[]) => CommuneRecord,
): AsyncIterable<CommuneRecord> {
  const left = new Set(codes);
  for await (const [code, list] of features) {
    if (!left.delete(code)) continue;
    yield build(code, list);
  }
  for (const code of left) yield build(code, []);
}
